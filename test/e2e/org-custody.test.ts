/**
 * Org mode, certificates the org generates (`custody: "org"`), through the engine against the stand-in
 * org: preview names the deploy and deploys nothing; `up` deploys the Certificate and publishes the PEM
 * the org made (judged by openssl), with no key in outputs or state; a rotation deploys `<name>_G2` and
 * keeps the old one through the overlap, then deletes it; a run killed after its deploy adopts the
 * certificate instead of deploying again; a certificate deleted in Setup is seen by refresh and recreated
 * by `up`; `destroy` is refused while the IdP signs with the certificate, and succeeds after.
 */
import test from "ava";
import * as jsforce from "jsforce";
import { CertificateAndKeyPair } from "../../provider";
import { keyMaterial, openTempStack } from "../helpers/engine";
import { x509 } from "../helpers/openssl";
import { startOrgForProvider } from "../helpers/org-mode";
import { identityProviderSource, sourceFormatZip } from "../helpers/stand-in-org";

const day = 86_400_000;
const start = "2026-12-01T09:00:00.000Z";
const at = (days: number) => new Date(Date.parse(start) + days * day).toISOString();

test("custody org: deploy, publish, rotate with overlap, adopt after a killed run, repair a deletion, refuse to delete what the IdP uses", async (t) => {
  const { org, setClock, configure, deployer } = await startOrgForProvider(start);
  t.teardown(() => org.close());
  const env = await openTempStack("org-custody", async () => {
    const idp = new CertificateAndKeyPair("idp", { uniqueName: "Acme_IdP", label: "Acme IdP signing", custody: "org", overlapDays: 7 });
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
  const admin = () => new jsforce.Connection({ instanceUrl: org.url, accessToken: org.issueSession(deployer.username), version: "66.0" });

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
  t.regex(x509(outputs["certificatePem"], "-subject"), /CN\s*=\s*SelfSignedCert_\d{2}[A-Z][a-z]{2}\d{4}_\d{6}.*O\s*=\s*Salesforce\.com/);
  t.is(outputs["notAfter"], "2027-12-01T00:00:00.000Z");
  t.is(outputs["privateKeyPem"], null);
  t.is(deploys(), 1);
  t.deepEqual((await env.stack.preview({ onOutput: env.onOutput })).changeSummary, { same: 2 });
  t.is(deploys(), 1, "an unchanged preview deploys nothing");

  // Inside the renewal window (80 % of the year): preview names the deploy, up rotates with an overlap.
  setClock(at(300));
  let mark = env.log.length;
  await env.stack.preview({ onOutput: env.onOutput });
  t.regex(env.logSince(mark), /deploys Certificate Acme_IdP_G2 to http:\/\/127\.0\.0\.1:\d+ \(Salesforce generates the key pair\)/);
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
  // adopts it (a second deploy of the name would make yet another key pair) and publishes it.
  setClock(at(600));
  await admin().metadata.deploy(await sourceFormatZip({ "certs/Acme_IdP_G3.crt": "", "certs/Acme_IdP_G3.crt-meta.xml": '<?xml version="1.0" encoding="UTF-8"?>\n<Certificate xmlns="http://soap.sforce.com/2006/04/metadata"><caSigned>false</caSigned><keySize>2048</keySize><masterLabel>Acme IdP signing</masterLabel><privateKeyExportable>true</privateKeyExportable></Certificate>\n' }), { singlePackage: true, rollbackOnError: true }).complete(true);
  const orphan = org.state.certificate("Acme_IdP_G3")!;
  const before = deploys();
  await env.stack.up({ onOutput: env.onOutput });
  outputs = await env.values();
  t.is(outputs["salesforceName"], "Acme_IdP_G3");
  t.is(outputs["certificatePem"], orphan.contentPem, "the certificate the org already had, not a new one");
  t.is(deploys(), before, "no second deploy of the name");
  t.regex(env.log.join(""), /Acme_IdP_G3 .*adopted the certificate the org already had/);

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
  await admin().metadata.deploy(await sourceFormatZip(identityProviderSource("Acme_IdP")), { singlePackage: true, rollbackOnError: true }).complete(true);
  await t.throwsAsync(env.stack.destroy({ onOutput: env.onOutput }), { message: /Acme_IdP/ });
  t.truthy(org.state.certificate("Acme_IdP"), "still in the org");
  await admin().metadata.deploy(await sourceFormatZip(identityProviderSource("Acme_IdP", false)), { singlePackage: true, rollbackOnError: true }).complete(true);
  await env.stack.destroy({ onOutput: env.onOutput });
  t.is(org.state.certificate("Acme_IdP"), undefined, "destroy deleted it from the org");
});
