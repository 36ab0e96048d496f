/**
 * Runs this project's command line (build/provider/cli/main.js) as a user would, with Node.js 22.
 */
import { spawn, spawnSync } from "node:child_process";
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

/**
 * {@link runCli} without blocking this process: for commands that talk to a stand-in org this process
 * serves (a synchronous spawn would leave its requests unanswered). Same clock rule as {@link runCli}.
 */
export function runCliAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "build", "provider", "cli", "main.js"), ...args], {
      cwd,
      env: "SALESFORCE_CERTS_NOW" in env ? env : withTestClock(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
