/**
 * A certificate's `adopt`: check() takes it only with custody org and a SHA-256 fingerprint in either form
 * discover may write; the comparison with the org's certificate names each differing field with the org's
 * value and ours; diff and the stored state ignore it (it matters at create only).
 */
import crypto from "node:crypto";
import test from "ava";
import { checkCertificateArgs } from "../../../provider/certificate/args";
import {
  canonicalFingerprint,
  certificateAdoptionDifferences,
  contentFingerprint,
  readAdoptedCertificate,
} from "../../../provider/certificate/adoption";
import { OrgAdoptionRefusedError } from "../../../provider/errors";
import { applyUpdate, issueCertificate, planChanges, planUpdate } from "../../../provider/certificate/lifecycle";
import { encodeCertificateState } from "../../../provider/certificate/state";
import { spawnSync } from "node:child_process";
import { opensslSelfSigned } from "../../helpers/openssl-ca";
import { openssl, x509 } from "../../helpers/openssl";
import { testNow, daysAfter } from "../../helpers/test-clock";

const now = testNow();
// Made by openssl at run time: the fingerprint judged is openssl's own, not one this code computed.
const made = opensslSelfSigned("Acme IdP <&\"'>", now, daysAfter(365, now));
const opensslFingerprint = x509(made.certificatePem, "-fingerprint", "-sha256")
  .trim()
  .replace(/^.*Fingerprint=/i, "");

const base = { uniqueName: "Acme_IdP", label: "Acme IdP", custody: "org" };

test("adopt is taken with custody org, in discover's form and as plain lower-case hex", (t) => {
  for (const fingerprint of [opensslFingerprint, opensslFingerprint.replace(/:/g, "").toLowerCase()]) {
    const result = checkCertificateArgs({ ...base, adopt: { sha256Fingerprint: fingerprint } });
    t.true(result.ok, fingerprint);
    if (result.ok) t.deepEqual(result.inputs.adopt, { sha256Fingerprint: fingerprint });
  }
});

test("adopt is refused with custody provider, naming adopt and the rule", (t) => {
  const result = checkCertificateArgs({
    uniqueName: "Acme_IdP",
    label: "Acme IdP",
    adopt: { sha256Fingerprint: opensslFingerprint },
  });
  t.false(result.ok);
  if (!result.ok) {
    t.deepEqual(
      result.issues.map((i) => i.path),
      ["adopt"],
    );
    t.regex(
      result.issues[0]!.message,
      /^needs custody: org: .*set custody: org, or remove adopt \(got custody "provider"\)$/,
    );
  }
});

const badAdopts: [string, unknown, string, RegExp][] = [
  ["not an object", "AB:CD", "adopt", /^must be an object with sha256Fingerprint \(got "AB:CD"\)$/],
  ["no fingerprint", {}, "adopt.sha256Fingerprint", /^is required/],
  [
    "a SHA-1 fingerprint",
    { sha256Fingerprint: `${"AB:".repeat(19)}AB` },
    "adopt.sha256Fingerprint",
    /^must be a SHA-256 fingerprint/,
  ],
  [
    "hostile text",
    { sha256Fingerprint: "'; DROP TABLE Certificate; --<x/>" },
    "adopt.sha256Fingerprint",
    /^must be a SHA-256 fingerprint/,
  ],
  [
    "mixed separators",
    { sha256Fingerprint: opensslFingerprint.replace(":", "") },
    "adopt.sha256Fingerprint",
    /^must be a SHA-256/,
  ],
  ["an unknown field", { sha256Fingerprint: opensslFingerprint, app: "X" }, "adopt.app", /^is not an adopt field/],
];
for (const [title, adopt, path, message] of badAdopts) {
  test(`adopt is refused when ${title}`, (t) => {
    const result = checkCertificateArgs({ ...base, adopt });
    t.false(result.ok);
    if (!result.ok) {
      t.deepEqual(
        result.issues.map((i) => i.path),
        [path],
      );
      t.regex(result.issues[0]!.message, message);
    }
  });
}

test("the content's fingerprint is openssl's, over the certificate, a chain's leaf, or a CSR's DER", (t) => {
  t.is(contentFingerprint(made.certificatePem), opensslFingerprint);
  const other = opensslSelfSigned("Issuer", now, daysAfter(365, now));
  t.is(contentFingerprint(made.certificatePem + other.certificatePem), opensslFingerprint);
  const csr = openssl(["req", "-new", "-key", "key.pem", "-subj", "/CN=Acme IdP"], { "key.pem": made.privateKeyPem });
  // openssl's DER of the CSR, hashed by openssl.
  const der = spawnSync("openssl", ["req", "-outform", "DER"], { input: csr });
  const digest = spawnSync("openssl", ["dgst", "-sha256", "-r"], { input: der.stdout, encoding: "utf8" });
  t.is(contentFingerprint(csr), canonicalFingerprint(digest.stdout.split(" ")[0]!));
  t.is(contentFingerprint("not PEM"), undefined);
});

const record = { masterLabel: "Acme IdP", keySize: 2048, caSigned: false, privateKeyExportable: true };
const ours = {
  label: "Acme IdP",
  keySize: 2048 as const,
  caSigned: false,
  privateKeyExportable: true,
  adopt: { sha256Fingerprint: opensslFingerprint.toLowerCase() },
};

test("a certificate equal to the resource in every compared field has no difference", (t) => {
  t.deepEqual(certificateAdoptionDifferences(record, made.certificatePem, ours), []);
});

test("each differing field is named with the org's value and ours", (t) => {
  const org = { masterLabel: "Acme IdP (old)", keySize: 4096, caSigned: true, privateKeyExportable: false };
  const given = "00".repeat(32);
  const differences = certificateAdoptionDifferences(org, made.certificatePem, {
    ...ours,
    adopt: { sha256Fingerprint: given },
  });
  t.deepEqual(differences, [
    { field: "sha256Fingerprint", org: opensslFingerprint, ours: canonicalFingerprint(given) },
    { field: "keySize", org: "4096", ours: "2048" },
    { field: "caSigned", org: "true", ours: "false" },
    { field: "label", org: '"Acme IdP (old)"', ours: '"Acme IdP"' },
    { field: "privateKeyExportable", org: "false", ours: "true" },
  ]);
});

test("the stored state of an adopted certificate holds no adopt, and a changed adopt is no change", (t) => {
  const checked = checkCertificateArgs({ ...base, adopt: { sha256Fingerprint: opensslFingerprint } });
  if (!checked.ok) return t.fail();
  const state = issueCertificate(checked.inputs, now, { orgCertificatePem: made.certificatePem });
  t.false("adopt" in encodeCertificateState(state));
  t.is(state.notAfter, new crypto.X509Certificate(made.certificatePem).validToDate.toISOString());
  const news = { ...checked.inputs, adopt: { sha256Fingerprint: "11".repeat(32) } };
  const plan = planUpdate(state, news, now);
  t.false(planChanges(plan));
  t.false("adopt" in applyUpdate(state, news, plan, now));
});

/** An org client that answers only what adoption reads: the Tooling row and the content of one certificate. */
function orgHolding(developerName: string, pem: string, row: Partial<typeof record> = {}) {
  const reads: string[] = [];
  return {
    reads,
    client: {
      session: { instanceUrl: "https://acme.my.salesforce.com", orgId: "00D000000000001AAA" },
      async certificate(name: string) {
        reads.push(`certificate ${name}`);
        return name.toLowerCase() === developerName.toLowerCase()
          ? { id: "0P1000000000001", developerName, expirationDate: "", ...record, ...row }
          : undefined;
      },
      async readCertificatePem(name: string) {
        reads.push(`content ${name}`);
        return pem;
      },
      async deploy() {
        throw new Error("adoption must not deploy");
      },
    } as never,
  };
}

test("a CA-signed certificate awaiting its chain is adopted by its CSR's fingerprint, read under the org's spelling, with nothing deployed", async (t) => {
  const csr = openssl(["req", "-new", "-key", "key.pem", "-subj", "/CN=Acme mTLS"], { "key.pem": made.privateKeyPem });
  const { client, reads } = orgHolding("acme_mtls", csr, { caSigned: true, masterLabel: "Acme mTLS" });
  const adopted = await readAdoptedCertificate(client, {
    ...ours,
    uniqueName: "Acme_Mtls",
    label: "Acme mTLS",
    caSigned: true,
    adopt: { sha256Fingerprint: contentFingerprint(csr)! },
  });
  t.deepEqual(adopted, { name: "acme_mtls", pem: csr });
  t.deepEqual(reads, ["certificate Acme_Mtls", "content acme_mtls"]);
});

test("a refused adoption is ERR_ORG_ADOPTION_REFUSED naming the org, the certificate as the org spells it, and each field", async (t) => {
  const { client } = orgHolding("acme_idp", made.certificatePem, { keySize: 4096 });
  const error = await t.throwsAsync(readAdoptedCertificate(client, { ...ours, uniqueName: "Acme_IdP" }), {
    instanceOf: OrgAdoptionRefusedError,
  });
  t.is(error!.code, "ERR_ORG_ADOPTION_REFUSED");
  t.regex(
    error!.message,
    /^CertificateAndKeyPair Acme_IdP: cannot adopt Certificate acme_idp from https:\/\/acme\.my\.salesforce\.com \(org 00D000000000001AAA\): it differs from this resource \(keySize: the org's 4096, ours 2048\); nothing was deployed/,
  );
  const absent = orgHolding("other", made.certificatePem).client;
  await t.throwsAsync(readAdoptedCertificate(absent, { ...ours, uniqueName: "Acme_IdP" }), {
    instanceOf: OrgAdoptionRefusedError,
    message: /holds no certificate of that name/,
  });
});
