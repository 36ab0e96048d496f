/**
 * The stand-in org's CA-signed certificates, judged by jsforce 3.10.26 (the client org mode uses) and
 * openssl: a `Certificate` deploy with caSigned=true makes the org generate a key pair and a PKCS #10 CSR
 * (SHA-256, RSA of keySize), returned as `content` until a chain is uploaded; the Tooling record says
 * OptionsIsCaSigned and OptionsIsUnusable meanwhile (salesforce.md §1, §7); a chain for another key is a
 * componentFailure (placeholder text) that changes nothing; the org's own key signs what the chain's leaf
 * certifies.
 */
import crypto from "node:crypto";
import test from "ava";
import * as jsforce from "jsforce";
import { openssl, x509 } from "../helpers/openssl";
import { createOpensslCa } from "../helpers/openssl-ca";
import {
  certificateSource,
  placeholder,
  sourceFormatZip,
  startStandInOrg,
  type StandInOrg,
} from "../helpers/stand-in-org";
import { epochSeconds } from "../helpers/test-clock";

const version = "66.0";
const frozen = new Date("2026-11-29T11:00:52.123Z");

async function withOrg(use: (org: StandInOrg, conn: jsforce.Connection) => Promise<void>): Promise<void> {
  const org = await startStandInOrg({ now: () => frozen });
  try {
    await use(org, new jsforce.Connection({ instanceUrl: org.url, accessToken: org.issueSession(), version }));
  } finally {
    await org.close();
  }
}

const deploy = (conn: jsforce.Connection, zip: Buffer) =>
  conn.metadata.deploy(zip, { singlePackage: true, rollbackOnError: true }).complete(true);
const read = async (conn: jsforce.Connection, name: string) =>
  (await conn.metadata.read("Certificate", name)) as unknown as Record<string, unknown>;
const pemOf = (record: Record<string, unknown>) => Buffer.from(String(record["content"]), "base64").toString("utf8");
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const toolingRow = async (conn: jsforce.Connection, name: string) =>
  (
    await conn.tooling.query<Record<string, unknown>>(
      `SELECT DeveloperName, ExpirationDate, KeySize, OptionsIsCaSigned, OptionsIsUnusable FROM Certificate WHERE DeveloperName = '${name}'`,
    )
  ).records[0]!;

test("caSigned deploy: the org makes a key of keySize and a SHA-256 CSR (CN = label, O = Salesforce.com), unusable in Tooling until its chain", async (t) => {
  await withOrg(async (org, conn) => {
    const result = await deploy(
      conn,
      await sourceFormatZip(
        certificateSource("Partner_Mtls", {
          caSigned: true,
          keySize: 4096,
          masterLabel: "Partner mTLS",
          orgId: org.orgId,
        }),
      ),
    );
    t.is(result.status, "Succeeded");
    const record = await read(conn, "Partner_Mtls");
    t.like(record, { fullName: "Partner_Mtls", caSigned: true, keySize: 4096, masterLabel: "Partner mTLS" });
    t.is(record["expirationDate"], undefined, "no expiry before the chain");
    const csr = pemOf(record);
    t.regex(csr, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const text = openssl(
      ["req", "-in", "r.pem", "-noout", "-verify", "-text", "-nameopt", "oneline"],
      { "r.pem": csr },
      true,
    );
    t.regex(text, /verify OK/);
    t.regex(
      text,
      new RegExp(
        `Subject: CN = Partner mTLS, OU = ${org.orgId.slice(0, 15)}, O = Salesforce.com, L = San Francisco, ST = CA, C = USA`,
      ),
    );
    t.regex(text, /Public-Key: \(4096 bit\)/);
    t.regex(text, /Signature Algorithm: sha256WithRSAEncryption/);
    // The key the org keeps is the CSR's: what it signs verifies with the CSR's public key.
    const csrKey = openssl(["req", "-in", "r.pem", "-noout", "-pubkey"], { "r.pem": csr });
    t.true(crypto.verify("sha256", Buffer.from("proof"), csrKey, org.sign("Partner_Mtls", "proof")));
    t.like(await toolingRow(conn, "Partner_Mtls"), {
      KeySize: 4096,
      OptionsIsCaSigned: true,
      OptionsIsUnusable: true,
      ExpirationDate: null,
    });
  });
});

test("a chain whose leaf certifies another key is a componentFailure on the .crt (placeholder text), and the org keeps its CSR", async (t) => {
  const ca = createOpensslCa(frozen);
  t.teardown(() => ca.dispose());
  await withOrg(async (org, conn) => {
    await deploy(conn, await sourceFormatZip(certificateSource("Partner_Mtls", { caSigned: true })));
    const csr = pemOf(await read(conn, "Partner_Mtls"));
    const stranger = ca.sign(
      openssl(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-subj", "/CN=stranger"]),
      90,
    );
    const refused = await deploy(
      conn,
      await sourceFormatZip(
        certificateSource("Partner_Mtls", {
          caSigned: true,
          content: `${stranger.trim()}\n${ca.intermediatePem.trim()}\n`,
        }),
      ),
    );
    t.is(refused.status, "Failed");
    t.false(refused.success);
    const failure = asArray(refused.details?.componentFailures).find((f) => f.componentType === "Certificate")!;
    t.like(failure, {
      fullName: "Partner_Mtls",
      fileName: "certs/Partner_Mtls.crt",
      problemType: "Error",
      success: false,
    });
    t.true(
      String(failure.problem).startsWith(placeholder),
      "Salesforce publishes no text for it: marked as the stand-in's",
    );
    t.regex(String(failure.problem), /does not match the key of the certificate Partner_Mtls/);
    t.is(pemOf(await read(conn, "Partner_Mtls")), csr, "the CSR is still the content");
    t.true(org.state.certificate("Partner_Mtls")!.awaitingChain);
    t.like(await toolingRow(conn, "Partner_Mtls"), { OptionsIsUnusable: true });
  });
});

test("the chain for the CSR's key is taken: content is the chain (no CSR any more), Tooling usable with the leaf's expiry, the org's key is the leaf's", async (t) => {
  const ca = createOpensslCa(frozen);
  t.teardown(() => ca.dispose());
  await withOrg(async (org, conn) => {
    await deploy(conn, await sourceFormatZip(certificateSource("Partner_Mtls", { caSigned: true })));
    const csr = pemOf(await read(conn, "Partner_Mtls"));
    const leaf = ca.sign(csr, 90);
    const chain = `${leaf.trim()}\n${ca.intermediatePem.trim()}\n`;
    const uploaded = await deploy(
      conn,
      await sourceFormatZip(certificateSource("Partner_Mtls", { caSigned: true, content: chain })),
    );
    t.is(uploaded.status, "Succeeded");
    const record = await read(conn, "Partner_Mtls");
    t.is(pemOf(record), chain);
    t.notRegex(pemOf(record), /CERTIFICATE REQUEST/);
    const notAfter = new Date(new crypto.X509Certificate(leaf).validTo).toISOString();
    t.is(record["expirationDate"], notAfter);
    t.like(await toolingRow(conn, "Partner_Mtls"), {
      OptionsIsCaSigned: true,
      OptionsIsUnusable: false,
      ExpirationDate: notAfter.replace("Z", "+0000"),
    });
    // openssl: the leaf chains to the CA, and has the CSR's modulus; the org's key signs for it.
    t.regex(
      openssl(
        ["verify", "-attime", String(epochSeconds(frozen)), "-CAfile", "root.pem", "-untrusted", "int.pem", "leaf.pem"],
        { "root.pem": ca.rootPem, "int.pem": ca.intermediatePem, "leaf.pem": leaf },
      ),
      /leaf\.pem: OK/,
    );
    t.is(
      x509(leaf, "-modulus").trim(),
      openssl(["req", "-in", "r.pem", "-noout", "-modulus"], { "r.pem": csr })
        .trim()
        .replace(/^Public-Key=|^Modulus=/, "Modulus="),
    );
    t.true(
      crypto.verify(
        "sha256",
        Buffer.from("proof"),
        new crypto.X509Certificate(leaf).publicKey,
        org.sign("Partner_Mtls", "proof"),
      ),
    );
  });
});
