/**
 * The discover gate over every kind (Certificate records, app certificates, trusted partner
 * certificates), with check's exit codes; each rule shown failing and passing at its boundary: expired,
 * expiring on the horizon's last instant, one second beyond it; a certificate awaiting its chain (warned,
 * not failed); an unknown expiry (failed); a part the org refused to show (exit 2 unless something
 * failed); an org read completely that holds nothing (exit 0, said so).
 */
import test from "ava";
import { discoveryGate } from "../../../provider/discover/gate";
import { discoveryFormat, type DiscoveredOrg, type DiscoveryDocument } from "../../../provider/discover/model";
import { daysAfter, testNow } from "../../helpers/test-clock";

const now = testNow();
const at = (days: number, seconds = 0) => new Date(daysAfter(days).getTime() + seconds * 1000).toISOString();

const emptyOrg = (label = "production"): DiscoveredOrg => ({
  label,
  orgId: "00D5g000004GrEEAAC",
  instanceUrl: "https://acme.my.salesforce.com",
  readAt: now.toISOString(),
  certificates: [],
  appCertificates: [],
  trustedCertificates: [],
  samlApps: [],
  unreadable: [],
});
const certificate = (name: string, expiresAt: string | undefined, awaitingChain = false) => ({
  name,
  label: name,
  id: "0P15g000000AAAAAAA",
  keySize: 2048,
  caSigned: awaitingChain,
  awaitingChain,
  privateKeyExportable: true,
  ...(expiresAt ? { expiresAt } : {}),
  lastModifiedAt: at(-100),
  uses: [{ kind: "identityProvider" as const, by: "IdentityProvider", type: "IdentityProviderSettings" }],
});
const appCertificate = (app: string, expiresAt: string) => ({
  appType: "ConnectedApp" as const,
  app,
  slot: "oauthConfig.certificate",
  subject: "CN=Legacy Sync",
  expiresAt,
  sha256Fingerprint: "AB:CD",
  preAuthorized: { profiles: [], permissionSets: [] },
  sharesKeyWith: ["Acme_CI"],
});
const trusted = (name: string, expiresAt: string) => ({
  samlSsoConfig: name,
  issuer: "http://www.okta.com/exk1",
  subject: "CN=okta",
  expiresAt,
  sha256Fingerprint: "EF:01",
});
const doc = (...orgs: DiscoveredOrg[]): DiscoveryDocument => ({ format: discoveryFormat, orgs });
const statuses = (d: DiscoveryDocument, within = 30) =>
  Object.fromEntries(discoveryGate(d, now, within).findings.map((f) => [f.subject, f.status]));

test("Certificate records: expired and on the horizon fail, one second beyond passes, awaiting a chain warns", (t) => {
  const d = doc({
    ...emptyOrg(),
    certificates: [
      certificate("Expired", at(-1)),
      certificate("Expiring_Now", now.toISOString()),
      certificate("On_Horizon", at(30)),
      certificate("Beyond", at(30, 1)),
      certificate("Awaiting", undefined, true),
    ],
  });
  t.deepEqual(statuses(d), {
    "Certificate Expired": "fail",
    "Certificate Expiring_Now": "fail",
    "Certificate On_Horizon": "fail",
    "Certificate Beyond": "ok",
    "Certificate Awaiting": "warn",
  });
  const result = discoveryGate(d, now, 30);
  t.is(result.exitCode, 1);
  t.regex(result.summary, /^3 problem\(s\) within 30 days; 5 certificate\(s\) of 1 org\(s\) judged$/);
  const expired = result.findings.find((f) => f.subject === "Certificate Expired")!;
  t.regex(
    expired.message,
    /^production: Certificate Expired: expired on .* \(used by IdentityProviderSettings IdentityProvider\)/,
  );
  // Control: the one beyond the horizon alone passes.
  t.is(discoveryGate(doc({ ...emptyOrg(), certificates: [certificate("Beyond", at(30, 1))] }), now, 30).exitCode, 0);
});

test("app certificates and trusted partner certificates are gated too, also when no stack manages them", (t) => {
  const d = doc({
    ...emptyOrg(),
    appCertificates: [appCertificate("Legacy_Sync", at(-70)), appCertificate("Acme_CI", at(355))],
    trustedCertificates: [trusted("Okta_SSO", at(20))],
  });
  t.deepEqual(statuses(d), {
    "ConnectedApp Legacy_Sync oauthConfig.certificate": "fail",
    "ConnectedApp Acme_CI oauthConfig.certificate": "ok",
    "SamlSsoConfig Okta_SSO": "fail",
  });
  const result = discoveryGate(d, now, 30);
  t.is(result.exitCode, 1);
  const legacy = result.findings.find((f) => f.subject.includes("Legacy_Sync"))!;
  t.regex(legacy.message, /shares its key with Acme_CI/);
  t.regex(legacy.message, /keeps accepting it/);
  t.is(discoveryGate(d, now, 10).exitCode, 1, "the expired app certificate still fails with a short horizon");
  t.is(
    discoveryGate(doc({ ...emptyOrg(), trustedCertificates: [trusted("Okta_SSO", at(20))] }), now, 19).exitCode,
    0,
    "control: the partner certificate beyond a 19-day horizon passes",
  );
});

test("an unknown expiry fails: the gate cannot call it valid", (t) => {
  const d = doc({ ...emptyOrg(), certificates: [certificate("No_Date", undefined)] });
  t.deepEqual(statuses(d), { "Certificate No_Date": "fail" });
  t.is(discoveryGate(d, now, 30).exitCode, 1);
});

test("a part the org refused to show keeps the gate from passing (2), and does not hide a failure (1)", (t) => {
  const unreadable = [{ what: "NamedCredential", reason: "INSUFFICIENT_ACCESS: refused" }];
  const refused = doc({ ...emptyOrg(), certificates: [certificate("Fine", at(300))], unreadable });
  const result = discoveryGate(refused, now, 30);
  t.is(result.exitCode, 2);
  t.regex(result.summary, /could not judge everything: 1 part\(s\) could not be read/);
  t.true(result.findings.some((f) => f.status === "unreadable" && /INSUFFICIENT_ACCESS/.test(f.message)));
  const both = doc({ ...emptyOrg(), certificates: [certificate("Gone", at(-1))], unreadable });
  t.is(discoveryGate(both, now, 30).exitCode, 1);
  t.regex(discoveryGate(both, now, 30).summary, /1 part\(s\) could not be read/);
});

test("an org read completely that holds nothing exits 0 and says it found nothing; every org is judged", (t) => {
  const empty = discoveryGate(doc(emptyOrg()), now, 30);
  t.is(empty.exitCode, 0);
  t.deepEqual(
    empty.findings.map((f) => f.message),
    [
      "production: the org: found nothing to judge: no Certificate record, no app certificate, no trusted partner certificate (and every read was answered)",
    ],
  );
  t.is(empty.summary, "nothing to judge in 1 org(s): no certificate found");
  // A sandbox with an expired certificate fails the whole document, its line labelled with the sandbox.
  const two = discoveryGate(
    doc(emptyOrg(), { ...emptyOrg("uat"), certificates: [certificate("Old", at(-5))] }),
    now,
    30,
  );
  t.is(two.exitCode, 1);
  t.true(two.findings.some((f) => f.org === "uat" && f.message.startsWith("uat: Certificate Old: expired")));
});
