/**
 * discoverOrg against the stand-in org, through a real login and client: the org is seeded here (one
 * table below) and the expected document is built from that seed and from openssl's reading of each
 * certificate, never from discover's own output. Each reading rule is shown rejecting once: a deleted
 * certificate whose Tooling row is still there (and spelled in another case), an id given in 15
 * characters, a name given in another case, a type the API version lacks (unreadable, never silently
 * empty), a user without "View Setup and Configuration" (an error naming the permission). The org is
 * compared before and after: discover changes nothing and sends no deploy or delete.
 */
import test from "ava";
import { DiscoverAccessError } from "../../../provider/errors";
import * as jsforce from "@jsforce/jsforce-node";
import { discoveryGate } from "../../../provider/discover/gate";
import { discoverOrg } from "../../../provider/discover/read-org";
import { discoveryFormat, type DiscoveredOrg } from "../../../provider/discover/model";
import { OrgMetadataClient } from "../../../provider/org/metadata-client";
import { orgConnectionDefaults } from "../../../provider/org/org-config";
import { loginToOrg } from "../../../provider/org/org-login";
import { createOpensslCa, opensslSelfSigned } from "../../helpers/openssl-ca";
import { openssl, opensslEcRequest, x509 } from "../../helpers/openssl";
import { startOrgForProvider, type OrgForProvider } from "../../helpers/org-mode";
import type { OrgComponent, StandInOrg } from "../../helpers/stand-in-org";
import { newId, startStandInOrg } from "../../helpers/stand-in-org";
import { daysAfter, pinProviderClock, testNow } from "../../helpers/test-clock";

pinProviderClock();

const fingerprint = (pem: string) =>
  x509(pem, "-fingerprint", "-sha256")
    .trim()
    .replace(/^.*Fingerprint=/, "");
const subject = (pem: string) =>
  x509(pem, "-subject", "-nameopt", "RFC2253")
    .trim()
    .replace(/^subject=/, "");
const notAfter = (pem: string) =>
  new Date(
    x509(pem, "-enddate")
      .trim()
      .replace(/^notAfter=/, ""),
  ).toISOString();
const der64 = (pem: string) => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");

/** Certificates pasted into apps and the partner's, made by openssl; two app certificates share one key. */
function outsideCertificates() {
  const ca = createOpensslCa(testNow());
  try {
    const key = openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]);
    const csr = (cn: string) =>
      openssl(["req", "-new", "-key", "k.pem", "-subj", `/O=Acme/CN=${cn}`], { "k.pem": key });
    const partnerCsr = opensslEcRequest("/O=Okta/CN=okta.partner.example");
    return {
      legacySync: ca.signBetween(csr("Legacy Sync"), daysAfter(-300), daysAfter(-70)),
      acmeCi: ca.signBetween(csr("Acme CI"), daysAfter(-10), daysAfter(355)),
      partner: ca.signBetween(partnerCsr, daysAfter(-340), daysAfter(20)),
      samlSp: opensslSelfSigned("portal.partner.example", daysAfter(-5), daysAfter(700)).certificatePem,
    };
  } finally {
    ca.dispose();
  }
}

const component = (type: string, fullName: string, record: OrgComponent["record"], prefix = "0Xx"): OrgComponent => ({
  type,
  fullName,
  id: newId(prefix),
  record,
  createdDate: daysAfter(-900),
  lastModifiedDate: daysAfter(-30),
});

interface Seeded {
  provider: OrgForProvider;
  pems: ReturnType<typeof outsideCertificates>;
  /** The id of the deleted certificate whose name differs from a live one only in case. */
  deletedId: string;
  client: OrgMetadataClient;
}

async function seededOrg(apiVersion = "66.0", asAuditor = false): Promise<Seeded> {
  const pems = outsideCertificates();
  // The auditor logs in through an app of their own, which pre-authorizes their profile.
  const auditorKey = asAuditor ? opensslSelfSigned("audit", daysAfter(-1), daysAfter(30)) : undefined;
  const auditorApp = auditorKey
    ? [
        {
          fullName: "Audit_Reader",
          consumerKey: "3MVG9Audit.Reader.Consumer.Key",
          certificatePem: auditorKey.certificatePem,
          profiles: ["Read Only"],
        },
      ]
    : [];
  const retired = opensslSelfSigned("retired", daysAfter(-800), daysAfter(-435)).certificatePem;
  const deletedId = newId("0P1");
  const placeholderId = "0P10000XXXXXXXXXXX";
  const provider = await startOrgForProvider(testNow().toISOString(), {
    users: [{ username: "auditor@acme.example", profile: "Read Only", viewSetupAndConfiguration: false }],
    certificates: [
      { fullName: "Acme_IdP", masterLabel: "Acme IdP | <b>", keySize: 2048 },
      { fullName: "Acme_Big", masterLabel: "Acme 4096", keySize: 4096 },
      { fullName: "Acme_CA", masterLabel: "Acme CA-signed", caSigned: true },
      { fullName: "Mtls_Client", masterLabel: "Bank mTLS" },
    ],
    identityProvider: { certificateName: "acme_idp", enableIdentityProvider: true },
    connectedApps: [
      {
        fullName: "Legacy_Sync",
        consumerKey: "3MVG9Legacy.Sync.Consumer.Key",
        certificatePem: pems.legacySync,
        profiles: ["Integration User"],
        permissionSets: ["Sync_Access"],
      },
      ...auditorApp,
    ],
    existing: {
      certificates: [
        {
          id: deletedId,
          fullName: "ACME_IDP",
          masterLabel: "the IdP certificate deleted years ago",
          caSigned: false,
          keySize: 2048,
          privateKeyExportable: true,
          encryptedWithPlatformEncryption: false,
          contentPem: retired,
          awaitingChain: false,
          expirationDate: daysAfter(-435),
          createdDate: daysAfter(-800),
          lastModifiedDate: daysAfter(-400),
          deleted: true,
          keyGeneration: 1,
          keyId: "",
        },
      ],
      components: [
        component("ConnectedApp", "Partner_Portal", {
          contactEmail: "admin@acme.example",
          label: "Partner Portal",
          samlConfig: {
            acsUrl: "https://portal.partner.example/saml/acs",
            certificate: pems.samlSp.trim(),
            encryptionCertificate: "ACME_BIG",
            encryptionType: "AES_256",
            entityUrl: "https://portal.partner.example",
            issuer: "https://acme.my.salesforce.com",
            samlNameIdFormat: "EmailAddress",
            samlSigningAlgoType: "SHA256",
            samlSubjectType: "Username",
          },
        }),
        component("ExternalClientApplication", "Acme_CI", {
          contactEmail: "platform@acme.example",
          distributionState: "Local",
          label: "Acme CI",
        }),
        component("ExtlClntAppGlobalOauthSettings", "Acme_CI_glbloauth", {
          callbackUrl: "http://localhost:1717/OauthRedirect",
          certificate: pems.acmeCi.trim(),
          consumerKey: "3MVG9Acme.CI.Consumer.Key",
          externalClientApplication: "Acme_CI",
          label: "Acme CI",
        }),
        component("ExtlClntAppOauthConfigurablePolicies", "Acme_CI_oauthPlcy", {
          commaSeparatedPermissionSet: "CI_Deployer, Release_Manager",
          externalClientApplication: "Acme_CI",
          label: "Acme CI",
          permittedUsersPolicyType: "AdminApprovedPreAuthorized",
        }),
        component("SamlSsoConfig", "Okta_SSO", {
          decryptionCertificate: "acme_big",
          identityLocation: "SubjectNameId",
          identityMapping: "FederationId",
          issuer: "http://www.okta.com/exk1",
          name: "Okta SSO",
          requestSigningCertId: placeholderId,
          samlEntityId: "https://acme.my.salesforce.com",
          samlVersion: "SAML2_0",
          validationCert: der64(pems.partner),
        }),
        component("NamedCredential", "Bank_Api", {
          certificate: "MTLS_CLIENT",
          endpoint: "https://api.bank.example",
          label: "Bank API",
          principalType: "Anonymous",
          protocol: "NoAuthentication",
        }),
        component("NamedCredential", "Bank_Api_V2", {
          label: "Bank API v2",
          namedCredentialParameters: [
            { parameterName: "Url", parameterType: "Url", parameterValue: "https://api2.bank.example" },
            { certificate: "Mtls_Client", parameterName: "ClientCertificate", parameterType: "ClientCertificate" },
          ],
          namedCredentialType: "SecuredEndpoint",
        }),
        component("ExternalCredential", "Signing_Ext", {
          authenticationProtocol: "Custom",
          externalCredentialParameters: [
            { certificate: "Acme_Big", parameterName: "Cert", parameterType: "SigningCertificate" },
          ],
          label: "Signing",
        }),
      ],
    },
  });
  // The SSO configuration names its request-signing certificate by the 15-character id a retrieve shows.
  const big = provider.org.state.certificate("Acme_Big")!;
  provider.org.state.component("SamlSsoConfig", "Okta_SSO")!.record["requestSigningCertId"] = big.id.slice(0, 15);
  const session = await loginToOrg({
    ...orgConnectionDefaults,
    apiVersion,
    loginUrl: provider.org.url,
    audience: "https://login.salesforce.com",
    username: auditorKey ? "auditor@acme.example" : provider.deployer.username,
    consumerKey: auditorKey ? auditorApp[0]!.consumerKey : provider.deployer.consumerKey,
    privateKeyPem: auditorKey ? auditorKey.privateKeyPem : provider.deployer.privateKeyPem,
  });
  return { provider, pems, deletedId, client: new OrgMetadataClient(session) };
}

const orgSnapshot = (s: Seeded) =>
  JSON.stringify({
    certificates: s.provider.org.state.certificates,
    components: [...s.provider.org.state.componentRecords.values()],
  });

test("discoverOrg reads every certificate, app certificate, trusted certificate and user as seeded, and changes nothing", async (t) => {
  const seeded = await seededOrg();
  const { provider, pems, client, deletedId } = seeded;
  const { org } = provider;
  t.teardown(() => org.close());
  const before = orgSnapshot(seeded);
  const callsBefore = org.calls.length;

  const found = await discoverOrg(client, "production", testNow());

  t.is(orgSnapshot(seeded), before, "the org is byte-identical after discover");
  const operations = org.calls.slice(callsBefore).map((c) => c.operation ?? c.path);
  t.false(
    operations.some((o) => /deploy|delete|create|update|upsert|rename/i.test(o)),
    operations.join(", "),
  );

  const live = (name: string) => org.state.certificate(name)!;
  const record = (name: string, label: string, uses: DiscoveredOrg["certificates"][number]["uses"]) => {
    const c = live(name);
    const awaiting = c.awaitingChain;
    return {
      name,
      label,
      id: c.id,
      keySize: c.keySize,
      caSigned: c.caSigned,
      awaitingChain: awaiting,
      privateKeyExportable: c.privateKeyExportable,
      ...(awaiting ? {} : { expiresAt: notAfter(c.contentPem) }),
      sha256Fingerprint: awaiting
        ? openssl(["dgst", "-sha256", "-r", "r.der"], { "r.der": Buffer.from(der64(c.contentPem), "base64") })
            .split(" ")[0]!
            .toUpperCase()
            .match(/../g)!
            .join(":")
        : fingerprint(c.contentPem),
      subject: awaiting
        ? openssl(["req", "-in", "r.csr", "-noout", "-subject", "-nameopt", "RFC2253"], { "r.csr": c.contentPem })
            .trim()
            .replace(/^subject=/, "")
        : subject(c.contentPem),
      lastModifiedAt: c.lastModifiedDate.toISOString(),
      uses,
    };
  };
  const expected: DiscoveredOrg = {
    label: "production",
    orgId: org.orgId,
    instanceUrl: org.url,
    readAt: testNow().toISOString(),
    certificates: [
      record("Acme_Big", "Acme 4096", [
        { kind: "samlApp", by: "Partner_Portal", type: "ConnectedApp", detail: "encryption" },
        { kind: "samlSsoRequestSigning", by: "Okta_SSO", type: "SamlSsoConfig" },
        { kind: "samlSsoDecryption", by: "Okta_SSO", type: "SamlSsoConfig" },
        { kind: "namedCredential", by: "Signing_Ext", type: "ExternalCredential" },
      ]),
      record("Acme_CA", "Acme CA-signed", []),
      record("Acme_IdP", "Acme IdP | <b>", [
        { kind: "identityProvider", by: "IdentityProvider", type: "IdentityProviderSettings" },
        { kind: "samlApp", by: "Partner_Portal", type: "ConnectedApp", detail: "signing" },
      ]),
      record("Mtls_Client", "Bank mTLS", [
        { kind: "namedCredential", by: "Bank_Api", type: "NamedCredential" },
        { kind: "namedCredential", by: "Bank_Api_V2", type: "NamedCredential" },
      ]),
    ],
    appCertificates: [
      {
        appType: "ConnectedApp",
        app: "Legacy_Sync",
        slot: "oauthConfig.certificate",
        subject: subject(pems.legacySync),
        expiresAt: notAfter(pems.legacySync),
        sha256Fingerprint: fingerprint(pems.legacySync),
        preAuthorized: { profiles: ["Integration User"], permissionSets: ["Sync_Access"] },
        sharesKeyWith: ["Acme_CI"],
      },
      {
        appType: "ConnectedApp",
        app: "Pulumi_Deployer",
        slot: "oauthConfig.certificate",
        subject: subject(provider.deployer.certificatePem),
        expiresAt: notAfter(provider.deployer.certificatePem),
        sha256Fingerprint: fingerprint(provider.deployer.certificatePem),
        preAuthorized: { profiles: ["System Administrator"], permissionSets: [] },
        sharesKeyWith: [],
      },
      {
        appType: "ExternalClientApplication",
        app: "Acme_CI",
        slot: "ExtlClntAppGlobalOauthSettings.certificate",
        subject: subject(pems.acmeCi),
        expiresAt: notAfter(pems.acmeCi),
        sha256Fingerprint: fingerprint(pems.acmeCi),
        preAuthorized: { profiles: [], permissionSets: ["CI_Deployer", "Release_Manager"] },
        sharesKeyWith: ["Legacy_Sync"],
      },
    ],
    trustedCertificates: [
      {
        samlSsoConfig: "Okta_SSO",
        issuer: "http://www.okta.com/exk1",
        subject: subject(pems.partner),
        expiresAt: notAfter(pems.partner),
        sha256Fingerprint: fingerprint(pems.partner),
      },
    ],
    samlApps: [
      {
        appType: "ConnectedApp",
        app: "Partner_Portal",
        spEntityId: "https://portal.partner.example",
        acsUrl: "https://portal.partner.example/saml/acs",
        certificate: "acme_idp",
        nameIdFormat: "EmailAddress",
        subjectType: "Username",
        signingAlgorithm: "SHA256",
      },
    ],
    identityProvider: { enabled: true, certificateName: "acme_idp" },
    unreadable: [],
  };
  t.deepEqual(found, expected);
  // The deleted certificate, still in Tooling under a case variant of a live name, is not taken for it.
  t.false(JSON.stringify(found).includes(deletedId.slice(0, 15)));
  t.is(org.state.certificates.length, 5, "control: the Tooling rows include the deleted one");
});

test("a type the API version lacks and a setting that hides app certificates are unreadable with the org's reason, not empty", async (t) => {
  const seeded = await seededOrg("60.0");
  t.teardown(() => seeded.provider.org.close());
  seeded.provider.org.prerequisites.consumerSecretsViaMetadataApi = false;
  const found = await discoverOrg(seeded.client, "production", testNow());
  const reasons = Object.fromEntries(found.unreadable.map((u) => [u.what, u.reason]));
  t.regex(
    reasons["ExtlClntAppSamlConfigurablePolicies"] ?? "",
    /INVALID_TYPE|Cannot use: ExtlClntAppSamlConfigurablePolicies/,
  );
  t.regex(reasons["ExtlClntAppGlobalOauthSettings"] ?? "", /consumer secrets/i);
  t.false(found.appCertificates.some((a) => a.appType === "ExternalClientApplication"));
  // Control: what the org did show is still there.
  t.is(found.certificates.length, 4);
  t.is(found.trustedCertificates.length, 1);
});

test("a user without View Setup and Configuration: an error naming the permission, with a stable code", async (t) => {
  const seeded = await seededOrg("66.0", true);
  t.teardown(() => seeded.provider.org.close());
  const error = await t.throwsAsync(discoverOrg(seeded.client, "production", testNow()), {
    instanceOf: DiscoverAccessError,
  });
  t.is(error?.code, "ERR_DISCOVER_ACCESS");
  t.is((error as DiscoverAccessError).apiCode, "INSUFFICIENT_ACCESS");
  t.regex(error?.message ?? "", /View Setup and Configuration/);
  t.regex(error?.message ?? "", /auditor@acme\.example/);
});

/** A client on a session issued without a login (no app at all), so that the org holds only what it was seeded with. */
function issuedClient(org: StandInOrg): OrgMetadataClient {
  const connection = new jsforce.Connection({
    instanceUrl: org.url,
    accessToken: org.issueSession("admin@empty.example"),
    version: "66.0",
  });
  const settings = {
    ...orgConnectionDefaults,
    loginUrl: org.url,
    audience: org.url,
    username: "admin@empty.example",
    consumerKey: "unused-key",
    privateKeyPem: "",
  };
  return new OrgMetadataClient({
    connection: connection as never,
    instanceUrl: org.url,
    orgId: org.orgId,
    userId: "",
    settings,
  });
}

test("an org with nothing to find: every list empty, nothing unreadable, and the gate exits 0 saying so", async (t) => {
  const users = [{ username: "admin@empty.example", profile: "System Administrator" }];
  const org = await startStandInOrg({ users });
  const control = await startStandInOrg({ users, certificates: [{ fullName: "Only_One" }] });
  t.teardown(async () => {
    await org.close();
    await control.close();
  });
  const found = await discoverOrg(issuedClient(org), "fresh", testNow());
  t.deepEqual(
    [found.certificates, found.appCertificates, found.trustedCertificates, found.samlApps, found.unreadable],
    [[], [], [], [], []],
  );
  t.is(found.identityProvider, undefined);
  const gate = discoveryGate({ format: discoveryFormat, orgs: [found] }, testNow(), 30);
  t.is(gate.exitCode, 0);
  t.is(gate.summary, "nothing to judge in 1 org(s): no certificate found");
  t.deepEqual(
    gate.findings.map((f) => f.message),
    [
      "fresh: the org: found nothing to judge: no Certificate record, no app certificate, no trusted partner certificate (and every read was answered)",
    ],
  );
  // Control: the same reading of an org holding one certificate finds it, and says nothing of "nothing".
  const one = await discoverOrg(issuedClient(control), "one", testNow());
  t.deepEqual(
    one.certificates.map((c) => c.name),
    ["Only_One"],
  );
  const judged = discoveryGate({ format: discoveryFormat, orgs: [one] }, testNow(), 30);
  t.regex(judged.summary, /^no certificate expires within 30 days; 1 certificate\(s\) of 1 org\(s\) judged$/);
  t.false(judged.findings.some((f) => /found nothing/.test(f.message)));
});
