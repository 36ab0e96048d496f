/**
 * @module Runs Pulumi programs in this process through the Automation API, on a local file backend with
 * a passphrase secrets provider. The command line's `up`/`preview`/`destroy` run the real `pulumi`
 * command instead (pulumi-cli.ts); this path serves what needs the outputs as data (report, gate,
 * export) and the end-to-end tests of inline programs.
 */
import fs = require("node:fs");
import path = require("node:path");
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { NoStackError, type SalesforceCertsError } from "../errors";
import { engineEnvironment, locateEngine, packageRoot, type StackLocation } from "./engine-environment";
import { passphraseEnvironment } from "./passphrase";
import { prepareStackFiles, stateFilePath } from "./stack-files";
import { secretsErrorFromMessage } from "./stack-secrets";
import { prepareStateFolder } from "./state-permissions";

export { demoPassphrase } from "./passphrase";
export { findStaleLocks, stateFilePath, type StaleLock } from "./stack-files";

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
  /** Told about repairs of the stack's files (see {@link prepareStackFiles}). */
  onNotice?: (message: string) => void;
  /** Only select an existing stack, never create one (for commands that read a stack). */
  mustExist?: boolean;
}

/**
 * Creates (or selects) a stack on a local file backend, ready for `preview`, `up` and `destroy`.
 *
 * @throws EngineNotFoundError (`ERR_ENGINE_NOT_FOUND`) when the engine has not been set up.
 * @throws PassphraseError (`ERR_PASSPHRASE`) when the stack has no passphrase, or an empty one;
 * (`ERR_STATE_DIR`) when the state folder is a file, cannot be made or (to write) is read-only;
 * (`ERR_CHECKPOINT_MISSING`, `ERR_CHECKPOINT_DAMAGED`) as {@link prepareStackFiles} says.
 */
export async function openLocalStack(options: LocalStackOptions): Promise<Stack> {
  const engine = locateEngine(options.projectDir ?? packageRoot);
  const envVars = engineEnvironment(options, engine);
  if (!options.backendUrl) prepareStateFolder(options.stateDir, !options.mustExist);
  fs.mkdirSync(options.workDir, { recursive: true });
  const hasProjectFile = fs.existsSync(path.join(options.workDir, "Pulumi.yaml"));
  const projectName = options.projectName ?? "salesforce-certs";
  if (!options.backendUrl) {
    const stackProject = hasProjectFile ? projectNameIn(path.join(options.workDir, "Pulumi.yaml")) : projectName;
    const configFile = path.join(options.workDir, `Pulumi.${options.stackName}.yaml`);
    for (const notice of prepareStackFiles({
      stateDir: options.stateDir,
      projectName: stackProject,
      stackName: options.stackName,
      configFile,
    }))
      options.onNotice?.(notice);
  }

  const pulumiCommand = await PulumiCommand.get({ root: engine.root });
  const open = (options.mustExist ? LocalWorkspace.selectStack : LocalWorkspace.createOrSelectStack).bind(
    LocalWorkspace,
  );
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

/**
 * Plain output values of the existing stack at `location` (secrets included: callers must not print
 * them); `onNotice` is told about repairs of the stack's files.
 * @throws NoStackError `ERR_NO_STACK` when there is no such stack; the error of {@link stackSecretsError}
 * when its secrets cannot be read; else as {@link openLocalStack} says.
 */
export async function localStackOutputs(
  location: StackLocation & { workDir: string },
  onNotice: (notice: string) => void,
): Promise<Record<string, unknown>> {
  try {
    const stack = await openLocalStack({ ...location, program: async () => ({}), mustExist: true, onNotice });
    return Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value]));
  } catch (error) {
    if (error instanceof Error && /no stack named|stack .* not found/i.test(error.message)) {
      throw new NoStackError(
        `stack '${location.stackName}' does not exist in ${location.backendUrl ?? location.stateDir}: run salesforce-certs up first, or name the stack with --stack`,
      );
    }
    // A wrong passphrase or a changed secret is one line that names it (exit 2: the stack could not be read).
    throw stackSecretsError(error, location) ?? error;
  }
}

/** The `name:` of a Pulumi.yaml. */
export function projectNameIn(projectFile: string): string {
  const match = /^name:\s*(\S+)\s*$/m.exec(fs.readFileSync(projectFile, "utf8"));
  return match?.[1] ?? "salesforce-certs";
}

/**
 * The error to show instead of an Automation API failure on a stack at `location` (opened with
 * {@link openLocalStack}, `workDir` its folder) when the failure is about the stack's secrets: one line
 * that names the problem (a wrong passphrase; a changed secret, by resource) rather than the engine's
 * dump. Undefined for any other failure.
 */
export function stackSecretsError(
  error: unknown,
  location: StackLocation & { workDir: string },
): SalesforceCertsError | undefined {
  if (!(error instanceof Error)) return undefined;
  const projectFile = path.join(location.workDir, "Pulumi.yaml");
  const projectName = fs.existsSync(projectFile) ? projectNameIn(projectFile) : "salesforce-certs";
  const env = {
    ...process.env,
    ...(location.passphrase !== undefined
      ? { PULUMI_CONFIG_PASSPHRASE: location.passphrase }
      : passphraseEnvironment(location.stackName)),
  };
  const checkpoint = location.backendUrl
    ? undefined
    : stateFilePath(location.stateDir, projectName, location.stackName);
  return secretsErrorFromMessage(
    error.message,
    location.stackName,
    env,
    checkpoint,
    path.join(location.workDir, `Pulumi.${location.stackName}.yaml`),
  );
}
