/**
 * @module The resources of a stack as its checkpoint holds them (`pulumi stack export`), and which of
 * ours the inventory of a run no longer declares.
 */
import fs = require("node:fs");
import path = require("node:path");
import { parse as parseYaml } from "yaml";
import { defaultInventoryPath } from "../inventory/inventory-program";
import { loadInventory } from "../inventory/load-inventory";
import type { PulumiCli } from "./pulumi-cli";
import { engineError, type StackRun } from "./stack-run";

/** Resource types whose removal deletes key material or an integration's credentials. */
const ourTypePrefix = "pulumi-nodejs:dynamic/salesforce:";

/** A resource of the stack, as its checkpoint holds it. */
export interface StackResource {
  urn: string;
  /** The last part of the URN: the inventory's name for our resources. */
  name: string;
  /** Our type without its prefix (`CertificateAndKeyPair`), or the whole type for others. */
  type: string;
  ours: boolean;
  protect: boolean;
}

/** The resources of the stack: ours only, or (`all`) every one but the stack itself. */
export function stackResources(stack: StackRun, all = false): StackResource[] {
  const exported = stack.cli.capture(["stack", "export"]);
  if (exported.status !== 0) throw engineError(stack, "pulumi stack export", exported.stderr);
  const deployment = (
    JSON.parse(exported.stdout) as {
      deployment?: { resources?: { urn: string; type: string; protect?: boolean; delete?: boolean }[] };
    }
  ).deployment;
  return (deployment?.resources ?? [])
    .filter((r) => r.type !== "pulumi:pulumi:Stack" && r.delete !== true)
    .map((r) => {
      const ours = r.type.startsWith(ourTypePrefix);
      return {
        urn: r.urn,
        name: r.urn.slice(r.urn.lastIndexOf("::") + 2),
        type: ours ? r.type.slice(ourTypePrefix.length) : r.type,
        ours,
        protect: r.protect === true,
      };
    })
    .filter((r) => all || r.ours);
}

/**
 * True when the project runs this package's inventory program (its Pulumi.yaml's `main`): then each of
 * our resources is an inventory entry of the same name, and what the inventory drops is known before
 * the engine runs. A program of one's own says itself what it keeps (Pulumi's `protect`).
 */
export function runsInventoryProgram(projectFile: string): boolean {
  let main: unknown;
  try {
    main = (parseYaml(fs.readFileSync(projectFile, "utf8")) as { main?: unknown } | null)?.main;
  } catch {
    return false;
  }
  if (typeof main !== "string") return false;
  const real = (file: string) => {
    try {
      return fs.realpathSync(file);
    } catch {
      return undefined;
    }
  };
  const ours = real(path.join(__dirname, "..", "inventory", "inventory-main.js"));
  return ours !== undefined && real(path.resolve(path.dirname(projectFile), main)) === ours;
}

/** Our resources in the stack that the inventory of this run (`inventory`, else the configured one) no longer declares. */
export function droppedResources(
  cli: PulumiCli,
  resources: readonly StackResource[],
  inventory: string | undefined,
): StackResource[] {
  const loaded = loadInventory(inventory ?? configuredInventory(cli));
  if (!loaded.ok) return []; // the program reports every problem, and deletes nothing
  const declared = new Set([
    ...Object.keys(loaded.inventory.certificates),
    ...Object.keys(loaded.inventory.jwtIntegrations),
    ...Object.keys(loaded.inventory.samlBindings),
  ]);
  return resources.filter((r) => !declared.has(r.name));
}

/**
 * The inventory the program takes when --inventory is not given, in its order (inventory-program.ts):
 * SALESFORCE_CERTS_INVENTORY, else the stack config, else the example; relative to the project folder,
 * where the program runs.
 */
export function configuredInventory(cli: PulumiCli): string {
  const fromEnvironment = process.env["SALESFORCE_CERTS_INVENTORY"];
  if (fromEnvironment) return path.resolve(cli.project.workDir, fromEnvironment);
  const got = cli.capture(["config", "get", "salesforce-certs:inventory"]);
  if (got.status === 0 && got.stdout.trim()) return path.resolve(cli.project.workDir, got.stdout.trim());
  return defaultInventoryPath;
}
