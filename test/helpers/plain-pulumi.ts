/**
 * Runs the plain `pulumi` command (the binary `npm run setup` laid out, with the language host beside it)
 * in a project folder, as a user does: no Automation API, no NODE_PATH.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./cli";
import { testInstant } from "./test-clock";

export interface PulumiRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, as a person reads them. */
  text: string;
}

/**
 * The environment of a user's shell: the engine and Node.js 22 on PATH, a file backend, a passphrase, and
 * the provider's clock at {@link testInstant} (`extra` may move it).
 */
export function userEnvironment(stateDir: string, home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  fs.mkdirSync(stateDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [path.join(repoRoot, ".pulumi-engine", "bin"), path.dirname(process.execPath), process.env["PATH"]].join(
      path.delimiter,
    ),
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "consumer-test-passphrase",
    PULUMI_HOME: home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    SALESFORCE_CERTS_NOW: testInstant,
    ...extra,
  };
  delete env["NODE_PATH"];
  return env;
}

/** `pulumi ...args` in `cwd`; `--non-interactive` is added. */
export function pulumi(args: string[], cwd: string, env: NodeJS.ProcessEnv): PulumiRun {
  const run = spawnSync("pulumi", [...args, "--non-interactive"], {
    cwd,
    env,
    encoding: "utf8",
    timeout: 8 * 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, text: run.stdout + run.stderr };
}
