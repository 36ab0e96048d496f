/**
 * @module The key pairs and certificates the org makes itself (salesforce.md §1, org-mode.md §5):
 *  - a `Certificate` deploy makes the org generate an RSA key pair of `keySize`; the private key stays
 *    here (a module-private map; nothing returns it) and can only be used through {@link signWithKey};
 *  - the subject: the Metadata API `Certificate` docs say a certificate deployed as `.crt` content has
 *    its X.509 parameters copied into a new one with a new key pair ("Uploading an existing certificate
 *    copies its X.509 parameters into a new one, with a new key pair", salesforce.md §1). Which
 *    parameters is not listed; the stand-in copies the subject (and, self-signed, the issuer) attribute
 *    for attribute, string types kept, and takes the key size from the sidecar and the lifespan from its
 *    own rule (below). {@link templateSubject} reads it; a `.crt` it cannot read (not PEM, not RSA: the
 *    org's keys are RSA, salesforce.md §2) is refused by the component rules;
 *  - self-signed: the shape of a certificate retrieved from a real org (sfdx-browserforce-plugin's
 *    `identity_provider.crt`, decoded): sha256WithRSA, serial = creation time in ms (6 bytes) + 4 zero
 *    bytes + 4 more, extensions SKI, basicConstraints critical CA:TRUE, AKI (keyid + issuer + serial),
 *    notBefore = creation, notAfter = 00:00:00Z of the day `validityDays` later. Its subject there is
 *    {@link salesforceSubject} (`CN=SelfSignedCert_<ddMMMyyyy>_<HHmmss>, OU=<15-char org id>,
 *    O=Salesforce.com, L=San Francisco, ST=CA, C=USA`: UTF8String, but the 3-letter country as
 *    PrintableString), which Setup's creation writes;
 *  - CA-signed: a PKCS #10 request (SHA-256 with RSA, the key of `keySize`) until a chain is uploaded, with
 *    the subject of the deployed content (a CSR, or a certificate).
 */
import crypto from "node:crypto";
import forge from "node-forge";

const privateKeys = new Map<string, crypto.KeyObject>();

/** Generates a key pair, keeps the private key, and returns its handle (an opaque id) and public key PEM. */
export function generateOrgKey(keySize: number): { keyId: string; publicKeyPem: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", {
    modulusLength: keySize,
    publicExponent: 0x10001,
  });
  const keyId = crypto.randomUUID();
  privateKeys.set(keyId, privateKey);
  return { keyId, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/**
 * Keeps `privateKey` as if the org had generated it (a brownfield org's certificates were made before the
 * test, test/helpers/brownfield.ts) and returns its handle; like every kept key, it never leaves.
 */
export function keepOrgKey(privateKey: crypto.KeyObject | string): string {
  const keyId = crypto.randomUUID();
  privateKeys.set(keyId, typeof privateKey === "string" ? crypto.createPrivateKey(privateKey) : privateKey);
  return keyId;
}

/** Whether `keyId` is the handle of a kept key. */
export function isKeptOrgKey(keyId: string): boolean {
  return privateKeys.has(keyId);
}

/** Signs `data` with a kept private key (RSA PKCS #1 v1.5 over `digest`); the key itself never leaves. */
export function signWithKey(keyId: string, data: Buffer | string, digest = "sha256"): Buffer {
  const key = privateKeys.get(keyId);
  if (!key) throw new Error(`stand-in org: no key ${keyId}`);
  return crypto.sign(digest, typeof data === "string" ? Buffer.from(data) : data, key);
}

/** Whether the first certificate of `chainPem` carries the public key of `keyId`. */
export function leafMatchesKey(chainPem: string, keyId: string): boolean {
  const key = privateKeys.get(keyId);
  const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chainPem)?.[0];
  if (!key || !leaf) return false;
  try {
    const theirs = new crypto.X509Certificate(leaf).publicKey.export({ type: "spki", format: "der" });
    return theirs.equals(crypto.createPublicKey(key).export({ type: "spki", format: "der" }));
  } catch {
    return false;
  }
}

/**
 * The CA/Browser Forum's maximum validity in days for a certificate made at `at`: 200 days from
 * 2026-03-15, 100 days from 2027-03-15; undefined before (no cap below the org's own one year).
 * Salesforce says these caps "apply to certificates created in Salesforce" yet that its certificates
 * "currently … expire after one year" (org-mode.md §5 Certificate Lifespan,
 * https://help.salesforce.com/s/articleView?id=xcloud.security_keys_policy_and_rotation.htm&type=5), so
 * the stand-in applies them only when asked (`caBrowserCaps`). The later steps of the schedule are not
 * in the research notes and are not modelled.
 */
export function caBrowserCapDays(at: Date): number | undefined {
  if (at.getTime() >= Date.UTC(2027, 2, 15)) return 100;
  if (at.getTime() >= Date.UTC(2026, 2, 15)) return 200;
  return undefined;
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** `SelfSignedCert_04Jul2025_110052` for 2025-07-04T11:00:52Z. */
export function selfSignedCommonName(at: Date): string {
  return `SelfSignedCert_${two(at.getUTCDate())}${months[at.getUTCMonth()]}${at.getUTCFullYear()}_${two(at.getUTCHours())}${two(at.getUTCMinutes())}${two(at.getUTCSeconds())}`;
}

/** A subject as forge reads and writes it. */
export type OrgSubject = forge.pki.CertificateField[];

/** The subject Setup writes on a certificate it creates (see the module docs). */
export function salesforceSubject(commonName: string, orgId15: string): OrgSubject {
  const utf8 = forge.asn1.Type.UTF8;
  return [
    { shortName: "CN", value: commonName, valueTagClass: utf8 },
    { shortName: "OU", value: orgId15, valueTagClass: utf8 },
    { shortName: "O", value: "Salesforce.com", valueTagClass: utf8 },
    { shortName: "L", value: "San Francisco", valueTagClass: utf8 },
    { shortName: "ST", value: "CA", valueTagClass: utf8 },
    { shortName: "C", value: "USA", valueTagClass: forge.asn1.Type.PRINTABLESTRING },
  ] as unknown as forge.pki.CertificateField[];
}

function forgeKey(keyId: string): forge.pki.rsa.PrivateKey {
  const pem = privateKeys.get(keyId)!.export({ type: "pkcs1", format: "pem" }).toString();
  return forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
}

/**
 * The subject of the first certificate, or of the CSR, in a deployed `.crt`; undefined when there is none
 * forge can read (forge reads RSA keys only, as Salesforce's certificates are).
 */
export function templateSubject(content: string): OrgSubject | undefined {
  try {
    const csr = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----[\s\S]+?-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(
      content,
    );
    if (csr) return forge.pki.certificationRequestFromPem(csr[0]).subject.attributes as OrgSubject;
    const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(content);
    return leaf ? (forge.pki.certificateFromPem(leaf[0]).subject.attributes as OrgSubject) : undefined;
  } catch {
    return undefined;
  }
}

/** A self-signed certificate for a kept key, created at `now`, valid until 00:00:00Z `validityDays` days later. */
export function orgSelfSignedCertificate(
  keyId: string,
  publicKeyPem: string,
  subject: OrgSubject,
  now: Date,
  validityDays: number,
): string {
  const cert = forge.pki.createCertificate();
  const createdAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  cert.serialNumber = `${createdAt.getTime().toString(16).padStart(12, "0")}00000000${crypto.randomBytes(4).toString("hex")}`;
  cert.validity.notBefore = createdAt;
  const expiry = new Date(Date.UTC(createdAt.getUTCFullYear(), createdAt.getUTCMonth(), createdAt.getUTCDate()));
  expiry.setUTCDate(expiry.getUTCDate() + validityDays);
  cert.validity.notAfter = expiry;
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "subjectKeyIdentifier" },
    { name: "basicConstraints", cA: true, critical: true },
    { name: "authorityKeyIdentifier", keyIdentifier: true, authorityCertIssuer: true, serialNumber: true },
  ]);
  cert.sign(forgeKey(keyId), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n");
}

/** The certification request of a CA-signed certificate awaiting its chain. */
export function orgCertificationRequest(keyId: string, publicKeyPem: string, subject: OrgSubject): string {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  csr.setSubject(subject);
  csr.sign(forgeKey(keyId), forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr).replace(/\r\n/g, "\n");
}

/** The notAfter of the first certificate in a PEM chain. */
export function leafExpiry(chainPem: string): Date {
  const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chainPem)![0];
  return new Date(new crypto.X509Certificate(leaf).validTo);
}
