/**
 * @module The certificate's public key as a JSON Web Key (RFC 7517) with its certificate (`x5c`) and
 * SHA-256 thumbprint (`x5t#S256`), as JWKS endpoints and JWT libraries consume it.
 */
import crypto = require("node:crypto");
import { pemToDer } from "./pem";

/** An RSA public JWK for RS256 signatures. */
export interface PublicKeyJwk {
  kty: "RSA";
  n: string;
  e: string;
  alg: "RS256";
  use: "sig";
  /** The `x5t#S256` value, so a JWT header's `kid` can name the key. */
  kid: string;
  x5c: string[];
  "x5t#S256": string;
}

/** The JWK of a certificate's public key; `chainPem` adds the issuers to `x5c` after the leaf. */
export function publicKeyJwk(certificatePem: string, issuerPems: readonly string[] = []): PublicKeyJwk {
  const der = pemToDer(certificatePem);
  const { n, e } = new crypto.X509Certificate(certificatePem).publicKey.export({ format: "jwk" });
  const thumbprint = crypto.createHash("sha256").update(der).digest("base64url");
  return {
    kty: "RSA",
    n: n!,
    e: e!,
    alg: "RS256",
    use: "sig",
    kid: thumbprint,
    x5c: [der.toString("base64"), ...issuerPems.map((pem) => pemToDer(pem).toString("base64"))],
    "x5t#S256": thumbprint,
  };
}
