/**
 * Faults of a stack's files on the file backend, through the command line and the real engine, against a
 * stack that holds keys (the acme inventory): the checkpoint cut at 16 KiB (what a full disk leaves, with
 * no lock) or garbled, each with a good and with a bad `.bak`; the checkpoint deleted; a secret changed
 * in the checkpoint; a read-only state folder. Each is repaired (said on stderr) and the stack converges
 * with the same keys (the decrypted state is compared), or the command stops with exit 2 and its exact
 * message, changing nothing; restore steps it prints are then run as printed, in bash, and the stack
 * converges with the same keys.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { testInstant } from "../helpers/test-clock";
import { openLocalStack, stateFilePath } from "../../provider/engine/local-stack";
import { repoRoot, runCli, type CliRun } from "../helpers/cli";
import { canonical, storedPrimesPattern } from "../helpers/engine";

const passphrase = "state-faults-passphrase";
const acme = path.join(repoRoot, "test", "fixtures", "e2e-inventories", "acme.yaml");

/** Bytes no JSON can hold where they land: a garbled stretch of a checkpoint. */
const garbage = Buffer.from('\u0000"}{]'.repeat(16), "latin1");

/** `file` with `garbage` written over it at `offset`. */
function garble(file: string, offset: number): void {
  const fd = fs.openSync(file, "r+");
  try {
    fs.writeSync(fd, garbage, 0, garbage.length, offset);
  } finally {
    fs.closeSync(fd);
  }
}

/** The lines of a run's standard error. */
const errLines = (run: CliRun) => run.stderr.split("\n");

/** The shell lines of restore steps (indented by two spaces), run in bash as a user pastes them. */
function runSteps(message: string): void {
  const steps = message
    .split("\n")
    .filter((l) => l.startsWith("  "))
    .join("\n");
  const run = spawnSync("bash", ["-e", "-c", steps], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`the restore steps failed:\n${steps}\n${run.stderr}`);
}

test.serial(
  "a cut, garbled or deleted checkpoint, a changed secret and a read-only state folder: repaired with the same keys, or stopped with the steps to restore",
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-state-faults-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    // The provider's clock is the test's: nothing here depends on the day it runs.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_CONFIG_PASSPHRASE: passphrase,
      SALESFORCE_CERTS_NOW: testInstant,
    };
    delete env["PULUMI_CONFIG_PASSPHRASE_FILE"];
    const stateDir = path.join(dir, ".pulumi-state");
    const checkpoint = stateFilePath(stateDir, "salesforce-certs", "acme");
    const up = () => runCli(["up", "--stack", "acme"], dir, env);

    const first = runCli(["up", "--stack", "acme", "--inventory", acme], dir, env);
    t.is(first.status, 0, first.stdout + first.stderr);
    const decrypted = async () => {
      const stack = await openLocalStack({
        stackName: "acme",
        program: async () => ({}),
        stateDir,
        workDir: dir,
        passphrase,
        mustExist: true,
      });
      return JSON.stringify(((await stack.exportStack()).deployment as { resources: unknown[] }).resources);
    };
    const before = await decrypted();
    t.regex(before, storedPrimesPattern, "the export is decrypted: the keys are there to compare");
    t.true(fs.statSync(checkpoint).size > 16 * 1024, "the checkpoint is larger than the cut");
    const pristine = path.join(dir, "pristine");
    fs.cpSync(stateDir, pristine, { recursive: true, preserveTimestamps: true });
    const reset = () => {
      fs.rmSync(stateDir, { recursive: true, force: true });
      fs.cpSync(pristine, stateDir, { recursive: true, preserveTimestamps: true });
    };
    /** The stack converges with the keys it had: nothing to change, the same decrypted state. */
    const converges = async (what: string) => {
      const again = up();
      t.is(again.status, 0, `${what}: ${again.stdout}${again.stderr}`);
      t.regex(again.stdout, /4 unchanged/, `${what}: nothing created again`);
      t.true(same(await decrypted(), before), `${what}: the same keys`);
    };
    /** What the engine does first when it writes the checkpoint: the current one becomes the backup. */
    const backUp = () => fs.copyFileSync(checkpoint, `${checkpoint}.bak`);
    const iso = (file: string) => new Date(fs.statSync(file).mtimeMs).toISOString();

    // Cut at 16 KiB with no lock (a full disk), the backup good: restored from it, said on stderr, converged.
    reset();
    backUp();
    fs.truncateSync(checkpoint, 16 * 1024);
    const locks = path.join(stateDir, ".pulumi", "locks", "organization", "salesforce-certs", "acme");
    t.deepEqual(fs.existsSync(locks) ? fs.readdirSync(locks) : [], [], "no lock");
    let written = iso(`${checkpoint}.bak`);
    const cut = up();
    t.is(cut.status, 0, cut.stdout + cut.stderr);
    t.true(
      errLines(cut).includes(
        `[salesforce-certs] the checkpoint of stack 'acme' is cut short: its JSON ends early, at byte 16384: restored it from ${checkpoint}.bak, the newest copy of the stack's state (written ${written}, 3 resources, consistent); the damaged file is kept as ${checkpoint}.damaged`,
      ),
      cut.stderr,
    );
    t.regex(cut.stdout, /4 unchanged/);
    t.is(fs.statSync(`${checkpoint}.damaged`).size, 16 * 1024, "the damaged file is kept");
    t.true(same(await decrypted(), before), "the same keys");

    // Garbled with no lock, the backup good: the same.
    reset();
    backUp();
    garble(checkpoint, 8000);
    written = iso(`${checkpoint}.bak`);
    const size = fs.statSync(checkpoint).size;
    const garbled = up();
    t.is(garbled.status, 0, garbled.stdout + garbled.stderr);
    t.true(
      errLines(garbled).some((l) =>
        new RegExp(
          `^\\[salesforce-certs\\] the checkpoint of stack 'acme' is garbled: its JSON breaks at byte (800\\d|80[1-5]\\d) of ${size}: restored it from ${quote(`${checkpoint}.bak`)}, the newest copy of the stack's state \\(written ${quote(written)}, 3 resources, consistent\\); the damaged file is kept as ${quote(`${checkpoint}.damaged`)}$`,
        ).test(l),
      ),
      garbled.stderr,
    );
    t.regex(garbled.stdout, /4 unchanged/);
    t.true(same(await decrypted(), before), "the same keys");

    // Cut, and garbled, each with a bad backup (the newest copy): stopped, nothing changed; the steps restore it.
    for (const [what, damage, problem] of [
      [
        "cut at 16 KiB",
        () => fs.truncateSync(checkpoint, 16 * 1024),
        "is cut short: its JSON ends early, at byte 16384",
      ],
      ["garbled", () => garble(checkpoint, 8000), "is garbled: its JSON breaks at byte"],
    ] as const) {
      reset();
      backUp();
      damage();
      fs.truncateSync(`${checkpoint}.bak`, 4096);
      const damaged = fs.readFileSync(checkpoint);
      const stopped = up();
      t.is(stopped.status, 2, `${what}: ${stopped.stdout}${stopped.stderr}`);
      const lines = errLines(stopped);
      const head = `error: the checkpoint of stack 'acme' (${checkpoint}) ${problem}`;
      t.true(lines[0]!.startsWith(head), `${what}: ${lines[0]}`);
      t.true(
        lines[0]!.endsWith(
          `, and the newest copy of its state, ${checkpoint}.bak, is cut short: its JSON ends early, at byte 4096: nothing was restored and nothing was changed. Restore it by hand (commands for bash):`,
        ),
        `${what}: ${lines[0]}`,
      );
      t.is(lines[1], `  mv ${checkpoint} ${checkpoint}.damaged`);
      t.regex(
        lines[2]!,
        new RegExp(
          `^ {2}cp ${quote(stateDir)}/\\.pulumi/(backups/salesforce-certs/acme/acme\\.\\d+\\.json|history/salesforce-certs/acme/acme-\\d+\\.checkpoint\\.json) ${quote(checkpoint)} {4}# the newest consistent copy \\(3 resources, written \\S+\\): it may lack the last changes$`,
        ),
      );
      t.is(lines[3], `  rm -f ${checkpoint}.attrs`);
      t.is(
        lines[4],
        "then run salesforce-certs preview --stack acme: it must plan no create for a resource the stack had (a create makes new keys).",
      );
      t.false(
        lines.some((l) => /^\s+at .*:\d+:\d+\)?$/.test(l)),
        `${what}: no JavaScript stack trace`,
      );
      t.true(fs.readFileSync(checkpoint).equals(damaged), `${what}: the checkpoint is as it was`);
      t.false(fs.existsSync(`${checkpoint}.damaged`), `${what}: nothing moved`);
      // The copy it names is the end of the last update: following the steps loses nothing here.
      runSteps(stopped.stderr);
      await converges(`${what}, restored by hand`);
    }

    // Deleted: every command that reads the stack stops, and creates nothing; the step restores it.
    reset();
    fs.rmSync(checkpoint);
    fs.rmSync(`${checkpoint}.attrs`);
    const history = path.join(stateDir, ".pulumi", "history", "salesforce-certs", "acme");
    const backups = path.join(stateDir, ".pulumi", "backups", "salesforce-certs", "acme");
    const missing = [
      `error: stack 'acme' has no checkpoint (${checkpoint} is missing), but the state folder shows that it existed: its backup ${checkpoint}.bak holds 3 resources; its history folder ${history} holds 1 checkpoint, the newest with 3 resources; its backups folder ${backups} holds 1 checkpoint, the newest with 3 resources; its stack config ${path.join(dir, "Pulumi.acme.yaml")} holds the salt its secrets were encrypted with. Going on would create every resource again, with new private keys, so nothing was changed.`,
      "Restore it from the newest consistent copy (3 resources), then run the command again (commands for bash):",
    ];
    for (const command of [["up"], ["preview"], ["destroy"], ["outputs"], ["check", "--within", "30"]]) {
      const refused = runCli([...command, "--stack", "acme"], dir, env);
      t.is(refused.status, 2, `${command[0]}: ${refused.stdout}${refused.stderr}`);
      t.deepEqual(errLines(refused).slice(0, 2), missing, command[0]!);
      t.regex(errLines(refused)[2]!, new RegExp(`^ {2}cp ${quote(stateDir)}/\\S+ ${quote(checkpoint)}$`));
      t.is(
        errLines(refused)[3],
        `To start a new stack of that name instead (new keys; the old ones stay only in those copies), move these away first: ${checkpoint}.bak ${history} ${backups} ${path.join(dir, "Pulumi.acme.yaml")}`,
      );
      t.false(fs.existsSync(checkpoint), `${command[0]}: no new stack`);
      t.is(
        fs.readdirSync(history).filter((n) => n.endsWith(".checkpoint.json")).length,
        1,
        `${command[0]}: no update ran`,
      );
    }
    runSteps(runCli(["up", "--stack", "acme"], dir, env).stderr);
    await converges("deleted, restored by hand");

    // A secret changed in the checkpoint: the engine's "message authentication failed", then the resource named.
    reset();
    const state = JSON.parse(fs.readFileSync(checkpoint, "utf8")) as {
      checkpoint: {
        latest: { resources: { urn: string; type: string; outputs: Record<string, { ciphertext?: string }> }[] };
      };
    };
    const flip = (holder: { ciphertext?: string }) => {
      const [version, nonce, sealed] = holder.ciphertext!.split(":");
      holder.ciphertext = `${version}:${nonce}:${sealed!.slice(0, 20)}${sealed![20] === "A" ? "B" : "A"}${sealed!.slice(21)}`;
    };
    const mtls = state.checkpoint.latest.resources.find((r) => r.urn.endsWith("::Acme_mTLS"))!;
    flip(mtls.outputs["privateKey"]!);
    fs.writeFileSync(checkpoint, JSON.stringify(state));
    fs.rmSync(`${checkpoint}.attrs`);
    const tampered = up();
    t.is(tampered.status, 2, tampered.stdout + tampered.stderr);
    t.true(
      errLines(tampered).includes("error: cipher: message authentication failed"),
      "the engine's own words come first",
    );
    const named = (what: string) =>
      `error: stack 'acme': ${what} (cipher: message authentication failed), so ${checkpoint} was changed outside Pulumi: outputs.privateKey of CertificateAndKeyPair Acme_mTLS (${mtls.urn})`;
    const restoreHint =
      "; restore the checkpoint from a backup (the .bak beside it, or .pulumi/backups/ or .pulumi/history/ in the state folder)";
    t.true(
      errLines(tampered).includes(
        `${named("a secret does not decrypt although the passphrase is right")}${restoreHint}`,
      ),
      tampered.stderr,
    );
    // check reads only the stack outputs: a changed secret there is named the same way, with the other one.
    const root = state.checkpoint.latest.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
    flip(root.outputs["jwtLoginKeys"]!);
    fs.writeFileSync(checkpoint, JSON.stringify(state));
    const gate = runCli(["check", "--within", "30", "--stack", "acme"], dir, env);
    t.is(gate.status, 2, gate.stdout + gate.stderr);
    t.deepEqual(errLines(gate).filter(Boolean), [
      `error: stack 'acme': 2 secrets do not decrypt although the passphrase is right (cipher: message authentication failed), so ${checkpoint} was changed outside Pulumi: outputs.jwtLoginKeys of Stack salesforce-certs-acme (${root.urn}); outputs.privateKey of CertificateAndKeyPair Acme_mTLS (${mtls.urn})${restoreHint}`,
    ]);

    // A read-only state folder (a read-only bind mount of it, in a user namespace): up stops in one line, outputs still reads.
    reset();
    const readOnly = (args: string[]) =>
      spawnSync(
        "unshare",
        [
          "--user",
          "--map-root-user",
          "--mount",
          "sh",
          "-c",
          'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"',
          "sh",
          stateDir,
          process.execPath,
          path.join(repoRoot, "build", "provider", "cli", "main.js"),
          ...args,
        ],
        { cwd: dir, env, encoding: "utf8" },
      );
    if (spawnSync("unshare", ["--user", "--map-root-user", "--mount", "true"]).status !== 0) {
      t.log("unshare cannot make a user namespace here: the read-only state folder is not tried");
    } else {
      const writeRefused = readOnly(["up", "--stack", "acme"]);
      t.is(writeRefused.status, 2, writeRefused.stdout + writeRefused.stderr);
      t.deepEqual(writeRefused.stderr.split("\n").filter(Boolean), [
        "error: state folder .pulumi-state: cannot be written (read-only file system): the command writes the stack's state there; give --state a folder you can write",
      ]);
      const read = readOnly(["outputs", "--stack", "acme"]);
      t.is(read.status, 0, read.stdout + read.stderr);
      t.regex(read.stdout, /Acme_mTLS/);
    }
    await converges("after the faults");
    t.is(runCli(["destroy", "--stack", "acme"], dir, env).status, 0);
  },
);

/**
 * Whether two decrypted exports hold the same resources of ours with the same outputs (keys, certificates,
 * consumer keys), whatever their order and timestamps (an up that changes nothing rewrites those); when
 * not, which differ, logged by URN only (the values hold keys).
 */
function same(after: string, before: string): boolean {
  const ours = (text: string) =>
    new Map(
      (JSON.parse(text) as { urn: string; type: string; outputs?: unknown }[])
        .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/salesforce:"))
        .map((r) => [r.urn, canonical(r.outputs)]),
    );
  const [a, b] = [ours(after), ours(before)];
  const differing = [...new Set([...a.keys(), ...b.keys()])].filter((urn) => a.get(urn) !== b.get(urn));
  for (const urn of differing) console.log(`differs: ${urn}`);
  return differing.length === 0 && a.size > 0;
}

/** `text` as a regular expression that matches it literally. */
function quote(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
