/**
 * `salesforce-certs discover` through the built command line, each org a stand-in org whose connection is
 * a stack's configuration (`salesforce-certs:org` + the secret `salesforce-certs:orgPrivateKey`, as the
 * README documents), read through the Automation API. Exit codes as `check`: 1 when the gate finds an
 * expired or expiring certificate of any kind (production and a sandbox in one run, both orgs unchanged
 * and sent no deploy or delete), 0 when all is valid (an org holding nothing but the login's own app), 2
 * when it could not look: a stack without a connection (naming both config keys), a user
 * without "View Setup and Configuration", a refused login.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { demoPassphrase, openLocalStack } from "../../provider/engine/local-stack";
import { runCliAsync } from "../helpers/cli";
import { openTempStack, type TempStack } from "../helpers/engine";
import { opensslSelfSigned } from "../helpers/openssl-ca";
import { startOrgForProvider, type OrgForProvider } from "../helpers/org-mode";
import { newId } from "../helpers/stand-in-org";
import { daysAfter, testInstant, testNow } from "../helpers/test-clock";

const env: NodeJS.ProcessEnv = {
  ...process.env,
  PULUMI_CONFIG_PASSPHRASE: demoPassphrase,
  SALESFORCE_CERTS_NOW: testInstant,
};
// jsforce honours these and ignores NO_PROXY: the stand-in is on the loopback.
for (const name of ["https_proxy", "http_proxy", "HTTPS_PROXY", "HTTP_PROXY"]) delete env[name];

/** A stack (no resources) whose configuration points at `provider`'s org, or holds no connection at all. */
async function stackFor(name: string, provider?: OrgForProvider, extra: Record<string, unknown> = {}) {
  const temp = await openTempStack(name, async () => ({}));
  if (provider) await provider.configure(temp.stack, extra);
  return temp;
}

/** Another stack in the same project folder and state as `temp` (production and its sandbox in one repository). */
async function siblingStack(temp: TempStack, name: string, provider: OrgForProvider, extra: Record<string, unknown>) {
  const stack = await openLocalStack({
    stackName: name,
    program: async () => ({}),
    stateDir: temp.stateDir,
    workDir: temp.stack.workspace.workDir,
    projectName: "sfc-test",
    passphrase: demoPassphrase,
  });
  await provider.configure(stack, extra);
}

const where = (temp: TempStack) => ["--state", temp.stateDir, "--work-dir", temp.stack.workspace.workDir];

const snapshot = (provider: OrgForProvider) =>
  JSON.stringify({
    certificates: provider.org.state.certificates,
    components: [...provider.org.state.componentRecords.values()],
  });

const writes = (provider: OrgForProvider) =>
  provider.org.calls.filter((c) => /deploy|delete|create|update|upsert|rename/i.test(c.operation ?? "")).length;

test("production and a sandbox in one run: the gate fails on an expired app certificate and a certificate expiring soon; nothing changes", async (t) => {
  const expired = opensslSelfSigned("Legacy Sync", daysAfter(-400), daysAfter(-35));
  const production = await startOrgForProvider(testInstant, {
    certificates: [{ fullName: "Acme_IdP", masterLabel: "Acme IdP" }],
    identityProvider: { certificateName: "Acme_IdP", enableIdentityProvider: true },
    connectedApps: [
      { fullName: "Legacy_Sync", consumerKey: "3MVG9Legacy.Sync.Key", certificatePem: expired.certificatePem },
    ],
  });
  // The sandbox's org-made certificate was made 350 days ago: it expires in 14 days and 15 hours.
  const sandbox = await startOrgForProvider(daysAfter(-350).toISOString(), {
    kind: "sandbox",
    certificates: [{ fullName: "Acme_IdP", masterLabel: "Acme IdP (sandbox)" }],
  });
  sandbox.setClock(testInstant);
  const prod = await stackFor("prod", production);
  await siblingStack(prod, "uat", sandbox, { audience: "https://test.salesforce.com" });
  t.teardown(async () => {
    await production.org.close();
    await sandbox.org.close();
    prod.dispose();
  });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-discover-"));
  t.teardown(() => fs.rmSync(out, { recursive: true, force: true }));
  const before = [snapshot(production), snapshot(sandbox)];

  const run = await runCliAsync(
    [
      "discover",
      "--stack",
      "prod",
      "--stack",
      "uat",
      ...where(prod),
      "--within",
      "30",
      "--json",
      path.join(out, "d.json"),
      "--write-inventory",
      path.join(out, "draft.yaml"),
    ],
    os.tmpdir(),
    env,
  );
  t.is(run.status, 1, run.stdout + run.stderr);
  t.regex(
    run.stderr,
    /FAIL prod: ConnectedApp Legacy_Sync oauthConfig\.certificate: expired on \S+ \(the app's JWT certificate CN=Legacy Sync\)/,
  );
  t.regex(run.stderr, /FAIL uat: Certificate Acme_IdP: expires on \S+, in 14 days, within 30/);
  t.regex(run.stderr, /ok {3}prod: Certificate Acme_IdP: valid until/);
  t.regex(run.stderr, /^2 problem\(s\) within 30 days; \d+ certificate\(s\) of 2 org\(s\) judged$/m);
  const document = JSON.parse(fs.readFileSync(path.join(out, "d.json"), "utf8"));
  t.is(document.format, "salesforce-certs/discovery/1");
  t.deepEqual(
    document.orgs.map((o: { label: string; orgId: string }) => [o.label, o.orgId]),
    [
      ["prod", production.org.orgId],
      ["uat", sandbox.org.orgId],
    ],
  );
  t.true(run.stdout.length > 0, "the Markdown report is printed");
  t.regex(run.stderr, /draft inventory written to \S+draft\.yaml/);
  t.regex(fs.readFileSync(path.join(out, "draft.yaml"), "utf8"), /Legacy_Sync/);

  t.deepEqual([snapshot(production), snapshot(sandbox)], before, "both orgs are byte-identical after discover");
  t.is(writes(production) + writes(sandbox), 0);

  // Control: with a horizon of 10 days the sandbox's certificate passes; the expired app certificate still fails.
  const shorter = await runCliAsync(["discover", "--stack", "uat", ...where(prod), "--within", "10"], os.tmpdir(), env);
  t.is(shorter.status, 0, shorter.stderr);
  t.regex(shorter.stderr, /no certificate expires within 10 days; 2 certificate\(s\) of 1 org\(s\) judged/);
});

test("an org holding nothing but the login's own app exits 0; a stack without a connection exits 2 naming the config keys", async (t) => {
  // A JWT login goes through an app that holds a certificate, and deleting that app ends the session
  // (the stand-in revokes it, as OAuth apps do): through the command line an org always shows that app.
  // An org with nothing at all to find is read through the library in test/unit/discover/read-org.test.ts.
  const provider = await startOrgForProvider(testInstant);
  const empty = await stackFor("empty", provider);
  const bare = await stackFor("bare");
  t.teardown(async () => {
    await provider.org.close();
    empty.dispose();
    bare.dispose();
  });

  const nothing = await runCliAsync(
    ["discover", "--stack", "empty", ...where(empty), "--within", "30"],
    os.tmpdir(),
    env,
  );
  t.is(nothing.status, 0, nothing.stderr);
  t.regex(nothing.stderr, /ok {3}empty: ConnectedApp Pulumi_Deployer oauthConfig\.certificate: valid until/);
  t.regex(nothing.stderr, /no certificate expires within 30 days; 1 certificate\(s\) of 1 org\(s\) judged/);

  const none = await runCliAsync(["discover", "--stack", "bare", ...where(bare)], os.tmpdir(), env);
  t.is(none.status, 2, none.stdout + none.stderr);
  t.regex(
    none.stderr,
    /^error: stack 'bare' has no org connection: set salesforce-certs:org \(loginUrl, username, consumerKey\) and the secret salesforce-certs:orgPrivateKey/m,
  );
  t.notRegex(none.stderr, /\n\s+at /, "no stack trace");
  t.is(none.stdout, "");
});

test("a user without View Setup and Configuration, and a refused login, exit 2 with the reason; the org is unchanged", async (t) => {
  const provider = await startOrgForProvider(testInstant, {
    users: [{ username: "auditor@acme.example", profile: "Read Only", viewSetupAndConfiguration: false }],
    certificates: [{ fullName: "Acme_IdP" }],
  });
  // An app of the auditor's, holding the same certificate as the deployer's, that pre-authorizes their profile.
  provider.org.state.putComponent({
    type: "ConnectedApp",
    fullName: "Audit_Reader",
    id: newId("0H4"),
    record: {
      contactEmail: "admin@acme.example",
      label: "Audit Reader",
      oauthConfig: {
        callbackUrl: "http://localhost:1717/OauthRedirect",
        certificate: provider.deployer.certificatePem.trim(),
        consumerKey: "3MVG9Audit.Reader.Key",
        isAdminApproved: "true",
        scopes: ["Api"],
      },
      permissionSetName: [],
      profileName: ["Read Only"],
    },
    createdDate: testNow(),
    lastModifiedDate: testNow(),
  });
  provider.org.state.recordApps(Number.NEGATIVE_INFINITY);
  const auditor = await stackFor("auditor", provider, {
    username: "auditor@acme.example",
    consumerKey: "3MVG9Audit.Reader.Key",
  });
  const wrongKey = await stackFor("wrongkey", provider, { consumerKey: "3MVG9No.Such.App.Key" });
  t.teardown(async () => {
    await provider.org.close();
    auditor.dispose();
    wrongKey.dispose();
  });
  const before = snapshot(provider);

  const refused = await runCliAsync(
    ["discover", "--stack", "auditor", ...where(auditor), "--within", "30"],
    os.tmpdir(),
    env,
  );
  t.is(refused.status, 2, refused.stdout + refused.stderr);
  t.regex(
    refused.stderr,
    /^error: the org at \S+ refused to show its certificates to auditor@acme\.example .*"View Setup and Configuration"/m,
  );

  const login = await runCliAsync(["discover", "--stack", "wrongkey", ...where(wrongKey)], os.tmpdir(), env);
  t.is(login.status, 2, login.stdout + login.stderr);
  t.regex(
    login.stderr,
    /^error: salesforce-certs:org\.consumerKey: the org knows no app with consumer key "3MVG9No\.Such\.App\.Key"/m,
  );

  t.is(snapshot(provider), before);
  t.is(writes(provider), 0);
});
