/**
 * Key pairs generated in the background (the provider's create and rotation) are checked by openssl, and
 * the generation leaves the provider process's event loop free for the engine's other calls.
 */
import test from "ava";
import { generateRsaKeyPairInBackground } from "../../provider/crypto/rsa-key-pair";
import { openssl, publicKeyOf } from "../helpers/openssl";

test("background key generation: openssl accepts each key, and the event loop keeps turning meanwhile", async (t) => {
  let turns = 0;
  const ticker = setInterval(() => turns++, 0);
  const pairs = await Promise.all([generateRsaKeyPairInBackground(2048), generateRsaKeyPairInBackground(2048)]);
  clearInterval(ticker);
  t.true(turns > 0, "the event loop ran while the keys were generated");
  for (const pair of pairs) {
    t.regex(openssl(["pkey", "-in", "key.pem", "-check", "-noout"], { "key.pem": pair.privateKeyPem }, true), /valid/i);
    t.regex(
      openssl(["pkey", "-in", "key.pem", "-text", "-noout"], { "key.pem": pair.privateKeyPem }),
      /Private-Key: \(2048 bit, 2 primes\)[\s\S]*publicExponent: 65537/,
    );
    t.is(
      publicKeyOf({ privateKey: pair.privateKeyPem }),
      pair.publicKeyPem,
      "the public key belongs to the private key",
    );
  }
  t.not(pairs[0]!.privateKeyPem, pairs[1]!.privateKeyPem);
});
