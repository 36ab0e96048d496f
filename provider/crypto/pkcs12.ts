/**
 * @module PKCS #12 (.p12/.pfx) bundles of a private key and its certificate chain, written by node-forge
 * (node:crypto has no PKCS #12 writer). AES-256 (PBES2, 10 000 iterations) protects the key; the
 * integrity MAC is forge's HMAC-SHA-1, which OpenSSL 3 and keytool both accept.
 */
import forge = require("node-forge");

/** A PKCS #12 bundle (DER, base64) holding `privateKeyPem` and `chainPems` (leaf first) under `alias`. */
export function buildPkcs12(
  privateKeyPem: string,
  chainPems: readonly string[],
  password: string,
  alias: string,
): string {
  const key = forge.pki.privateKeyFromPem(privateKeyPem);
  const chain = chainPems.map((pem) => forge.pki.certificateFromPem(pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, chain, password, {
    algorithm: "aes256",
    friendlyName: alias,
    generateLocalKeyId: true,
    count: 10_000,
  });
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}
