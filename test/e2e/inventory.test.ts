/**
 * The GitOps flow through the command line (which runs the real `pulumi` command): `up` of the example
 * inventory prints the report; `report`, the `check` gate and `export-sfdx` (read back by
 * source-deploy-retrieve) work from the stack; an invalid inventory creates nothing and names each problem
 * once. The safety rules: the inventory is kept only after a successful up; removed entries are not
 * deleted until acknowledged; an empty inventory is refused; only the demo stack gets the demo passphrase;
 * the state is private.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { stateFilePath } from "../../provider/engine/local-stack";
import { repoRoot, runCli } from "../helpers/cli";
import { componentNames, componentsIn } from "../helpers/source-components";
import { daysAfter, testNow } from "../helpers/test-clock";

/** A user's shell with a passphrase for the stacks of these tests. */
const withPassphrase = { ...process.env, PULUMI_CONFIG_PASSPHRASE: "inventory-e2e-passphrase" };
const fixture = (name: string) => path.join(repoRoot, "test", "fixtures", "e2e-inventories", name);

test("the example inventory: up, report, gate, export, and an invalid inventory that creates nothing", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-inventory-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inventory = path.join(repoRoot, "examples", "greenmoor", "inventory.yaml");

  const up = runCli(["up", "--inventory", inventory, "--stack", "inv"], dir, withPassphrase);
  t.is(up.status, 0, up.stderr);
  t.regex(up.stdout, /\+ 5 created/);
  t.regex(up.stdout, /jwtLoginKeys: \[secret\]/);
  t.regex(up.stdout, /keystores: \[secret\]/);
  t.false(up.stdout.includes("PRIVATE KEY"));
  // Made and reported on the tests' clock (2026-12-01T09:00Z): 730 days left, renewal 60 days before.
  t.regex(
    up.stdout,
    /\| Greenmoor_IdP_Signing \| Greenmoor IdP signing \(partner SSO\) \| Platform team \| 2028-11-30 \| 730 \| 2028-10-01 \| SAML Partner_Portal_SSO \|/,
  );
  t.regex(up.stdout, /cert_Greenmoor_CI_JWT --> jwt_Greenmoor_CI\["JWT Greenmoor_CI"\]/);

  // `salesforce-certs preview` is the engine's own preview: rotation lines with their reasons, and warnings.
  const rehearsal = runCli(["preview", "--stack", "inv"], dir, {
    ...withPassphrase,
    SALESFORCE_CERTS_NOW: daysAfter(700).toISOString(),
  });
  t.is(rehearsal.status, 0, rehearsal.stdout + rehearsal.stderr);
  const rehearsed = rehearsal.stdout + rehearsal.stderr;
  t.regex(
    rehearsed,
    /CertificateAndKeyPair Greenmoor_IdP_Signing: rotates now \(inside its renewal window since \S+\): a new key pair and certificate/,
  );
  t.regex(rehearsed, /CertificateAndKeyPair Greenmoor_CI_JWT: rotates now \(/);
  t.regex(
    rehearsed,
    /warning: certificates\.Greenmoor_IdP_Signing\.keystorePasswordEnv: GREENMOOR_KEYSTORE_PASSWORD is not set, so no keystore is produced/,
  );
  t.regex(rehearsed, /~ .*CertificateAndKeyPair.*Greenmoor_IdP_Signing|CertificateAndKeyPair: \(update\)/);

  const report = runCli(["report", "--stack", "inv"], dir, withPassphrase);
  t.is(report.status, 0, report.stderr);
  t.regex(report.stdout, /From stack inv, on /);
  t.regex(
    report.stdout,
    /\| Greenmoor_CI_JWT \| Greenmoor CI \(JWT Bearer Flow\) \| Release engineering \| \d{4}-\d{2}-\d{2} \| 36\d \|/,
  );

  t.is(runCli(["check", "--within", "30", "--stack", "inv"], dir, withPassphrase).status, 0);
  const gate = runCli(["check", "--within", "800", "--stack", "inv"], dir, withPassphrase);
  t.is(gate.status, 1);
  t.regex(gate.stderr, /FAIL Greenmoor_IdP_Signing: expires on .* within 800 \(used by SAML Partner_Portal_SSO\)/);

  const exported = runCli(["export-sfdx", "--out", "sfdx", "--stack", "inv"], dir, withPassphrase);
  t.is(exported.status, 0, exported.stderr);
  const components = componentNames(componentsIn(path.join(dir, "sfdx", "force-app")));
  // No Certificate: deploying one would make Salesforce generate a new key pair (the keystore import carries ours).
  t.deepEqual(components, [
    "ExternalClientApplication:Greenmoor_CI_A",
    "ExternalClientApplication:Greenmoor_CI_B",
    "ExternalClientApplication:Partner_Portal_SSO",
    "ExtlClntAppConfigurablePolicies:Greenmoor_CI_A_plcy",
    "ExtlClntAppConfigurablePolicies:Greenmoor_CI_B_plcy",
    "ExtlClntAppConfigurablePolicies:Partner_Portal_SSO_plcy",
    "ExtlClntAppGlobalOauthSettings:Greenmoor_CI_A_glbloauth",
    "ExtlClntAppGlobalOauthSettings:Greenmoor_CI_B_glbloauth",
    "ExtlClntAppOauthConfigurablePolicies:Greenmoor_CI_A_oauthPlcy",
    "ExtlClntAppOauthConfigurablePolicies:Greenmoor_CI_B_oauthPlcy",
    "ExtlClntAppOauthSettings:Greenmoor_CI_A_oauth",
    "ExtlClntAppOauthSettings:Greenmoor_CI_B_oauth",
    "ExtlClntAppSamlConfigurablePolicies:Partner_Portal_SSO_samlPlcy",
    "Settings:IdentityProvider",
  ]);
  t.true(
    JSON.parse(fs.readFileSync(path.join(dir, "sfdx", "sfdx-project.json"), "utf8")).packageDirectories[0].default,
  );
  t.true(fs.existsSync(path.join(dir, "sfdx", "setup-keystore-import", "Greenmoor_IdP_Signing.crt-meta.xml")));
  t.regex(
    exported.stdout,
    /^ {2}setup-keystore-import\/Greenmoor_IdP_Signing\.crt-meta\.xml \(needed: the org signs SAML assertions with it;/m,
  );

  const invalid = path.join(repoRoot, "test", "fixtures", "inventories", "saml-rules.yaml");
  const bad = runCli(["up", "--inventory", invalid, "--stack", "bad"], dir, withPassphrase);
  t.is(bad.status, 1);
  t.regex(
    bad.stdout + bad.stderr,
    /saml-rules\.yaml:14:13 samlBindings\.Portal_SSO\.acsUrl: must be an absolute https URL/,
  );
  t.regex(bad.stdout + bad.stderr, /saml-rules\.yaml:20:23 samlBindings\.Wiki_SSO\.signingAlgorithm: SHA1 is weak/);
  // Each problem once (the engine's diagnostics), and no JavaScript stack trace.
  t.is(
    (bad.stdout + bad.stderr).split("samlBindings.Portal_SSO.acsUrl: must be").length - 1,
    1,
    bad.stdout + bad.stderr,
  );
  t.notRegex(bad.stdout + bad.stderr, /^\s+at .*\.js:\d+/m);
  const badState = stateFilePath(path.join(dir, ".pulumi-state"), "salesforce-certs", "bad");
  t.true(fs.existsSync(badState), "the stack exists (its state is judged, not a missing file)");
  t.false(fs.readFileSync(badState, "utf8").includes("salesforce:"), "nothing was created");

  t.is(runCli(["destroy", "--stack", "inv"], dir, withPassphrase).status, 0);
});

/** The stack's resources as `pulumi stack export` (via our outputs-free path) sees them: URN → protect. */
function resourcesOf(dir: string, stack: string): Record<string, boolean> {
  const file = stateFilePath(path.join(dir, ".pulumi-state"), "salesforce-certs", stack);
  const checkpoint = JSON.parse(fs.readFileSync(file, "utf8")) as {
    checkpoint: { latest: { resources?: { urn: string; type: string; protect?: boolean }[] } };
  };
  return Object.fromEntries(
    (checkpoint.checkpoint.latest.resources ?? [])
      .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/salesforce:"))
      .map((r) => [r.urn.split("::").pop()!, r.protect === true]),
  );
}

test("safety: the inventory is kept only after a successful up, removals wait for --allow-delete, empty inventories and missing passphrases are refused, state is private", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-safety-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const up = (...args: string[]) => runCli(["up", "--stack", "acme", ...args], dir, withPassphrase);
  const { PULUMI_CONFIG_PASSPHRASE: _p, PULUMI_CONFIG_PASSPHRASE_FILE: _f, ...noPassphrase } = process.env;

  // Only the demo stack may use the published demo passphrase; nothing is written before that is settled.
  const refused = runCli(["up", "--stack", "acme", "--inventory", fixture("acme.yaml")], dir, noPassphrase);
  t.is(refused.status, 2);
  t.regex(
    refused.stderr,
    /^error: stack 'acme' needs a passphrase for its secrets: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE/m,
  );
  t.false(fs.existsSync(path.join(dir, ".pulumi-state")), "nothing was written");

  const first = up("--inventory", fixture("acme.yaml"));
  t.is(first.status, 0, first.stdout + first.stderr);
  t.regex(first.stdout, /\+ 4 created/);
  t.deepEqual(
    resourcesOf(dir, "acme"),
    { Acme_CI_JWT: true, Acme_mTLS: true, Acme_CI: true },
    "every inventory resource is protected",
  );

  // The state folder and the stack config (salt, encrypted secrets) are private to the user.
  const mode = (p: string) => fs.statSync(p).mode & 0o777;
  t.is(mode(path.join(dir, ".pulumi-state")), 0o700);
  t.is(mode(stateFilePath(path.join(dir, ".pulumi-state"), "salesforce-certs", "acme")), 0o600);
  t.is(mode(path.join(dir, "Pulumi.acme.yaml")), 0o600);

  // A preview of another inventory, and a rejected up of an invalid one, leave the stack's inventory as it was.
  const previewOther = runCli(
    ["preview", "--stack", "acme", "--inventory", path.join(repoRoot, "examples", "greenmoor", "inventory.yaml")],
    dir,
    withPassphrase,
  );
  t.regex(previewOther.stdout, /CertificateAndKeyPair::Greenmoor_IdP_Signing\]/);
  const rejected = up("--inventory", path.join(repoRoot, "test", "fixtures", "inventories", "saml-rules.yaml"));
  t.is(rejected.status, 1);
  const again = up();
  t.is(again.status, 0, again.stdout + again.stderr);
  t.regex(again.stdout, /4 unchanged/, "acme.yaml stays the stack's inventory");

  // Removing an integration from the inventory: preview and up say what would be deleted, up refuses, state unchanged.
  const before = fs.readFileSync(stateFilePath(path.join(dir, ".pulumi-state"), "salesforce-certs", "acme"), "utf8");
  const removalPreview = runCli(
    ["preview", "--stack", "acme", "--inventory", fixture("acme-without-ci.yaml")],
    dir,
    withPassphrase,
  );
  t.not(removalPreview.status, 0);
  t.regex(
    removalPreview.stdout,
    /JwtIntegration Acme_CI is no longer in the inventory: up would delete its metadata and credentials, so it refuses; to delete it, run salesforce-certs up --allow-delete Acme_CI/,
  );
  const removal = up("--inventory", fixture("acme-without-ci.yaml"));
  t.is(removal.status, 1);
  t.regex(
    removal.stderr,
    /^error: up: refused: the inventory no longer declares JwtIntegration Acme_CI; up deletes it \(with its keys or credentials\) only when named: salesforce-certs up --allow-delete Acme_CI \(nothing was changed\)$/m,
  );
  t.is(
    fs.readFileSync(stateFilePath(path.join(dir, ".pulumi-state"), "salesforce-certs", "acme"), "utf8"),
    before,
    "the refused removal changed nothing",
  );
  t.regex(up().stdout, /4 unchanged/, "the refused inventory was not kept");

  // An empty inventory is refused before the engine could delete anything.
  const emptyValidate = runCli(["validate", fixture("empty.yaml")], dir);
  t.is(emptyValidate.status, 1);
  t.regex(emptyValidate.stderr, /empty\.yaml:\d+:\d+ certificates: declares no certificate/);
  const empty = up("--inventory", fixture("empty.yaml"));
  t.is(empty.status, 1);
  t.deepEqual(Object.keys(resourcesOf(dir, "acme")).sort(), ["Acme_CI", "Acme_CI_JWT", "Acme_mTLS"]);

  // Acknowledged: the named integration is deleted, the certificates stay.
  const wrongName = up("--inventory", fixture("acme-without-ci.yaml"), "--allow-delete", "Acme_Nope");
  t.is(wrongName.status, 2);
  t.regex(wrongName.stderr, /--allow-delete names Acme_Nope, which stack 'acme' does not hold \(nothing was changed\)/);
  const acknowledged = up("--inventory", fixture("acme-without-ci.yaml"), "--allow-delete", "Acme_CI");
  t.is(acknowledged.status, 0, acknowledged.stdout + acknowledged.stderr);
  t.regex(acknowledged.stdout, /- 1 deleted/);
  t.deepEqual(resourcesOf(dir, "acme"), { Acme_CI_JWT: true, Acme_mTLS: true });

  // A lock held by a live process: the engine's one message, no JavaScript stack trace.
  const lockDir = path.join(dir, ".pulumi-state", ".pulumi", "locks", "organization", "salesforce-certs", "acme");
  fs.mkdirSync(lockDir, { recursive: true });
  fs.writeFileSync(
    path.join(lockDir, "held.json"),
    JSON.stringify({ pid: process.pid, username: "test", hostname: os.hostname(), timestamp: testNow().toISOString() }),
  );
  const locked = up();
  t.is(locked.status, 1);
  t.is((locked.stdout + locked.stderr).split("currently locked").length - 1, 1, locked.stdout + locked.stderr);
  t.notRegex(locked.stdout + locked.stderr, /^\s+at .*\.js:\d+/m);
  fs.rmSync(path.join(lockDir, "held.json"));

  const destroyed = runCli(["destroy", "--stack", "acme"], dir, withPassphrase);
  t.is(destroyed.status, 0, destroyed.stdout + destroyed.stderr);
  t.regex(destroyed.stdout, /- 3 deleted/);
});
