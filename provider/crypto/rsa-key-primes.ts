/**
 * @module An RSA private key stored as its two primes. Every other number of the key follows from them
 * and the public exponent 65537: n = pq, d = e⁻¹ mod lcm(p−1, q−1) (as OpenSSL 3 computes it), the CRT
 * exponents and coefficient. The primes of a 2048-bit key take 342 base64url characters against 1,704
 * for its PKCS #8 PEM, and the state stores each key encrypted, at every engine step. The PEM is rebuilt
 * by node:crypto from the JWK form; the modular arithmetic is JavaScript's BigInt (node:crypto has no
 * modular inverse): the extended Euclidean algorithm, six times faster than node-forge's BigInteger here,
 * which matters because every run rebuilds every key for the `privateKeyPem` outputs. A key is stored this
 * way only when the rebuilt PEM is byte for byte the key's own PEM, so the `privateKeyPem` outputs never
 * change text.
 */
import crypto = require("node:crypto");
import { StateDamagedError } from "../errors";

const exponent = "AQAB"; // 65537, base64url

function toBig(base64url: string): bigint {
  return BigInt(`0x${Buffer.from(base64url, "base64url").toString("hex") || "0"}`);
}

function toBase64url(value: bigint): string {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex").toString("base64url");
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** a⁻¹ mod m, by the extended Euclidean algorithm; throws when a and m share a factor. */
function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const quotient = r0 / r1;
    [r0, r1] = [r1, r0 - quotient * r1];
    [s0, s1] = [s1, s0 - quotient * s1];
  }
  if (r0 !== 1n)
    throw new StateDamagedError(
      "a stored RSA key's numbers do not form a key: the state was edited by hand; restore it from a backup",
    );
  return ((s0 % m) + m) % m;
}

/** The PKCS #8 PEM of the RSA key with primes `primes` (`<p>.<q>`, base64url) and exponent 65537. */
export function rsaPrivateKeyFromPrimes(primes: string): string {
  const [pText, qText] = primes.split(".");
  if (!pText || !qText)
    throw new StateDamagedError(
      "a stored RSA key is not of the form <p>.<q>: the state was edited by hand; restore it from a backup",
    );
  const p = toBig(pText);
  const q = toBig(qText);
  const [p1, q1] = [p - 1n, q - 1n];
  const d = modInverse(toBig(exponent), (p1 * q1) / gcd(p1, q1));
  const jwk = {
    kty: "RSA",
    e: exponent,
    n: toBase64url(p * q),
    d: toBase64url(d),
    p: pText,
    q: qText,
    dp: toBase64url(d % p1),
    dq: toBase64url(d % q1),
    qi: toBase64url(modInverse(q, p)),
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
