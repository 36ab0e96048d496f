/**
 * Bad CertificateAndKeyPair arguments through the command line and the real engine, against a stack that
 * already holds a certificate: `up` fails with a failure naming the field and the rule, and the stack's
 * decrypted state is exactly what it was (nothing created, changed or deleted).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { CertificateAndKeyPair } from "../../provider";
import { openLocalStack, stateFilePath } from "../../provider/engine/local-stack";
import { repoRoot, runCli } from "../helpers/cli";
import { storedPrimesPattern } from "../helpers/engine";

const program = path.join(repoRoot, "build", "test", "fixtures", "programs", "bad-certificates-main.js");
const passphrase = "e2e-bad-inputs-passphrase";

const cases: [string, RegExp][] = [
  [
    "name",
    /'bad': property uniqueName value \{Bad__Name_\} has a problem: must not contain two underscores in a row \(got "Bad__Name_"\)/,
  ],
  ["label", /'bad': property label value \{L+\} has a problem: must be at most 64 characters \(got 65\)/],
  ["key-size", /'bad': property keySize value \{1024\} has a problem: must be one of 2048, 4096 \(got 1024\)/],
  [
    "validity",
    /'bad': property validityDays value \{0\} has a problem: must be a whole number from 1 to 3650 \(got 0\)/,
  ],
];

/** The stack `bad` in `dir` (the command line's stack there), opened through the engine. */
const openStack = (dir: string, program: () => Promise<Record<string, unknown>>, mustExist = false) =>
  openLocalStack({
    stackName: "bad",
    program,
    stateDir: path.join(dir, "state"),
    workDir: dir,
    projectName: "salesforce-certs",
    passphrase,
    mustExist,
  });

/** The stack's resources as `pulumi stack export --show-secrets` gives them: decrypted, every field. */
async function decryptedResources(dir: string): Promise<unknown[]> {
  const stack = await openStack(dir, async () => ({}), true);
  return ((await stack.exportStack()).deployment as { resources: unknown[] }).resources;
}

for (const [badCase, expected] of cases) {
  test(`up with a bad ${badCase} fails naming the field, and leaves an existing stack's state as it was`, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-bad-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

    // A stack that exists: the good certificate of the fixture, created by a first good `up`.
    const good = await openStack(dir, async () => {
      new CertificateAndKeyPair("good", { uniqueName: "Good_Cert", label: "Good" });
      return {};
    });
    await good.up();
    const stateFile = stateFilePath(path.join(dir, "state"), "salesforce-certs", "bad");
    t.true(fs.existsSync(stateFile), "the first up wrote the state file");
    const before = await decryptedResources(dir);
    t.true(JSON.stringify(before).includes("Good_Cert"));
    t.regex(JSON.stringify(before), storedPrimesPattern, "the export is decrypted: the key is there to compare");

    // The project's program is now the bad one: the command line runs it with the real `pulumi up`.
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      `name: salesforce-certs\nruntime: nodejs\nmain: ${path.relative(dir, program)}\n`,
    );
    const run = runCli(["up", "--stack", "bad", "--state", "state"], dir, {
      ...process.env,
      SFC_BAD_CASE: badCase,
      PULUMI_CONFIG_PASSPHRASE: passphrase,
    });
    t.is(run.status, 1, run.stdout + run.stderr);
    t.regex(run.stdout + run.stderr, expected);
    t.notRegex(run.stdout + run.stderr, /^\s+at .*\.js:\d+/m, "no JavaScript stack trace");

    t.true(fs.existsSync(stateFile), "the state file is still there");
    t.deepEqual(
      await decryptedResources(dir),
      before,
      "the decrypted state is unchanged: no resource created, changed or deleted",
    );
  });
}
