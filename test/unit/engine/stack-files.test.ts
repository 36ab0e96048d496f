/**
 * What a killed update leaves on the file backend is repaired before the next one, and only then.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { findStaleLocks, repairKilledUpdate, stateFilePath } from "../../../provider/engine/local-stack";

/** A state folder with a checkpoint, its backup, and a lock held by `pid`. */
function stateWithLock(pid: number): { stateDir: string; checkpoint: string } {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-repair-"));
  const checkpoint = stateFilePath(stateDir, "proj", "dev");
  fs.mkdirSync(path.dirname(checkpoint), { recursive: true });
  fs.writeFileSync(checkpoint, '{"version":3,"checkpoint":{"stack":"new"}}');
  fs.writeFileSync(`${checkpoint}.attrs`, '{"md5":"x"}');
  fs.writeFileSync(`${checkpoint}.bak`, '{"version":3,"checkpoint":{"stack":"old"}}');
  const locks = path.join(stateDir, ".pulumi", "locks", "organization", "proj", "dev");
  fs.mkdirSync(locks, { recursive: true });
  fs.writeFileSync(path.join(locks, "lock.json"), JSON.stringify({ pid, username: "u", hostname: os.hostname(), timestamp: "2026-11-29T00:00:00Z" }));
  return { stateDir, checkpoint };
}

/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

test("an empty attributes file and a cut checkpoint are repaired when a dead process holds the lock", (t) => {
  const { stateDir, checkpoint } = stateWithLock(deadPid());
  t.teardown(() => fs.rmSync(stateDir, { recursive: true, force: true }));
  fs.writeFileSync(checkpoint, '{"version":3,"checkp');
  t.is(findStaleLocks(stateDir, "proj", "dev").length, 1);
  const notices = repairKilledUpdate(stateDir, "proj", "dev");
  t.deepEqual(notices, [`restored ${checkpoint} from its backup: the killed update left it cut short`]);
  t.is(fs.readFileSync(checkpoint, "utf8"), '{"version":3,"checkpoint":{"stack":"old"}}');
  t.false(fs.existsSync(`${checkpoint}.attrs`));

  fs.writeFileSync(`${checkpoint}.attrs`, "");
  t.deepEqual(repairKilledUpdate(stateDir, "proj", "dev"), [`removed ${checkpoint}.attrs: the killed update left it cut short`]);
});

test("nothing is touched while the lock's process runs", (t) => {
  const { stateDir, checkpoint } = stateWithLock(process.pid);
  t.teardown(() => fs.rmSync(stateDir, { recursive: true, force: true }));
  fs.writeFileSync(`${checkpoint}.attrs`, "");
  t.deepEqual(findStaleLocks(stateDir, "proj", "dev"), []);
  t.deepEqual(repairKilledUpdate(stateDir, "proj", "dev"), []);
  t.true(fs.existsSync(`${checkpoint}.attrs`));
});
