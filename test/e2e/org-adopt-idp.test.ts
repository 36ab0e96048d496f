/**
 * Adoption through the engine against the stand-in org, over simulated time: an org that already signs
 * SAML with a certificate made in Setup (`acme_idp`), its IdP settings naming it, and a SAML External Client
 * App made by hand (`Legacy_Partner_SSO`). A stack declaring `Acme_IdP` (`adopt: { sha256Fingerprint }`)
 * and a binding `Acme_Partner_SSO` (`adopt: { app: "legacy_partner_sso" }`) takes them over: preview says
 * `adopts …; deploys nothing`, the first `up` makes no deploy and leaves the org byte-identical, a
 * preview with `expectNoChanges` then passes, and the clock-driven rotation of the adopted IdP certificate
 * (new key pair in the org, published, switched, old one deleted) runs with the IdP signing with a valid
 * certificate, which an SP configured from the metadata accepts, at every step. Refusals (a fingerprint
 * that is not the certificate's now, a key size that differs, an app whose entity ID differs) fail with
 * `ERR_ORG_ADOPTION_REFUSED`, naming each field, and change nothing in the org.
 */
import crypto from "node:crypto";
import test from "ava";
import { CertificateAndKeyPair, SamlSpBinding } from "../../provider";
import { samlExternalClientAppFiles } from "../../provider/salesforce/saml-apps";
import { openTempStack } from "../helpers/engine";
import { startOrgForProvider } from "../helpers/org-mode";
import { acmePartnerSsoArguments, orgIdpCertificate, orgSignedSamlResponse } from "../helpers/org-saml";
import { serviceProviderFromMetadata, spAccepts } from "../helpers/saml";
import { myDomainUrl, partner } from "../helpers/saml-fixtures";
import { certificateSource, sourceFormatZip, type StandInOrg } from "../helpers/stand-in-org";

const day = 86_400_000;
const start = "2026-12-01T09:00:00.000Z";
const at = (days: number) => new Date(Date.parse(start) + days * day).toISOString();
const accepted = "accepted ada@partner.example";

/** The seeded org: a certificate made in Setup, the IdP signing with it. */
const seeded = {
  certificates: [{ fullName: "acme_idp", masterLabel: "Acme IdP signing" }],
  identityProvider: { certificateName: "acme_idp", enableIdentityProvider: true },
};

/**
 * The SAML External Client App a person made for the partner long ago: its own label, description and
 * contact, the partner's entity ID and ACS URL (or `entityId`), signed by the org as issuer.
 */
async function seedSamlApp(admin: () => import("jsforce").Connection, entityId = partner.entityId): Promise<void> {
  const files = samlExternalClientAppFiles({
    name: "Legacy_Partner_SSO",
    label: "Partner SSO (made in Setup)",
    contactEmail: "it-ops@acme.example",
    description: 'Made by hand in 2021 <for the partner> & "kept"',
    spEntityId: entityId,
    acsUrl: partner.acsUrl,
    issuer: myDomainUrl,
    nameIdFormat: "emailAddress",
    subjectType: "Username",
    signingAlgorithm: "SHA256",
    permissionSets: ["Partner_Portal_Users"],
    profiles: [],
  });
  await admin()
    .metadata.deploy(await sourceFormatZip(files), { singlePackage: true, rollbackOnError: true })
    .complete(true);
}

/** Everything the org holds, as JSON: certificates (content, key, dates) and every component's record. */
function orgSnapshot(org: StandInOrg): string {
  return JSON.stringify({
    certificates: org.state.certificates,
    components: [...org.state.componentRecords.entries()].sort(([a], [b]) => a.localeCompare(b)),
  });
}

/** The SHA-256 fingerprint of the org's certificate `name` as discover writes it (`openssl x509 -fingerprint -sha256`). */
function fingerprintOf(org: StandInOrg, name: string): string {
  return new crypto.X509Certificate(org.state.certificate(name)!.contentPem).fingerprint256;
}

interface Declared {
  fingerprint: string;
  keySize?: 2048 | 4096;
  spEntityId?: string;
}

function adoptingProgram(declared: () => Declared) {
  return async () => {
    const { fingerprint, keySize, spEntityId } = declared();
    const idp = new CertificateAndKeyPair("idp", {
      uniqueName: "Acme_IdP",
      label: "Acme IdP signing",
      custody: "org",
      overlapDays: 5,
      ...(keySize ? { keySize } : {}),
      adopt: { sha256Fingerprint: fingerprint },
    });
    const sso = new SamlSpBinding("partner", {
      apiName: "Acme_Partner_SSO",
      label: "Partner portal",
      ...acmePartnerSsoArguments(),
      ...(spEntityId ? { spEntityId } : {}),
      idpCertificate: idp,
      adopt: { app: "legacy_partner_sso" },
    });
    return {
      metadata: sso.idpMetadataXml,
      phase: sso.phase,
      salesforceName: idp.salesforceName,
      certificatePem: idp.certificatePem,
      notAfter: idp.notAfter,
      discoveryUrl: sso.metadataDiscoveryUrl,
    };
  };
}

test("an org's IdP certificate and SAML app are adopted with no deploy, the org left byte-identical, and the adopted certificate then rotates with the IdP always signing with a valid one", async (t) => {
  const { org, setClock, configure, admin } = await startOrgForProvider(start, seeded);
  t.teardown(() => org.close());
  await seedSamlApp(admin);
  const fingerprint = fingerprintOf(org, "acme_idp");
  const env = await openTempStack(
    "org-adopt-idp",
    adoptingProgram(() => ({ fingerprint })),
  );
  t.teardown(() => env.dispose());
  await configure(env.stack);
  const { stack, onOutput } = env;
  const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;
  const seededDeploys = deploys();
  const before = orgSnapshot(org);
  const sp = (metadata: string) => serviceProviderFromMetadata(metadata, partner);
  const signedByOrg = (certificateName = orgIdpCertificate(org)!) =>
    orgSignedSamlResponse(org, certificateName, "Legacy_Partner_SSO", { nameId: "ada@partner.example" });
  // The IdP signs with a certificate the org holds and that is valid on the org's clock.
  const signsWithValid = (now: string) => {
    const name = orgIdpCertificate(org);
    const held = name ? org.state.certificate(name) : undefined;
    return held?.expirationDate !== undefined && held.expirationDate.getTime() > Date.parse(now);
  };

  let mark = env.log.length;
  await stack.preview({ onOutput });
  const url = org.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  t.regex(
    env.logSince(mark),
    new RegExp(`CertificateAndKeyPair Acme_IdP: adopts Certificate acme_idp from ${url}; deploys nothing`),
  );
  t.regex(
    env.logSince(mark),
    new RegExp(
      `SamlSpBinding Acme_Partner_SSO: adopts ExternalClientApplication legacy_partner_sso and the IdP settings from ${url}; deploys nothing`,
    ),
  );
  t.is(deploys(), seededDeploys);

  mark = env.log.length;
  await stack.up({ onOutput });
  t.is(deploys(), seededDeploys, "adopting deploys nothing");
  t.is(orgSnapshot(org), before, "the org is byte-identical after the adopting up");
  t.regex(env.logSince(mark), /adopted Certificate acme_idp from .*; deployed nothing/);
  t.regex(
    env.logSince(mark),
    /adopted ExternalClientApplication Legacy_Partner_SSO and the IdP settings .*; deployed nothing/,
  );
  let outputs = await env.values();
  t.is(outputs["certificatePem"], org.state.certificate("acme_idp")!.contentPem);
  t.is(outputs["notAfter"], org.state.certificate("acme_idp")!.expirationDate!.toISOString());
  t.regex(outputs["discoveryUrl"], /\/Legacy_Partner_SSO\.xml$/);
  t.is(await spAccepts(sp(outputs["metadata"]), signedByOrg()), accepted);
  const adopted = outputs["metadata"] as string;

  const result = await stack.preview({ onOutput, expectNoChanges: true });
  t.deepEqual(result.changeSummary, { same: 3 });
  t.is(deploys(), seededDeploys);

  // Each day of the rotation: the certificate's renewal window (day 300, from the adopted certificate's own
  // validity), its overlap end (305), the switch day (307), the day after (308), the binding's overlap end (314).
  for (const d of [300, 305, 307, 308, 314]) {
    setClock(at(d));
    await stack.up({ onOutput });
    outputs = await env.values();
    t.true(signsWithValid(at(d)), `day ${d}: the IdP signs with a valid certificate`);
    t.is(await spAccepts(sp(outputs["metadata"]), signedByOrg()), accepted, `day ${d}: current metadata`);
    if (d === 300) {
      t.is(outputs["salesforceName"], "Acme_IdP_G2");
      t.is(outputs["phase"], "publishing");
      t.is(orgIdpCertificate(org), "acme_idp", "publishing: the org still signs with the adopted certificate");
      t.is(await spAccepts(sp(adopted), signedByOrg()), accepted, "an SP on the adopted metadata still accepts");
    }
    if (d === 307) {
      t.is(orgIdpCertificate(org), "Acme_IdP_G2", "switched on the switch day");
      t.truthy(
        org.state.component("ExternalClientApplication", "Legacy_Partner_SSO"),
        "the adopted app is updated in place",
      );
      t.is(
        org.state.component("ExternalClientApplication", "Acme_Partner_SSO"),
        undefined,
        "no app under the binding's apiName",
      );
    }
  }
  t.is(
    org.state.certificate("acme_idp"),
    undefined,
    "the adopted certificate left the org once the IdP no longer signed with it",
  );
  t.is(outputs["phase"], "stable");
  t.deepEqual((await stack.preview({ onOutput, expectNoChanges: true })).changeSummary, { same: 3 });
});

test("adoption is refused, naming each field with the org's value and ours, and changes nothing: a fingerprint the certificate no longer has, another key size, an app with another entity ID", async (t) => {
  const { org, configure, admin } = await startOrgForProvider(start, seeded);
  t.teardown(() => org.close());
  await seedSamlApp(admin, "https://old-portal.partner.example/saml/metadata");
  const read = fingerprintOf(org, "acme_idp");
  // After discover read it, a person made the certificate again in Setup: a new key pair under the same name.
  await admin()
    .metadata.deploy(await sourceFormatZip(certificateSource("acme_idp", { masterLabel: "Acme IdP signing" })), {
      singlePackage: true,
      rollbackOnError: true,
    })
    .complete(true);
  const now = fingerprintOf(org, "acme_idp");
  t.not(now, read);
  let declared: Declared = { fingerprint: read };
  const env = await openTempStack(
    "org-adopt-refused",
    adoptingProgram(() => declared),
  );
  t.teardown(() => env.dispose());
  await configure(env.stack);
  const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;
  const seededDeploys = deploys();
  const before = orgSnapshot(org);

  const changed = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
  t.regex(changed!.message, /ERR_ORG_ADOPTION_REFUSED|cannot adopt Certificate acme_idp/);
  t.regex(changed!.message, new RegExp(`sha256Fingerprint: the org's ${now}, ours ${read}`));
  t.is(deploys(), seededDeploys);
  t.is(orgSnapshot(org), before);

  declared = { fingerprint: now.replace(/:/g, "").toLowerCase(), keySize: 4096 };
  const bigger = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
  t.regex(bigger!.message, /cannot adopt Certificate acme_idp .*keySize: the org's 2048, ours 4096/);
  t.notRegex(bigger!.message, /sha256Fingerprint:/, "a fingerprint in plain lower-case hex is the same fingerprint");
  t.is(deploys(), seededDeploys);
  t.is(orgSnapshot(org), before);

  declared = { fingerprint: now };
  const entity = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
  t.regex(
    entity!.message,
    /cannot adopt ExternalClientApplication legacy_partner_sso and the IdP settings .*spEntityId: the org's "https:\/\/old-portal\.partner\.example\/saml\/metadata", ours "https:\/\/portal\.partner\.example\/saml\/metadata"/,
  );
  t.is(deploys(), seededDeploys, "nothing deployed: the certificate was adopted, the binding refused");
  t.is(orgSnapshot(org), before);
});
