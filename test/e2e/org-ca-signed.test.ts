/**
 * The tests run one at a time: inline programs share the test process's Pulumi configuration.
 *
 * Org mode, CA-signed certificates whose key the org keeps (`custody: "org"`, `caSigned: true`), through
 * the engine against the stand-in org, openssl acting as the customer's CA: the first `up` deploys the
 * Certificate and outputs the CSR the org made; a chain for another key stops preview and `up` with
 * nothing deployed; the chain for the org's CSR is uploaded by the second `up` and the outputs become the
 * chain's; refresh sees no drift; in the renewal window `up` deploys `<name>_G2` (a new CSR) while the
 * certificate in force stays, its chain brings it into force with the old one kept through the overlap,
 * then deleted; preview says what `up` does in the org at every step.
 */
import crypto from "node:crypto";
import test from "ava";
import { CertificateAndKeyPair } from "../../provider";
import { openTempStack } from "../helpers/engine";
import { openssl, x509 } from "../helpers/openssl";
import { createOpensslCa } from "../helpers/openssl-ca";
import { startOrgForProvider } from "../helpers/org-mode";
import { certificateSource, sourceFormatZip } from "../helpers/stand-in-org";

const day = 86_400_000;
const start = "2026-12-01T09:00:00.000Z";
const at = (days: number) => new Date(Date.parse(start) + days * day);

test.serial(
  "custody org, CA-signed: CSR from the org out, chain checked and uploaded, outputs from the chain, rotation to _G2 through a new CSR",
  async (t) => {
    const { org, setClock, configure } = await startOrgForProvider(start);
    t.teardown(() => org.close());
    const ca = createOpensslCa(at(0));
    t.teardown(() => ca.dispose());
    let signedChainPem: string | undefined;
    const env = await openTempStack("org-ca-signed", async () => {
      const mtls = new CertificateAndKeyPair("mtls", {
        uniqueName: "Acme_Mtls",
        label: "Acme mTLS",
        custody: "org",
        caSigned: true,
        overlapDays: 7,
        ...(signedChainPem ? { signedChainPem } : {}),
      });
      return {
        csrPem: mtls.csrPem,
        awaitingSignature: mtls.awaitingSignature,
        certificatePem: mtls.certificatePem,
        certificateChainPem: mtls.certificateChainPem,
        sha256Fingerprint: mtls.sha256Fingerprint,
        notAfter: mtls.notAfter,
        salesforceName: mtls.salesforceName,
        privateKeyPem: mtls.privateKeyPem,
        previous: mtls.previousCertificate,
      };
    });
    t.teardown(() => env.dispose());
    await configure(env.stack);
    const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;
    const url = org.url.replace(/[.]/g, "\\.");

    // Preview: names the deploy and says the certificate will wait for its chain; deploys nothing.
    let mark = env.log.length;
    t.deepEqual((await env.stack.preview({ onOutput: env.onOutput })).changeSummary, { create: 2 });
    t.regex(
      env.logSince(mark),
      new RegExp(
        `creating deploys Certificate Acme_Mtls to ${url} \\(Salesforce generates the key pair and keeps it, and makes a certificate signing request, output as csrPem: the certificate waits for its chain, given as signedChainPem once your CA has signed it`,
      ),
    );
    t.is(deploys(), 0);

    // First up: the org makes the key and the CSR; the stack outputs the org's CSR, no certificate, no key.
    await env.stack.up({ onOutput: env.onOutput });
    let outputs = await env.values();
    const pending = org.state.certificate("Acme_Mtls")!;
    t.true(pending.awaitingChain);
    t.is(outputs["csrPem"], pending.contentPem, "the CSR the org holds");
    t.true(outputs["awaitingSignature"]);
    t.is(outputs["certificatePem"], null);
    t.is(outputs["privateKeyPem"], null);
    t.regex(
      openssl(["req", "-in", "r.pem", "-noout", "-verify", "-subject"], { "r.pem": outputs["csrPem"] }, true),
      /subject=CN = Acme mTLS, .*O = Salesforce\.com[\s\S]*verify OK/,
    );
    t.is(deploys(), 1);
    mark = env.log.length;
    t.deepEqual((await env.stack.preview({ onOutput: env.onOutput })).changeSummary, { same: 2 });
    t.regex(
      env.logSince(mark),
      /CertificateAndKeyPair Acme_Mtls: .*awaits a CA signature of the CSR made 2026-12-01T09:00:00\.000Z \(give signedChainPem\)/,
    );

    // A chain for another key: preview and up stop, naming signedChainPem and the rule; nothing is deployed.
    const stranger = ca.signBetween(
      openssl(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-subj", "/CN=stranger"]),
      at(0),
      at(120),
    );
    signedChainPem = stranger + ca.intermediatePem;
    for (const run of [
      () => env.stack.preview({ onOutput: env.onOutput }),
      () => env.stack.up({ onOutput: env.onOutput }),
    ]) {
      const refused = await t.throwsAsync(run());
      t.regex(
        refused!.message,
        /Acme_Mtls: signedChainPem: the leaf certificate certifies neither the key of the CSR in output csrPem nor the key in force/,
      );
    }
    t.is(deploys(), 1, "nothing deployed");
    t.true(org.state.certificate("Acme_Mtls")!.awaitingChain);
    t.is((await env.values())["csrPem"], pending.contentPem, "the state is as it was");

    // The chain for the org's CSR: preview names the upload; up checks, deploys and reads it back.
    const leaf = ca.signBetween(outputs["csrPem"], at(0), at(120));
    signedChainPem = leaf + ca.intermediatePem;
    mark = env.log.length;
    t.deepEqual((await env.stack.preview({ onOutput: env.onOutput })).changeSummary, { same: 1, update: 1 });
    t.regex(
      env.logSince(mark),
      new RegExp(
        `adopts the CA-signed chain given in signedChainPem \\(for the key of the CSR\\); in the org: uploads the CA-signed chain \\(signedChainPem\\) to Certificate Acme_Mtls in ${url}, once its leaf is checked against the key of the org's CSR`,
      ),
    );
    t.is(deploys(), 1, "preview deployed nothing");
    await env.stack.up({ onOutput: env.onOutput });
    t.is(deploys(), 2);
    const signed = org.state.certificate("Acme_Mtls")!;
    t.false(signed.awaitingChain);
    t.is(signed.contentPem, `${leaf.trim()}\n${ca.intermediatePem.trim()}\n`, "the org holds the chain");
    outputs = await env.values();
    t.false(outputs["awaitingSignature"]);
    t.is(outputs["csrPem"], null);
    t.is(outputs["certificatePem"].trim(), leaf.trim());
    t.is(outputs["certificateChainPem"], signed.contentPem);
    t.is(outputs["notAfter"], at(120).toISOString(), "notAfter from the CA's certificate");
    t.is(
      outputs["sha256Fingerprint"],
      x509(leaf, "-fingerprint", "-sha256")
        .trim()
        .replace(/^sha256 Fingerprint=/i, ""),
    );
    t.is(outputs["salesforceName"], "Acme_Mtls");
    // openssl: the chain verifies to the CA; the org's key is the leaf's (same modulus as the CSR; it signs for it).
    t.regex(
      openssl(
        [
          "verify",
          "-attime",
          String(Math.floor(at(1).getTime() / 1000)),
          "-CAfile",
          "root.pem",
          "-untrusted",
          "int.pem",
          "leaf.pem",
        ],
        { "root.pem": ca.rootPem, "int.pem": ca.intermediatePem, "leaf.pem": outputs["certificatePem"] },
      ),
      /leaf\.pem: OK/,
    );
    t.is(
      x509(leaf, "-modulus").trim(),
      openssl(["req", "-in", "r.pem", "-noout", "-modulus"], { "r.pem": pending.contentPem }).trim(),
    );
    t.true(
      crypto.verify(
        "sha256",
        Buffer.from("proof"),
        new crypto.X509Certificate(leaf).publicKey,
        org.sign("Acme_Mtls", "proof"),
      ),
    );
    t.deepEqual((await env.stack.preview({ onOutput: env.onOutput })).changeSummary, { same: 2 });
    const refreshed = await env.stack.refresh({ onOutput: env.onOutput });
    t.deepEqual(refreshed.summary.resourceChanges, { same: 2 }, "refresh reads the chain back: no drift");

    // Renewal window (80 % of 120 days): up deploys Acme_Mtls_G2 for a new CSR; the certificate in force stays.
    setClock(at(100).toISOString());
    mark = env.log.length;
    await env.stack.preview({ onOutput: env.onOutput });
    t.regex(
      env.logSince(mark),
      new RegExp(
        `deploys Certificate Acme_Mtls_G2 to ${url} \\(Salesforce generates the key pair and a CSR, output as csrPem; the certificate in force stays until the CA-signed chain is given as signedChainPem\\)`,
      ),
    );
    await env.stack.up({ onOutput: env.onOutput });
    outputs = await env.values();
    const g2 = org.state.certificate("Acme_Mtls_G2")!;
    t.true(g2.awaitingChain);
    t.is(outputs["csrPem"], g2.contentPem);
    t.true(outputs["awaitingSignature"]);
    t.is(outputs["salesforceName"], "Acme_Mtls", "the certificate in force is still the first");
    t.is(outputs["certificatePem"].trim(), leaf.trim());
    t.deepEqual(
      (await env.stack.preview({ onOutput: env.onOutput })).changeSummary,
      { same: 2 },
      "waiting for the chain is no change",
    );

    // The new chain: Acme_Mtls_G2 comes into force, Acme_Mtls is kept through the overlap, then deleted.
    const leaf2 = ca.signBetween(g2.contentPem, at(100), at(220));
    signedChainPem = leaf2 + ca.intermediatePem;
    await env.stack.up({ onOutput: env.onOutput });
    outputs = await env.values();
    t.is(outputs["salesforceName"], "Acme_Mtls_G2");
    t.is(outputs["certificatePem"].trim(), leaf2.trim());
    t.is(outputs["notAfter"], at(220).toISOString());
    t.is(outputs["previous"].salesforceName, "Acme_Mtls");
    t.false(org.state.certificate("Acme_Mtls_G2")!.awaitingChain);
    t.truthy(org.state.certificate("Acme_Mtls"), "the previous certificate stays through the overlap");
    setClock(at(108).toISOString());
    mark = env.log.length;
    await env.stack.preview({ onOutput: env.onOutput });
    t.regex(env.logSince(mark), new RegExp(`deletes Certificate Acme_Mtls from ${url}`));
    await env.stack.up({ onOutput: env.onOutput });
    t.is(org.state.certificate("Acme_Mtls"), undefined);
    t.is((await env.values())["previous"], null);

    // No key in the state; destroy deletes the certificate from the org.
    t.false(env.readState().includes("PRIVATE KEY"));
    await env.stack.destroy({ onOutput: env.onOutput });
    t.is(org.state.certificate("Acme_Mtls_G2"), undefined);
  },
);

test.serial(
  "custody org, CA-signed: a CSR made again in Setup is seen by refresh; a chain for the CSR the org no longer holds is refused before any deploy; a chain the org holds already is not deployed again; a chain re-issued for the key in force is refused",
  async (t) => {
    const { org, configure, admin: setupSession } = await startOrgForProvider(start);
    t.teardown(() => org.close());
    const ca = createOpensslCa(at(0));
    t.teardown(() => ca.dispose());
    let signedChainPem: string | undefined;
    const env = await openTempStack("org-ca-drift", async () => {
      const mtls = new CertificateAndKeyPair("mtls", {
        uniqueName: "Acme_Mtls",
        label: "Acme mTLS",
        custody: "org",
        caSigned: true,
        ...(signedChainPem ? { signedChainPem } : {}),
      });
      return { csrPem: mtls.csrPem, certificatePem: mtls.certificatePem };
    });
    t.teardown(() => env.dispose());
    await configure(env.stack);
    const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;
    await env.stack.up({ onOutput: env.onOutput });
    const firstCsr: string = (await env.values())["csrPem"];

    // Behind the provider's back, the certificate is deployed again: the org now holds a new key and CSR.
    const admin = setupSession();
    await admin.metadata
      .deploy(await sourceFormatZip(certificateSource("Acme_Mtls", { caSigned: true, masterLabel: "Acme mTLS" })), {
        singlePackage: true,
        rollbackOnError: true,
      })
      .complete(true);
    const secondCsr = org.state.certificate("Acme_Mtls")!.contentPem;
    t.not(secondCsr, firstCsr);

    // The chain for the CSR in the stack's output: refused against the org's CSR, before any deploy.
    signedChainPem = ca.signBetween(firstCsr, at(0), at(120)) + ca.intermediatePem;
    const before = deploys();
    const refused = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
    t.regex(
      refused!.message,
      /Acme_Mtls: signedChainPem: the leaf certificate must certify the key of the CSR the org holds for Certificate Acme_Mtls \(output csrPem\), and it certifies another key; nothing was deployed/,
    );
    t.is(deploys(), before, "nothing deployed");
    t.true(org.state.certificate("Acme_Mtls")!.awaitingChain);

    // Refresh reads the org's CSR; the chain for it is then uploaded.
    signedChainPem = undefined;
    const mark = env.log.length;
    await env.stack.refresh({ onOutput: env.onOutput });
    t.regex(
      env.logSince(mark),
      /Acme_Mtls: the org holds another CSR for Certificate Acme_Mtls \(made again in Setup\?\): output csrPem is now that one/,
    );
    t.is((await env.values())["csrPem"], firstCsr, "stack outputs change at the next up");
    await env.stack.up({ onOutput: env.onOutput });
    t.is((await env.values())["csrPem"], secondCsr);
    const leaf = ca.signBetween(secondCsr, at(0), at(120));
    signedChainPem = leaf + ca.intermediatePem;
    // As if a run had been killed after uploading it: the org already holds the chain; up does not deploy it again.
    await admin.metadata
      .deploy(
        await sourceFormatZip(
          certificateSource("Acme_Mtls", { caSigned: true, masterLabel: "Acme mTLS", content: signedChainPem }),
        ),
        { singlePackage: true, rollbackOnError: true },
      )
      .complete(true);
    const uploaded = deploys();
    await env.stack.up({ onOutput: env.onOutput });
    t.is(deploys(), uploaded, "the chain the org holds is not deployed again");
    t.is((await env.values())["certificatePem"].trim(), leaf.trim());
    t.false(org.state.certificate("Acme_Mtls")!.awaitingChain);

    // The CA issues the same key a new certificate: Salesforce documents a chain upload only for a certificate
    // awaiting its chain (a saved one deployed again gets a new key pair), so preview and up refuse it, naming
    // the way that works (a rotation); nothing is deployed and the org keeps its key (found by the outside review).
    const reissued = ca.signBetween(secondCsr, at(0), at(150));
    const inForce = org.state.certificate("Acme_Mtls")!.contentPem;
    signedChainPem = reissued + ca.intermediatePem;
    const deploysBefore = deploys();
    for (const run of [
      () => env.stack.preview({ onOutput: env.onOutput }),
      () => env.stack.up({ onOutput: env.onOutput }),
    ]) {
      const refused = await t.throwsAsync(run());
      t.regex(
        refused!.message,
        /Acme_Mtls: signedChainPem certifies the key of Certificate Acme_Mtls, which is signed already; .*nothing was deployed\. For a certificate the CA re-issued, change rotationTrigger instead/,
      );
    }
    t.is(deploys(), deploysBefore, "nothing deployed");
    t.is(org.state.certificate("Acme_Mtls")!.contentPem, inForce, "the org keeps the certificate in force and its key");
    t.true(
      crypto.verify(
        "sha256",
        Buffer.from("proof"),
        new crypto.X509Certificate(leaf).publicKey,
        org.sign("Acme_Mtls", "proof"),
      ),
    );
    await env.stack.destroy({ onOutput: env.onOutput });
  },
);

test.serial(
  "custody org, CA-signed: a chain and a rotation in one up: the chain comes into force and the new CSR goes under the next name (found by the outside review)",
  async (t) => {
    const { org, configure } = await startOrgForProvider(start);
    t.teardown(() => org.close());
    const ca = createOpensslCa(at(0));
    t.teardown(() => ca.dispose());
    let signedChainPem: string | undefined;
    let rotationTrigger = "first";
    const env = await openTempStack("org-ca-chain-and-rotation", async () => {
      const mtls = new CertificateAndKeyPair("mtls", {
        uniqueName: "Acme_Mtls",
        label: "Acme mTLS",
        custody: "org",
        caSigned: true,
        rotationTrigger,
        ...(signedChainPem ? { signedChainPem } : {}),
      });
      return { csrPem: mtls.csrPem, salesforceName: mtls.salesforceName, certificatePem: mtls.certificatePem };
    });
    t.teardown(() => env.dispose());
    await configure(env.stack);
    await env.stack.up({ onOutput: env.onOutput });
    const firstCsr = (await env.values())["csrPem"] as string;
    const leaf = ca.signBetween(firstCsr, at(0), at(120));
    signedChainPem = leaf + ca.intermediatePem;
    rotationTrigger = "second";
    const mark = env.log.length;
    await env.stack.preview({ onOutput: env.onOutput });
    t.regex(env.logSince(mark), /deploys Certificate Acme_Mtls_G2 to/, "preview names the next name");
    await env.stack.up({ onOutput: env.onOutput });
    const outputs = await env.values();
    const first = org.state.certificate("Acme_Mtls")!;
    t.false(first.awaitingChain, "the adopted certificate was not deployed over");
    t.is(first.contentPem, `${leaf.trim()}\n${ca.intermediatePem.trim()}\n`);
    t.true(
      crypto.verify(
        "sha256",
        Buffer.from("proof"),
        new crypto.X509Certificate(leaf).publicKey,
        org.sign("Acme_Mtls", "proof"),
      ),
      "the org still holds the key the chain certifies",
    );
    t.is(outputs["salesforceName"], "Acme_Mtls");
    t.is(outputs["certificatePem"].trim(), leaf.trim());
    t.true(org.state.certificate("Acme_Mtls_G2")!.awaitingChain);
    t.is(outputs["csrPem"], org.state.certificate("Acme_Mtls_G2")!.contentPem, "the new CSR is the next name's");
    await env.stack.destroy({ onOutput: env.onOutput });
  },
);
