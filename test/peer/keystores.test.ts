/**
 * Keystores judged by the tools that read them: keytool lists our JKS and recovers its key (Salesforce's
 * "Import from Keystore" rules: RSA, PKCS #8, keystore password = key password, alias = unique name in
 * lower case), and openssl opens our PKCS #12.
 */
import fs from "node:fs";
import path from "node:path";
import test from "ava";
import { issueCertificate } from "../../provider/certificate/lifecycle";
import { checkCertificateArgs } from "../../provider/certificate/args";
import { keytool } from "../helpers/keytool";
import { openssl, publicKeyOf } from "../helpers/openssl";
import { testNow } from "../helpers/test-clock";

const password = "correct horse battery";

function issued() {
  const checked = checkCertificateArgs({
    uniqueName: "Greenmoor_IdP_Signing",
    label: "IdP",
    keystorePassword: password,
    keySize: 4096,
  });
  if (!checked.ok) throw new Error("bad fixture");
  return issueCertificate(checked.inputs, testNow());
}

test("keytool lists the JKS: one private-key entry under the lower-case unique name", (t) => {
  const state = issued();
  const run = keytool(["-list", "-v", "-keystore", "k.jks", "-storetype", "JKS", "-storepass", password], {
    "k.jks": Buffer.from(state.jksBase64!, "base64"),
  });
  t.is(run.status, 0, run.output);
  t.regex(run.output, /Keystore type: JKS/i);
  t.regex(run.output, /Your keystore contains 1 entry/);
  t.regex(run.output, /Alias name: greenmoor_idp_signing/);
  t.regex(run.output, /Entry type: PrivateKeyEntry/);
  t.regex(run.output, /Certificate chain length: 1/);
  t.regex(run.output, new RegExp(`SHA256: ${state.sha256Fingerprint}`));
  t.regex(run.output, /Subject Public Key Algorithm: 4096-bit RSA key/);
});

test("keytool refuses the JKS under a wrong password (the integrity digest holds)", (t) => {
  const state = issued();
  const run = keytool(["-list", "-keystore", "k.jks", "-storetype", "JKS", "-storepass", "wrong password"], {
    "k.jks": Buffer.from(state.jksBase64!, "base64"),
  });
  t.not(run.status, 0);
  t.regex(run.output, /password was incorrect|tampered/);
});

test("the JKS key is recovered with the keystore password and matches the certificate", (t) => {
  const state = issued();
  let p12: Buffer | undefined;
  const run = keytool(
    [
      "-importkeystore",
      "-srckeystore",
      "k.jks",
      "-srcstoretype",
      "JKS",
      "-srcstorepass",
      password,
      "-destkeystore",
      "k.p12",
      "-deststoretype",
      "PKCS12",
      "-deststorepass",
      password,
      "-noprompt",
    ],
    { "k.jks": Buffer.from(state.jksBase64!, "base64") },
    (dir) => (p12 = fs.readFileSync(path.join(dir, "k.p12"))),
  );
  t.is(run.status, 0, run.output);
  const key = openssl(["pkcs12", "-in", "k.p12", "-nocerts", "-nodes", "-passin", `pass:${password}`], {
    "k.p12": p12!,
  });
  t.is(publicKeyOf({ privateKey: key }), publicKeyOf({ certificate: state.certificatePem! }));
});

test("openssl opens the PKCS #12: the key and certificate are ours, under the friendly name", (t) => {
  const state = issued();
  const bundle = Buffer.from(state.pkcs12Base64!, "base64");
  const certs = openssl(["pkcs12", "-in", "k.p12", "-nokeys", "-passin", `pass:${password}`], { "k.p12": bundle });
  t.regex(certs, /friendlyName: greenmoor_idp_signing/);
  t.regex(certs, new RegExp(state.certificatePem!.split("\n")[1]!.replace(/[+/]/g, "\\$&")));
  const key = openssl(["pkcs12", "-in", "k.p12", "-nocerts", "-nodes", "-passin", `pass:${password}`], {
    "k.p12": bundle,
  });
  t.is(publicKeyOf({ privateKey: key }), publicKeyOf({ certificate: state.certificatePem! }));
  t.regex(
    openssl(["pkcs12", "-in", "k.p12", "-info", "-noout", "-passin", `pass:${password}`], { "k.p12": bundle }, true),
    /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/,
  );
});
