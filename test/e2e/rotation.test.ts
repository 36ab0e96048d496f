/**
 * Rotation through the real engine, with the provider's clock set by SALESFORCE_CERTS_NOW: no rotation
 * outside the window; preview names the reason inside it; up rotates and keeps the previous certificate
 * for the overlap, then drops it; a trigger rotates; a policy change alone does not; a second preview
 * after every up shows no changes; no key material in state or logs. Keystores are judged by keytool.
 */
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { CertificateAndKeyPair } from "../../provider";
import { keyMaterial, openTempStack } from "../helpers/engine";
import { keytool } from "../helpers/keytool";

const keystorePassword = "e2e-keystore-pass";

test("a certificate rotates on diff from the clock, with overlap, and preview says why", async (t) => {
  let rotationTrigger: string | undefined;
  let daysBeforeExpiry = 30;
  const program = async () => {
    const cert = new CertificateAndKeyPair("rot", {
      uniqueName: "Rot_Cert",
      label: "Rotating certificate",
      validityDays: 365,
      renewal: { daysBeforeExpiry },
      overlapDays: 10,
      keystorePassword: pulumi.secret(keystorePassword),
      ...(rotationTrigger ? { rotationTrigger } : {}),
    });
    return {
      serialNumber: cert.serialNumber,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      nextRotation: cert.nextRotation,
      previousCertificate: cert.previousCertificate,
      lastRotation: cert.lastRotation,
      privateKeyPem: cert.privateKeyPem,
      jksBase64: cert.jksBase64,
      pkcs12Base64: cert.pkcs12Base64,
      sha256Fingerprint: cert.sha256Fingerprint,
    };
  };
  const env = await openTempStack("rot", program);
  t.teardown(() => env.dispose());
  const { stack, onOutput } = env;

  // Issue on 2027-01-01: renewal 30 days before notAfter (2028-01-01) → 2027-12-02.
  env.setClock("2027-01-01T00:00:00Z");
  await stack.up({ onOutput });
  const first = await env.values();
  t.is(first["notBefore"], "2027-01-01T00:00:00.000Z");
  t.is(first["nextRotation"], "2027-12-02T00:00:00.000Z");

  let mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 });
  t.regex(
    env.logSince(mark),
    /CertificateAndKeyPair Rot_Cert: no rotation; next rotation 2027-12-02T00:00:00.000Z \(30 days before notAfter\)/,
  );

  // Outside the window: nothing, without any refresh.
  env.setClock("2027-12-01T23:00:00Z");
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 });

  // Inside the window: preview says it rotates and why.
  env.setClock("2027-12-03T00:00:00Z");
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 1, update: 1 });
  t.regex(
    env.logSince(mark),
    /CertificateAndKeyPair Rot_Cert: rotates now \(inside its renewal window since 2027-12-02T00:00:00.000Z\): a new key pair and certificate/,
  );
  await stack.up({ onOutput });
  const second = await env.values();
  t.not(second["serialNumber"], first["serialNumber"]);
  t.not(second["privateKeyPem"], first["privateKeyPem"]);
  t.is(second["notBefore"], "2027-12-03T00:00:00.000Z");
  t.is(second["previousCertificate"].serialNumber, first["serialNumber"]);
  t.is(second["previousCertificate"].retainedUntil, "2027-12-13T00:00:00.000Z");
  t.deepEqual(second["lastRotation"], {
    at: "2027-12-03T00:00:00.000Z",
    reason: "inside its renewal window since 2027-12-02T00:00:00.000Z",
  });
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 }, "no perpetual diff after a rotation");

  // The overlap ends: the previous certificate is dropped, without a rotation.
  env.setClock("2027-12-13T00:00:01Z");
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 1, update: 1 });
  t.regex(env.logSince(mark), /previous certificate [0-9A-F:]+… dropped: its overlap ended 2027-12-13T00:00:00.000Z/);
  await stack.up({ onOutput });
  const third = await env.values();
  t.is(third["previousCertificate"], null, "stored as null: known in preview, where an absent output reads as unknown");
  t.is(third["serialNumber"], second["serialNumber"]);
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 });

  // A changed trigger rotates now.
  rotationTrigger = "incident-42";
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 1, update: 1 });
  t.regex(env.logSince(mark), /Rot_Cert: rotates now \(rotationTrigger changed from null to "incident-42"\)/);
  await stack.up({ onOutput });
  const fourth = await env.values();
  t.not(fourth["serialNumber"], third["serialNumber"]);
  t.is(fourth["previousCertificate"].serialNumber, third["serialNumber"]);
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 });

  // Changing only the renewal policy updates the schedule, never the certificate.
  daysBeforeExpiry = 60;
  await stack.up({ onOutput });
  const fifth = await env.values();
  t.is(fifth["serialNumber"], fourth["serialNumber"]);
  t.is(fifth["notAfter"], "2028-12-12T00:00:01.000Z");
  t.is(fifth["nextRotation"], "2028-10-13T00:00:01.000Z");
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 });

  // The keystores are secrets, and keytool reads the JKS with the keystore password.
  const raw = await stack.outputs();
  for (const name of ["privateKeyPem", "jksBase64", "pkcs12Base64"]) t.true(raw[name]!.secret, `${name} is secret`);
  const listed = keytool(["-list", "-keystore", "k.jks", "-storetype", "JKS", "-storepass", keystorePassword], {
    "k.jks": Buffer.from(fifth["jksBase64"], "base64"),
  });
  // Three key pairs so far (issue, window, trigger): the third is Rot_Cert_G3 in the org.
  t.regex(listed.output, /rot_cert_g3, .*PrivateKeyEntry/);
  t.regex(listed.output, new RegExp(fifth["sha256Fingerprint"]));

  // No key, keystore or password in plain text in the state file or in what the engine printed.
  const state = env.readState();
  t.true(state.includes("Rot_Cert"));
  const needles = [
    keystorePassword,
    "PRIVATE KEY",
    fifth["jksBase64"].slice(0, 60),
    fifth["pkcs12Base64"].slice(0, 60),
  ];
  for (const key of [first, second, fourth]) needles.push(...keyMaterial(key["privateKeyPem"]));
  for (const needle of needles) {
    t.false(state.includes(needle), `state holds ${needle.slice(0, 20)}…`);
    t.false(env.log.join("").includes(needle), `log holds ${needle.slice(0, 20)}…`);
  }

  await stack.destroy({ onOutput });
});
