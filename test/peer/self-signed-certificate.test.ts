/**
 * Our crypto module, judged by openssl without the engine: 4096-bit keys, and serials over many runs.
 */
import test from "ava";
import { buildSelfSignedCertificate } from "../../provider/crypto/self-signed-certificate";
import { generateRsaKeyPair } from "../../provider/crypto/rsa-key-pair";
import { describeCertificate } from "../../provider/crypto/certificate-facts";
import { openssl, publicKeyOf, x509 } from "../helpers/openssl";
import { daysAfter, testNow } from "../helpers/test-clock";

test("a 4096-bit self-signed certificate verifies with openssl and its key matches", (t) => {
  const keyPair = generateRsaKeyPair(4096);
  const notBefore = new Date("2026-01-01T00:00:00Z");
  const notAfter = new Date("2028-01-01T00:00:00Z");
  const pem = buildSelfSignedCertificate({
    keyPair,
    subject: { commonName: "big.example.com", country: "DE" },
    notBefore,
    notAfter,
  });
  t.regex(x509(pem, "-text"), /Public-Key: \(4096 bit\)/);
  t.regex(x509(pem, "-text"), /CA:TRUE/);
  t.regex(x509(pem, "-text"), /Digital Signature, Key Encipherment, Certificate Sign/);
  t.is(x509(pem, "-subject", "-nameopt", "RFC2253").trim(), "subject=CN=big.example.com,C=DE");
  t.is(publicKeyOf({ certificate: pem }), publicKeyOf({ privateKey: keyPair.privateKeyPem }));
  // -attime: the certificate is checked inside its own validity window.
  const at = String(Math.floor(new Date("2027-01-01T00:00:00Z").getTime() / 1000));
  t.regex(openssl(["verify", "-attime", at, "-CAfile", "c.pem", "c.pem"], { "c.pem": pem }), /c\.pem: OK/);
  t.deepEqual(
    { notBefore: describeCertificate(pem).notBefore, notAfter: describeCertificate(pem).notAfter },
    { notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString() },
  );
});

test("serials are random, positive and 16 bytes long", (t) => {
  const keyPair = generateRsaKeyPair(2048);
  const serials = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const pem = buildSelfSignedCertificate({
      keyPair,
      subject: { commonName: "s" },
      notBefore: testNow(),
      notAfter: daysAfter(1),
    });
    const serial = x509(pem, "-serial").trim().replace("serial=", "");
    t.regex(serial, /^[0-7][0-9A-F]{31}$/);
    t.not(serial.slice(0, 2), "00");
    serials.add(serial);
  }
  t.is(serials.size, 20);
});
