/**
 * @module Adopting a certificate the org already holds (custody org, `adopt: { sha256Fingerprint }`), the
 * way `discover` drafts it: at create, the org's certificate named `uniqueName` (case-insensitively, as
 * Salesforce compares names) becomes this resource's first key pair without any deploy, so its key pair
 * stays (deploying a name makes a new key pair: Metadata API `Certificate` docs, salesforce.md §1). It is
 * taken over only when it is the certificate the resource describes: the fingerprint of its content (as
 * discover read it, so a certificate replaced since is refused) and every setting the resource would
 * otherwise change (key size, CA signing, label, exportability) must equal the org's; any difference
 * refuses the create, naming each field with the org's value and ours, before anything is written.
 *
 * The fingerprint is SHA-256 over the DER of what the org returns (discover/model.ts): the certificate
 * (its leaf, for a chain), or the CSR of a CA-signed certificate awaiting its chain.
 */
import crypto = require("node:crypto");
import { OrgAdoptionRefusedError } from "../errors";
import type { CertificateRecord, OrgMetadataClient } from "../org/metadata-client";
import { orgLabel } from "../org/read-back";
import type { CertificateInputs } from "./args";

/** `fingerprint` (hex, in `:`-joined pairs or not, any case) in discover's form: upper-case pairs joined by `:`. */
export function canonicalFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/:/g, "").toUpperCase();
  return hex.match(/../g)?.join(":") ?? hex;
}

/** SHA-256 of the DER of the first PEM block of `pem` (a certificate, a chain's leaf, or a CSR), in discover's form. */
export function contentFingerprint(pem: string): string | undefined {
  const block = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!block) return undefined;
  const der = Buffer.from(block[2]!.replace(/\s+/g, ""), "base64");
  return canonicalFingerprint(crypto.createHash("sha256").update(der).digest("hex"));
}

/** One field in which the org's object differs from what the resource describes. */
export interface AdoptionDifference {
  field: string;
  org: string;
  ours: string;
}

/** The settings of a certificate an adoption compares with the org's. */
export type AdoptedCertificateSettings = Pick<
  CertificateInputs,
  "label" | "keySize" | "caSigned" | "privateKeyExportable"
> & { adopt: { sha256Fingerprint: string } };

/**
 * Each field in which the org's certificate (`record` as the Tooling API describes it, `pem` its content as
 * readMetadata returns it) differs from `inputs`; empty when it may be adopted.
 */
export function certificateAdoptionDifferences(
  record: Pick<CertificateRecord, "masterLabel" | "keySize" | "caSigned" | "privateKeyExportable">,
  pem: string,
  inputs: AdoptedCertificateSettings,
): AdoptionDifference[] {
  const differences: AdoptionDifference[] = [];
  const held = contentFingerprint(pem);
  const given = canonicalFingerprint(inputs.adopt.sha256Fingerprint);
  if (held !== given)
    differences.push({
      field: "sha256Fingerprint",
      org: held ?? "content that is not PEM",
      ours: given,
    });
  const compare = (field: string, org: unknown, ours: unknown) => {
    if (org !== ours)
      differences.push({
        field,
        org: JSON.stringify(org),
        ours: JSON.stringify(ours),
      });
  };
  compare("keySize", record.keySize, inputs.keySize);
  compare("caSigned", record.caSigned, inputs.caSigned);
  compare("label", record.masterLabel, inputs.label);
  compare("privateKeyExportable", record.privateKeyExportable, inputs.privateKeyExportable);
  return differences;
}

/** The words of `differences`: `keySize: the org's 4096, ours 2048; …`. */
export function describeDifferences(differences: readonly AdoptionDifference[]): string {
  return differences.map((d) => `${d.field}: the org's ${d.org}, ours ${d.ours}`).join("; ");
}

/**
 * The org's certificate `inputs.uniqueName` to adopt: its name as the org spells it and its content (the
 * certificate or chain, or the CSR while it awaits its chain). Reads only.
 * @throws OrgAdoptionRefusedError `ERR_ORG_ADOPTION_REFUSED` when the org has no certificate of that name
 * or it differs from `inputs` (each field named with the org's value and ours); nothing was deployed.
 */
export async function readAdoptedCertificate(
  client: OrgMetadataClient,
  inputs: AdoptedCertificateSettings & Pick<CertificateInputs, "uniqueName">,
): Promise<{ name: string; pem: string }> {
  const org = orgLabel(client.session);
  const subject = `CertificateAndKeyPair ${inputs.uniqueName}`;
  const record = await client.certificate(inputs.uniqueName);
  const pem = record ? await client.readCertificatePem(record.developerName) : undefined;
  if (!record || !pem) {
    throw new OrgAdoptionRefusedError(
      `${subject}: cannot adopt Certificate ${inputs.uniqueName} from ${org}: the org ${record ? "returns no content for it" : "holds no certificate of that name (deleted since discover read it?)"}; nothing was deployed. Run salesforce-certs discover again, or remove adopt to have the org generate a new certificate.`,
    );
  }
  const differences = certificateAdoptionDifferences(record, pem, inputs);
  if (differences.length > 0) {
    throw new OrgAdoptionRefusedError(
      `${subject}: cannot adopt Certificate ${record.developerName} from ${org}: it differs from this resource (${describeDifferences(differences)}); nothing was deployed. Adopting never re-keys a certificate: a different fingerprint means the certificate changed since discover read it (run discover again and review it); make the other settings equal the org's.`,
    );
  }
  return { name: record.developerName, pem };
}
