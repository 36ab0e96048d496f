/**
 * @module The product's main Pulumi program: reads the inventory named by stack config
 * `salesforce-certs:inventory` (or SALESFORCE_CERTS_INVENTORY, default: the Greenmoor example) and
 * declares everything in it. An invalid inventory stops the program before any resource is declared.
 */
import path = require("node:path");
import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "../errors";
import { declareInventory } from "./declare-inventory";
import { loadInventory } from "./load-inventory";

/** The example inventory, used when no other is configured. */
export const defaultInventoryPath = path.resolve(__dirname, "..", "..", "..", "examples", "greenmoor", "inventory.yaml");

/** The inventory file this stack uses. */
export function configuredInventoryPath(): string {
  const configured = new pulumi.Config("salesforce-certs").get("inventory") ?? process.env["SALESFORCE_CERTS_INVENTORY"];
  return configured ? path.resolve(configured) : defaultInventoryPath;
}

export default async function inventoryProgram(): Promise<Record<string, pulumi.Input<unknown>>> {
  const file = configuredInventoryPath();
  const loaded = loadInventory(file, path.relative(process.cwd(), file) || file);
  if (!loaded.ok) {
    throw new ValidationError(`inventory (nothing was created or changed)`, loaded.problems.map((p) => ({ path: `${p.file}:${p.line}:${p.col} ${p.path}`, message: p.message })));
  }
  return declareInventory(loaded.inventory);
}
