/**
 * A killed `up` leaves a lock and pending operations on the file backend; the next `up` releases the lock
 * of the dead process, converges from the state left behind, and a third `up` changes nothing.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { repoRoot, runCli } from "../helpers/cli";

/** Only the demo stack gets the demo passphrase: this stack has its own. */
const env = { ...process.env, PULUMI_CONFIG_PASSPHRASE: "killed-e2e-passphrase" };

test("the up after a killed up converges", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-killed-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  const child = spawn(
    process.execPath,
    [path.join(repoRoot, "build", "provider", "cli", "main.js"), "up", "--stack", "killed"],
    { cwd: dir, env, detached: true },
  );
  let seen = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no resource was being created within 120 s:\n${seen}`)), 120_000);
    child.stdout.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (/CertificateAndKeyPair \S+ created/.test(seen)) {
        clearTimeout(timer);
        // The whole process group: our CLI, the pulumi engine and the provider plugin, mid-update.
        process.kill(-child.pid!, "SIGKILL");
        resolve();
      }
    });
  });
  await new Promise((resolve) => child.on("exit", resolve));
  const locks = path.join(dir, ".pulumi-state", ".pulumi", "locks");
  t.true(
    fs.existsSync(locks) && fs.readdirSync(locks, { recursive: true }).some((f) => String(f).endsWith(".json")),
    "the killed update left a lock",
  );

  const next = runCli(["up", "--stack", "killed"], dir, env);
  t.is(next.status, 0, next.stdout + next.stderr);
  t.regex(next.stdout, /released the lock of an update that was killed \(pid \d+/);
  const third = runCli(["up", "--stack", "killed"], dir, env);
  t.is(third.status, 0, third.stderr);
  t.regex(third.stdout, /5 unchanged/);
  t.is(runCli(["destroy", "--stack", "killed"], dir, env).status, 0);
});
