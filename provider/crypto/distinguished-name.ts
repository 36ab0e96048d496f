/**
 * @module The subject fields of a certificate, named as Salesforce's Certificate and Key Management page
 * names them, and their X.509 attribute types.
 */
import forge = require("node-forge");

/** Subject (and, self-signed, issuer) of a certificate; only `commonName` is required. */
export interface DistinguishedName {
  /** CN. Salesforce's "Common Name". */
  commonName: string;
  /** emailAddress (PKCS #9). Salesforce's "Email Address". */
  email?: string;
  /** O. Salesforce's "Company". */
  company?: string;
  /** OU. Salesforce's "Department". */
  department?: string;
  /** L. Salesforce's "City". */
  city?: string;
  /** ST. Salesforce's "State". */
  state?: string;
  /** C, a two-letter ISO 3166 code. Salesforce's "Country Code". */
  country?: string;
}

/**
 * The ASN.1 string type an attribute value is written as. RFC 5280 (appendix A) makes countryName a
 * PrintableString and PKCS #9 (RFC 2985) makes emailAddress an IA5String; the other attributes are
 * DirectoryStrings, which RFC 5280 §4.1.2.4 asks new certificates to write as UTF8String. Strict parsers (Go's crypto/x509, pyca/cryptography) refuse
 * the whole certificate when a value does not fit its type, such as an `@` in a PrintableString.
 */
export type DirectoryStringType = "PrintableString" | "IA5String" | "UTF8String";

/** Our field names in the order X.509 writes them (most general first), with their short names and string types. */
export const distinguishedNameAttributes: readonly {
  field: keyof DistinguishedName;
  shortName: string;
  stringType: DirectoryStringType;
}[] = [
  { field: "country", shortName: "C", stringType: "PrintableString" },
  { field: "state", shortName: "ST", stringType: "UTF8String" },
  { field: "city", shortName: "L", stringType: "UTF8String" },
  { field: "company", shortName: "O", stringType: "UTF8String" },
  { field: "department", shortName: "OU", stringType: "UTF8String" },
  { field: "commonName", shortName: "CN", stringType: "UTF8String" },
  { field: "email", shortName: "E", stringType: "IA5String" },
];

const forgeTag: Record<DirectoryStringType, number> = {
  PrintableString: forge.asn1.Type.PRINTABLESTRING,
  IA5String: forge.asn1.Type.IA5STRING,
  UTF8String: forge.asn1.Type.UTF8,
};

// X.680 §41.4: letters, digits, space and ' ( ) + , - . / : = ?
const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const ia5 = /^[\x00-\x7f]*$/;

/** True when `value` can be written as `type` (a UTF8String holds any string). */
export function fitsStringType(value: string, type: DirectoryStringType): boolean {
  if (type === "PrintableString") return printable.test(value);
  if (type === "IA5String") return ia5.test(value);
  return true;
}

/**
 * One subject attribute as forge's `setSubject` takes it: its name (or short name), its value and the
 * universal ASN.1 tag of its string type. Written out here rather than as forge's `CertificateField`:
 * exported signatures go into the published declarations, and forge's type package is a dev dependency.
 */
export interface ForgeSubjectAttribute {
  name?: string;
  shortName?: string;
  value: string;
  valueTagClass: number;
}

/**
 * The subject as forge attributes, in X.509 order, each with its string type; empty fields left out.
 * forge writes a value without `valueTagClass` as a PrintableString whatever it holds, so every
 * attribute names its type. Throws when a value does not fit its type (validation rules it out first).
 */
export function toForgeAttributes(subject: DistinguishedName): ForgeSubjectAttribute[] {
  const attributes: ForgeSubjectAttribute[] = [];
  for (const { field, shortName, stringType } of distinguishedNameAttributes) {
    const value = subject[field];
    if (value === undefined || value === "") continue;
    if (!fitsStringType(value, stringType))
      throw new Error(
        `subject.${field} cannot be written as ${stringType}, the ASN.1 type X.509 requires for it; check the subject with checkCertificateArgs first`,
      );
    const name = shortName === "E" ? { name: "emailAddress" } : { shortName };
    attributes.push({ ...name, value, valueTagClass: forgeTag[stringType] });
  }
  return attributes;
}
