/**
 * State written by earlier releases stays readable: a stack each made (the checkpoints in
 * test/fixtures/previous-release, release-bf25fe5, release-2cbda53 and release-8edce00, see their READMEs) is imported into a user's project that installs this
 * release from its tarball; plain `pulumi refresh` and `pulumi preview` find nothing to change (no diff, no
 * rotation), and the certificates and keys read from that state are still accepted by openssl.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { repoRoot } from "../helpers/cli";
import { makeProject, packLibrary } from "../helpers/consumer-project";
import { pemBody } from "../helpers/engine";
import { openssl, publicKeyOf, x509 } from "../helpers/openssl";
import { pulumi, userEnvironment } from "../helpers/plain-pulumi";

/**
 * Each fixture: its folder under test/fixtures, named after its stack (the stack name is part of every URN
 * in the checkpoint), and what it is.
 */
const fixtures = [
  { stack: "previous-release", what: "the previous release (bc958cb)" },
  // The last state that stored every view (certificate DER, JWK, metadata XML, files) and each key four times.
  { stack: "release-bf25fe5", what: "the release before the state diet (bf25fe5)" },
  // Keys stored once as encrypted PEM, and the provider shell of that release.
  { stack: "release-2cbda53", what: "the release before keys were stored as primes (2cbda53)" },
  // Keys stored as primes, and the shell that captured the implementation's name and called dispatchProviderCall.
  { stack: "release-8edce00", what: "the release before the smaller provider shell (8edce00)" },
];
/** The fixture was made at 2026-12-01T00:00:00Z (its README): a day later, nothing is due. */
const aDayLater = "2026-12-02T00:00:00Z";

interface Checkpoint {
  deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] };
}

/** An output of the checkpoint's resource named `name` (plain text, not a secret). */
function stateOutput(checkpoint: Checkpoint, name: string, key: string): unknown {
  const resource = checkpoint.deployment.resources.find((r) => r.urn.endsWith(`::${name}`));
  if (!resource) throw new Error(`the fixture has no resource ${name}`);
  return resource.outputs?.[key];
}

/** The certificate in force of the checkpoint's certificate `name`: stored as such, or (from shape 3 on) as the chain's leaf. */
function storedCertificate(checkpoint: Checkpoint, name: string): string {
  const pem = stateOutput(checkpoint, name, "certificatePem") ?? stateOutput(checkpoint, name, "certificateChainPem");
  const leaf = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n?/.exec(String(pem))?.[0];
  if (!leaf) throw new Error(`the fixture's ${name} stores no certificate`);
  return leaf;
}

/** The certificate a SAML metadata document publishes, as PEM. */
function metadataCertificate(xml: string): string {
  const base64 = /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec(xml)?.[1];
  if (!base64) throw new Error("the IdP metadata publishes no certificate");
  return `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
}

for (const { stack, what } of fixtures) {
  test.serial(`a stack made by ${what}: refresh and preview show no changes, its keys still match, destroy`, (t) => {
    const fixture = path.join(repoRoot, "test", "fixtures", stack);
    const checkpointFile = path.join(fixture, "checkpoint.json");
    const checkpointText = fs.readFileSync(checkpointFile, "utf8");
    const checkpoint = JSON.parse(checkpointText) as Checkpoint;
    const configText = fs.readFileSync(path.join(fixture, `Pulumi.${stack}.yaml`), "utf8");
    t.notRegex(checkpointText + configText, /PRIVATE KEY/, "the fixture holds private keys encrypted only");

    const root = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-previous-release-"));
    t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
    const project = path.join(root, "acme-certs");
    fs.mkdirSync(project);
    makeProject(project, packLibrary(root));
    // The stack's config file holds the salt of the passphrase that encrypted the checkpoint's secrets.
    fs.writeFileSync(path.join(project, `Pulumi.${stack}.yaml`), configText);
    const env = userEnvironment(path.join(root, "state"), path.join(root, "pulumi-home"));
    const later = { ...env, SALESFORCE_CERTS_NOW: aDayLater };

    const init = pulumi(["stack", "init", stack], project, env);
    t.is(init.status, 0, init.text);
    const imported = pulumi(["stack", "import", "--file", checkpointFile], project, env);
    t.is(imported.status, 0, imported.text);

    const refreshed = pulumi(["refresh", "--yes", "--expect-no-changes"], project, later);
    t.is(refreshed.status, 0, refreshed.text);
    const previewed = pulumi(["preview", "--expect-no-changes", "--diff"], project, later);
    t.is(previewed.status, 0, previewed.text);
    t.regex(previewed.text, /CertificateAndKeyPair Acme_CI_JWT: no rotation/);
    t.regex(previewed.text, /5 unchanged/);
    t.notRegex(refreshed.text + previewed.text, /PRIVATE KEY/);

    const shown = pulumi(["stack", "output", "--json", "--show-secrets"], project, later);
    t.is(shown.status, 0, shown.text);
    const outputs = JSON.parse(shown.stdout) as Record<string, any>;
    // The same certificates as the previous release issued (nothing rotated), judged by openssl at a time
    // inside their validity, and the keys decrypted from the old state match them.
    t.is(outputs["jwtCertificatePem"], storedCertificate(checkpoint, "jwt"));
    t.is(outputs["jwtNotAfter"], "2027-12-01T00:00:00.000Z");
    const attime = String(Date.parse(aDayLater) / 1000);
    t.regex(x509(outputs["jwtCertificatePem"], "-subject"), /CN\s*=\s*ci\.acme\.example/);
    t.regex(
      openssl(["verify", "-attime", attime, "-CAfile", "c.pem", "c.pem"], { "c.pem": outputs["jwtCertificatePem"] }),
      /c\.pem: OK/,
    );
    t.is(
      publicKeyOf({ privateKey: outputs["jwtPrivateKeyPem"] }),
      publicKeyOf({ certificate: outputs["jwtCertificatePem"] }),
    );
    const idpCertificate = metadataCertificate(outputs["idpMetadataXml"]);
    t.is(idpCertificate.replace(/\s/g, ""), storedCertificate(checkpoint, "idp").replace(/\s/g, ""));
    t.regex(
      openssl(["verify", "-attime", attime, "-CAfile", "c.pem", "c.pem"], { "c.pem": idpCertificate }),
      /c\.pem: OK/,
    );
    t.is(publicKeyOf({ privateKey: outputs["nested"].list[0] }), publicKeyOf({ certificate: idpCertificate }));
    t.is(outputs["consumerKey"], stateOutput(checkpoint, "ci", "consumerKey"));
    // The fixture holds no plain key: neither body appears in it, not even a line of one.
    for (const key of [outputs["jwtPrivateKeyPem"], outputs["nested"].list[0]]) {
      for (const line of pemBody(key).match(/.{1,64}/g)!)
        t.false(checkpointText.includes(line), "a private key line is in the fixture");
    }

    const destroyed = pulumi(["destroy", "--yes"], project, later);
    t.is(destroyed.status, 0, destroyed.text);
    t.regex(destroyed.stdout, /- 5 deleted/);
  });
}
