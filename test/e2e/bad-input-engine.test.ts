/**
 * The engine rows of the bad-input catalogue (the other rows: test/unit/cli/bad-input-catalogue.test.ts):
 * each bad inventory, variable or option is given to `salesforce-certs up` (or to a command that reads
 * the stack: check, report, export-sfdx) against a stack that already holds certificates and an
 * integration. Each fails with its exact exit code and message, and the stack's decrypted state
 * (`pulumi stack export --show-secrets`) is exactly what it was.
 * Exit 2: the command could not run as asked (option, variable) or could not read the stack (passphrase);
 * exit 1: it ran and failed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { openLocalStack } from "../../provider/engine/local-stack";
import { repoRoot, runCli } from "../helpers/cli";
import { storedPrimesPattern } from "../helpers/engine";
import { testInstant } from "../helpers/test-clock";

const passphrase = "bad-input-engine-passphrase";
const base = fs.readFileSync(path.join(repoRoot, "test", "fixtures", "e2e-inventories", "acme.yaml"), "utf8");

interface EngineRow {
  /** What is wrong. */
  title: string;
  /** The inventory file to write as `bad.yaml` in the project folder (text, or bytes). */
  inventory?: string | Buffer;
  /** The command and its own options, before `--stack acme`; default `up`. */
  command?: string[];
  /** Arguments after `--stack acme`; default `--inventory bad.yaml`. */
  args?: string[];
  /** Variables added to (or, when undefined, removed from) the environment. */
  env?: Record<string, string | undefined>;
  status: number;
  /** A line the output must hold, exactly. */
  line: string;
}

const withLabel = (label: string) => base.replace("label: Acme mutual TLS client", `label: ${label}`);

const rows: EngineRow[] = [
  {
    title: "YAML syntax",
    inventory: base.replace("jwtIntegrations:\n", "jwtIntegrations: [\n"),
    status: 1,
    line: "    bad.yaml:25:5 (yaml): Block collections are not allowed within flow collections",
  },
  {
    title: "unknown key",
    inventory: base.replace("    owner: Platform team\n", "    owner: Platform team\n    keysize: 4096\n"),
    status: 1,
    line: "    bad.yaml:19:5 certificates.Acme_mTLS.keysize: is not a known field (known: label, owner, custody, keySize, validityDays, subject, caSigned, signedChainFile, privateKeyExportable, renewal, overlapDays, rotationTrigger, keystorePasswordEnv, adopt)",
  },
  {
    title: "wrong type",
    inventory: base.replace(
      "    label: Acme mutual TLS client\n",
      "    label: Acme mutual TLS client\n    keySize: big\n",
    ),
    status: 1,
    line: '    bad.yaml:18:14 certificates.Acme_mTLS.keySize: must be one of 2048, 4096 (got "big")',
  },
  {
    title: "bad name",
    inventory: base.replace("  Acme_mTLS:", "  Acme__mTLS:"),
    status: 1,
    line: '    bad.yaml:16:3 certificates.Acme__mTLS: must be a Salesforce unique name: letters, digits and underscores, starting with a letter, with no trailing or double underscore (got "Acme__mTLS")',
  },
  {
    title: "control character",
    inventory: withLabel('"Acme mutual\\u0007TLS"'),
    status: 1,
    line: '    bad.yaml:17:12 certificates.Acme_mTLS.label: must not contain U+0007 (a control character) at character 12: Salesforce metadata is XML 1.0, which forbids it (got "Acme mutual\\u0007TLS")',
  },
  {
    title: "generated-name collision",
    inventory: base.replace("jwtIntegrations:", "  Acme_CI_JWT_G2:\n    label: Second generation?\n\njwtIntegrations:"),
    status: 1,
    line: "    bad.yaml:23:3 certificates.Acme_CI_JWT_G2: collides with certificates.Acme_CI_JWT, whose key pair is named Acme_CI_JWT_G2 in the org after its rotations: names ending in _G and digits are reserved for rotated key pairs; choose another name",
  },
  {
    title: "empty inventory",
    inventory: "certificates: {}\n",
    status: 1,
    line: "    bad.yaml:1:15 certificates: declares no certificate: an inventory must declare at least one (to delete a whole stack, run salesforce-certs destroy)",
  },
  {
    title: "not UTF-8",
    inventory: Buffer.from(withLabel("Acme mutual TLS cli\u00e9nt"), "latin1"),
    status: 1,
    line: "    bad.yaml:17:31 (file): is not UTF-8: byte 0xE9 (at byte 439) is not UTF-8 here; save it as UTF-8 (YAML files are read as UTF-8)",
  },
  {
    title: "removal without acknowledgement",
    inventory: `${base.slice(0, base.indexOf("jwtIntegrations:"))}jwtIntegrations: {}\n`,
    status: 1,
    line: "error: up: refused: the inventory no longer declares JwtIntegration Acme_CI; up deletes it (with its keys or credentials) only when named: salesforce-certs up --allow-delete Acme_CI (nothing was changed)",
  },
  {
    title: "clock variable",
    args: [],
    env: { SALESFORCE_CERTS_NOW: "12" },
    status: 2,
    line: 'error: SALESFORCE_CERTS_NOW must be an ISO 8601 instant with a time zone, such as 2027-01-31T00:00:00Z or 2027-01-31T10:00:00+01:00 (got "12")',
  },
  {
    title: "impossible clock date",
    args: [],
    env: { SALESFORCE_CERTS_NOW: "2027-02-30T00:00:00Z" },
    status: 2,
    line: 'error: SALESFORCE_CERTS_NOW must be a date that exists (2027-02 has 28 days, not 30) (got "2027-02-30T00:00:00Z")',
  },
  {
    title: "wrong passphrase",
    args: [],
    env: { PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" },
    status: 2,
    line: "error: stack 'acme': the passphrase does not decrypt its secrets (incorrect passphrase): set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to the passphrase the stack was made with",
  },
  ...(["check --within 30", "report", "export-sfdx --out exported"] as const).map((command) => ({
    title: `${command.split(" ")[0]} with a wrong passphrase: could not look`,
    command: command.split(" "),
    args: [],
    env: { PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" },
    status: 2,
    line: "error: stack 'acme': the passphrase does not decrypt its secrets (incorrect passphrase): set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to the passphrase the stack was made with",
  })),
  {
    title: "no passphrase",
    args: [],
    env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: undefined },
    status: 2,
    line: "error: stack 'acme' needs a passphrase for its secrets: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE (only the 'demo' stack uses the published demo passphrase)",
  },
  {
    title: "empty passphrase (a variable that expanded to nothing)",
    args: [],
    env: { PULUMI_CONFIG_PASSPHRASE: "" },
    status: 2,
    line: "error: stack 'acme' needs a passphrase for its secrets: PULUMI_CONFIG_PASSPHRASE is empty or blank (a variable that expanded to nothing?), which protects no key: set it to the stack's passphrase (or unset it and set PULUMI_CONFIG_PASSPHRASE_FILE)",
  },
  {
    title: "empty passphrase file",
    args: [],
    env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: "empty-passphrase.txt" },
    status: 2,
    line: "error: stack 'acme' needs a passphrase for its secrets: PULUMI_CONFIG_PASSPHRASE_FILE names empty-passphrase.txt, which is empty or blank: write the stack's passphrase into it (or set PULUMI_CONFIG_PASSPHRASE)",
  },
  {
    title: "--allow-delete of a name the stack does not hold",
    args: ["--allow-delete", "Acme_Nope"],
    status: 2,
    line: "error: up: --allow-delete names Acme_Nope, which stack 'acme' does not hold (nothing was changed)",
  },
  {
    title: "--inventory that does not exist",
    args: ["--inventory", "missing.yaml"],
    status: 2,
    line: "error: up: --inventory missing.yaml: no such file",
  },
  {
    title: "unknown option",
    args: ["--invntory", "bad.yaml"],
    status: 2,
    line: "error: up: Unknown option '--invntory' (see salesforce-certs up --help)",
  },
  // ---- values that reach a shell, URLs
  {
    title: "a username that tries command substitution",
    inventory: base.replace(
      "    username: ci@acme.example\n",
      "    username: ci$(touch${IFS}/tmp/pwned)@acme.example\n",
    ),
    status: 1,
    line: '    bad.yaml:28:15 jwtIntegrations.Acme_CI.username: must be a Salesforce username, shaped like an e-mail address (name@example.com.prod), at most 80 characters: "$" at character 3 is not allowed in one (got "ci$(touch${IFS}/tmp/pwned)@acme.exam…)',
  },
  {
    title: "an audience with a trailing space",
    inventory: base.replace(
      "    audience: https://login.salesforce.com\n",
      '    audience: "https://login.salesforce.com "\n',
    ),
    status: 1,
    line: '    bad.yaml:29:15 jwtIntegrations.Acme_CI.audience: must not hold spaces, tabs, line breaks or other control characters, not even at either end: U+0020 (a space) at character 29 (got "https://login.salesforce.com ")',
  },
];

test.serial("bad inputs through the engine leave an existing stack's decrypted state exactly as it was", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-bad-engine-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    SALESFORCE_CERTS_NOW: testInstant,
  };
  const first = runCli(
    ["up", "--stack", "acme", "--inventory", path.join(repoRoot, "test", "fixtures", "e2e-inventories", "acme.yaml")],
    dir,
    env,
  );
  t.is(first.status, 0, first.stdout + first.stderr);

  const decrypted = async () => {
    const stack = await openLocalStack({
      stackName: "acme",
      program: async () => ({}),
      stateDir: path.join(dir, ".pulumi-state"),
      workDir: dir,
      passphrase,
      mustExist: true,
    });
    return JSON.stringify(((await stack.exportStack()).deployment as { resources: unknown[] }).resources);
  };
  fs.writeFileSync(path.join(dir, "empty-passphrase.txt"), "\n");
  const before = await decrypted();
  t.regex(before, storedPrimesPattern, "the export is decrypted: the keys are there to compare");

  for (const row of rows) {
    if (row.inventory !== undefined) fs.writeFileSync(path.join(dir, "bad.yaml"), row.inventory);
    const rowEnv: NodeJS.ProcessEnv = { ...env };
    for (const [name, value] of Object.entries(row.env ?? {})) {
      if (value === undefined) delete rowEnv[name];
      else rowEnv[name] = value;
    }
    const run = runCli(
      [...(row.command ?? ["up"]), "--stack", "acme", ...(row.args ?? ["--inventory", "bad.yaml"])],
      dir,
      rowEnv,
    );
    const lines = (run.stdout + run.stderr).split("\n");
    t.is(run.status, row.status, `${row.title}: exit code\n${run.stdout}${run.stderr}`);
    t.true(lines.includes(row.line), `${row.title}: no line\n${row.line}\nin\n${run.stdout}${run.stderr}`);
    t.false(
      lines.some((l) => /^\s+at .*:\d+:\d+\)?$/.test(l)),
      `${row.title}: no JavaScript stack trace`,
    );
    t.false(
      lines.some((l) => l.includes("Command failed with exit code")),
      `${row.title}: no Automation API dump`,
    );
    t.is(await decrypted(), before, `${row.title}: the decrypted state is unchanged`);
  }
  t.true(rows.length >= 10);

  // The stack's inventory is still the good one: a plain up changes nothing.
  const after = runCli(["up", "--stack", "acme"], dir, env);
  t.regex(after.stdout, /4 unchanged/);
  t.is(runCli(["destroy", "--stack", "acme"], dir, env).status, 0);
});
