/**
 * @module What partners and reviewers read off a certificate: fingerprints, serial, validity. Parsed by
 * node:crypto's X509Certificate (OpenSSL), so the values are the ones `openssl x509` prints.
 */
import crypto = require("node:crypto");

/** Facts about one certificate, formatted as Salesforce and `openssl x509 -fingerprint` show them. */
export interface CertificateFacts {
  /** SHA-1 of the DER certificate, upper-case colon hex (`AB:CD:…`). */
  sha1Fingerprint: string;
  /** SHA-256 of the DER certificate, upper-case colon hex. */
  sha256Fingerprint: string;
  /** Serial number, upper-case hex without separators (as `openssl x509 -serial`). */
  serialNumber: string;
  /** Start of validity, ISO 8601 UTC. */
  notBefore: string;
  /** End of validity, ISO 8601 UTC. */
  notAfter: string;
}

/** Reads the facts of a PEM certificate (the first one, when given a chain). */
export function describeCertificate(certificatePem: string): CertificateFacts {
  const certificate = new crypto.X509Certificate(certificatePem);
  return {
    sha1Fingerprint: certificate.fingerprint,
    sha256Fingerprint: certificate.fingerprint256,
    serialNumber: certificate.serialNumber.toUpperCase(),
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
  };
}
