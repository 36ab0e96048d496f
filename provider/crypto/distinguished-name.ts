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

/** Our field names in the order X.509 writes them (most general first), with their short names. */
export const distinguishedNameAttributes: readonly { field: keyof DistinguishedName; shortName: string }[] = [
  { field: "country", shortName: "C" },
  { field: "state", shortName: "ST" },
  { field: "city", shortName: "L" },
  { field: "company", shortName: "O" },
  { field: "department", shortName: "OU" },
  { field: "commonName", shortName: "CN" },
  { field: "email", shortName: "E" },
];

/** The subject as forge attributes (UTF8String values), in X.509 order; empty fields left out. */
export function toForgeAttributes(subject: DistinguishedName): forge.pki.CertificateField[] {
  const attributes: forge.pki.CertificateField[] = [];
  for (const { field, shortName } of distinguishedNameAttributes) {
    const value = subject[field];
    if (value === undefined || value === "") continue;
    attributes.push(shortName === "E" ? { name: "emailAddress", value } : { shortName, value, valueTagClass: forge.asn1.Type.UTF8 as never });
  }
  return attributes;
}
