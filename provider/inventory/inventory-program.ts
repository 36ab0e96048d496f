/**
 * @module The product's main Pulumi program: reads the inventory named by SALESFORCE_CERTS_INVENTORY (set
 * for one run, e.g. by `salesforce-certs up --inventory FILE`), else stack config
 * `salesforce-certs:inventory`, else the Greenmoor example, and declares everything in it. An invalid
 * inventory stops the program, with one message, before any resource is declared.
 */
import path = require("node:path");
import * as pulumi from "@pulumi/pulumi";
import { declareInventory } from "./declare-inventory";
import { formatProblem, loadInventory } from "./load-inventory";

/** The example inventory, used when no other is configured. */
export const defaultInventoryPath = path.resolve(
  __dirname,
  "..",
  "..",
  "..",
  "examples",
  "greenmoor",
  "inventory.yaml",
);

/** The inventory file this run uses: the environment variable (one run) wins over the stack config. */
export function configuredInventoryPath(): string {
  const configured =
    process.env["SALESFORCE_CERTS_INVENTORY"] || new pulumi.Config("salesforce-certs").get("inventory");
  return configured ? path.resolve(configured) : defaultInventoryPath;
}

/**
 * How problems name the file: relative to the folder the user works in, else absolute. The program runs
 * in its own folder, so that is the command line's folder (SALESFORCE_CERTS_CWD, which
 * `salesforce-certs` sets), else the project folder, else the shell's PWD.
 */
function displayPath(file: string): string {
  const base = process.env["SALESFORCE_CERTS_CWD"] || pulumi.runtime.getRootDirectory() || process.env["PWD"] || "";
  const relative = base ? path.relative(base, file) : "";
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

/**
 * Declares the configured inventory. An invalid one ends the program with a `RunError`, which the engine
 * prints once, without a stack trace: every problem as `file:line:col path: rule`.
 */
export async function inventoryProgram(): Promise<Record<string, pulumi.Input<unknown>>> {
  const file = configuredInventoryPath();
  const loaded = loadInventory(file, displayPath(file));
  if (!loaded.ok) {
    throw new pulumi.RunError(
      `invalid inventory (nothing was created or changed):\n${loaded.problems.map(formatProblem).join("\n")}`,
    );
  }
  return declareInventory(loaded.inventory);
}
