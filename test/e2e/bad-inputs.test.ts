/**
 * Bad CertificateAndKeyPair arguments through the command line and the real engine: `up` fails with a
 * failure naming the field and the rule, and nothing is created, not even the good certificate beside it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { stateFilePath } from "../../provider/engine/local-stack";
import { repoRoot, runCli } from "../helpers/cli";

const program = path.join(repoRoot, "build", "test", "fixtures", "programs", "bad-certificates.js");

const cases: [string, RegExp][] = [
  ["name", /'bad': property uniqueName value \{Bad__Name_\} has a problem: must not contain two underscores in a row \(got "Bad__Name_"\)/],
  ["label", /'bad': property label value \{L+\} has a problem: must be at most 64 characters \(got 65\)/],
  ["key-size", /'bad': property keySize value \{1024\} has a problem: must be one of 2048, 4096 \(got 1024\)/],
  ["validity", /'bad': property validityDays value \{0\} has a problem: must be a whole number from 1 to 3650 \(got 0\)/],
];

for (const [badCase, expected] of cases) {
  test(`up with a bad ${badCase} fails naming the field, and creates nothing`, (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-bad-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = runCli(["up", "--program", program, "--stack", "bad", "--state", "state"], dir, { ...process.env, SFC_BAD_CASE: badCase });
    t.is(run.status, 1, run.stdout + run.stderr);
    t.regex(run.stdout + run.stderr, expected);
    t.regex(run.stderr, /^error: /m, "the CLI ends with one error line");

    const state = stateFilePath(path.join(dir, "state"), "salesforce-certs", "bad");
    const text = fs.existsSync(state) ? fs.readFileSync(state, "utf8") : "";
    t.false(text.includes("Good_Cert"), "the good certificate was not created");
    t.false(text.includes("CertificateAndKeyPair"));
  });
}
