/**
 * @module Runs Pulumi programs on this machine: the CLI that scripts/setup-engine.sh laid out, a local
 * file backend and a passphrase secrets provider. Programs run as Automation API inline programs, which
 * need no Node.js language host (the Go module proxy does not serve one).
 */
import fs = require("node:fs");
import os = require("node:os");
import path = require("node:path");
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { EngineNotFoundError } from "../errors";

/**
 * The passphrase of the demo and test stacks. A demo value, not a secret: set PULUMI_CONFIG_PASSPHRASE
 * (or PULUMI_CONFIG_PASSPHRASE_FILE) to protect a real stack's secrets.
 */
export const demoPassphrase = "demo-passphrase-not-a-secret";

/** Where and how to run one stack. */
export interface LocalStackOptions {
  /** Stack name, e.g. `demo`. */
  stackName: string;
  /** The Pulumi program, run in this process. */
  program: PulumiFn;
  /** Folder of the file backend (created when missing); state lands in `<stateDir>/.pulumi/`. */
  stateDir: string;
  /** Another backend (any `pulumi login` URL) instead of the file backend in `stateDir`. */
  backendUrl?: string;
  /** Folder of `Pulumi.yaml` and `Pulumi.<stack>.yaml`; when it has no `Pulumi.yaml`, one is written. */
  workDir: string;
  /** Project name used when `workDir` has no `Pulumi.yaml`. */
  projectName?: string;
  /** Folder holding `node_modules/` and `.pulumi-engine/`; default: this package's root. */
  projectDir?: string;
  /** Secrets passphrase; default: PULUMI_CONFIG_PASSPHRASE, else {@link demoPassphrase}. */
  passphrase?: string;
  /** Told about repairs after a killed update (see {@link repairKilledUpdate}). */
  onNotice?: (message: string) => void;
  /** Only select an existing stack, never create one (for commands that read a stack). */
  mustExist?: boolean;
}

/** This package's root: build/provider/engine/ → three levels up. */
export const packageRoot = path.resolve(__dirname, "..", "..", "..");

/**
 * Creates (or selects) a stack on a local file backend, ready for `preview`, `up` and `destroy`.
 *
 * @throws EngineNotFoundError (`ERR_ENGINE_NOT_FOUND`) when the engine has not been set up.
 */
export async function openLocalStack(options: LocalStackOptions): Promise<Stack> {
  const projectDir = options.projectDir ?? packageRoot;
  const engineRoot = path.join(projectDir, ".pulumi-engine");
  const cli = path.join(engineRoot, "bin", "pulumi");
  if (!fs.existsSync(cli)) {
    throw new EngineNotFoundError(`${cli} is missing: run 'npm run setup' (it finds or builds the Pulumi CLI).`);
  }
  const pluginBesideCli = path.join(path.dirname(fs.realpathSync(cli)), "pulumi-resource-pulumi-nodejs");
  if (!fs.existsSync(pluginBesideCli) && !fs.existsSync(path.join(engineRoot, "bin", "pulumi-resource-pulumi-nodejs"))) {
    throw new EngineNotFoundError(`the dynamic-provider plugin pulumi-resource-pulumi-nodejs is missing beside ${fs.realpathSync(cli)}: run 'npm run setup'.`);
  }
  const selfLinkDir = linkPackageForProviders(engineRoot);
  if (!options.backendUrl) fs.mkdirSync(options.stateDir, { recursive: true });
  fs.mkdirSync(options.workDir, { recursive: true });
  const hasProjectFile = fs.existsSync(path.join(options.workDir, "Pulumi.yaml"));
  const projectName = options.projectName ?? "salesforce-certs";
  if (!options.backendUrl) {
    const stackProject = hasProjectFile ? projectNameIn(path.join(options.workDir, "Pulumi.yaml")) : projectName;
    for (const notice of repairKilledUpdate(options.stateDir, stackProject, options.stackName)) options.onNotice?.(notice);
  }

  const pulumiCommand = await PulumiCommand.get({ root: engineRoot });
  const open = (options.mustExist ? LocalWorkspace.selectStack : LocalWorkspace.createOrSelectStack).bind(LocalWorkspace);
  return open(
    { stackName: options.stackName, projectName, program: options.program },
    {
      workDir: options.workDir,
      pulumiCommand,
      pulumiHome: path.join(engineRoot, "home"),
      envVars: engineEnvironment(projectDir, selfLinkDir, options),
      ...(hasProjectFile ? {} : { projectSettings: { name: projectName, runtime: "nodejs" as const } }),
    },
  );
}

/** The environment of every CLI run: offline, non-interactive, local backend, this Node.js first on PATH. */
function engineEnvironment(projectDir: string, selfLinkDir: string, options: LocalStackOptions): Record<string, string> {
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: options.backendUrl ?? `file://${path.resolve(options.stateDir)}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    // The dynamic-provider plugin runs `node` from PATH and needs @pulumi/pulumi and this package; give it ours.
    PATH: [path.dirname(process.execPath), process.env["PATH"] ?? ""].join(path.delimiter),
    NODE_PATH: [path.join(projectDir, "node_modules"), selfLinkDir, process.env["NODE_PATH"]].filter(Boolean).join(path.delimiter),
  };
  if (options.passphrase !== undefined) env["PULUMI_CONFIG_PASSPHRASE"] = options.passphrase;
  else if (process.env["PULUMI_CONFIG_PASSPHRASE"] === undefined && process.env["PULUMI_CONFIG_PASSPHRASE_FILE"] === undefined) {
    env["PULUMI_CONFIG_PASSPHRASE"] = demoPassphrase;
  }
  return env;
}

/**
 * The providers load their implementation as `pulumi-salesforce-certs/runtime`. Installed as a
 * dependency, the package resolves from the project's node_modules; run from its own repository it
 * does not, so this makes a folder holding a link to the package, for NODE_PATH.
 */
function linkPackageForProviders(engineRoot: string): string {
  const dir = path.join(engineRoot, "node_path");
  const link = path.join(dir, "pulumi-salesforce-certs");
  fs.mkdirSync(dir, { recursive: true });
  let target: string | undefined;
  try {
    target = fs.readlinkSync(link);
  } catch {
    target = undefined;
  }
  if (target !== packageRoot) {
    fs.rmSync(link, { force: true });
    fs.symlinkSync(packageRoot, link, "dir");
  }
  return dir;
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

/**
 * Releases the locks of killed updates (`pulumi cancel`), so the next update converges from the state the
 * killed one left. Returns what it released, for the caller to say so.
 */
export async function releaseStaleLocks(stack: Stack, options: Pick<LocalStackOptions, "stateDir" | "backendUrl">, projectName: string): Promise<StaleLock[]> {
  if (options.backendUrl) return [];
  const stale = findStaleLocks(options.stateDir, projectName, stack.name);
  if (stale.length > 0) await stack.cancel();
  return stale;
}

function projectNameIn(projectFile: string): string {
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
