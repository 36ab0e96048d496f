/**
 * @module Runs Pulumi programs in this process through the Automation API, on a local file backend with
 * a passphrase secrets provider. The command line's `up`/`preview`/`destroy` run the real `pulumi`
 * command instead (pulumi-cli.ts); this path serves what needs the outputs as data (report, gate,
 * export) and the end-to-end tests of inline programs.
 */
import fs = require("node:fs");
import os = require("node:os");
import path = require("node:path");
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { engineEnvironment, locateEngine, packageRoot, type StackLocation } from "./engine-environment";

export { demoPassphrase } from "./passphrase";

/** Where and how to run one stack. */
export interface LocalStackOptions extends StackLocation {
  /** The Pulumi program, run in this process. */
  program: PulumiFn;
  /** Folder of `Pulumi.yaml` and `Pulumi.<stack>.yaml`; when it has no `Pulumi.yaml`, none is needed. */
  workDir: string;
  /** Project name used when `workDir` has no `Pulumi.yaml`. */
  projectName?: string;
  /** Folder holding `.pulumi-engine/`; default: this package's root. */
  projectDir?: string;
  /** Told about repairs after a killed update (see {@link repairKilledUpdate}). */
  onNotice?: (message: string) => void;
  /** Only select an existing stack, never create one (for commands that read a stack). */
  mustExist?: boolean;
}

/**
 * Creates (or selects) a stack on a local file backend, ready for `preview`, `up` and `destroy`.
 *
 * @throws EngineNotFoundError (`ERR_ENGINE_NOT_FOUND`) when the engine has not been set up.
 * @throws SalesforceCertsError (`ERR_PASSPHRASE`) when the stack has no passphrase.
 */
export async function openLocalStack(options: LocalStackOptions): Promise<Stack> {
  const engine = locateEngine(options.projectDir ?? packageRoot);
  const envVars = engineEnvironment(options, engine);
  if (!options.backendUrl) fs.mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(options.workDir, { recursive: true });
  const hasProjectFile = fs.existsSync(path.join(options.workDir, "Pulumi.yaml"));
  const projectName = options.projectName ?? "salesforce-certs";
  if (!options.backendUrl) {
    const stackProject = hasProjectFile ? projectNameIn(path.join(options.workDir, "Pulumi.yaml")) : projectName;
    for (const notice of repairKilledUpdate(options.stateDir, stackProject, options.stackName)) options.onNotice?.(notice);
  }

  const pulumiCommand = await PulumiCommand.get({ root: engine.root });
  const open = (options.mustExist ? LocalWorkspace.selectStack : LocalWorkspace.createOrSelectStack).bind(LocalWorkspace);
  return open(
    { stackName: options.stackName, projectName, program: options.program },
    {
      workDir: options.workDir,
      pulumiCommand,
      ...(engine.pulumiHome ? { pulumiHome: engine.pulumiHome } : {}),
      envVars,
      ...(hasProjectFile ? {} : { projectSettings: { name: projectName, runtime: "nodejs" as const } }),
    },
  );
}

/** A lock an update left on a file backend, whose process no longer runs (it was killed). */
export interface StaleLock {
  file: string;
  pid: number;
  timestamp: string;
}

/**
 * Locks on the file backend held by processes of this host that no longer run: what a killed
 * `pulumi up` leaves behind, which would stop every later update of the stack.
 */
export function findStaleLocks(stateDir: string, projectName: string, stackName: string): StaleLock[] {
  const dir = path.join(stateDir, ".pulumi", "locks", "organization", projectName, stackName);
  if (!fs.existsSync(dir)) return [];
  const stale: StaleLock[] = [];
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".json"))) {
    try {
      const lock = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as { pid?: number; hostname?: string; timestamp?: string };
      if (lock.hostname === os.hostname() && typeof lock.pid === "number" && !processRuns(lock.pid)) {
        stale.push({ file: path.join(dir, name), pid: lock.pid, timestamp: lock.timestamp ?? "?" });
      }
    } catch {
      // A lock being written right now, or not ours to judge: leave it.
    }
  }
  return stale;
}

/** True when `pid` is a live process; a zombie (killed, not yet reaped) is not. */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // Linux: the state after the command name in /proc/<pid>/stat; Z is a zombie.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/** The `name:` of a Pulumi.yaml. */
export function projectNameIn(projectFile: string): string {
  const match = /^name:\s*(\S+)\s*$/m.exec(fs.readFileSync(projectFile, "utf8"));
  return match?.[1] ?? "salesforce-certs";
}

/**
 * Repairs what a killed update can leave half-written on the file backend, before the CLI reads the
 * stack: an empty or cut attributes file beside the checkpoint (the CLI then fails with "failed to load
 * checkpoint: EOF"), or a cut checkpoint, which is restored from the backup the CLI keeps beside it.
 * Only runs when a stale lock shows that an update was killed. Returns what it repaired.
 */
export function repairKilledUpdate(stateDir: string, projectName: string, stackName: string): string[] {
  if (findStaleLocks(stateDir, projectName, stackName).length === 0) return [];
  const checkpoint = stateFilePath(stateDir, projectName, stackName);
  const parses = (file: string) => {
    try {
      JSON.parse(fs.readFileSync(file, "utf8"));
      return true;
    } catch {
      return false;
    }
  };
  const notices: string[] = [];
  if (fs.existsSync(checkpoint) && !parses(checkpoint) && fs.existsSync(`${checkpoint}.bak`) && parses(`${checkpoint}.bak`)) {
    fs.copyFileSync(`${checkpoint}.bak`, checkpoint);
    fs.rmSync(`${checkpoint}.attrs`, { force: true });
    notices.push(`restored ${checkpoint} from its backup: the killed update left it cut short`);
  }
  for (const file of [`${checkpoint}.attrs`, `${checkpoint}.bak.attrs`]) {
    if (fs.existsSync(file) && !parses(file)) {
      fs.rmSync(file);
      notices.push(`removed ${file}: the killed update left it cut short`);
    }
  }
  return notices;
}

/** The checkpoint file of a stack on a file backend: what `pulumi` writes as the stack's state. */
export function stateFilePath(stateDir: string, projectName: string, stackName: string): string {
  return path.join(stateDir, ".pulumi", "stacks", projectName, `${stackName}.json`);
}
