/**
 * @module Self-signed X.509 v3 certificates: node-forge builds the certificate structure (node:crypto
 * cannot create certificates), node:crypto signs it (native RSA, and no risk of forge's SHA-1 default).
 */
import crypto = require("node:crypto");
import forge = require("node-forge");
import { distinguishedNameAttributes, type DistinguishedName } from "./distinguished-name";
import type { RsaKeyPair } from "./rsa-key-pair";

/** What a self-signed certificate is made of. */
export interface SelfSignedCertificateRequest {
  keyPair: RsaKeyPair;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
}

/** Builds a self-signed certificate (SHA-256 with RSA, random positive 128-bit serial) and returns its PEM. */
export function buildSelfSignedCertificate(request: SelfSignedCertificateRequest): string {
  const cert = forge.pki.createCertificate();
  cert.version = 2; // X.509 v3
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = request.notBefore;
  cert.validity.notAfter = request.notAfter;
  cert.publicKey = forge.pki.publicKeyFromPem(request.keyPair.publicKeyPem);
  const name = toForgeAttributes(request.subject);
  cert.setSubject(name);
  cert.setIssuer(name);
  // As Salesforce's own self-signed certificates: a CA:TRUE root that signs, and encrypts keys for mTLS.
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: "subjectKeyIdentifier" },
  ]);
  signWithNodeCrypto(cert, request.keyPair.privateKeyPem);
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n");
}

/** 16 random bytes read as a positive DER INTEGER of exactly 16 bytes (top bit clear, first byte non-zero). */
function randomSerialHex(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) || 0x01;
  return bytes.toString("hex");
}

function toForgeAttributes(subject: DistinguishedName): forge.pki.CertificateField[] {
  const attributes: forge.pki.CertificateField[] = [];
  for (const { field, shortName } of distinguishedNameAttributes) {
    const value = subject[field];
    if (value === undefined || value === "") continue;
    attributes.push(shortName === "E" ? { name: "emailAddress", value } : { shortName, value, valueTagClass: forge.asn1.Type.UTF8 as never });
  }
  return attributes;
}

/** Fills in forge's signature fields from a node:crypto RSA-SHA256 signature over the TBSCertificate. */
function signWithNodeCrypto(cert: forge.pki.Certificate, privateKeyPem: string): void {
  const oid = forge.pki.oids["sha256WithRSAEncryption"]!;
  const mutable = cert as forge.pki.Certificate & { signatureOid: string; siginfo: { algorithmOid: string } };
  mutable.signatureOid = oid;
  mutable.siginfo.algorithmOid = oid;
  // getTBSCertificate is public in forge but missing from @types/node-forge.
  const pki = forge.pki as typeof forge.pki & { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  const tbs = forge.asn1.toDer(pki.getTBSCertificate(cert)).getBytes();
  const signature = crypto.sign("sha256", Buffer.from(tbs, "binary"), privateKeyPem);
  cert.signature = signature.toString("binary");
}
