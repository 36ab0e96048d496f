/**
 * Runs this project's command line (build/provider/cli/main.js) as a user would, with Node.js 22.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { testInstant, withTestClock } from "./test-clock";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `salesforce-certs ...args` in `cwd` and waits for it; on the tests' clock ({@link testInstant})
 * unless `env` names SALESFORCE_CERTS_NOW itself.
 */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): CliRun {
  const result = spawnSync(process.execPath, [path.join(repoRoot, "build", "provider", "cli", "main.js"), ...args], {
    cwd,
    env: "SALESFORCE_CERTS_NOW" in env ? env : withTestClock(env),
    encoding: "utf8",
    timeout: 5 * 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
