/**
 * CertificateAndKeyPair through the real Pulumi engine: up → outputs judged by openssl → preview shows
 * no changes → a label change updates in place, a subject change rotates the key, a new unique name
 * replaces the resource (applied, and the new certificate judged by openssl) → destroy. The state file and
 * the engine's output are searched for the private key.
 */
import test from "ava";
import { CertificateAndKeyPair, type CertificateAndKeyPairArgs } from "../../provider";
import { keyMaterial, openTempStack } from "../helpers/engine";
import { openssl, publicKeyOf, x509 } from "../helpers/openssl";
import { epochSeconds, testNow } from "../helpers/test-clock";

const baseArgs: CertificateAndKeyPairArgs = {
  uniqueName: "E2E_Partner_IdP",
  label: "E2E partner IdP",
  keySize: 2048,
  validityDays: 30,
  subject: {
    commonName: "e2e.example.com",
    email: "ops@example.com",
    company: "Greenmoor Software",
    department: "Platform",
    city: "Leeds",
    state: "West Yorkshire",
    country: "GB",
  },
};

test("CertificateAndKeyPair up, preview, update, replace and destroy through the engine", async (t) => {
  let args = baseArgs;
  const program = async () => {
    const cert = new CertificateAndKeyPair("cert", args);
    return {
      certificatePem: cert.certificatePem,
      privateKeyPem: cert.privateKeyPem,
      publicKeyPem: cert.publicKeyPem,
      sha1Fingerprint: cert.sha1Fingerprint,
      sha256Fingerprint: cert.sha256Fingerprint,
      serialNumber: cert.serialNumber,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      keySize: cert.keySize,
      label: cert.label,
      uniqueName: cert.uniqueName,
      salesforceName: cert.salesforceName,
      generation: cert.generation,
      previousSerialNumber: cert.previousCertificate.apply((p) => p?.serialNumber),
    };
  };
  const env = await openTempStack("cert", program);
  t.teardown(() => env.dispose());
  const { stack, onOutput } = env;

  // 1. up, and the engine's own output is in the log.
  const first = await stack.up({ onOutput });
  t.is(first.summary.result, "succeeded");
  t.deepEqual(first.summary.resourceChanges, { create: 2 });
  t.regex(env.log.join(""), /pulumi-nodejs:dynamic\/salesforce:CertificateAndKeyPair/);

  const outputs = await stack.outputs();
  const certificatePem = outputs["certificatePem"]!.value as string;
  const privateKeyPem = outputs["privateKeyPem"]!.value as string;
  t.true(outputs["privateKeyPem"]!.secret, "the private key is a secret output");
  t.false(outputs["certificatePem"]!.secret);

  // 2. openssl judges the certificate and the key.
  t.is(
    x509(certificatePem, "-subject", "-nameopt", "RFC2253").trim(),
    "subject=emailAddress=ops@example.com,CN=e2e.example.com,OU=Platform,O=Greenmoor Software,L=Leeds,ST=West Yorkshire,C=GB",
  );
  t.is(
    x509(certificatePem, "-issuer", "-nameopt", "RFC2253").replace("issuer=", ""),
    x509(certificatePem, "-subject", "-nameopt", "RFC2253").replace("subject=", ""),
  );
  t.regex(
    openssl(["verify", "-attime", String(epochSeconds(testNow())), "-CAfile", "cert.pem", "cert.pem"], {
      "cert.pem": certificatePem,
    }),
    /cert\.pem: OK/,
  );
  const text = x509(certificatePem, "-text");
  t.regex(text, /Version: 3 \(0x2\)/);
  t.regex(text, /Signature Algorithm: sha256WithRSAEncryption/);
  t.regex(text, /Public-Key: \(2048 bit\)/);
  t.is(
    publicKeyOf({ privateKey: privateKeyPem }),
    publicKeyOf({ certificate: certificatePem }),
    "the key matches the certificate",
  );
  t.is(
    outputs["publicKeyPem"]!.value,
    publicKeyOf({ certificate: certificatePem }),
    "publicKeyPem is the certificate's key, as openssl writes it",
  );
  t.regex(openssl(["pkey", "-in", "key.pem", "-check", "-noout"], { "key.pem": privateKeyPem }), /valid/i);
  // PKCS #8 (PrivateKeyInfo) names its algorithm; PKCS #1 would not.
  t.regex(openssl(["asn1parse", "-in", "key.pem"], { "key.pem": privateKeyPem }), /OBJECT\s+:rsaEncryption/, "PKCS #8");

  const dates = Object.fromEntries(
    x509(certificatePem, "-dates")
      .trim()
      .split("\n")
      .map((line) => line.split("=") as [string, string]),
  );
  const notBefore = new Date(dates["notBefore"]!);
  const notAfter = new Date(dates["notAfter"]!);
  t.is(notAfter.getTime() - notBefore.getTime(), 30 * 86_400_000, "valid for validityDays");
  t.true(Math.abs(notBefore.getTime() - testNow().getTime()) < 10 * 60_000, "valid from the provider's now");
  t.is(outputs["notBefore"]!.value, notBefore.toISOString());
  t.is(outputs["notAfter"]!.value, notAfter.toISOString());

  t.is(`sha1 Fingerprint=${outputs["sha1Fingerprint"]!.value}\n`, x509(certificatePem, "-fingerprint", "-sha1"));
  t.is(`sha256 Fingerprint=${outputs["sha256Fingerprint"]!.value}\n`, x509(certificatePem, "-fingerprint", "-sha256"));
  const serial = x509(certificatePem, "-serial").trim().replace("serial=", "");
  t.is(outputs["serialNumber"]!.value, serial);
  t.regex(serial, /^[0-7][0-9A-F]{31}$/, "a positive 128-bit serial");
  t.is(outputs["keySize"]!.value, 2048);

  // 3. A second preview right after up: nothing to do.
  const quiet = await stack.preview({ onOutput });
  t.deepEqual(quiet.changeSummary, { same: 2 });

  // 4. A label change is an in-place update: same key, same certificate.
  args = { ...baseArgs, label: "E2E partner IdP (renamed)" };
  const labelPreview = await stack.preview({ onOutput });
  t.deepEqual(labelPreview.changeSummary, { same: 1, update: 1 });
  await stack.up({ onOutput });
  const relabelled = await stack.outputs();
  t.is(relabelled["label"]!.value, "E2E partner IdP (renamed)");
  t.is(relabelled["serialNumber"]!.value, serial);
  t.is(relabelled["privateKeyPem"]!.value, privateKeyPem);
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 });

  // 5. A subject change rotates in place: a new key pair and certificate, the old one kept as previous.
  args = { ...args, subject: { ...baseArgs.subject, city: "York" } as CertificateAndKeyPairArgs["subject"] };
  const mark = env.log.length;
  const subjectPreview = await stack.preview({ onOutput });
  t.deepEqual(subjectPreview.changeSummary, { same: 1, update: 1 });
  t.regex(env.log.slice(mark).join(""), /E2E_Partner_IdP: rotates now \(subject changed\)/);
  await stack.up({ onOutput });
  const replaced = await stack.outputs();
  t.not(replaced["serialNumber"]!.value, serial);
  t.not(replaced["privateKeyPem"]!.value, privateKeyPem);
  t.is(replaced["previousSerialNumber"]!.value as string | undefined, serial);
  t.regex(x509(replaced["certificatePem"]!.value as string, "-subject", "-nameopt", "RFC2253"), /L=York/);
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 });

  // 6. A new unique name is a new Salesforce certificate: replace, applied through the engine.
  args = { ...args, uniqueName: "E2E_Partner_IdP_2" };
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 1, replace: 1 });
  const replacement = await stack.up({ onOutput });
  t.deepEqual(replacement.summary.resourceChanges, { same: 1, replace: 1 });
  const renamed = await stack.outputs();
  t.is(renamed["uniqueName"]!.value, "E2E_Partner_IdP_2");
  t.is(
    renamed["salesforceName"]!.value,
    "E2E_Partner_IdP_2",
    "a new certificate starts at its own name, not a _G<n> of the old one",
  );
  t.is(renamed["generation"]!.value, 1);
  const renamedPem = renamed["certificatePem"]!.value as string;
  const renamedKey = renamed["privateKeyPem"]!.value as string;
  t.not(renamedKey, replaced["privateKeyPem"]!.value, "a new key pair");
  t.not(renamed["serialNumber"]!.value, replaced["serialNumber"]!.value);
  t.is(renamed["previousSerialNumber"]?.value, undefined, "a new certificate has no previous one");
  t.regex(
    openssl(["verify", "-attime", String(epochSeconds(testNow())), "-CAfile", "cert.pem", "cert.pem"], {
      "cert.pem": renamedPem,
    }),
    /cert\.pem: OK/,
  );
  t.is(
    publicKeyOf({ privateKey: renamedKey }),
    publicKeyOf({ certificate: renamedPem }),
    "the new key matches the new certificate",
  );
  t.regex(x509(renamedPem, "-subject", "-nameopt", "RFC2253"), /L=York/, "the subject carries over");
  t.is(`sha256 Fingerprint=${renamed["sha256Fingerprint"]!.value}\n`, x509(renamedPem, "-fingerprint", "-sha256"));
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 });

  // 7. No private key in plain text in the state file or in anything the engine printed.
  const state = env.readState();
  t.true(state.includes("E2E_Partner_IdP"), "the state file is the one this stack wrote");
  for (const key of [privateKeyPem, replaced["privateKeyPem"]!.value as string, renamedKey]) {
    for (const haystack of [state, env.log.join("")]) {
      for (const needle of keyMaterial(key)) t.false(haystack.includes(needle), "no private key body, no prime");
      t.false(haystack.includes("PRIVATE KEY"), "no PEM armour of a private key");
    }
  }

  // 8. destroy removes the resource.
  const destroyed = await stack.destroy({ onOutput });
  t.deepEqual(destroyed.summary.resourceChanges, { delete: 2 });
  t.false(env.readState().includes("salesforce:CertificateAndKeyPair"));
});
