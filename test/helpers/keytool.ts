/**
 * Runs `keytool` (the JDK's keystore tool, the judge of our JKS files) on keystores written to a temp folder.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface ToolRun {
  status: number | null;
  output: string;
}

/** Writes `files` (name → bytes) to a fresh temp folder, runs `keytool args` there, and returns its output; `after` reads results. */
export function keytool(args: string[], files: Record<string, Buffer>, after?: (dir: string) => void): ToolRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-keytool-"));
  try {
    for (const [name, content] of Object.entries(files))
      fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
    const run = spawnSync("keytool", args, { cwd: dir, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
    after?.(dir);
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
