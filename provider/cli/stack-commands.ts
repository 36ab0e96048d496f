/**
 * @module `up`, `preview`, `destroy`, `outputs` of a stack: each runs the real `pulumi` command on the
 * project folder (its Pulumi.yaml runs the inventory program), as a user's own `pulumi up` would, and
 * adds what the inventory needs: the inventory file for one run, acknowledged deletions, the outputs
 * with secrets masked, and the report.
 */
import fs = require("node:fs");
import path = require("node:path");
import { packageRoot } from "../engine/engine-environment";
import { findStaleLocks, projectNameIn, repairKilledUpdate } from "../engine/local-stack";
import { PulumiCli } from "../engine/pulumi-cli";
import { restrictStatePermissions } from "../engine/state-permissions";
import { SalesforceCertsError } from "../errors";
import { defaultInventoryPath } from "../inventory/inventory-program";
import { loadInventory } from "../inventory/load-inventory";
import { modelFromOutputs } from "../report/report-model";
import { renderReport } from "../report/render-report";
import { nowFrom, parse, stackLocation, stackOptions, stackOptionsHelp } from "./options";
import { printOutputs } from "./print-outputs";

export const stackCommandsHelp = `usage: salesforce-certs up|preview|destroy|outputs [--inventory FILE] [--allow-delete NAME,...]

  up        preview, then deploy (pulumi up); prints the outputs (secrets hidden) and the report
  preview   show what up would change, and why (rotations, phases)
  destroy   delete every resource of the stack and its private keys (asked for: protection is lifted)
  outputs   print every stack output in full (secrets hidden)

  --inventory FILE      the inventory to deploy; after a successful up it is kept in the stack config
                        salesforce-certs:inventory (default: that config, else
                        examples/greenmoor/inventory.yaml)
  --allow-delete NAMES  up only: comma-separated certificates/integrations removed from the inventory
                        whose deletion (with their private keys) you acknowledge; without it, up
                        refuses to delete them
${stackOptionsHelp}`;

/** Resource types whose removal deletes key material or an integration's credentials. */
const ourTypePrefix = "pulumi-nodejs:dynamic/salesforce:";

export async function stackCommand(command: "up" | "preview" | "destroy" | "outputs", argv: readonly string[]): Promise<number> {
  const { values } = parse(command, argv, { ...stackOptions, inventory: { type: "string" }, "allow-delete": { type: "string" } });
  if (values.help) {
    console.log(stackCommandsHelp);
    return 0;
  }
  if (values["allow-delete"] !== undefined && command !== "up") {
    throw new SalesforceCertsError("ERR_USAGE", `${command}: --allow-delete is for up only (see salesforce-certs up --help)`);
  }
  if (values.inventory !== undefined && (command === "destroy" || command === "outputs")) {
    throw new SalesforceCertsError("ERR_USAGE", `${command}: --inventory is for up and preview only (see salesforce-certs ${command} --help)`);
  }
  // The provider reads its clock from SALESFORCE_CERTS_NOW: a bad value is named here, before the engine runs.
  nowFrom(undefined);
  const location = stackLocation(values);
  const inventory = values.inventory === undefined ? undefined : path.resolve(values.inventory);
  if (inventory !== undefined && !fs.existsSync(inventory)) {
    throw new SalesforceCertsError("ERR_USAGE", `${command}: --inventory ${values.inventory}: no such file`);
  }
  const allowDelete = (values["allow-delete"] ?? "").split(",").map((n) => n.trim()).filter(Boolean);
  // The inventory of this run only: the stack config changes after a successful up, never before.
  // Made first: a missing engine or passphrase stops here, before any file is written.
  const cli = new PulumiCli(location, { SALESFORCE_CERTS_CWD: process.cwd(), ...(inventory ? { SALESFORCE_CERTS_INVENTORY: inventory } : {}) });
  const projectFile = ensureProjectFile(location.workDir);
  const projectName = projectNameIn(projectFile);
  console.log(`[salesforce-certs] ${command}: stack '${location.stackName}' of ${projectFile}, state in ${location.backendUrl ?? location.stateDir}`);

  if (!location.backendUrl) fs.mkdirSync(location.stateDir, { recursive: true, mode: 0o700 });
  const stackConfig = path.join(location.workDir, `Pulumi.${location.stackName}.yaml`);
  try {
    if (command === "outputs" || command === "destroy") requireStack(cli);
    else selectOrCreateStack(cli);
    if (command !== "outputs") releaseKilledUpdate(cli, projectName);

    switch (command) {
      case "preview":
        warnAboutRemovals(cli, stackResources(cli), inventory, []);
        return exitCode(await cli.stream(["preview", "--diff", "--suppress-outputs"]));
      case "up": {
        // One export of the stack serves both: what the inventory drops, and what --allow-delete names.
        const resources = stackResources(cli);
        warnAboutRemovals(cli, resources, inventory, allowDelete);
        const unprotected = unprotectAcknowledged(cli, resources, allowDelete);
        const code = await cli.stream(["up", "--yes", "--suppress-outputs"]);
        if (code !== 0) {
          for (const urn of unprotected) cli.capture(["state", "protect", urn, "--yes"]);
          return exitCode(code);
        }
        if (inventory) cli.capture(["config", "set", "salesforce-certs:inventory", inventory]);
        const outputs = maskedOutputs(cli);
        printOutputs(outputs, console.log, true);
        if (outputs["certificates"]) console.log(`\n${renderReport(modelFromOutputs(outputs, `stack ${location.stackName}`), nowFrom(undefined))}`);
        return 0;
      }
      case "destroy": {
        // The user asked for every key to go: lift the inventory's protection, then destroy.
        const lifted = cli.capture(["state", "unprotect", "--all", "--yes"]);
        if (lifted.status !== 0 && !/no resources|nothing to unprotect/i.test(lifted.stderr)) process.stderr.write(lifted.stderr);
        return exitCode(await cli.stream(["destroy", "--yes", "--suppress-outputs"]));
      }
      case "outputs":
        printOutputs(maskedOutputs(cli));
        return 0;
    }
    return 2;
  } finally {
    if (!location.backendUrl) restrictStatePermissions(location.stateDir, [stackConfig]);
  }
}

/** Pulumi exits 255 on a failed update; the command line says 1, as for every other failure. */
function exitCode(code: number): number {
  return code === 0 ? 0 : 1;
}

/**
 * The folder's Pulumi.yaml; when there is none, one is written that runs this package's inventory
 * program (what `salesforce-certs up` in an inventory repository needs).
 */
function ensureProjectFile(workDir: string): string {
  const file = path.join(workDir, "Pulumi.yaml");
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(workDir, { recursive: true });
  const main = path.relative(workDir, path.join(packageRoot, "build", "provider", "inventory", "inventory-main.js"));
  fs.writeFileSync(
    file,
    `# Written by salesforce-certs: runs the inventory program of pulumi-salesforce-certs (plain \`pulumi up\` works too).\nname: salesforce-certs\nruntime: nodejs\nmain: ${main}\n`,
  );
  console.log(`[salesforce-certs] wrote ${file} (the inventory program of pulumi-salesforce-certs)`);
  return file;
}

function selectOrCreateStack(cli: PulumiCli): void {
  const selected = cli.capture(["stack", "select", "--create", cli.project.stackName], false);
  if (selected.status !== 0) throw new SalesforceCertsError("ERR_ENGINE", `pulumi stack select ${cli.project.stackName}: ${selected.stderr.trim()}`);
}

function requireStack(cli: PulumiCli): void {
  const selected = cli.capture(["stack", "select", cli.project.stackName], false);
  if (selected.status !== 0) {
    throw new SalesforceCertsError(
      "ERR_NO_STACK",
      `stack '${cli.project.stackName}' does not exist in ${cli.project.backendUrl ?? cli.project.stateDir}: run salesforce-certs up first, or name the stack with --stack`,
    );
  }
}

/** A killed `pulumi up` leaves its lock (and maybe cut files): repair, release, and say so. */
function releaseKilledUpdate(cli: PulumiCli, projectName: string): void {
  if (cli.project.backendUrl) return;
  for (const notice of repairKilledUpdate(cli.project.stateDir, projectName, cli.project.stackName)) console.log(`[salesforce-certs] ${notice}`);
  const stale = findStaleLocks(cli.project.stateDir, projectName, cli.project.stackName);
  if (stale.length === 0) return;
  const cancelled = cli.capture(["cancel", "--yes"]);
  if (cancelled.status !== 0) throw new SalesforceCertsError("ERR_ENGINE", `pulumi cancel: ${cancelled.stderr.trim()}`);
  for (const lock of stale) {
    console.log(`[salesforce-certs] released the lock of an update that was killed (pid ${lock.pid}, started ${lock.timestamp}); continuing from the state it left`);
  }
}

/** Our resources in the stack: name → URN and whether it is protected. */
type StackResources = Map<string, { urn: string; type: string; protect: boolean }>;

function stackResources(cli: PulumiCli): StackResources {
  const exported = cli.capture(["stack", "export"]);
  if (exported.status !== 0) throw new SalesforceCertsError("ERR_ENGINE", `pulumi stack export: ${exported.stderr.trim()}`);
  const deployment = (JSON.parse(exported.stdout) as { deployment?: { resources?: { urn: string; type: string; protect?: boolean }[] } }).deployment;
  const found: StackResources = new Map();
  for (const resource of deployment?.resources ?? []) {
    if (!resource.type.startsWith(ourTypePrefix)) continue;
    found.set(resource.urn.slice(resource.urn.lastIndexOf("::") + 2), { urn: resource.urn, type: resource.type.slice(ourTypePrefix.length), protect: resource.protect === true });
  }
  return found;
}

/** Says, before the engine runs, which resources the inventory no longer declares and what deleting them means. */
function warnAboutRemovals(cli: PulumiCli, resources: StackResources, inventory: string | undefined, allowDelete: readonly string[]): void {
  const file = inventory ?? configuredInventory(cli);
  if (!file) return;
  const loaded = loadInventory(file);
  if (!loaded.ok) return; // the program reports every problem
  const declared = new Set([...Object.keys(loaded.inventory.certificates), ...Object.keys(loaded.inventory.jwtIntegrations), ...Object.keys(loaded.inventory.samlBindings)]);
  for (const [name, resource] of resources) {
    if (declared.has(name)) continue;
    const what = resource.type === "CertificateAndKeyPair" ? "its private key and certificate" : "its metadata and credentials";
    if (allowDelete.includes(name)) console.log(`[salesforce-certs] ${resource.type} ${name} is no longer in the inventory: deleting it and ${what}, as --allow-delete says`);
    else {
      console.log(
        `[salesforce-certs] ${resource.type} ${name} is no longer in the inventory: up would delete ${what}, so it refuses while ${name} is protected; to delete it, run salesforce-certs up --allow-delete ${name} (or put it back in the inventory)`,
      );
    }
  }
}

/** The inventory the stack config names (or the default the program would take). */
function configuredInventory(cli: PulumiCli): string | undefined {
  const got = cli.capture(["config", "get", "salesforce-certs:inventory"]);
  if (got.status === 0 && got.stdout.trim()) return got.stdout.trim();
  if (process.env["SALESFORCE_CERTS_INVENTORY"]) return process.env["SALESFORCE_CERTS_INVENTORY"];
  return defaultInventoryPath;
}

/** Lifts protection from the resources `names` acknowledges; returns their URNs. */
function unprotectAcknowledged(cli: PulumiCli, resources: StackResources, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const unknown = names.filter((n) => !resources.has(n));
  if (unknown.length > 0) {
    throw new SalesforceCertsError("ERR_USAGE", `up: --allow-delete names ${unknown.join(", ")}, which stack '${cli.project.stackName}' does not hold (nothing was changed)`);
  }
  const urns: string[] = [];
  for (const name of names) {
    const { urn, protect } = resources.get(name)!;
    if (!protect) continue;
    const result = cli.capture(["state", "unprotect", urn, "--yes"]);
    if (result.status !== 0) throw new SalesforceCertsError("ERR_ENGINE", `pulumi state unprotect ${urn}: ${result.stderr.trim()}`);
    urns.push(urn);
  }
  return urns;
}

/** The stack outputs as `pulumi stack output --json` prints them: every secret, at any depth, as "[secret]". */
function maskedOutputs(cli: PulumiCli): Record<string, unknown> {
  const result = cli.capture(["stack", "output", "--json"]);
  if (result.status !== 0) throw new SalesforceCertsError("ERR_ENGINE", `pulumi stack output: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}
