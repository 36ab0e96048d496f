/**
 * @module Command-line options shared by the commands, parsed with node:util's parseArgs.
 */
import path = require("node:path");
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InventoryError, NoInventoryOutputsError, UsageError } from "../errors";
import { clockVariable, parseInstant } from "../rotation/clock";
import { localStackOutputs } from "../engine/local-stack";
import { formatProblem, loadInventory } from "../inventory/load-inventory";
import { hasInventoryOutputs, type StackOutputValues } from "../inventory/stack-outputs";
import { modelFromInventory, modelFromOutputs, type ReportModel } from "../report/report-model";
import { readOutputsFile } from "./outputs-file";

/** Options of every command that works on a stack. */
export const stackOptions = {
  stack: { type: "string", default: "demo" },
  state: { type: "string" },
  "work-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

export const stackOptionsHelp = `  --stack NAME     stack name (default: demo)
  --state DIR      file backend folder (default: PULUMI_BACKEND_URL when set, else .pulumi-state in
                   the working directory)
  --work-dir DIR   folder of Pulumi.yaml (default: the working directory)`;

/** Parses `argv` for `options`; a usage error names the command and how to get help. */
export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  argv: readonly string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message} (see salesforce-certs ${command} --help)`);
  }
}

/** Where a stack lives, from parsed stack options. */
export function stackLocation(values: { stack?: string; state?: string; "work-dir"?: string }) {
  const cwd = process.cwd();
  const backendUrl = values.state === undefined ? process.env["PULUMI_BACKEND_URL"] : undefined;
  return {
    stackName: values.stack ?? "demo",
    stateDir: path.resolve(values.state ?? path.join(cwd, ".pulumi-state")),
    workDir: path.resolve(values["work-dir"] ?? cwd),
    ...(backendUrl ? { backendUrl } : {}),
  };
}

/** Plain output values of a stack on the local backend (secrets included: callers must not print them). */
export async function readStackOutputs(values: {
  stack?: string;
  state?: string;
  "work-dir"?: string;
}): Promise<StackOutputValues> {
  const location = stackLocation(values);
  const where = location.backendUrl ?? location.stateDir;
  const outputs = await localStackOutputs(location, (notice) => console.error(`[salesforce-certs] ${notice}`));
  // A stack of the inventory program always has these: without them, the answer would be a false "all clear".
  if (!hasInventoryOutputs(outputs)) {
    throw new NoInventoryOutputsError(
      `stack '${location.stackName}' in ${where} has no inventory outputs (certificates): run salesforce-certs up with an inventory first`,
    );
  }
  return outputs;
}

/**
 * The stack outputs from `--outputs FILE`, else the local stack, and how messages name where they came from.
 * @throws OutputsFileError `ERR_OUTPUTS_FILE` (the file cannot be read or is not a JSON object),
 * `ERR_NO_STACK`, `ERR_NO_INVENTORY_OUTPUTS`.
 */
export async function inventoryOutputs(values: {
  outputs?: string;
  stack?: string;
  state?: string;
  "work-dir"?: string;
}): Promise<{ outputs: StackOutputValues; source: string }> {
  if (values.outputs !== undefined)
    return { outputs: readOutputsFile(values.outputs), source: `stack outputs in ${values.outputs}` };
  return { outputs: await readStackOutputs(values), source: `stack ${values.stack ?? "demo"}` };
}

/**
 * The report model from `--outputs FILE`, `--inventory FILE`, or the local stack.
 * @throws OutputsFileError `ERR_OUTPUTS_FILE` (the file cannot be read or is not a JSON object),
 * `ERR_OUTPUTS` (outputs the model refuses), `ERR_NO_STACK`, `ERR_NO_INVENTORY_OUTPUTS`, `ERR_INVENTORY`.
 */
export async function reportModel(values: {
  outputs?: string;
  inventory?: string;
  stack?: string;
  state?: string;
  "work-dir"?: string;
}): Promise<ReportModel> {
  if (values.outputs === undefined && values.inventory) {
    const loaded = loadInventory(values.inventory);
    if (!loaded.ok) throw new InventoryError(loaded.problems.map(formatProblem).join("\n"));
    return modelFromInventory(loaded.inventory, `inventory ${values.inventory} (not deployed: no dates yet)`);
  }
  const { outputs, source } = await inventoryOutputs(values);
  return modelFromOutputs(outputs, source);
}

/**
 * `--now ISO`, else SALESFORCE_CERTS_NOW, else the wall clock. Only a full ISO 8601 instant with a zone
 * is taken; an error names what was given (the option or the variable).
 * @throws UsageError `ERR_USAGE` when the option or the variable is not such an instant.
 */
export function nowFrom(value: string | undefined): Date {
  const fromEnv = value === undefined;
  const text = value ?? process.env[clockVariable];
  // An empty variable is unset, as in most tools; an empty --now was given on purpose and is an error.
  if (text === undefined || (fromEnv && text === "")) return new Date();
  const parsed = parseInstant(text);
  if (typeof parsed === "string")
    throw new UsageError(`${fromEnv ? clockVariable : "--now"} ${parsed} (got ${JSON.stringify(text)})`);
  return parsed;
}

/** Most days a day option takes: a hundred years. */
export const maxDays = 36_500;

/**
 * A whole number of days from an option (`--within 30`): digits only, so `""`, `1e3`, `0x10`, `2.5` and
 * ` 7` are refused rather than read as 0, 1000, 16 or 2.
 * @throws UsageError `ERR_USAGE` naming `command` and `option` when `value` is missing or not such a number.
 */
export function daysFrom(command: string, option: string, value: string | undefined): number {
  if (value === undefined)
    throw new UsageError(`${command}: ${option} DAYS is required (see salesforce-certs ${command} --help)`);
  const days = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(days <= maxDays)) {
    throw new UsageError(
      `${command}: ${option} must be a whole number of days from 0 to ${maxDays} (got ${JSON.stringify(value)})`,
    );
  }
  return days;
}
