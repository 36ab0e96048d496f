/**
 * @module One command's run of the real `pulumi` on a stack (see pulumi-cli.ts): the project file, the
 * stack's files and their permissions, selecting the stack, releasing an update that was killed, and
 * telling an engine failure caused by the stack's secrets from any other.
 */
import fs = require("node:fs");
import path = require("node:path");
import { EngineError, NoStackError, type SalesforceCertsError } from "../errors";
import { packageRoot, type StackLocation } from "./engine-environment";
import { projectNameIn } from "./local-stack";
import { journalPath } from "./protection-journal";
import { PulumiCli } from "./pulumi-cli";
import { findStaleLocks, prepareStackFiles, type StackFiles, stateFilePath } from "./stack-files";
import { secretsError } from "./stack-secrets";
import { prepareStateFolder, restrictStatePermissions } from "./state-permissions";

/** Where the steps say what they did: `progress` (stdout) for the command's course, `notice` (stderr) beside it. */
export interface StepNotices {
  progress(message: string): void;
  notice(message: string): void;
}

/** The stack a command works on: its `pulumi` command, its files on a file backend, its protection journal. */
export interface StackRun {
  cli: PulumiCli;
  /** The stack's files, on a file backend only. */
  files: StackFiles | undefined;
  journal: string;
  /** The project's Pulumi.yaml. */
  projectFile: string;
  projectName: string;
  /** The stack's config file, Pulumi.<stack>.yaml. */
  configFile: string;
  /** The stack changes in this run (not for a command that only reads it). */
  writes: boolean;
  notices: StepNotices;
}

/**
 * Prepares a run on the stack at `location`, with `env` added to the engine's environment: the `pulumi`
 * command first (a missing engine or passphrase stops here, before any file is written), the state
 * folder, and the project file (written when the folder has none).
 * @throws EngineNotFoundError, PassphraseError as {@link PulumiCli} says; `ERR_STATE_DIR` as
 * prepareStateFolder says.
 */
export function prepareStackRun(
  location: StackLocation & { workDir: string },
  env: Record<string, string>,
  writes: boolean,
  notices: StepNotices,
): StackRun {
  const cli = new PulumiCli(location, env);
  if (!location.backendUrl) prepareStateFolder(location.stateDir, writes);
  const projectFile = ensureProjectFile(location.workDir, notices);
  const projectName = projectNameIn(projectFile);
  const configFile = path.join(location.workDir, `Pulumi.${location.stackName}.yaml`);
  return {
    cli,
    files: location.backendUrl
      ? undefined
      : { stateDir: location.stateDir, projectName, stackName: location.stackName, configFile },
    journal: journalPath(location.backendUrl ? location.workDir : location.stateDir, projectName, location.stackName),
    projectFile,
    projectName,
    configFile,
    writes,
    notices,
  };
}

/**
 * Runs `body` on the stack, made ready: its files private (before the engine writes anything) and
 * repaired, the stack selected (created when `create`), and, for a run that writes, a killed update
 * released and protection an interrupted deletion lifted put back (`putBack`, see protection.ts). The
 * files are made private again afterwards, whatever the outcome.
 */
export async function inStackRun<T>(
  stack: StackRun,
  create: boolean,
  putBack: (stack: StackRun) => void,
  body: () => Promise<T>,
): Promise<T> {
  const { files, notices } = stack;
  if (files && stack.writes) restrictStatePermissions(files.stateDir, [stack.configFile]);
  try {
    if (files) for (const notice of prepareStackFiles(files)) notices.notice(notice);
    if (create) selectOrCreateStack(stack.cli);
    else requireStack(stack.cli);
    if (stack.writes) {
      releaseKilledUpdate(stack);
      putBack(stack);
    }
    return await body();
  } finally {
    if (files) {
      try {
        restrictStatePermissions(files.stateDir, [stack.configFile]);
      } catch (error) {
        // The command's own outcome (or error) is what the user needs; this is said beside it.
        notices.notice(`warning: ${(error as Error).message}`);
      }
    }
  }
}

/**
 * The exit code of a failed engine run (1, as for every failure; Pulumi says 255), unless the engine
 * failed on the stack's secrets: then the error that names the problem (exit 2).
 */
export function engineExit(stack: StackRun, code: number): number {
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
export function engineError(stack: StackRun, what: string, stderr: string): SalesforceCertsError {
  return secretsFailure(stack) ?? new EngineError(`${what}: ${stderr.trim()}`);
}

/**
 * The folder's Pulumi.yaml; when there is none, one is written that runs this package's inventory
 * program (what `salesforce-certs up` in an inventory repository needs).
 */
function ensureProjectFile(workDir: string, notices: StepNotices): string {
  const file = path.join(workDir, "Pulumi.yaml");
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(workDir, { recursive: true });
  const main = path.relative(workDir, path.join(packageRoot, "build", "provider", "inventory", "inventory-main.js"));
  fs.writeFileSync(
    file,
    `# Written by salesforce-certs: runs the inventory program of pulumi-salesforce-certs (plain \`pulumi up\` works too).\nname: salesforce-certs\nruntime: nodejs\nmain: ${main}\n`,
  );
  notices.progress(`wrote ${file} (the inventory program of pulumi-salesforce-certs)`);
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
function releaseKilledUpdate(stack: StackRun): void {
  const { cli } = stack;
  if (cli.project.backendUrl) return;
  const stale = findStaleLocks(cli.project.stateDir, stack.projectName, cli.project.stackName);
  if (stale.length === 0) return;
  const cancelled = cli.capture(["cancel", "--yes"]);
  if (cancelled.status !== 0) throw new EngineError(`pulumi cancel: ${cancelled.stderr.trim()}`);
  for (const lock of stale) {
    stack.notices.progress(
      `released the lock of an update that was killed (pid ${lock.pid}, started ${lock.timestamp}); continuing from the state it left`,
    );
  }
}

/** The stack outputs as `pulumi stack output --json` prints them: every secret, at any depth, as "[secret]". */
export function maskedStackOutputs(cli: PulumiCli): Record<string, unknown> {
  const result = cli.capture(["stack", "output", "--json"]);
  if (result.status !== 0) throw new EngineError(`pulumi stack output: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}
