/**
 * Subject attributes carry the ASN.1 string types RFC 5280 and PKCS #9 require, in certificates and CSRs.
 */
import test from "ava";
import forge = require("node-forge");
import { fitsStringType, toForgeAttributes } from "../../../provider/crypto/distinguished-name";
import { buildCertificationRequest } from "../../../provider/crypto/certification-request";
import { generateRsaKeyPair } from "../../../provider/crypto/rsa-key-pair";
import { buildSelfSignedCertificate } from "../../../provider/crypto/self-signed-certificate";

const subject = {
  commonName: "Ünïcødé & Söns",
  email: "pki@soens.example",
  company: "A&B",
  department: "R&D",
  city: "Zürich",
  state: "ZH",
  country: "CH",
};
const expectedTypes = [
  ["2.5.4.6", forge.asn1.Type.PRINTABLESTRING, "CH"],
  ["2.5.4.8", forge.asn1.Type.UTF8, "ZH"],
  ["2.5.4.7", forge.asn1.Type.UTF8, "Zürich"],
  ["2.5.4.10", forge.asn1.Type.UTF8, "A&B"],
  ["2.5.4.11", forge.asn1.Type.UTF8, "R&D"],
  ["2.5.4.3", forge.asn1.Type.UTF8, "Ünïcødé & Söns"],
  ["1.2.840.113549.1.9.1", forge.asn1.Type.IA5STRING, "pki@soens.example"],
];

/** Every attribute of a DER Name as [OID, universal tag, value decoded as UTF-8]. */
function attributesOf(name: forge.asn1.Asn1): unknown[] {
  return (name.value as forge.asn1.Asn1[]).flatMap((set) =>
    (set.value as forge.asn1.Asn1[]).map((atv) => {
      const [oid, value] = atv.value as forge.asn1.Asn1[];
      return [forge.asn1.derToOid(oid!.value as string), value!.type, forge.util.decodeUtf8(value!.value as string)];
    }),
  );
}

const keyPair = generateRsaKeyPair(2048);

test("a certificate's subject and issuer: C PrintableString, emailAddress IA5String, the rest UTF8String", (t) => {
  const pem = buildSelfSignedCertificate({
    keyPair,
    subject,
    notBefore: new Date("2026-01-01T00:00:00Z"),
    notAfter: new Date("2027-01-01T00:00:00Z"),
  });
  const tbs = (forge.asn1.fromDer(forge.pem.decode(pem)[0]!.body).value as forge.asn1.Asn1[])[0]!
    .value as forge.asn1.Asn1[];
  // TBSCertificate: [0] version, serial, signature, issuer, validity, subject, …
  t.deepEqual(attributesOf(tbs[3]!), expectedTypes);
  t.deepEqual(attributesOf(tbs[5]!), expectedTypes);
});

test("a CSR's subject: C PrintableString, emailAddress IA5String, the rest UTF8String", (t) => {
  const pem = buildCertificationRequest(keyPair, subject);
  const info = (forge.asn1.fromDer(forge.pem.decode(pem)[0]!.body).value as forge.asn1.Asn1[])[0]!
    .value as forge.asn1.Asn1[];
  // CertificationRequestInfo: version, subject, subjectPKInfo, attributes
  t.deepEqual(attributesOf(info[1]!), expectedTypes);
});

test("a value that does not fit its string type is refused, not written", (t) => {
  t.throws(() => toForgeAttributes({ commonName: "x", email: "zoë@example.ch" }), {
    message:
      "subject.email cannot be written as IA5String, the ASN.1 type X.509 requires for it; check the subject with checkCertificateArgs first",
  });
  t.throws(() => toForgeAttributes({ commonName: "x", country: "C@" }), {
    message: /^subject\.country cannot be written as PrintableString/,
  });
});

test("fitsStringType follows X.680's alphabets", (t) => {
  t.true(fitsStringType("Aa0 '()+,-./:=?", "PrintableString"));
  for (const c of ["@", "&", "*", "_", "ü", "!"]) t.false(fitsStringType(c, "PrintableString"), c);
  t.true(fitsStringType("pki+x@example.com", "IA5String"));
  t.false(fitsStringType("ü@example.com", "IA5String"));
  t.true(fitsStringType("Ünïcødé & Söns 😀", "UTF8String"));
});
