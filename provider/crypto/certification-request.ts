/**
 * @module PKCS #10 certification requests (CSRs) for CA-signed certificates, with the subject fields of
 * Salesforce's "Create CA-Signed Certificate" page.
 */
import forge = require("node-forge");
import { toForgeAttributes, type DistinguishedName } from "./distinguished-name";
import { signCertificationRequest } from "./forge-signing";
import type { RsaKeyPair } from "./rsa-key-pair";

/** Builds a CSR for `keyPair` naming `subject`, signed SHA-256 with RSA; returns its PEM. */
export function buildCertificationRequest(keyPair: RsaKeyPair, subject: DistinguishedName): string {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(keyPair.publicKeyPem);
  csr.setSubject(toForgeAttributes(subject));
  signCertificationRequest(csr, keyPair.privateKeyPem);
  return forge.pki.certificationRequestToPem(csr).replace(/\r\n/g, "\n");
}

/** The public key (SPKI PEM) that the CSR `csrPem` asks to certify. */
export function certificationRequestPublicKey(csrPem: string): string {
  return forge.pki.publicKeyToPem(forge.pki.certificationRequestFromPem(csrPem).publicKey!).replace(/\r\n/g, "\n");
}
