/**
 * @module `up`, `preview`, `destroy`, `outputs` of a stack: each runs the real `pulumi` command on the
 * project folder (its Pulumi.yaml runs the inventory program), as a user's own `pulumi up` would, and
 * adds what the inventory needs: the inventory file for one run, acknowledged deletions, the outputs
 * with secrets masked, and the report.
 */
import fs = require("node:fs");
import path = require("node:path");
import { parse as parseYaml } from "yaml";
import { packageRoot } from "../engine/engine-environment";
import { projectNameIn } from "../engine/local-stack";
import { clearJournal, journalPath, readJournal, writeJournal } from "../engine/protection-journal";
import { PulumiCli } from "../engine/pulumi-cli";
import { findStaleLocks, prepareStackFiles, stateFilePath, type StackFiles } from "../engine/stack-files";
import { secretsError } from "../engine/stack-secrets";
import { prepareStateFolder, restrictStatePermissions } from "../engine/state-permissions";
import { EngineError, NoStackError, RemovalRefusedError, type SalesforceCertsError, UsageError } from "../errors";
import { defaultInventoryPath } from "../inventory/inventory-program";
import { loadInventory } from "../inventory/load-inventory";
import { modelFromOutputs } from "../report/report-model";
import { renderReport } from "../report/render-report";
import { nowFrom, parse, stackLocation, stackOptions, stackOptionsHelp } from "./options";
import { printOutputs } from "./print-outputs";

export const stackCommandsHelp = `usage: salesforce-certs up|preview|destroy|outputs [--inventory FILE] [--allow-delete NAME,...]

  up        preview, then deploy (pulumi up); prints the outputs (secrets hidden) and the report
  preview   show what up would change, and why (rotations, phases)
  destroy   delete every resource of the stack and its private keys (asked for: protection is lifted
            for the deletion only; a destroy that fails or is interrupted gets it back)
  outputs   print every stack output in full (secrets hidden)

  --inventory FILE      the inventory to deploy; after a successful up it is kept in the stack config
                        salesforce-certs:inventory (default: that config, else
                        examples/greenmoor/inventory.yaml)
  --allow-delete NAMES  up only: comma-separated certificates/integrations removed from the inventory
                        whose deletion (with their private keys) you acknowledge; without it, up
                        refuses to delete them, whether or not they are protected
${stackOptionsHelp}`;

/** Resource types whose removal deletes key material or an integration's credentials. */
const ourTypePrefix = "pulumi-nodejs:dynamic/salesforce:";

export async function stackCommand(
  command: "up" | "preview" | "destroy" | "outputs",
  argv: readonly string[],
): Promise<number> {
  const { values } = parse(command, argv, {
    ...stackOptions,
    inventory: { type: "string" },
    "allow-delete": { type: "string" },
  });
  if (values.help) {
    console.log(stackCommandsHelp);
    return 0;
  }
  if (values["allow-delete"] !== undefined && command !== "up") {
    throw new UsageError(`${command}: --allow-delete is for up only (see salesforce-certs up --help)`);
  }
  if (values.inventory !== undefined && (command === "destroy" || command === "outputs")) {
    throw new UsageError(`${command}: --inventory is for up and preview only (see salesforce-certs ${command} --help)`);
  }
  // The provider reads its clock from SALESFORCE_CERTS_NOW: a bad value is named here, before the engine runs.
  nowFrom(undefined);
  const location = stackLocation(values);
  const inventory = values.inventory === undefined ? undefined : path.resolve(values.inventory);
  if (inventory !== undefined && !fs.existsSync(inventory)) {
    throw new UsageError(`${command}: --inventory ${values.inventory}: no such file`);
  }
  const allowDelete = (values["allow-delete"] ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  // The inventory of this run only: the stack config changes after a successful up, never before.
  // Made first: a missing engine or passphrase stops here, before any file is written.
  const cli = new PulumiCli(location, {
    SALESFORCE_CERTS_CWD: process.cwd(),
    ...(inventory ? { SALESFORCE_CERTS_INVENTORY: inventory } : {}),
  });
  const writes = command !== "outputs";
  if (!location.backendUrl) prepareStateFolder(location.stateDir, writes);
  const projectFile = ensureProjectFile(location.workDir);
  const projectName = projectNameIn(projectFile);
  console.log(
    `[salesforce-certs] ${command}: stack '${location.stackName}' of ${projectFile}, state in ${location.backendUrl ?? location.stateDir}`,
  );

  const stackConfig = path.join(location.workDir, `Pulumi.${location.stackName}.yaml`);
  const files: StackFiles | undefined = location.backendUrl
    ? undefined
    : { stateDir: location.stateDir, projectName, stackName: location.stackName, configFile: stackConfig };
  const stack: StackRun = {
    cli,
    files,
    journal: journalPath(location.backendUrl ? location.workDir : location.stateDir, projectName, location.stackName),
  };
  // The permission step before the engine writes anything: a folder that cannot be made private stops here.
  if (files && writes) restrictStatePermissions(location.stateDir, [stackConfig]);
  try {
    if (files) for (const notice of prepareStackFiles(files)) console.error(`[salesforce-certs] ${notice}`);
    if (command === "outputs" || command === "destroy") requireStack(cli);
    else selectOrCreateStack(cli);
    if (writes) {
      releaseKilledUpdate(cli, projectName);
      putBackProtection(stack, "an interrupted");
    }

    switch (command) {
      case "preview": {
        if (runsInventoryProgram(projectFile)) sayRemovals(droppedResources(cli, stackResources(stack), inventory), []);
        return engineExit(stack, await cli.stream(["preview", "--diff", "--suppress-outputs"]));
      }
      case "up": {
        // One export of the stack serves both: what the inventory drops, and what --allow-delete names.
        const resources = stackResources(stack);
        const dropped = runsInventoryProgram(projectFile) ? droppedResources(cli, resources, inventory) : [];
        sayRemovals(dropped, allowDelete);
        const unknown = allowDelete.filter((n) => !resources.some((r) => r.name === n));
        if (unknown.length > 0) {
          throw new UsageError(
            `up: --allow-delete names ${unknown.join(", ")}, which stack '${cli.project.stackName}' does not hold (nothing was changed)`,
          );
        }
        // Decided here, from the state and the inventory, whatever the resources' protect flags say.
        const refused = dropped.filter((d) => !allowDelete.includes(d.name));
        if (refused.length > 0) {
          const names = refused.map((d) => d.name).join(",");
          throw new RemovalRefusedError(
            `up: refused: the inventory no longer declares ${refused.map((d) => `${d.type} ${d.name}`).join(", ")}; up deletes ${refused.length === 1 ? "it" : "them"} (with ${refused.length === 1 ? "its" : "their"} keys or credentials) only when named: salesforce-certs up --allow-delete ${names} (nothing was changed)`,
          );
        }
        liftProtection(
          stack,
          "up --allow-delete",
          resources.filter((r) => allowDelete.includes(r.name)),
        );
        const code = await cli.stream(["up", "--yes", "--suppress-outputs"]);
        if (code !== 0) {
          putBackProtection(stack, "the failed");
          return engineExit(stack, code);
        }
        clearJournal(stack.journal);
        if (inventory) cli.capture(["config", "set", "salesforce-certs:inventory", inventory]);
        const outputs = maskedOutputs(cli);
        printOutputs(outputs, console.log, true);
        if (outputs["certificates"])
          console.log(
            `\n${renderReport(modelFromOutputs(outputs, `stack ${location.stackName}`), nowFrom(undefined))}`,
          );
        return 0;
      }
      case "destroy": {
        // The user asked for every key to go: lift protection from what destroy deletes (the journal
        // puts it back if destroy fails or is interrupted), then destroy.
        liftProtection(stack, "destroy", stackResources(stack, true));
        const code = await cli.stream(["destroy", "--yes", "--suppress-outputs"]);
        if (code !== 0) {
          putBackProtection(stack, "the failed");
          return engineExit(stack, code);
        }
        clearJournal(stack.journal);
        return 0;
      }
      case "outputs":
        printOutputs(maskedOutputs(cli));
        return 0;
    }
    return 2;
  } finally {
    if (files) {
      try {
        restrictStatePermissions(location.stateDir, [stackConfig]);
      } catch (error) {
        // The command's own outcome (or error) is what the user needs; this is said beside it.
        console.error(`[salesforce-certs] warning: ${(error as Error).message}`);
      }
    }
  }
}

/** The stack a command works on: its `pulumi` command, its files on a file backend, its protection journal. */
interface StackRun {
  cli: PulumiCli;
  files: StackFiles | undefined;
  journal: string;
}

/**
 * The exit code of a failed engine run (1, as for every failure; Pulumi says 255), unless the engine
 * failed on the stack's secrets: then the error that names the problem (exit 2).
 */
function engineExit(stack: StackRun, code: number): number {
  if (code === 0) return 0;
  const secrets = secretsFailure(stack);
  if (secrets) throw secrets;
  return 1;
}

/** Why the engine could not decrypt the stack's secrets (wrong passphrase, a changed secret), if that is why. */
function secretsFailure(stack: StackRun): SalesforceCertsError | undefined {
  const files = stack.files;
  if (!files) return undefined;
  return secretsError(
    files.stackName,
    stateFilePath(files.stateDir, files.projectName, files.stackName),
    stack.cli.env,
    files.configFile,
  );
}

/** An engine command that failed: the secrets problem behind it when there is one, else its own words. */
function engineError(stack: StackRun, what: string, stderr: string): SalesforceCertsError {
  return secretsFailure(stack) ?? new EngineError(`${what}: ${stderr.trim()}`);
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
  if (selected.status !== 0)
    throw new EngineError(`pulumi stack select ${cli.project.stackName}: ${selected.stderr.trim()}`);
}

function requireStack(cli: PulumiCli): void {
  const selected = cli.capture(["stack", "select", cli.project.stackName], false);
  if (selected.status !== 0) {
    throw new NoStackError(
      `stack '${cli.project.stackName}' does not exist in ${cli.project.backendUrl ?? cli.project.stateDir}: run salesforce-certs up first, or name the stack with --stack`,
    );
  }
}

/** A killed `pulumi up` leaves its lock (its cut files are repaired before: see prepareStackFiles): release it, and say so. */
function releaseKilledUpdate(cli: PulumiCli, projectName: string): void {
  if (cli.project.backendUrl) return;
  const stale = findStaleLocks(cli.project.stateDir, projectName, cli.project.stackName);
  if (stale.length === 0) return;
  const cancelled = cli.capture(["cancel", "--yes"]);
  if (cancelled.status !== 0) throw new EngineError(`pulumi cancel: ${cancelled.stderr.trim()}`);
  for (const lock of stale) {
    console.log(
      `[salesforce-certs] released the lock of an update that was killed (pid ${lock.pid}, started ${lock.timestamp}); continuing from the state it left`,
    );
  }
}

/** A resource of the stack, as its checkpoint holds it. */
interface StackResource {
  urn: string;
  /** The last part of the URN: the inventory's name for our resources. */
  name: string;
  /** Our type without its prefix (`CertificateAndKeyPair`), or the whole type for others. */
  type: string;
  ours: boolean;
  protect: boolean;
}

/** The resources of the stack: ours only, or (`all`) every one but the stack itself. */
function stackResources(stack: StackRun, all = false): StackResource[] {
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
function runsInventoryProgram(projectFile: string): boolean {
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
function droppedResources(
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

/** Says, before the engine runs, which resources the inventory no longer declares and what deleting them means. */
function sayRemovals(dropped: readonly StackResource[], allowDelete: readonly string[]): void {
  for (const resource of dropped) {
    const what =
      resource.type === "CertificateAndKeyPair" ? "its private key and certificate" : "its metadata and credentials";
    if (allowDelete.includes(resource.name))
      console.log(
        `[salesforce-certs] ${resource.type} ${resource.name} is no longer in the inventory: deleting it and ${what}, as --allow-delete says`,
      );
    else {
      console.log(
        `[salesforce-certs] ${resource.type} ${resource.name} is no longer in the inventory: up would delete ${what}, so it refuses; to delete it, run salesforce-certs up --allow-delete ${resource.name} (or put it back in the inventory)`,
      );
    }
  }
}

/**
 * The inventory the program takes when --inventory is not given, in its order (inventory-program.ts):
 * SALESFORCE_CERTS_INVENTORY, else the stack config, else the example; relative to the project folder,
 * where the program runs.
 */
function configuredInventory(cli: PulumiCli): string {
  const fromEnvironment = process.env["SALESFORCE_CERTS_INVENTORY"];
  if (fromEnvironment) return path.resolve(cli.project.workDir, fromEnvironment);
  const got = cli.capture(["config", "get", "salesforce-certs:inventory"]);
  if (got.status === 0 && got.stdout.trim()) return path.resolve(cli.project.workDir, got.stdout.trim());
  return defaultInventoryPath;
}

/**
 * Lifts the protection of `resources` (those that have it) for `command`'s deletion: the journal is
 * written first, so that a command interrupted at any point leaves a record of what to put back.
 */
function liftProtection(stack: StackRun, command: string, resources: readonly StackResource[]): void {
  const urns = resources.filter((r) => r.protect).map((r) => r.urn);
  if (urns.length === 0) return;
  writeJournal(stack.journal, { command, urns });
  const result = stack.cli.capture(["state", "unprotect", ...urns, "--yes"]);
  if (result.status !== 0) {
    const error = engineError(stack, "pulumi state unprotect", result.stderr);
    putBackProtection(stack, "the failed");
    throw error;
  }
  console.log(
    `[salesforce-certs] ${command}: lifted the protection of ${urns.length} resource(s) to delete them; if ${command.split(" ")[0]} fails or is interrupted, it is put back`,
  );
}

/**
 * Puts back the protection a journal records (see protection-journal.ts) on what is still in the stack,
 * then removes the journal. `how`: "an interrupted" at the start of a command (a journal left behind),
 * "the failed" after an engine run that failed. Says what it protected, on stderr.
 */
function putBackProtection(stack: StackRun, how: "an interrupted" | "the failed"): void {
  const journal = readJournal(stack.journal);
  if (!journal) return;
  const listed = new Set(journal.urns);
  const again = stackResources(stack, !journal.all).filter(
    (r) => !r.protect && (journal.all ? r.ours : listed.has(r.urn)),
  );
  if (again.length > 0) {
    const result = stack.cli.capture(["state", "protect", ...again.map((r) => r.urn), "--yes"]);
    if (result.status !== 0) {
      // The journal stays: the next command tries again.
      console.error(
        `[salesforce-certs] warning: could not put back the protection that ${journal.command} lifted (${again.map((r) => r.name).join(", ")}): ${result.stderr.trim()}; the next command tries again`,
      );
      return;
    }
    console.error(
      `[salesforce-certs] put back the protection of ${again.map((r) => `${r.type} ${r.name}`).join(", ")}: ${how} ${journal.command} had lifted it and not deleted ${again.length === 1 ? "it" : "them"}`,
    );
  }
  clearJournal(stack.journal);
}

/** The stack outputs as `pulumi stack output --json` prints them: every secret, at any depth, as "[secret]". */
function maskedOutputs(cli: PulumiCli): Record<string, unknown> {
  const result = cli.capture(["stack", "output", "--json"]);
  if (result.status !== 0) throw new EngineError(`pulumi stack output: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}
