/**
 * What discover reads off a certificate the org returns, judged by openssl (not by our code): the
 * SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it, the subject as openssl's RFC 2253
 * (= RFC 4514) form, notAfter; an EC certificate (a partner IdP may sign with one), a CSR, base64 DER
 * without armour, a chain (leaf first); and text that is none of them refused without quoting it.
 */
import test from "ava";
import { readCertificateContent } from "../../../provider/discover/certificate-content";
import { createOpensslCa, opensslSelfSigned } from "../../helpers/openssl-ca";
import { openssl, opensslEcRequest, x509 } from "../../helpers/openssl";
import { daysAfter, testNow } from "../../helpers/test-clock";

const fingerprintOf = (pem: string) =>
  x509(pem, "-fingerprint", "-sha256")
    .trim()
    .replace(/^.*Fingerprint=/, "");
const subjectOf = (pem: string) =>
  x509(pem, "-subject", "-nameopt", "RFC2253")
    .trim()
    .replace(/^subject=/, "");

test("a certificate with a hostile subject: fingerprint, RFC 4514 subject and notAfter as openssl reads them", (t) => {
  const notAfter = daysAfter(90);
  const { certificatePem } = opensslSelfSigned(
    "x",
    daysAfter(-10),
    notAfter,
    '/C=DE/O=Acme, Inc. <script>/OU=a\\+b;c "q" =/CN=#Partner IdP | --> `x`',
  );
  const read = readCertificateContent(certificatePem);
  if ("problem" in read) return t.fail(read.problem);
  t.is(read.kind, "certificate");
  t.is(read.sha256Fingerprint, fingerprintOf(certificatePem));
  t.regex(read.sha256Fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  t.is(read.subject, subjectOf(certificatePem));
  t.is(read.subject, 'CN=\\#Partner IdP | --\\> `x`,OU=a\\+b\\;c \\"q\\" =,O=Acme\\, Inc. \\<script\\>,C=DE');
  t.is(read.expiresAt, notAfter.toISOString());
});

test("an EC certificate (which node-forge cannot parse) and a chain read as its leaf", (t) => {
  const ca = createOpensslCa(testNow());
  t.teardown(() => ca.dispose());
  const csr = opensslEcRequest("/O=Partner/CN=idp.partner.example");
  const leaf = ca.signBetween(csr, daysAfter(-1), daysAfter(30));
  const read = readCertificateContent(`${leaf}${ca.intermediatePem}${ca.rootPem}`);
  if ("problem" in read) return t.fail(read.problem);
  t.is(read.sha256Fingerprint, fingerprintOf(leaf));
  t.is(read.subject, "CN=idp.partner.example,O=Partner");
  t.is(read.expiresAt, daysAfter(30).toISOString());
  // Control: the chain's second block is another certificate, with another fingerprint.
  t.not(read.sha256Fingerprint, fingerprintOf(ca.intermediatePem));
});

test("a CSR (a CA-signed certificate awaiting its chain): fingerprint of its DER, subject, no expiry", (t) => {
  const csr = openssl([
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "/dev/null",
    "-subj",
    "/O=Acme/CN=Acme SSO",
  ]);
  const read = readCertificateContent(csr);
  if ("problem" in read) return t.fail(read.problem);
  t.is(read.kind, "csr");
  const der = openssl(["dgst", "-sha256", "-r", "r.der"], {
    "r.der": Buffer.from(csr.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64"),
  });
  t.is(read.sha256Fingerprint.replace(/:/g, "").toLowerCase(), der.split(" ")[0]);
  t.is(read.subject, "CN=Acme SSO,O=Acme");
  t.is(read.expiresAt, undefined);
});

test("base64 DER without PEM armour (as a partner's validationCert may be) reads as the same certificate", (t) => {
  const { certificatePem } = opensslSelfSigned("Partner IdP", daysAfter(-1), daysAfter(400));
  const bare = certificatePem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const read = readCertificateContent(bare);
  if ("problem" in read) return t.fail(read.problem);
  t.is(read.sha256Fingerprint, fingerprintOf(certificatePem));
});

test("text that is no certificate is refused without quoting it", (t) => {
  for (const text of [
    "",
    "  ",
    "<script>alert(1)</script>",
    "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----",
    "QUJD",
  ]) {
    const read = readCertificateContent(text);
    t.true("problem" in read, JSON.stringify(text));
    if ("problem" in read) t.false(read.problem.includes("script") || read.problem.includes("QUJD"), read.problem);
  }
});
