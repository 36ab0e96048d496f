/**
 * The tests run one at a time: inline programs share the test process's Pulumi configuration.
 *
 * Org mode, certificates the org generates (`custody: "org"`), through the engine against the stand-in
 * org: preview names the deploy and deploys nothing; `up` deploys the Certificate and publishes the PEM
 * the org made (judged by openssl), with no key in outputs or state; a rotation deploys `<name>_G2` and
 * keeps the old one through the overlap, then deletes it; what a run killed after its deploy left in the
 * org is taken over (not deployed again) only once the user names it, and another stack's certificate
 * never; a certificate deleted in Setup is seen by refresh and recreated
 * by `up`; `destroy` is refused while the IdP signs with the certificate, and succeeds after.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import test from "ava";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { CertificateAndKeyPair, JwtIntegration } from "../../provider";
import { keyMaterial, openTempStack } from "../helpers/engine";
import { repoRoot } from "../helpers/cli";
import { x509 } from "../helpers/openssl";
import { pulumi, userEnvironment } from "../helpers/plain-pulumi";
import { startOrgForProvider } from "../helpers/org-mode";
import { certificateSource, identityProviderSource, sourceFormatZip } from "../helpers/stand-in-org";

const day = 86_400_000;
const start = "2026-12-01T09:00:00.000Z";
const at = (days: number) => new Date(Date.parse(start) + days * day).toISOString();

test.serial(
  "custody org: deploy, publish, rotate with overlap, take over what a killed run left once named, repair a deletion, refuse to delete what the IdP uses",
  async (t) => {
    const { org, setClock, configure, deployer, admin } = await startOrgForProvider(start);
    t.teardown(() => org.close());
    const env = await openTempStack("org-custody", async () => {
      const idp = new CertificateAndKeyPair("idp", {
        uniqueName: "Acme_IdP",
        label: "Acme IdP signing",
        custody: "org",
        overlapDays: 7,
      });
      return {
        certificatePem: idp.certificatePem,
        salesforceName: idp.salesforceName,
        privateKeyPem: idp.privateKeyPem,
        previous: idp.previousCertificate,
        notAfter: idp.notAfter,
      };
    });
    t.teardown(() => env.dispose());
    await configure(env.stack);
    const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;

    // Preview says what up will deploy, and where; it deploys nothing.
    const preview = await env.stack.preview({ onOutput: env.onOutput });
    t.deepEqual(preview.changeSummary, { create: 2 });
    t.regex(preview.stdout, new RegExp(`creating deploys Certificate Acme_IdP to ${org.url}`));
    t.is(deploys(), 0);
    t.is(org.state.certificate("Acme_IdP"), undefined);

    // up: the org generates the key pair; the stack publishes the org's certificate, and no key.
    await env.stack.up({ onOutput: env.onOutput });
    let outputs = await env.values();
    const first = org.state.certificate("Acme_IdP")!;
    t.truthy(first);
    t.is(outputs["certificatePem"], first.contentPem);
    t.regex(
      x509(outputs["certificatePem"], "-subject"),
      /CN\s*=\s*SelfSignedCert_\d{2}[A-Z][a-z]{2}\d{4}_\d{6}.*O\s*=\s*Salesforce\.com/,
    );
    t.is(outputs["notAfter"], "2027-12-01T00:00:00.000Z");
    t.is(outputs["privateKeyPem"], null);
    t.is(deploys(), 1);
    t.deepEqual((await env.stack.preview({ onOutput: env.onOutput })).changeSummary, { same: 2 });
    t.is(deploys(), 1, "an unchanged preview deploys nothing");

    // Inside the renewal window (80 % of the year): preview names the deploy, up rotates with an overlap.
    setClock(at(300));
    let mark = env.log.length;
    await env.stack.preview({ onOutput: env.onOutput });
    t.regex(
      env.logSince(mark),
      /deploys Certificate Acme_IdP_G2 to http:\/\/127\.0\.0\.1:\d+ \(Salesforce generates the key pair\)/,
    );
    t.is(deploys(), 1);
    await env.stack.up({ onOutput: env.onOutput });
    outputs = await env.values();
    t.is(outputs["salesforceName"], "Acme_IdP_G2");
    t.is(outputs["certificatePem"], org.state.certificate("Acme_IdP_G2")!.contentPem);
    t.is(outputs["previous"].salesforceName, "Acme_IdP");
    t.truthy(org.state.certificate("Acme_IdP"), "the previous certificate stays in the org through the overlap");

    // After the overlap, the previous certificate leaves the org; preview said so first.
    setClock(at(308));
    mark = env.log.length;
    await env.stack.preview({ onOutput: env.onOutput });
    t.regex(env.logSince(mark), /deletes Certificate Acme_IdP from http:\/\/127\.0\.0\.1:\d+/);
    t.truthy(org.state.certificate("Acme_IdP"), "preview deleted nothing");
    await env.stack.up({ onOutput: env.onOutput });
    t.is(org.state.certificate("Acme_IdP"), undefined);
    t.true(org.state.certificates.some((c) => c.fullName === "Acme_IdP" && c.deleted));
    t.is((await env.values())["previous"], null);

    // A run killed between its deploy and the state write: the org already holds Acme_IdP_G3. The next up
    // refuses to take over what the state does not record (it may be another's), naming it; named in
    // SALESFORCE_CERTS_ADOPT, it is taken over (a second deploy of the name would make yet another key pair).
    setClock(at(600));
    await admin()
      .metadata.deploy(
        await sourceFormatZip(certificateSource("Acme_IdP_G3", { masterLabel: "Acme IdP signing", orgId: org.orgId })),
        { singlePackage: true, rollbackOnError: true },
      )
      .complete(true);
    const orphan = org.state.certificate("Acme_IdP_G3")!;
    const before = deploys();
    const refusal = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
    t.regex(
      refusal!.message,
      /Certificate Acme_IdP_G3 already exists in the org at http:\/\/127\.0\.0\.1:\d+, and this stack's state does not record creating it\. If an interrupted pulumi up of this stack made it, run pulumi up again with SALESFORCE_CERTS_ADOPT=Acme_IdP_G3/,
    );
    t.is((await env.values())["salesforceName"], "Acme_IdP_G2", "the state is as it was");
    const workspace = env.stack.workspace as LocalWorkspace;
    workspace.envVars["SALESFORCE_CERTS_ADOPT"] = "Acme_IdP_G3";
    await env.stack.up({ onOutput: env.onOutput });
    delete workspace.envVars["SALESFORCE_CERTS_ADOPT"];
    outputs = await env.values();
    t.is(outputs["salesforceName"], "Acme_IdP_G3");
    t.is(outputs["certificatePem"], orphan.contentPem, "the certificate the org already had, not a new one");
    t.is(deploys(), before, "no second deploy of the name");
    t.regex(env.log.join(""), /Acme_IdP_G3 .*took over the certificate the org already had/);

    // Deleted in Setup behind the provider's back: refresh sees it gone, up creates the certificate again.
    setClock(at(620));
    await admin().metadata.delete("Certificate", ["Acme_IdP_G3", "Acme_IdP_G2"]);
    const refreshed = await env.stack.refresh({ onOutput: env.onOutput });
    t.is(refreshed.summary.resourceChanges?.["delete"], 1);
    await env.stack.up({ onOutput: env.onOutput });
    outputs = await env.values();
    t.is(outputs["salesforceName"], "Acme_IdP");
    t.is(outputs["certificatePem"], org.state.certificate("Acme_IdP")!.contentPem);

    // No key anywhere in the state or in what the engine printed (the deployer's key is a secret in config).
    const state = env.readState();
    for (const needle of [...keyMaterial(deployer.privateKeyPem), "PRIVATE KEY"]) {
      t.false(state.includes(needle), "no key in the state");
      t.false(env.log.join("").includes(needle), "no key in the log");
    }

    // The IdP signs with the certificate: Salesforce refuses to delete it, and so does destroy.
    await admin()
      .metadata.deploy(await sourceFormatZip(identityProviderSource("Acme_IdP")), {
        singlePackage: true,
        rollbackOnError: true,
      })
      .complete(true);
    await t.throwsAsync(env.stack.destroy({ onOutput: env.onOutput }), { message: /Acme_IdP/ });
    t.truthy(org.state.certificate("Acme_IdP"), "still in the org");
    await admin()
      .metadata.deploy(await sourceFormatZip(identityProviderSource("Acme_IdP", false)), {
        singlePackage: true,
        rollbackOnError: true,
      })
      .complete(true);
    const destroyMark = env.log.length;
    await env.stack.destroy({ onOutput: env.onOutput });
    t.is(org.state.certificate("Acme_IdP"), undefined, "destroy deleted it from the org");
    t.regex(
      env.logSince(destroyMark),
      /CertificateAndKeyPair Acme_IdP: deleted Certificate Acme_IdP and the key pair Salesforce kept for it from http:\/\/127\.0\.0\.1:\d+/,
      "and said so",
    );
  },
);

test.serial(
  "a JwtIntegration bound to a certificate whose key the org keeps is refused before anything is created",
  async (t) => {
    const { org, configure } = await startOrgForProvider(start);
    t.teardown(() => org.close());
    const env = await openTempStack("org-custody-jwt", async () => {
      const certificate = new CertificateAndKeyPair("ci-cert", {
        uniqueName: "Acme_CI_JWT",
        label: "Acme CI",
        custody: "org",
      });
      new JwtIntegration("ci", {
        apiName: "Acme_CI",
        label: "Acme CI",
        contactEmail: "platform@acme.example",
        certificate,
        username: "ci@acme.example",
        audience: "https://login.salesforce.com",
        preAuthorized: { permissionSets: ["CI"] },
      });
      return {};
    });
    t.teardown(() => env.dispose());
    await configure(env.stack);
    const error = await t.throwsAsync(env.stack.preview({ onOutput: env.onOutput }));
    t.is(org.calls.filter((c) => c.operation === "deploy").length, 0, "nothing deployed");
    t.regex(
      error!.message + env.log.join(""),
      /certificate.*is a certificate with custody: org: the org keeps its private key, so no client could sign a JWT login with it/,
    );
    t.notRegex(env.log.join(""), /^\s+at .*\.js:\d+/m, "no stack trace");
    t.deepEqual(JSON.parse(env.readState() || "{}").checkpoint?.latest?.resources ?? [], [], "nothing was created");
  },
);

test.serial("a certificate another stack made under the same name is neither taken over nor deleted", async (t) => {
  const { org, configure } = await startOrgForProvider(start);
  t.teardown(() => org.close());
  const program = async () => {
    const idp = new CertificateAndKeyPair("idp", { uniqueName: "Acme_IdP", label: "Acme IdP signing", custody: "org" });
    return { certificatePem: idp.certificatePem };
  };
  const teamA = await openTempStack("org-team-a", program);
  const teamB = await openTempStack("org-team-b", program);
  t.teardown(() => teamA.dispose());
  t.teardown(() => teamB.dispose());
  await configure(teamA.stack);
  await configure(teamB.stack);
  await teamA.stack.up({ onOutput: teamA.onOutput });
  const owned = org.state.certificate("Acme_IdP")!.contentPem;

  const refusal = await t.throwsAsync(teamB.stack.up({ onOutput: teamB.onOutput }));
  t.regex(refusal!.message, /Certificate Acme_IdP already exists in the org at .*choose another name/);
  t.deepEqual(await teamB.values(), {}, "team B's stack holds nothing");
  await teamB.stack.destroy({ onOutput: teamB.onOutput });
  t.is(org.state.certificate("Acme_IdP")?.contentPem, owned, "team A's certificate is still in the org, unchanged");
  t.deepEqual((await teamA.stack.preview({ onOutput: teamA.onOutput })).changeSummary, { same: 2 });
  await teamA.stack.destroy({ onOutput: teamA.onOutput });
  t.is(org.state.certificate("Acme_IdP"), undefined);
});

test.serial(
  "a deployer key set in the stack configuration as plain text stops plain pulumi before anything is created",
  (t) => {
    // Plain `pulumi` in a project folder of this repository (a JavaScript program importing the package by
    // name), as a user runs it: the program stops in its own process, before any resource registers.
    const project = fs.mkdtempSync(path.join(repoRoot, "build", "e2e-plain-key-"));
    t.teardown(() => fs.rmSync(project, { recursive: true, force: true }));
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: plain-key\nruntime: nodejs\nmain: index.js\n");
    fs.writeFileSync(
      path.join(project, "index.js"),
      'const { CertificateAndKeyPair } = require("pulumi-salesforce-certs");\nnew CertificateAndKeyPair("idp", { uniqueName: "Acme_IdP", label: "Acme IdP signing", custody: "org" });\n',
    );
    const env = userEnvironment(path.join(project, ".state"), path.join(project, ".pulumi-home"));
    const key = crypto
      .generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    t.is(pulumi(["stack", "init", "dev"], project, env).status, 0);
    for (const [field, value] of [
      ["loginUrl", "http://127.0.0.1:9"],
      ["username", "deployer@acme.example"],
      ["consumerKey", "3MVG9Deployer.Acme"],
    ]) {
      t.is(pulumi(["config", "set", "--path", `salesforce-certs:org.${field}`, value!], project, env).status, 0);
    }
    const set = spawnSync("pulumi", ["config", "set", "salesforce-certs:orgPrivateKey", "--non-interactive"], {
      cwd: project,
      env,
      input: key,
      encoding: "utf8",
    });
    t.is(set.status, 0, set.stderr);
    const preview = pulumi(["preview"], project, env);
    t.not(preview.status, 0);
    t.regex(
      preview.text,
      /salesforce-certs:orgPrivateKey is set as plain text: Pulumi would store the deployer's private key unencrypted .*pulumi config set --secret salesforce-certs:orgPrivateKey < key\.pem/,
    );
    t.notRegex(preview.text, /^\s+at .*\.js:\d+/m, "no JavaScript stack trace");
    for (const needle of keyMaterial(key)) t.false(preview.text.includes(needle), "the key is not printed");
    const up = pulumi(["up", "--yes"], project, env);
    t.not(up.status, 0);
    const stateFile = path.join(project, ".state", ".pulumi", "stacks", "plain-key", "dev.json");
    const state = fs.existsSync(stateFile) ? fs.readFileSync(stateFile, "utf8") : "";
    for (const needle of keyMaterial(key)) t.false(state.includes(needle), "the key is not in the state");
    t.deepEqual(state ? (JSON.parse(state).checkpoint?.latest?.resources ?? []) : [], [], "nothing was created");
  },
);

test.serial(
  "custody org under the CA/Browser caps: a certificate the org makes for 200 days renews inside its own window, at 80 % of 200 days, not of a year",
  async (t) => {
    // From 2026-03-15 certificates made in Salesforce may be capped at 200 days (org-mode.md §5): the provider
    // reads the lifetime from the certificate, so the renewal follows the cap.
    const { org, setClock, configure } = await startOrgForProvider(start, { caBrowserCaps: true });
    t.teardown(() => org.close());
    const env = await openTempStack("org-custody-capped", async () => {
      const idp = new CertificateAndKeyPair("idp", {
        uniqueName: "Acme_IdP",
        label: "Acme IdP signing",
        custody: "org",
      });
      return { salesforceName: idp.salesforceName, notAfter: idp.notAfter, nextRotation: idp.nextRotation };
    });
    t.teardown(() => env.dispose());
    await configure(env.stack);
    await env.stack.up({ onOutput: env.onOutput });
    let outputs = await env.values();
    t.is(outputs["notAfter"], `${at(200).slice(0, 10)}T00:00:00.000Z`, "200 days, not a year");
    const renewsAt = Date.parse(outputs["nextRotation"]);
    t.true(renewsAt < Date.parse(at(200)), "the renewal falls inside the capped lifetime");
    t.true(renewsAt > Date.parse(at(150)), "at 80 % of 200 days, not of a year");

    // The day before the renewal nothing rotates; the day after, up deploys Acme_IdP_G2, made after
    // 2027-03-15 and so capped at 100 days.
    setClock(new Date(renewsAt - 86_400_000).toISOString());
    t.deepEqual((await env.stack.preview({ onOutput: env.onOutput })).changeSummary, { same: 2 });
    setClock(new Date(renewsAt + 86_400_000).toISOString());
    await env.stack.up({ onOutput: env.onOutput });
    outputs = await env.values();
    t.is(outputs["salesforceName"], "Acme_IdP_G2");
    const g2 = org.state.certificate("Acme_IdP_G2")!;
    const lifetime = Date.parse(new crypto.X509Certificate(g2.contentPem).validTo) - (renewsAt + 86_400_000);
    t.true(lifetime <= 100 * day && lifetime > 98 * day, "the new certificate has the cap of its own day");
  },
);
