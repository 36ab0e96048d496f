/**
 * @module Where the Pulumi engine is and the environment every engine run gets: offline,
 * non-interactive, the local backend, this Node.js first on PATH, the stack's passphrase, and a
 * NODE_PATH from which the dynamic-provider plugin resolves `@pulumi/pulumi` and this package.
 */
import fs = require("node:fs");
import path = require("node:path");
import { EngineNotFoundError } from "../errors";
import { givenPassphrase, passphraseEnvironment } from "./passphrase";

/** This package's root: build/provider/engine/ → three levels up. */
export const packageRoot = path.resolve(__dirname, "..", "..", "..");

/** The engine a run uses. */
export interface Engine {
  /** The `pulumi` binary. */
  cli: string;
  /** The folder whose `bin/` holds it (what the Automation API's `PulumiCommand.get` takes). */
  root: string;
  /** PULUMI_HOME for engines that `npm run setup` laid out (plugins, workspace files); else the user's. */
  pulumiHome?: string;
}

/**
 * The engine `npm run setup` laid out in `projectDir/.pulumi-engine`, else a `pulumi` on PATH (a user's
 * own installation, with the library installed from npm).
 *
 * @throws EngineNotFoundError (`ERR_ENGINE_NOT_FOUND`) when there is neither.
 */
export function locateEngine(projectDir: string = packageRoot): Engine {
  const engineRoot = path.join(projectDir, ".pulumi-engine");
  const laidOut = path.join(engineRoot, "bin", "pulumi");
  if (fs.existsSync(laidOut)) {
    const beside = path.dirname(fs.realpathSync(laidOut));
    if (
      !fs.existsSync(path.join(beside, "pulumi-resource-pulumi-nodejs")) &&
      !fs.existsSync(path.join(engineRoot, "bin", "pulumi-resource-pulumi-nodejs"))
    ) {
      throw new EngineNotFoundError(
        `the dynamic-provider plugin pulumi-resource-pulumi-nodejs is missing beside ${beside}: run 'npm run setup'`,
      );
    }
    return { cli: laidOut, root: engineRoot, pulumiHome: path.join(engineRoot, "home") };
  }
  for (const dir of (process.env["PATH"] ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "pulumi");
    if (fs.existsSync(candidate)) return { cli: candidate, root: path.dirname(dir) };
  }
  throw new EngineNotFoundError(
    `no Pulumi CLI: ${laidOut} is missing and there is no 'pulumi' on PATH; run 'npm run setup' (it finds or builds one)`,
  );
}

/** Where a stack lives and which stack it is. */
export interface StackLocation {
  stackName: string;
  /** Folder of the file backend, used when `backendUrl` is not given. */
  stateDir: string;
  /** Any `pulumi login` URL instead of the file backend in `stateDir`. */
  backendUrl?: string;
  /** Secrets passphrase; default: the caller's PULUMI_CONFIG_PASSPHRASE(_FILE), else the demo rule. */
  passphrase?: string;
}

/**
 * The environment of every engine run for `location`.
 *
 * @throws PassphraseError `ERR_PASSPHRASE` when the stack has no passphrase, or an empty one (see passphrase.ts).
 */
export function engineEnvironment(location: StackLocation, engine: Engine): Record<string, string> {
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: location.backendUrl ?? `file://${path.resolve(location.stateDir)}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    // The language host and the dynamic-provider plugin run `node` from PATH: give them this Node.js.
    PATH: [path.dirname(process.execPath), process.env["PATH"] ?? ""].join(path.delimiter),
    NODE_PATH: [...providerNodePath(), process.env["NODE_PATH"]].filter(Boolean).join(path.delimiter),
    ...(location.passphrase !== undefined
      ? { PULUMI_CONFIG_PASSPHRASE: givenPassphrase(location.stackName, location.passphrase) }
      : passphraseEnvironment(location.stackName)),
  };
  if (engine.pulumiHome) env["PULUMI_HOME"] = engine.pulumiHome;
  return env;
}

/**
 * Folders from which the plugin resolves `@pulumi/pulumi` and `pulumi-salesforce-certs/runtime` when the
 * project folder's own node_modules lacks them. Installed from npm, this package sits in a node_modules
 * folder beside @pulumi/pulumi; run from its own repository, a folder holding a link to the package is
 * made under .pulumi-engine/.
 */
function providerNodePath(): string[] {
  if (path.basename(path.dirname(packageRoot)) === "node_modules") return [path.dirname(packageRoot)];
  const dir = path.join(packageRoot, ".pulumi-engine", "node_path");
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
  return [path.join(packageRoot, "node_modules"), dir];
}
