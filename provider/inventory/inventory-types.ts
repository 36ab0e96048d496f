/**
 * @module The inventory file's shape, as the JSON Schema (inventory.schema.json) describes it.
 */
import type { DistinguishedName } from "../crypto/distinguished-name";
import type { RenewalPolicy } from "../rotation/renewal-policy";

export interface CertificateEntry {
  label: string;
  owner?: string;
  custody?: "provider" | "org";
  keySize?: 2048 | 4096;
  validityDays?: number;
  subject?: Partial<DistinguishedName>;
  caSigned?: boolean;
  signedChainFile?: string;
  privateKeyExportable?: boolean;
  renewal?: RenewalPolicy;
  overlapDays?: number;
  rotationTrigger?: string;
  keystorePasswordEnv?: string;
  /** Takes over the org's certificate of this name (custody org only): see {@link CertificateAdoption}. */
  adopt?: CertificateAdoption;
}

/** The org's certificate taken over at create: its content's SHA-256 fingerprint, as discover read it. */
export interface CertificateAdoption {
  /** Upper-case hex pairs joined by colons (`AB:CD:…`), or plain hex in any case. */
  sha256Fingerprint: string;
}

/** An existing app taken over by a JWT integration, with the certificate it holds now. */
export interface JwtIntegrationAdoption {
  /** The app's full name (of the integration's appType), matched without case. */
  app: string;
  sha256Fingerprint: string;
  /** The environment variable holding the PEM of the key the app's clients use now (the inventory never holds a key). */
  privateKeyEnv?: string;
}

/** An existing SAML app taken over by a SAML binding, with the org's IdP settings. */
export interface SamlBindingAdoption {
  app: string;
}

export interface JwtIntegrationEntry {
  label: string;
  owner?: string;
  certificate: string;
  contactEmail?: string;
  username: string;
  audience: string;
  loginUrl?: string;
  scopes?: string[];
  preAuthorized: { permissionSets?: string[]; profiles?: string[] };
  consumerKey?: string;
  appType?: "ExternalClientApp" | "ConnectedApp";
  rotationStrategy?: "twoSlots" | "inPlace";
  overlapDays?: number;
  /** The stack's own connection to the org (at most one integration). */
  orgConnection?: boolean;
  adopt?: JwtIntegrationAdoption;
}

export interface SamlBindingEntry {
  label: string;
  owner?: string;
  partnerContact?: string;
  certificate: string;
  contactEmail?: string;
  myDomainUrl?: string;
  spEntityId: string;
  acsUrl: string;
  singleLogoutUrl?: string;
  singleLogoutBinding?: "HttpPost" | "HttpRedirect";
  nameIdFormat?: "unspecified" | "emailAddress" | "persistent" | "transient";
  subjectType?: "Username" | "FederationId" | "UserId" | "PersistentId" | "CustomAttribute";
  subjectCustomAttribute?: string;
  signingAlgorithm?: "SHA256" | "SHA1";
  acknowledgeSha1?: boolean;
  spSigningCertificateFile?: string;
  encryption?: { certificateName: string; type?: "AES_128" | "AES_256" };
  preAuthorized?: { permissionSets?: string[]; profiles?: string[] };
  appType?: "ExternalClientApp" | "ConnectedApp";
  publishDays?: number;
  overlapDays?: number;
  holdPhase?: boolean;
  advanceTrigger?: string;
  adopt?: SamlBindingAdoption;
}

/** A loaded, valid inventory. Files it names (chains, SP certificates) are read; paths are resolved. */
export interface Inventory {
  file: string;
  org: { myDomainUrl?: string; contactEmail?: string };
  certificates: Record<string, CertificateEntry & { signedChainPem?: string }>;
  jwtIntegrations: Record<string, JwtIntegrationEntry>;
  samlBindings: Record<string, SamlBindingEntry & { spSigningCertificatePem?: string }>;
}
