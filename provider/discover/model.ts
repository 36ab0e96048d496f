/**
 * @module What `discover` finds in an org, as data: the Markdown report, the JSON document, the expiry
 * gate and the draft inventory are all made from this one model, and nothing else reads the org.
 *
 * Fingerprints are SHA-256 over the DER of what the org returns (the certificate, or the CSR of a
 * CA-signed certificate awaiting its chain), written as `openssl x509 -fingerprint -sha256` writes them:
 * upper-case hex pairs joined by colons. Dates are ISO 8601 instants.
 */

/** The JSON document's `format` field: a tool reading the document checks it first. */
export const discoveryFormat = "salesforce-certs/discovery/1";

/** Who uses a certificate, and in what role. */
export type CertificateUseKind =
  /** `IdentityProviderSettings.certificateName`: the org signs SAML assertions with it (one per org). */
  | "identityProvider"
  /** A SAML app (Connected App `samlConfig`, External Client App SAML policy) signs or encrypts with it. */
  | "samlApp"
  /** `SamlSsoConfig.requestSigningCertId`: the org, as a Service Provider, signs AuthnRequests with it. */
  | "samlSsoRequestSigning"
  /** `SamlSsoConfig.decryptionCertificate`: the org decrypts a partner IdP's assertions with it. */
  | "samlSsoDecryption"
  /**
   * A callout credential: a legacy `NamedCredential.certificate` or a Named Credential's `ClientCertificate`
   * parameter (the certificate presented in mutual TLS), or an External Credential's `SigningCertificate`
   * parameter (WSDL 63: NamedCredentialParamType and ExternalCredentialParamType); `type` tells which.
   */
  | "namedCredential";

export interface CertificateUse {
  kind: CertificateUseKind;
  /** The using component's full name (`IdentityProvider` for the IdP settings). */
  by: string;
  /** The using component's Metadata API type. */
  type: string;
  /** A detail for the reader, e.g. `signing` or `encryption` for a SAML app. */
  detail?: string;
}

/** A `Certificate` record (Certificate and Key Management); deleted records are left out. */
export interface DiscoveredCertificate {
  /** DeveloperName, as the org spells it. */
  name: string;
  label: string;
  /** The 18-character record id (`0P1…`). */
  id: string;
  keySize: number;
  caSigned: boolean;
  /** CA-signed and no chain uploaded yet (Tooling `OptionsIsUnusable`). */
  awaitingChain: boolean;
  privateKeyExportable: boolean;
  /** notAfter; absent while a CA-signed certificate awaits its chain. */
  expiresAt?: string;
  /** Absent when the org did not return the content. */
  sha256Fingerprint?: string;
  /** RFC 4514 subject of the certificate (or CSR) read; absent with the fingerprint. */
  subject?: string;
  /** Tooling `LastModifiedDate`: adoption refuses a certificate changed since discover read it. */
  lastModifiedAt: string;
  uses: CertificateUse[];
}

/** A certificate pasted into an app for the OAuth 2.0 JWT Bearer Flow (not a Certificate record). */
export interface DiscoveredAppCertificate {
  appType: "ConnectedApp" | "ExternalClientApplication";
  /** The app's full name. */
  app: string;
  /** Where in the app: `oauthConfig.certificate` (Connected App) or `ExtlClntAppGlobalOauthSettings.certificate`. */
  slot: string;
  subject: string;
  expiresAt: string;
  sha256Fingerprint: string;
  /** Pre-authorized profiles and permission sets, when the app's policy is admin-approved. */
  preAuthorized: { profiles: string[]; permissionSets: string[] };
  /** Other apps holding a certificate with the same public key (a key shared between apps). */
  sharesKeyWith: string[];
}

/** A partner IdP's certificate the org trusts for SSO into Salesforce (`SamlSsoConfig.validationCert`). */
export interface DiscoveredTrustedCertificate {
  /** The SamlSsoConfig's full name. */
  samlSsoConfig: string;
  /** The partner IdP's issuer (entity ID). */
  issuer: string;
  subject: string;
  expiresAt: string;
  sha256Fingerprint: string;
}

/** A SAML app of the org as IdP: what a SamlSpBinding adopting it must declare. */
export interface DiscoveredSamlApp {
  appType: "ConnectedApp" | "ExternalClientApplication";
  app: string;
  spEntityId: string;
  acsUrl: string;
  /** The Certificate record the app is signed with (the IdP certificate unless the app names its own). */
  certificate?: string;
  nameIdFormat?: string;
  subjectType?: string;
  signingAlgorithm?: string;
}

/** Something discover could not read, and why (a missing permission, a type the API version lacks). */
export interface Unreadable {
  what: string;
  reason: string;
}

/** One org as discover found it. */
export interface DiscoveredOrg {
  /** The name the user gave the org (the stack whose connection was used). */
  label: string;
  /** The 18-character org id, from the login's identity URL. */
  orgId: string;
  instanceUrl: string;
  /** When discover read the org, on the clock the CLI runs on. */
  readAt: string;
  certificates: DiscoveredCertificate[];
  appCertificates: DiscoveredAppCertificate[];
  trustedCertificates: DiscoveredTrustedCertificate[];
  samlApps: DiscoveredSamlApp[];
  /** The IdP settings: enabled or not, and which certificate they name. */
  identityProvider?: { enabled: boolean; certificateName: string };
  unreadable: Unreadable[];
}

/** The JSON document `discover --json` writes. */
export interface DiscoveryDocument {
  format: typeof discoveryFormat;
  orgs: DiscoveredOrg[];
}
