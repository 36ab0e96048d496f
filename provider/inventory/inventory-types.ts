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
}

/** A loaded, valid inventory. Files it names (chains, SP certificates) are read; paths are resolved. */
export interface Inventory {
  file: string;
  org: { myDomainUrl?: string; contactEmail?: string };
  certificates: Record<string, CertificateEntry & { signedChainPem?: string }>;
  jwtIntegrations: Record<string, JwtIntegrationEntry>;
  samlBindings: Record<string, SamlBindingEntry & { spSigningCertificatePem?: string }>;
}
