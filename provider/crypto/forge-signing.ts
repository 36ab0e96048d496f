/**
 * @module Signing forge-built structures (certificates, CSRs) with node:crypto: forge lays out the
 * ASN.1, OpenSSL signs natively, and the digest is always SHA-256 (forge's own default is SHA-1).
 */
import crypto = require("node:crypto");
import forge = require("node-forge");

type ForgePki = typeof forge.pki & {
  // Public in forge, missing from @types/node-forge.
  getTBSCertificate(certificate: forge.pki.Certificate): forge.asn1.Asn1;
  getCertificationRequestInfo(csr: forge.pki.CertificateSigningRequest): forge.asn1.Asn1;
};

const sha256WithRsa = () => forge.pki.oids["sha256WithRSAEncryption"]!;

function rsaSha256(data: forge.asn1.Asn1, privateKeyPem: string): string {
  const der = forge.asn1.toDer(data).getBytes();
  return crypto.sign("sha256", Buffer.from(der, "binary"), privateKeyPem).toString("binary");
}

/**
 * What signing reads and writes of a forge certificate or CSR. Written out here rather than as forge's
 * types: exported signatures go into the published declarations, and forge's type package is a dev
 * dependency, so a user's `tsc` could not resolve them (TS7016).
 */
export interface ForgeSignable {
  signatureOid: string | null;
  signature: unknown;
  siginfo: { algorithmOid: string | null };
}

/** A forge certificate (`forge.pki.createCertificate()`), as signing sees it. */
export interface ForgeCertificateLike extends ForgeSignable {
  validity: { notBefore: Date; notAfter: Date };
}

/** A forge certification request (`forge.pki.createCertificationRequest()`), as signing sees it. */
export interface ForgeCertificationRequestLike extends ForgeSignable {
  getAttribute(options: { name: string }): unknown;
}

/** Signs a forge certificate with SHA-256 with RSA. */
export function signCertificate(certificate: ForgeCertificateLike, privateKeyPem: string): void {
  certificate.signatureOid = sha256WithRsa();
  certificate.siginfo.algorithmOid = sha256WithRsa();
  certificate.signature = rsaSha256(
    (forge.pki as ForgePki).getTBSCertificate(certificate as unknown as forge.pki.Certificate),
    privateKeyPem,
  );
}

/** Signs a forge certification request with SHA-256 with RSA. */
export function signCertificationRequest(csr: ForgeCertificationRequestLike, privateKeyPem: string): void {
  csr.signatureOid = sha256WithRsa();
  csr.siginfo.algorithmOid = sha256WithRsa();
  csr.signature = rsaSha256(
    (forge.pki as ForgePki).getCertificationRequestInfo(csr as unknown as forge.pki.CertificateSigningRequest),
    privateKeyPem,
  );
}
