/**
 * A certificate's private key is stored as its two primes and rebuilt from them: openssl must see the very
 * key that was generated (same PEM bytes, a valid key), for 2048 and 4096 bits. A key the primes cannot
 * rebuild byte for byte is kept as PEM.
 */
import crypto from "node:crypto";
import test from "ava";
import { generateRsaKeyPair } from "../../provider/crypto/rsa-key-pair";
import { rsaPrimesOf, rsaPrivateKeyFromPrimes } from "../../provider/crypto/rsa-key-primes";
import { openssl } from "../helpers/openssl";

for (const keySize of [2048, 4096] as const) {
  test(`a ${keySize}-bit key rebuilt from its primes is the generated key, byte for byte`, (t) => {
    const { privateKeyPem } = generateRsaKeyPair(keySize);
    const primes = rsaPrimesOf(privateKeyPem);
    t.truthy(primes);
    t.true(
      primes!.length < privateKeyPem.length / 4,
      `${primes!.length} characters for a ${privateKeyPem.length}-character PEM`,
    );
    const rebuilt = rsaPrivateKeyFromPrimes(primes!);
    t.is(rebuilt, privateKeyPem);
    t.regex(openssl(["pkey", "-in", "key.pem", "-check", "-noout"], { "key.pem": rebuilt }, true), /valid/i);
    const text = (pem: string) => openssl(["pkey", "-in", "key.pem", "-text", "-noout"], { "key.pem": pem });
    t.is(text(rebuilt), text(privateKeyPem));
  });
}

test("a key whose primes would rebuild other bytes is not stored as primes", (t) => {
  // d = e⁻¹ mod (p−1)(q−1) instead of lcm(p−1, q−1): the same key for RSA, another PKCS #8 text. For some
  // keys both are the same number: take the first key for which they differ.
  const big = (x: string) => BigInt(`0x${Buffer.from(x, "base64url").toString("hex")}`);
  const b64 = (x: bigint) => {
    const h = x.toString(16);
    return Buffer.from(h.length % 2 ? `0${h}` : h, "hex").toString("base64url");
  };
  const inverse = (a: bigint, m: bigint) => {
    let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
    while (r1) {
      const k = r0 / r1;
      [r0, r1, s0, s1] = [r1, r0 - k * r1, s1, s0 - k * s1];
    }
    return ((s0 % m) + m) % m;
  };
  let other: string | undefined;
  for (let attempt = 0; attempt < 20 && other === undefined; attempt++) {
    const jwk = crypto.createPrivateKey(generateRsaKeyPair(2048).privateKeyPem).export({ format: "jwk" });
    const [p, q] = [big(jwk.p!), big(jwk.q!)];
    const d = inverse(65537n, (p - 1n) * (q - 1n));
    if (b64(d) === jwk.d) continue;
    other = crypto
      .createPrivateKey({ key: { ...jwk, d: b64(d), dp: b64(d % (p - 1n)), dq: b64(d % (q - 1n)) }, format: "jwk" })
      .export({ type: "pkcs8", format: "pem" })
      .toString();
    t.not(other, rsaPrivateKeyFromPrimes(`${jwk.p}.${jwk.q}`), "this key's d differs from OpenSSL's");
  }
  t.truthy(other, "a key whose d differs was found");
  t.regex(openssl(["pkey", "-in", "key.pem", "-check", "-noout"], { "key.pem": other! }, true), /valid/i);
  t.is(rsaPrimesOf(other!), undefined);
});
