/**
 * @module What discover reads off a certificate the org returns: a Certificate record's `content` (base64
 * of a PEM: the certificate, its chain leaf first, or the CSR of a CA-signed certificate awaiting its
 * chain), an app's pasted PEM, or a partner IdP's `validationCert` (PEM, or base64 DER without armour).
 * The fingerprint is SHA-256 over the DER of the first block, as `openssl x509 -fingerprint -sha256`
 * prints it; the subject is RFC 4514 text. The subject is read from the DER itself (ASN.1), not through
 * node-forge's certificate parser, because forge refuses any key that is not RSA and a partner IdP may
 * sign with an EC key; validity comes from node:crypto's X509Certificate (OpenSSL).
 */
import crypto = require("node:crypto");
import forge = require("node-forge");

/** What discover records of one certificate or CSR. */
export interface CertificateContent {
  kind: "certificate" | "csr";
  /** Upper-case hex pairs joined by colons. */
  sha256Fingerprint: string;
  /** RFC 4514, most specific RDN first (`CN=…,OU=…,O=…`). */
  subject: string;
  /** notAfter as ISO 8601; absent for a CSR. */
  expiresAt?: string;
  /** The public key as SPKI DER in hex: two certificates with one key pair share it. */
  publicKey: string;
}

const pemBlock = /-----BEGIN ((?:NEW )?CERTIFICATE REQUEST|CERTIFICATE)-----([\s\S]*?)-----END \1-----/;

/**
 * Reads `text` (PEM, or base64 DER of a certificate), or says why it cannot: the reason names no byte of
 * the content (it is public, but may be any text an admin pasted).
 */
export function readCertificateContent(text: string): CertificateContent | { problem: string } {
  const block = pemBlock.exec(text);
  let der: Buffer;
  let kind: CertificateContent["kind"];
  if (block) {
    kind = block[1] === "CERTIFICATE" ? "certificate" : "csr";
    der = Buffer.from(block[2]!.replace(/\s+/g, ""), "base64");
  } else {
    const bare = text.replace(/\s+/g, "");
    if (bare === "") return { problem: "is empty" };
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(bare))
      return { problem: "is neither a PEM certificate or CSR nor base64 DER of a certificate" };
    kind = "certificate";
    der = Buffer.from(bare, "base64");
  }
  try {
    const sha256Fingerprint = colonHex(crypto.createHash("sha256").update(der).digest());
    if (kind === "certificate") {
      const certificate = new crypto.X509Certificate(der);
      return {
        kind,
        sha256Fingerprint,
        subject: rfc4514(nameAt(der, "certificate")),
        expiresAt: new Date(certificate.validTo).toISOString(),
        publicKey: certificate.publicKey.export({ type: "spki", format: "der" }).toString("hex"),
      };
    }
    const csr = forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(der.toString("binary")));
    const spki = crypto.createPublicKey(forge.pki.publicKeyToPem(csr.publicKey!));
    return {
      kind,
      sha256Fingerprint,
      subject: rfc4514(nameAt(der, "csr")),
      publicKey: spki.export({ type: "spki", format: "der" }).toString("hex"),
    };
  } catch (error) {
    return {
      problem: `cannot be parsed as ${kind === "csr" ? "a CSR" : "an X.509 certificate"} (${shortReason(error)})`,
    };
  }
}

/** `AB:CD:…` of `bytes`. */
export function colonHex(bytes: Buffer): string {
  return bytes.toString("hex").toUpperCase().match(/../g)?.join(":") ?? "";
}

function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.slice(0, 120);
}

/** One attribute of a Name, in DER order (most general first). */
interface NameAttribute {
  type: string;
  value: string;
}

/** The subject Name of a certificate (tbsCertificate) or a CSR (certificationRequestInfo). */
function nameAt(der: Buffer, kind: "certificate" | "csr"): NameAttribute[][] {
  const root = forge.asn1.fromDer(der.toString("binary"));
  const info = (root.value as forge.asn1.Asn1[])[0]!;
  const fields = info.value as forge.asn1.Asn1[];
  let subject: forge.asn1.Asn1;
  if (kind === "csr") subject = fields[1]!;
  else {
    // tbsCertificate: [0] version (explicit, optional), serial, signature, issuer, validity, subject.
    const offset = fields[0]!.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
    subject = fields[offset + 4]!;
  }
  return (subject.value as forge.asn1.Asn1[]).map((rdn) =>
    (rdn.value as forge.asn1.Asn1[]).map((attribute) => {
      const [oid, value] = attribute.value as forge.asn1.Asn1[];
      const dotted = forge.asn1.derToOid(oid!.value as string);
      return { type: shortNames[dotted] ?? dotted, value: stringValue(value!) };
    }),
  );
}

/** RFC 4514 §3 short names. */
const shortNames: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "1.2.840.113549.1.9.1": "emailAddress",
  "2.5.4.5": "serialNumber",
};

function stringValue(value: forge.asn1.Asn1): string {
  const raw = value.value as string;
  if (value.type === forge.asn1.Type.UTF8) return forge.util.decodeUtf8(raw);
  if (value.type === forge.asn1.Type.BMPSTRING) {
    let out = "";
    for (let i = 0; i + 1 < raw.length; i += 2)
      out += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
    return out;
  }
  if (typeof raw === "string") return raw;
  return "";
}

/** RFC 4514 text: RDNs last-to-first, joined by `,`; multi-valued RDNs by `+`; values escaped (§2.4). */
function rfc4514(rdns: NameAttribute[][]): string {
  return [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join("+"))
    .join(",");
}

function escapeValue(value: string): string {
  let out = value.replace(/[\\"+,;<>]/g, (c) => `\\${c}`);
  // Control characters (a newline, NUL) are written as hex pairs so that the text stays one line.
  out = out.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && !out.endsWith("\\ ")) out = `${out.slice(0, -1)}\\ `;
  return out;
}
