/**
 * discoverOrg and the gate against the brownfield stand-in orgs (a five-year-old production org and its
 * sandbox copy), compared row by row with the seed's truth, which openssl read from the seeded material
 * (test/helpers/brownfield.ts): every live certificate with its users, no deleted one, every app
 * certificate with its pre-authorization and shared keys, every trusted partner certificate, the SAML
 * apps and the IdP settings; and the gate fails exactly the certificates the truth says expire within 30 days.
 */
import test from "ava";
import { discoveryGate } from "../../../provider/discover/gate";
import { discoveryFormat, type CertificateUse, type DiscoveredOrg } from "../../../provider/discover/model";
import { discoverOrg } from "../../../provider/discover/read-org";
import { OrgMetadataClient } from "../../../provider/org/metadata-client";
import { orgConnectionDefaults } from "../../../provider/org/org-config";
import { loginToOrg } from "../../../provider/org/org-login";
import { type BrownfieldOrg, greenmoorSandboxSeed, startBrownfieldOrg } from "../../helpers/brownfield";
import { pinProviderClock, testInstant, testNow } from "../../helpers/test-clock";

pinProviderClock();

const byUse = (a: CertificateUse, b: CertificateUse) => JSON.stringify(a).localeCompare(JSON.stringify(b));

async function read(org: BrownfieldOrg, audience: string): Promise<DiscoveredOrg> {
  const session = await loginToOrg({
    ...orgConnectionDefaults,
    loginUrl: org.org.url,
    audience,
    username: org.deployer.username,
    consumerKey: org.deployer.consumerKey,
    privateKeyPem: org.deployer.privateKeyPem,
  });
  return discoverOrg(new OrgMetadataClient(session), org.seed.name, testNow());
}

for (const [kind, audience] of [
  ["production", "https://login.salesforce.com"],
  ["sandbox", "https://test.salesforce.com"],
] as const) {
  test(`the ${kind} brownfield org: discover finds the seeded truth row by row, and the gate fails what expires`, async (t) => {
    const org = await startBrownfieldOrg({
      now: testInstant,
      ...(kind === "sandbox" ? { seed: greenmoorSandboxSeed() } : {}),
    });
    t.teardown(() => org.org.close());
    const found = await read(org, audience);
    const { truth } = org;

    t.deepEqual(
      found.certificates.map(({ lastModifiedAt: _at, uses, ...c }) => ({ ...c, uses: [...uses].sort(byUse) })),
      truth.certificates.map(({ exportable, uses, ...c }) => ({
        name: c.name,
        label: c.label,
        id: c.id,
        keySize: c.keySize,
        caSigned: c.caSigned,
        awaitingChain: c.awaitingChain,
        privateKeyExportable: exportable,
        ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}),
        sha256Fingerprint: c.sha256Fingerprint,
        subject: c.subject,
        uses: [...uses].sort(byUse),
      })),
    );
    for (const deleted of truth.deletedCertificates)
      t.false(JSON.stringify(found).includes(deleted.id.slice(0, 15)), `deleted ${deleted.name} left out`);
    if (kind === "production")
      t.true(truth.deletedCertificates.length > 0, "control: the seed has a deleted certificate Tooling still returns");
    // The truth lists apps by name; discover by type, then name.
    const byApp = <T extends { app: string; appType: string }>(rows: T[]) =>
      [...rows].sort((a, b) => a.app.localeCompare(b.app) || a.appType.localeCompare(b.appType));
    t.deepEqual(byApp(found.appCertificates), byApp(truth.appCertificates.map(({ recreatable: _r, ...a }) => a)));
    t.deepEqual(found.trustedCertificates, truth.trustedCertificates);
    t.deepEqual(byApp(found.samlApps), byApp(truth.samlApps));
    t.deepEqual(found.identityProvider, truth.identityProvider);
    t.deepEqual(found.unreadable, []);

    const gate = discoveryGate({ format: discoveryFormat, orgs: [found] }, testNow(), 30);
    const failed = gate.findings
      .filter((f) => f.status === "fail")
      .map((f) =>
        f.subject.startsWith("Certificate ")
          ? `certificate:${f.subject.slice("Certificate ".length)}`
          : f.subject.startsWith("SamlSsoConfig ")
            ? `trusted:${f.subject.slice("SamlSsoConfig ".length)}`
            : `app:${f.subject.split(" ")[1]}`,
      )
      .sort();
    t.deepEqual(failed, truth.expiringWithin(30));
    t.true(failed.length > 0, "control: the seed holds certificates the gate must fail");
    t.is(gate.exitCode, 1);
  });
}
