/**
 * @module The options every stack command shares (program, stack, state folder), parsed from argv.
 */
import path = require("node:path");
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { SalesforceCertsError } from "../errors";

/** Options of `up`, `preview`, `destroy` and `outputs`. */
export interface StackCommandOptions {
  /** Module whose default export is the Pulumi program. */
  programPath: string;
  stackName: string;
  stateDir: string;
  workDir: string;
}

/** Usage text shared by the stack commands. */
export const stackCommandUsage = `options:
  --program FILE   module whose default export is the Pulumi program (required for up and preview)
  --stack NAME     stack name (default: demo)
  --state DIR      file backend folder (default: .pulumi-state in the working directory)
  --work-dir DIR   folder of Pulumi.yaml (default: the working directory)`;

/** Parses `--program`, `--stack`, `--state`, `--work-dir`; throws on anything else. */
export function parseStackCommandOptions(argv: readonly string[]): StackCommandOptions {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (!["--program", "--stack", "--state", "--work-dir"].includes(flag) || value === undefined) {
      throw new SalesforceCertsError("ERR_USAGE", `unexpected argument '${flag}'\n${stackCommandUsage}`);
    }
    values[flag] = value;
  }
  const cwd = process.cwd();
  return {
    programPath: values["--program"] ? path.resolve(values["--program"]) : "",
    stackName: values["--stack"] ?? "demo",
    stateDir: path.resolve(values["--state"] ?? path.join(cwd, ".pulumi-state")),
    workDir: path.resolve(values["--work-dir"] ?? cwd),
  };
}

/** Loads the program module; a program-less command (destroy, outputs) gets an empty program. */
export function loadProgram(programPath: string): PulumiFn {
  if (!programPath) return async () => ({});
  const loaded = require(programPath) as { default?: unknown };
  if (typeof loaded.default !== "function") {
    throw new SalesforceCertsError("ERR_USAGE", `${programPath} has no default export that is a function (the Pulumi program)`);
  }
  return loaded.default as PulumiFn;
}
