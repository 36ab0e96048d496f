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

/** Signs a certificate with SHA-256 with RSA. */
export function signCertificate(certificate: forge.pki.Certificate, privateKeyPem: string): void {
  const mutable = certificate as forge.pki.Certificate & { signatureOid: string; siginfo: { algorithmOid: string } };
  mutable.signatureOid = sha256WithRsa();
  mutable.siginfo.algorithmOid = sha256WithRsa();
  certificate.signature = rsaSha256((forge.pki as ForgePki).getTBSCertificate(certificate), privateKeyPem);
}

/** Signs a certification request with SHA-256 with RSA. */
export function signCertificationRequest(csr: forge.pki.CertificateSigningRequest, privateKeyPem: string): void {
  const mutable = csr as forge.pki.CertificateSigningRequest & { signatureOid: string; siginfo: { algorithmOid: string } };
  mutable.signatureOid = sha256WithRsa();
  mutable.siginfo.algorithmOid = sha256WithRsa();
  csr.signature = rsaSha256((forge.pki as ForgePki).getCertificationRequestInfo(csr), privateKeyPem);
}
