/**
 * A strict DER/ASN.1 judge of our certificates and CSRs: Go's crypto/x509 (see strict-x509.go), which
 * refuses what openssl, Java and Node let pass, such as an `@` in a PrintableString. Partners' Go and
 * Python SAML/JWT stacks parse as strictly. scripts/setup-test-tools.sh builds it into the per-user cache.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** One attribute of a subject or issuer, as written: OID, universal ASN.1 tag of the value, the value. */
export interface StrictAttribute {
  oid: string;
  tag: number;
  value: string;
}

/** What the judge read from one PEM block. */
export interface StrictVerdict {
  kind: "certificate" | "certificate request";
  subject: StrictAttribute[];
  /** Certificates only. */
  issuer?: StrictAttribute[];
  /** Certificate requests only: the self-signature verifies. */
  signatureValid?: boolean;
}

const source = path.resolve(__dirname, "..", "..", "..", "test", "helpers", "strict-x509.go");

/** Where setup-test-tools.sh puts the judge: named after its source's SHA-256, so an edit rebuilds it. */
export function strictX509Binary(): string {
  const cache =
    process.env["PULUMI_SFC_CACHE"] ??
    path.join(process.env["XDG_CACHE_HOME"] ?? path.join(os.homedir(), ".cache"), "pulumi-salesforce-certs");
  const hash = crypto.createHash("sha256").update(fs.readFileSync(source)).digest("hex").slice(0, 16);
  return path.join(cache, `strict-x509-${hash}`);
}

/** Runs the judge on PEM text holding certificates and/or CSRs; throws with its reason when it refuses one. */
export function strictX509(pem: string): StrictVerdict[] {
  const binary = strictX509Binary();
  if (!fs.existsSync(binary))
    throw new Error(`the strict X.509 judge is not built (${binary}): run bash scripts/setup-test-tools.sh`);
  const run = spawnSync(binary, [], { input: pem, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`strict X.509 parser (Go crypto/x509) refused it: ${run.stderr.trim()}`);
  return run.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as StrictVerdict);
}

const attributeNames: Record<string, string> = {
  "2.5.4.6": "C",
  "2.5.4.8": "ST",
  "2.5.4.7": "L",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.3": "CN",
  "1.2.840.113549.1.9.1": "emailAddress",
};
const tagNames: Record<number, string> = {
  12: "UTF8String",
  19: "PrintableString",
  22: "IA5String",
  20: "TeletexString",
  30: "BMPString",
};

/** Attributes as `[name, ASN.1 type, value]` triples in DER order, for exact assertions. */
export function readableName(attributes: StrictAttribute[]): [string, string, string][] {
  return attributes.map((a) => [attributeNames[a.oid] ?? a.oid, tagNames[a.tag] ?? `tag ${a.tag}`, a.value]);
}

/** The one certificate or CSR in `pem`, judged; throws when the judge refuses it or finds another count. */
export function strictlyParsed(pem: string): StrictVerdict {
  const verdicts = strictX509(pem);
  if (verdicts.length !== 1)
    throw new Error(`expected one certificate or CSR, the strict judge read ${verdicts.length}`);
  return verdicts[0]!;
}
