/**
 * @module A certificate whose key pair this provider holds, as files that say which channel each takes
 * (see `file-channels.ts`): never `certs/<Name>.crt` in a deployable tree, because deploying it makes
 * Salesforce generate a new key pair (Metadata API `Certificate` docs). Instead:
 *  - `setup-keystore-import/<Name>.crt-meta.xml`: the settings (`caSigned`, `keySize`, `masterLabel`,
 *    `privateKeyExportable`) of the certificate the keystore import creates in the org;
 *  - `not-for-the-org/<Name>.crt`: the public chain, for partners who pin it; or, while a CA-signed
 *    certificate awaits its chain, `not-for-the-org/<Name>.csr` for the CA.
 */
import crypto = require("node:crypto");
import forge = require("node-forge");
import { signCertificate, signCertificationRequest } from "../crypto/forge-signing";
import { generateRsaKeyPairInBackground, type RsaKeySize } from "../crypto/rsa-key-pair";
import { channelFolders } from "./file-channels";
import { metadataXml } from "./xml";

/** What the sidecar XML says about a certificate. */
export interface CertificateMetadata {
  uniqueName: string;
  label: string;
  caSigned: boolean;
  keySize: number;
  privateKeyExportable: boolean;
  /** The certificate chain PEM, or the CSR PEM before a CA-signed chain arrives. */
  content: string;
}

/** The files (path → content) of one certificate, each under the folder of its channel. */
export function certificateSourceFiles(metadata: CertificateMetadata): Record<string, string> {
  const csr = metadata.content.includes("-----BEGIN CERTIFICATE REQUEST-----");
  return {
    [`${channelFolders["not-for-the-org"]}/${metadata.uniqueName}.${csr ? "csr" : "crt"}`]: metadata.content,
    [`${channelFolders["keystore-import"]}/${metadata.uniqueName}.crt-meta.xml`]: certificateMetaXml(metadata),
  };
}

/**
 * The deployable files of a certificate the org is to generate (custody org): `certs/<Name>.crt-meta.xml`
 * and `certs/<Name>.crt` holding `templatePem`, made by {@link certificateTemplate}. The Metadata API
 * `Certificate` docs describe creating a certificate from a `.crt` whose content is a certificate (a CSR
 * while a CA-signed one awaits its chain): Salesforce copies its X.509 parameters into a new certificate
 * with a new key pair. Deploying them again for an existing name makes a new key pair: deploy them once
 * per name.
 */
export function orgGeneratedCertificateFiles(
  metadata: Omit<CertificateMetadata, "content">,
  templatePem: string,
): Record<string, string> {
  return {
    [`certs/${metadata.uniqueName}.crt`]: templatePem,
    [`certs/${metadata.uniqueName}.crt-meta.xml`]: certificateMetaXml({ ...metadata, content: templatePem }),
  };
}

/** What a template certificate is made for. */
export interface TemplateRequest {
  label: string;
  keySize: RsaKeySize;
  caSigned: boolean;
  /** The org's id (15 or 18 characters): Salesforce writes its first 15 as the OU. */
  orgId: string;
  now: Date;
}

/** A template for the org to copy, and the public key (SPKI PEM) of its throwaway key. */
export interface CertificateTemplate {
  pem: string;
  publicKeyPem: string;
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** The CN Setup gives a self-signed certificate it creates: `SelfSignedCert_04Jul2025_110052` (salesforce.md §1). */
export function selfSignedCommonName(at: Date): string {
  return `SelfSignedCert_${two(at.getUTCDate())}${months[at.getUTCMonth()]}${at.getUTCFullYear()}_${two(at.getUTCHours())}${two(at.getUTCMinutes())}${two(at.getUTCSeconds())}`;
}

/**
 * The subject Salesforce writes on a certificate it makes, in its order (CN first) and string types (the
 * 3-letter country as a PrintableString), decoded from one retrieved from a real org (salesforce.md §1):
 * `CN=<cn>, OU=<15-char org id>, O=Salesforce.com, L=San Francisco, ST=CA, C=USA`.
 */
function salesforceSubject(commonName: string, orgId: string) {
  const utf8 = forge.asn1.Type.UTF8;
  return [
    { shortName: "CN", value: commonName, valueTagClass: utf8 },
    { shortName: "OU", value: orgId.slice(0, 15), valueTagClass: utf8 },
    { shortName: "O", value: "Salesforce.com", valueTagClass: utf8 },
    { shortName: "L", value: "San Francisco", valueTagClass: utf8 },
    { shortName: "ST", value: "CA", valueTagClass: utf8 },
    { shortName: "C", value: "USA", valueTagClass: forge.asn1.Type.PRINTABLESTRING },
  ];
}

/**
 * A template for a certificate the org is to generate, signed by a throwaway key made here and dropped on
 * return (the org makes its own key pair from it; the provider never holds the org's key). It carries what
 * Setup's own creation produces, so that the org's copy looks the same whichever X.509 parameters it takes
 * over: self-signed, the subject Setup writes (CN `SelfSignedCert_<date>_<time>` of `now`, the org's id as
 * OU), CA:TRUE, SHA-256 with RSA, valid from `now` for the documented lifespan of `keySize` (2048: 1 year,
 * 4096: 2 years) to 00:00:00Z; CA-signed, a CSR whose CN is the label (Setup asks for the DN of a CA-signed
 * certificate; custody org takes none), what the org holds for such a certificate until its chain arrives.
 */
export async function certificateTemplate(request: TemplateRequest): Promise<CertificateTemplate> {
  const keyPair = await generateRsaKeyPairInBackground(request.keySize);
  if (request.caSigned) {
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = forge.pki.publicKeyFromPem(keyPair.publicKeyPem);
    csr.setSubject(salesforceSubject(request.label, request.orgId) as unknown as forge.pki.CertificateField[]);
    signCertificationRequest(csr, keyPair.privateKeyPem);
    return {
      pem: forge.pki.certificationRequestToPem(csr).replace(/\r\n/g, "\n"),
      publicKeyPem: keyPair.publicKeyPem,
    };
  }
  const cert = forge.pki.createCertificate();
  cert.version = 2;
  const serial = crypto.randomBytes(16);
  serial[0] = serial[0]! & 0x7f || 0x01;
  cert.serialNumber = serial.toString("hex");
  const notBefore = new Date(Math.floor(request.now.getTime() / 1000) * 1000);
  const notAfter = new Date(Date.UTC(notBefore.getUTCFullYear(), notBefore.getUTCMonth(), notBefore.getUTCDate()));
  notAfter.setUTCDate(notAfter.getUTCDate() + (request.keySize === 4096 ? 730 : 365));
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.publicKey = forge.pki.publicKeyFromPem(keyPair.publicKeyPem);
  const subject = salesforceSubject(
    selfSignedCommonName(notBefore),
    request.orgId,
  ) as unknown as forge.pki.CertificateField[];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: "subjectKeyIdentifier" }, { name: "basicConstraints", cA: true, critical: true }]);
  signCertificate(cert, keyPair.privateKeyPem);
  return { pem: forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n"), publicKeyPem: keyPair.publicKeyPem };
}

/** The public key (SPKI PEM) of a certificate's leaf or of a CSR, or undefined when `pem` is neither. */
export function heldPublicKey(pem: string): string | undefined {
  try {
    if (/-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----/.test(pem)) {
      const csr = forge.pki.certificationRequestFromPem(pem);
      return crypto
        .createPublicKey(forge.pki.publicKeyToPem(csr.publicKey!))
        .export({ type: "spki", format: "pem" })
        .toString();
    }
    const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    return leaf
      ? new crypto.X509Certificate(leaf).publicKey.export({ type: "spki", format: "pem" }).toString()
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The deployable files that upload a CA-signed chain (leaf first) to the org's certificate of that name,
 * which awaits it with the CSR the org made (custody org): `caSigned` true, the chain as `.crt` content.
 */
export function orgChainUploadFiles(metadata: Omit<CertificateMetadata, "caSigned">): Record<string, string> {
  return {
    [`certs/${metadata.uniqueName}.crt`]: metadata.content,
    [`certs/${metadata.uniqueName}.crt-meta.xml`]: certificateMetaXml({ ...metadata, caSigned: true }),
  };
}

function certificateMetaXml(metadata: CertificateMetadata): string {
  return metadataXml("Certificate", [
    ["caSigned", metadata.caSigned],
    ["encryptedWithPlatformEncryption", false],
    ["keySize", metadata.keySize],
    ["masterLabel", metadata.label],
    ["privateKeyExportable", metadata.privateKeyExportable],
  ]);
}
