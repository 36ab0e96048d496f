/**
 * Our certificates and CSRs judged by a strict RFC 5280 parser (Go's crypto/x509): every subject
 * attribute has the ASN.1 string type the standards require, and `&`, non-ASCII and e-mail values
 * round-trip exactly. openssl, Java and Node let a wrong type pass; partners' Go and Python stacks do not.
 */
import test from "ava";
import forge = require("node-forge");
import { issueCertificate } from "../../provider/certificate/lifecycle";
import { checkCertificateArgs, type CertificateInputs } from "../../provider/certificate/args";
import { createOpensslCa } from "../helpers/openssl-ca";
import { openssl } from "../helpers/openssl";
import { readableName, strictlyParsed, strictX509 } from "../helpers/strict-x509";

const subject = {
  commonName: "Ünïcødé & Söns",
  company: "Ünïcødé & Söns AG",
  department: "R&D",
  city: "Zürich",
  state: "Zürich",
  country: "CH",
  email: "pki+sso@soens.example",
};

/** The subject as the strict judge must read it back: DER order, RFC 5280 / PKCS #9 string types, exact values. */
const expected: [string, string, string][] = [
  ["C", "PrintableString", "CH"],
  ["ST", "UTF8String", "Zürich"],
  ["L", "UTF8String", "Zürich"],
  ["O", "UTF8String", "Ünïcødé & Söns AG"],
  ["OU", "UTF8String", "R&D"],
  ["CN", "UTF8String", "Ünïcødé & Söns"],
  ["emailAddress", "IA5String", "pki+sso@soens.example"],
];

function inputs(raw: Record<string, unknown>): CertificateInputs {
  const result = checkCertificateArgs({ uniqueName: "Soens_SSO", label: "Söns SSO", subject, ...raw });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.inputs;
}

test("the strict judge refuses an emailAddress written as a PrintableString (as bc958cb wrote it)", (t) => {
  // Built the way the previous release did: forge's default string type, PrintableString, for the e-mail.
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date("2026-01-01T00:00:00Z");
  cert.validity.notAfter = new Date("2027-01-01T00:00:00Z");
  const name = [
    { shortName: "CN", value: "ci" },
    { name: "emailAddress", value: "pki@greenmoor.example" },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  t.regex(
    openssl(["asn1parse", "-in", "c.der", "-inform", "DER"], {
      "c.der": Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary"),
    }),
    /PRINTABLESTRING\s+:pki@greenmoor\.example/,
  );
  t.throws(() => strictX509(pem), { message: /invalid PrintableString/ });
  t.throws(() => openssl(["x509", "-in", "c.pem", "-noout"], { "c.pem": pem }), {
    message: /^c\.pem: strict X\.509 parser \(Go crypto\/x509\) refused it/,
  });
});

test("a self-signed certificate with &, non-ASCII and an e-mail in its subject parses strictly and round-trips", (t) => {
  const issued = issueCertificate(inputs({}), new Date("2026-03-01T00:00:00Z"));
  const verdict = strictlyParsed(issued.certificatePem!);
  t.is(verdict.kind, "certificate");
  t.deepEqual(readableName(verdict.subject), expected);
  t.deepEqual(readableName(verdict.issuer!), expected);
  // The chain and the Salesforce .crt are the same certificate, judged as well.
  t.deepEqual(
    strictX509(issued.certificateChainPem!).map((v) => readableName(v.subject)),
    [expected],
  );
  t.is(
    openssl(["x509", "-in", "c.pem", "-noout", "-subject", "-nameopt", "RFC2253", "-nameopt", "-esc_msb"], {
      "c.pem": issued.certificatePem!,
    }).trim(),
    "subject=emailAddress=pki\\+sso@soens.example,CN=Ünïcødé & Söns,OU=R&D,O=Ünïcødé & Söns AG,L=Zürich,ST=Zürich,C=CH",
  );
});

test("a CSR with &, non-ASCII and an e-mail in its subject parses strictly, round-trips, and a CA signs it", (t) => {
  const issued = issueCertificate(inputs({ caSigned: true }), new Date("2026-03-01T00:00:00Z"));
  const verdict = strictlyParsed(issued.csrPem!);
  t.is(verdict.kind, "certificate request");
  t.true(verdict.signatureValid);
  t.deepEqual(readableName(verdict.subject), expected);
  // openssl as the customer's CA keeps the subject as the CSR gives it; the strict judge reads the leaf.
  const ca = createOpensslCa(new Date("2026-03-01T00:00:00Z"));
  t.teardown(() => ca.dispose());
  const leaf = ca.sign(issued.csrPem!, 30);
  const [leafVerdict, intermediateVerdict] = strictX509(leaf + ca.intermediatePem);
  t.deepEqual(readableName(leafVerdict!.subject), expected);
  t.deepEqual(readableName(intermediateVerdict!.subject), [["CN", "UTF8String", "Test Intermediate CA"]]);
});
