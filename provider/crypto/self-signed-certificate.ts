/**
 * @module Self-signed X.509 v3 certificates: node-forge builds the certificate structure (node:crypto
 * cannot create certificates), node:crypto signs it (native RSA, and no risk of forge's SHA-1 default).
 */
import crypto = require("node:crypto");
import forge = require("node-forge");
import { toForgeAttributes, type DistinguishedName } from "./distinguished-name";
import { signCertificate } from "./forge-signing";
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
  signCertificate(cert, request.keyPair.privateKeyPem);
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n");
}

/** 16 random bytes read as a positive DER INTEGER of exactly 16 bytes (top bit clear, first byte non-zero). */
function randomSerialHex(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString("hex");
}
