/**
 * From discover to adoption, through the command line a user runs, against the brownfield stand-in org
 * (a five-year-old production org, test/helpers/brownfield.ts) on a simulated clock (SALESFORCE_CERTS_NOW):
 * a stack whose configuration holds the org connection; `discover --write-inventory draft.yaml
 * --contact-email …` writes the draft; `validate draft.yaml` accepts it; the first `up --inventory
 * draft.yaml` adopts every entry that adopts (an `adopts …` line for each, from the org it was read from),
 * sends the org no deploy and no delete, and leaves the org byte-identical (certificates, deleted ones too,
 * every component and the apps); then a preview (through the Automation API on the same stack and project
 * folder, the program the command line runs: the command line's preview does not take
 * `--expect-no-changes`) changes nothing but the rotation of each adopted certificate already past its
 * renewal point, which the next up makes as for a certificate the stack created, and one that expects no
 * changes passes over every other resource, deploying nothing. A draft with one SAML binding copied under another key adopts
 * one org app twice: `validate` refuses it naming both entries, and `up` of it changes nothing.
 * The gate through the command line, `discover --within 30`, exits 1 failing exactly the certificates of
 * every kind that the seed's truth (read by openssl) says have expired or expire within 30 days.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import test, { type ExecutionContext } from "ava";
import { parse as parseYaml, parseDocument } from "yaml";
import { engineEnvironment, locateEngine } from "../../provider/engine/engine-environment";
import { startBrownfieldOrg, type BrownfieldOrg } from "../helpers/brownfield";
import { repoRoot, runCliAsync } from "../helpers/cli";
import { canonical } from "../helpers/engine";
import { testInstant } from "../helpers/test-clock";

const stackName = "brownfield";
const passphrase = "brownfield-e2e-passphrase";
/** What the draft gives as the apps' contact: YAML and XML metacharacters an e-mail address may hold. */
const contactEmail = "o'brien&co+certs#1@greenmoor.example";

/** The org's whole state as canonical JSON: certificates (deleted ones too), components by key, apps. */
function orgSnapshot(org: BrownfieldOrg): string {
  const { state } = org.org;
  return canonical({
    certificates: state.certificates,
    components: [...state.componentRecords.entries()].sort(([a], [b]) => a.localeCompare(b)),
    apps: state.apps,
    appHistory: state.appHistory,
  });
}

/** The org's deploy and delete calls from call `mark` on (Metadata API deploys, check-only ones too; any delete). */
const writesSince = (org: BrownfieldOrg, mark: number) =>
  org.org.calls
    .slice(mark)
    .filter((c) => c.operation === "deploy" || /delete/i.test(c.operation ?? "") || c.method === "DELETE");

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The project folder's stack through the Automation API, running the folder's own program (the inventory
 * program the command line runs), not an inline one.
 */
async function projectStack(workDir: string, stateDir: string): Promise<Stack> {
  const engine = locateEngine(repoRoot);
  return LocalWorkspace.createOrSelectStack(
    { stackName, workDir },
    {
      workDir,
      pulumiCommand: await PulumiCommand.get({ root: engine.root }),
      ...(engine.pulumiHome ? { pulumiHome: engine.pulumiHome } : {}),
      envVars: engineEnvironment({ stackName, stateDir, passphrase }, engine),
    },
  );
}

/**
 * The brownfield org and a project folder whose stack holds its connection (the helper's configure): the
 * Pulumi.yaml salesforce-certs writes in a folder without one (it runs the inventory program), a file
 * backend inside, and the environment the command line runs with (the tests' clock, no proxies).
 */
async function brownfieldProject(t: ExecutionContext) {
  const org = await startBrownfieldOrg({ now: testInstant });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-discover-adopt-"));
  t.teardown(async () => {
    await org.org.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const stateDir = path.join(dir, ".pulumi-state");
  fs.mkdirSync(stateDir, { mode: 0o700 });
  const main = path.relative(dir, path.join(repoRoot, "build", "provider", "inventory", "inventory-main.js"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: salesforce-certs\nruntime: nodejs\nmain: ${main}\n`);
  const stack = await projectStack(dir, stateDir);
  await org.configure(stack);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    SALESFORCE_CERTS_NOW: testInstant,
  };
  for (const name of ["https_proxy", "http_proxy", "HTTPS_PROXY", "HTTP_PROXY", "PULUMI_BACKEND_URL"]) delete env[name];
  const where = ["--stack", stackName, "--state", stateDir, "--work-dir", dir];
  const cli = (...args: string[]) => runCliAsync(args, dir, env);
  return { org, dir, stack, where, cli };
}

test("discover drafts an inventory that validates; its first up adopts with no deploy and leaves the org byte-identical; a name adopted twice is refused", async (t) => {
  const { org, dir, stack, where, cli } = await brownfieldProject(t);
  const seeded = orgSnapshot(org);

  // Control: without the contact e-mail the draft adopts no SAML app.
  const bare = await cli("discover", ...where, "--write-inventory", "bare.yaml", "--out", "report.md");
  t.is(bare.status, 0, bare.stdout + bare.stderr);
  t.is(parseYaml(fs.readFileSync(path.join(dir, "bare.yaml"), "utf8"))["samlBindings"], undefined);

  const discovered = await cli(
    "discover",
    ...where,
    "--write-inventory",
    "draft.yaml",
    "--contact-email",
    contactEmail,
    "--out",
    "report.md",
  );
  t.is(discovered.status, 0, discovered.stdout + discovered.stderr);
  t.regex(discovered.stdout, /draft inventory written to draft\.yaml/);
  const draftText = fs.readFileSync(path.join(dir, "draft.yaml"), "utf8");
  const draft = parseYaml(draftText) as {
    org: { contactEmail?: string };
    certificates: Record<string, { adopt?: { sha256Fingerprint: string } }>;
    samlBindings?: Record<string, { adopt?: { app: string } }>;
  };
  t.is(draft.org.contactEmail, contactEmail, "the contact e-mail reaches the draft as given");
  const adoptedCertificates = Object.keys(draft.certificates).filter((n) => draft.certificates[n]!.adopt);
  const adoptedBindings = Object.keys(draft.samlBindings ?? {}).filter((n) => draft.samlBindings![n]!.adopt);
  t.true(
    adoptedCertificates.some((n) => n.toLowerCase() === org.truth.identityProvider!.certificateName.toLowerCase()),
    "the IdP certificate is adopted",
  );
  for (const name of adoptedCertificates) {
    const truth = org.truth.certificates.find((c) => c.name === name);
    t.is<string | undefined, string | undefined>(
      draft.certificates[name]!.adopt!.sha256Fingerprint,
      truth?.sha256Fingerprint,
      `${name}: openssl's fingerprint`,
    );
  }
  t.deepEqual(
    adoptedBindings.map((n) => draft.samlBindings![n]!.adopt!.app).sort(),
    org.truth.samlApps.map((a) => a.app).sort(),
    "with the contact e-mail every SAML app signed by the IdP is adopted",
  );

  const validated = await cli("validate", "draft.yaml");
  t.is(validated.status, 0, validated.stdout + validated.stderr);

  const mark = org.org.calls.length;
  const up = await cli("up", "--inventory", "draft.yaml", ...where);
  const upText = up.stdout + up.stderr;
  t.is(up.status, 0, upText);
  for (const name of adoptedCertificates)
    t.regex(
      upText,
      new RegExp(
        `CertificateAndKeyPair ${literal(name)}: adopts Certificate ${literal(name)} from ${literal(org.org.url)}; deploys nothing`,
        "i",
      ),
    );
  for (const name of adoptedBindings) {
    const app = draft.samlBindings![name]!.adopt!.app;
    t.regex(
      upText,
      new RegExp(
        `SamlSpBinding ${literal(name)}: adopts \\w+ ${literal(app)} and the IdP settings from ${literal(org.org.url)}; deploys nothing`,
      ),
    );
  }
  t.deepEqual(writesSince(org, mark), [], "no deploy and no delete");
  t.true(org.org.calls.length > mark, "control: up read the org");
  t.is(orgSnapshot(org), seeded, "the org is byte-identical after the adopting up");

  // Adoption leaves nothing to change, except what the renewal policy asks for: an adopted certificate
  // already past its renewal point (the default, 80 % of its lifetime, from the seed's own dates) is
  // rotated by the next up, as one the stack made would be. The draft cannot tell which those are (the
  // discovery model holds no notBefore), so the preview is judged in two parts.
  const due = org.seed.certificates
    .filter((c) => c.deletedDaysAgo === undefined && c.validDays !== undefined && adoptedCertificates.includes(c.name))
    .filter((c) => c.madeDaysAgo >= 0.8 * c.validDays!)
    .map((c) => c.name);
  const mark2 = org.org.calls.length;
  let previewText = "";
  const whole = await stack.preview({ onOutput: (text) => (previewText += text) });
  t.deepEqual(whole.changeSummary, {
    same: adoptedCertificates.length + adoptedBindings.length + 1 - due.length,
    ...(due.length > 0 ? { update: due.length } : {}),
  });
  for (const name of due)
    t.regex(
      previewText,
      new RegExp(`CertificateAndKeyPair ${literal(name)}: rotates now \\(inside its renewal window since `),
    );
  const resources = ((await stack.exportStack()).deployment as { resources: { urn: string; type: string }[] })
    .resources;
  const notDue = resources
    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))
    .filter((r) => !due.some((name) => r.urn.endsWith(`::${name}`)))
    .map((r) => r.urn);
  t.is(notDue.length, adoptedCertificates.length + adoptedBindings.length - due.length);
  const noChanges = await stack.preview({ expectNoChanges: true, target: notDue });
  // Resources left out of the target are counted as same too: every one of them, and the stack.
  t.deepEqual(noChanges.changeSummary, { same: adoptedCertificates.length + adoptedBindings.length + 1 });
  t.deepEqual(writesSince(org, mark2), [], "the previews deployed nothing, not even a check-only validation");
  t.is(orgSnapshot(org), seeded);

  // One SAML binding copied under another key: one org app adopted by two entries.
  const [first] = adoptedBindings;
  const doubled = parseDocument(draftText);
  const copy = `${first}_Again`;
  doubled.setIn(["samlBindings", copy], doubled.getIn(["samlBindings", first]));
  fs.writeFileSync(path.join(dir, "doubled.yaml"), doubled.toString());
  const refused = await cli("validate", "doubled.yaml");
  t.is(refused.status, 1, refused.stdout + refused.stderr);
  const app = draft.samlBindings![first!]!.adopt!.app;
  t.regex(
    refused.stdout + refused.stderr,
    new RegExp(
      `samlBindings\\.${literal(copy)}\\.adopt\\.app: adopts \\w+ "${literal(app)}", which samlBindings\\.${literal(first!)} adopts already`,
    ),
  );
  const refusedUp = await cli("up", "--inventory", "doubled.yaml", ...where);
  t.not(refusedUp.status, 0, refusedUp.stdout + refusedUp.stderr);
  t.regex(refusedUp.stdout + refusedUp.stderr, /invalid inventory \(nothing was created or changed\)/);
  t.is(orgSnapshot(org), seeded, "the org is unchanged by the refused inventory");
  t.deepEqual(writesSince(org, mark), []);
});

test("the gate over the brownfield org through the command line fails exactly what the truth says expires within 30 days", async (t) => {
  const { org, where, cli } = await brownfieldProject(t);
  const seeded = orgSnapshot(org);

  const gate = await cli("discover", ...where, "--within", "30", "--out", "r.md");
  t.is(gate.status, 1, gate.stdout + gate.stderr);
  // FAIL <org>: <subject>: <why>, the subject named as the read-brownfield unit test maps it to the truth.
  const failed = [...gate.stderr.matchAll(/^FAIL (\S+): (.+?): /gm)].map(([, label, subject]) => {
    t.is(label, stackName);
    return subject!.startsWith("Certificate ")
      ? `certificate:${subject!.slice("Certificate ".length)}`
      : subject!.startsWith("SamlSsoConfig ")
        ? `trusted:${subject!.slice("SamlSsoConfig ".length).split(" ")[0]}`
        : `app:${subject!.split(" ")[1]}`;
  });
  const expected = org.truth.expiringWithin(30);
  t.true(expected.length > 0, "control: the seed holds certificates the gate must fail");
  t.deepEqual(failed.sort(), expected);
  t.regex(gate.stdout + gate.stderr, new RegExp(`^${expected.length} problem\\(s\\) within 30 days; `, "m"));
  t.notRegex(gate.stderr, /^UNREAD /m, "every part of the org was read");
  t.is(orgSnapshot(org), seeded);
  t.deepEqual(writesSince(org, 0), []);
});
