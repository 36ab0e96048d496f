/**
 * Hand-made discovery documents for the report and draft-inventory tests: an org shaped like a
 * brownfield production org (every kind of certificate and user the model knows), and a way to fill each
 * name a value from the org can reach with hostile text. Fingerprints are made from a seed: only their
 * form matters here (the reader computes real ones).
 */
import { createHash } from "node:crypto";
import { type DiscoveredOrg, type DiscoveryDocument, discoveryFormat } from "../../../provider/discover/model";

/** A SHA-256 in openssl's form, from `seed`. */
export const fingerprint = (seed: string) =>
  createHash("sha256").update(seed).digest("hex").toUpperCase().match(/../g)!.join(":");

/** The clock of the tests. */
export const now = new Date("2026-03-01T00:00:00Z");
const at = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
const read = now.toISOString();

/** A production org with one of each: the names that reach the report are the keys of `names`. */
export function brownfieldOrg(
  names: Partial<Record<BrownfieldName, string>> = {},
  label = "production",
): DiscoveredOrg {
  const n = (key: BrownfieldName) => names[key] ?? key;
  return {
    label,
    orgId: "00D5g000000BrownAAA",
    instanceUrl: "https://brownfield.my.salesforce.com",
    readAt: read,
    certificates: [
      {
        name: n("IdP_Signing"),
        label: n("IdP signing"),
        id: "0P15g0000000001AAA",
        keySize: 4096,
        caSigned: false,
        awaitingChain: false,
        privateKeyExportable: true,
        expiresAt: at(200),
        sha256Fingerprint: fingerprint("idp"),
        subject: "CN=SelfSignedCert_01Jan2025_000000,O=Salesforce.com",
        lastModifiedAt: at(-165),
        uses: [
          { kind: "identityProvider", by: "IdentityProvider", type: "IdentityProviderSettings" },
          { kind: "samlApp", by: n("Portal"), type: "ConnectedApp", detail: "signing" },
        ],
      },
      {
        name: n("Expired_Legacy"),
        label: "Legacy (expired)",
        id: "0P15g0000000002AAA",
        keySize: 2048,
        caSigned: false,
        awaitingChain: false,
        privateKeyExportable: true,
        expiresAt: at(-30),
        sha256Fingerprint: fingerprint("expired"),
        subject: "CN=legacy",
        lastModifiedAt: at(-400),
        uses: [],
      },
      {
        name: n("CA_Pending"),
        label: "Awaiting its chain",
        id: "0P15g0000000003AAA",
        keySize: 2048,
        caSigned: true,
        awaitingChain: true,
        privateKeyExportable: false,
        sha256Fingerprint: fingerprint("csr"),
        subject: "CN=pending.brownfield.example",
        lastModifiedAt: at(-3),
        uses: [],
      },
      {
        name: n("Mtls_Client"),
        label: "Payments mutual TLS",
        id: "0P15g0000000004AAA",
        keySize: 2048,
        caSigned: true,
        awaitingChain: false,
        privateKeyExportable: false,
        expiresAt: at(20),
        sha256Fingerprint: fingerprint("mtls"),
        subject: "CN=payments-client",
        lastModifiedAt: at(-345),
        uses: [{ kind: "namedCredential", by: n("Payments"), type: "NamedCredential", detail: "client certificate" }],
      },
      {
        name: n("Sso_Request_Signing"),
        label: "SSO request signing",
        id: "0P15g0000000005AAA",
        keySize: 2048,
        caSigned: false,
        awaitingChain: false,
        privateKeyExportable: true,
        expiresAt: at(90),
        sha256Fingerprint: fingerprint("sso"),
        subject: "CN=sso",
        lastModifiedAt: at(-275),
        uses: [{ kind: "samlSsoRequestSigning", by: n("Partner_SSO"), type: "SamlSsoConfig" }],
      },
    ],
    appCertificates: [
      {
        appType: "ConnectedApp",
        app: n("Legacy_CI"),
        slot: "oauthConfig.certificate",
        subject: n("CN=ci.brownfield.example"),
        expiresAt: at(45),
        sha256Fingerprint: fingerprint("ci"),
        preAuthorized: { profiles: [], permissionSets: ["CI_Deployer"] },
        sharesKeyWith: [],
      },
      {
        appType: "ExternalClientApplication",
        app: n("Batch_Export"),
        slot: "ExtlClntAppGlobalOauthSettings.certificate",
        subject: "CN=batch",
        expiresAt: at(-2),
        sha256Fingerprint: fingerprint("batch"),
        preAuthorized: { profiles: ["Integration User"], permissionSets: [] },
        sharesKeyWith: [n("Shared_Key_App")],
      },
      {
        appType: "ExternalClientApplication",
        app: n("Shared_Key_App"),
        slot: "ExtlClntAppGlobalOauthSettings.certificate",
        subject: "CN=batch",
        expiresAt: at(300),
        sha256Fingerprint: fingerprint("shared"),
        preAuthorized: { profiles: [], permissionSets: [] },
        sharesKeyWith: [n("Batch_Export")],
      },
    ],
    trustedCertificates: [
      {
        samlSsoConfig: n("Partner_SSO"),
        issuer: n("https://idp.partner.example"),
        subject: "CN=idp.partner.example",
        expiresAt: at(10),
        sha256Fingerprint: fingerprint("partner"),
      },
    ],
    samlApps: [
      {
        appType: "ConnectedApp",
        app: n("Portal"),
        spEntityId: n("https://portal.partner.example/saml"),
        acsUrl: "https://portal.partner.example/acs",
        certificate: n("IdP_Signing"),
        nameIdFormat: "EmailAddress",
        subjectType: "FederationId",
        signingAlgorithm: "SHA256",
      },
    ],
    identityProvider: { enabled: true, certificateName: n("IdP_Signing") },
    unreadable: [{ what: n("ExternalCredential"), reason: "the API version lacks the type" }],
  };
}

export type BrownfieldName =
  | "IdP_Signing"
  | "IdP signing"
  | "Expired_Legacy"
  | "CA_Pending"
  | "Mtls_Client"
  | "Payments"
  | "Sso_Request_Signing"
  | "Partner_SSO"
  | "Portal"
  | "Legacy_CI"
  | "CN=ci.brownfield.example"
  | "Batch_Export"
  | "Shared_Key_App"
  | "https://idp.partner.example"
  | "https://portal.partner.example/saml"
  | "ExternalCredential";

export const document = (...orgs: DiscoveredOrg[]): DiscoveryDocument => ({ format: discoveryFormat, orgs });
