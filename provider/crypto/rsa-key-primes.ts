/**
 * @module An RSA private key stored as its two primes. Every other number of the key follows from them
 * and the public exponent 65537: n = pq, d = e⁻¹ mod lcm(p−1, q−1) (as OpenSSL 3 computes it), the CRT
 * exponents and coefficient. The primes of a 2048-bit key take 342 base64url characters against 1,704
 * for its PKCS #8 PEM, and the state stores each key encrypted, at every engine step. The PEM is rebuilt
 * by node:crypto from the JWK form; the modular arithmetic is node-forge's BigInteger (node:crypto has
 * no modular inverse, and BigInt none either). A key is stored this way only when the rebuilt PEM is
 * byte for byte the key's own PEM, so the `privateKeyPem` outputs never change text.
 */
import crypto = require("node:crypto");
import forge = require("node-forge");

type BigInteger = forge.jsbn.BigInteger;

const exponent = "AQAB"; // 65537, base64url

function toBig(base64url: string): BigInteger {
  return new forge.jsbn.BigInteger(Buffer.from(base64url, "base64url").toString("hex"), 16);
}

function toBase64url(value: BigInteger): string {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex").toString("base64url");
}

/** The PKCS #8 PEM of the RSA key with primes `primes` (`<p>.<q>`, base64url) and exponent 65537. */
export function rsaPrivateKeyFromPrimes(primes: string): string {
  const [pText, qText] = primes.split(".");
  if (!pText || !qText) throw new Error("a stored RSA key is not of the form <p>.<q>: the state was edited by hand; restore it from a backup");
  const p = toBig(pText);
  const q = toBig(qText);
  const one = forge.jsbn.BigInteger.ONE;
  const [p1, q1] = [p.subtract(one), q.subtract(one)];
  const d = toBig(exponent).modInverse(p1.multiply(q1).divide(p1.gcd(q1)));
  const jwk = {
    kty: "RSA", e: exponent, n: toBase64url(p.multiply(q)), d: toBase64url(d), p: pText, q: qText,
    dp: toBase64url(d.mod(p1)), dq: toBase64url(d.mod(q1)), qi: toBase64url(q.modInverse(p)),
  };
  return crypto.createPrivateKey({ key: jwk, format: "jwk" }).export({ type: "pkcs8", format: "pem" }).toString();
}

/** `<p>.<q>` of an RSA key in PKCS #8 PEM, or undefined when the primes would not rebuild this very PEM. */
export function rsaPrimesOf(privateKeyPem: string): string | undefined {
  const jwk = crypto.createPrivateKey(privateKeyPem).export({ format: "jwk" });
  if (jwk.kty !== "RSA" || jwk.e !== exponent || !jwk.p || !jwk.q) return undefined;
  const primes = `${jwk.p}.${jwk.q}`;
  return rsaPrivateKeyFromPrimes(primes) === privateKeyPem ? primes : undefined;
}
