/**
 * @module Certificates whose key pair the org generates and keeps (custody org). Deploying a
 * `Certificate` makes a new key pair in the org even for a name that exists (Metadata API `Certificate`
 * docs), so a name is deployed at most once: a certificate already listed under the name (a run killed
 * between its deploy and the state write, or one made by hand or by another stack) is never replaced,
 * and taken over only when the user names it (see adoption.ts). The PEM is read
 * back from the org (`readMetadata` content); private keys never cross the API.
 *
 * A certificate is created the way the `Certificate` type documents: its `.crt` holds a certificate (a
 * CSR for a CA-signed one) whose X.509 parameters Salesforce copies into a new certificate with a new key
 * pair. That template is made here with a throwaway key that is never stored; the certificate read back
 * must carry another key, which proves the org made its own.
 *
 * Read-back (org/read-back.ts): after a deploy the org must list the name, and the PEM it returns must
 * parse and look like what Salesforce makes (salesforce.md §1, from a certificate retrieved from a real
 * org; org-mode.md §5): self-signed, subject `CN=SelfSignedCert_<ddMMMyyyy>_<HHmmss>, OU=<15-character
 * org id>, O=Salesforce.com, …`; with `caSigned`, a CSR. Its key has the size asked and is none this resource
 * held before (Salesforce makes a new key pair on every deploy of a name, Metadata API `Certificate` docs).
 * After a delete the name must be gone.
 */
import {
  type CertificateTemplate,
  certificateTemplate,
  heldPublicKey,
  orgGeneratedCertificateFiles,
} from "../salesforce/certificate-metadata";
import { currentTime } from "../rotation/clock";
import type { CertificateInputs } from "./args";
import type { OrgMetadataClient } from "../org/metadata-client";
import crypto = require("node:crypto");
import { OrgCertificateSignedError, OrgTemplateKeyKeptError } from "../errors";
import { adoptionAllowed, alreadyInOrg } from "../org/adoption";
import { assertSameOrg, type RecordedOrg } from "../org/org-identity";
import { assertReadBack, readBackAbsent, type ReadBackMismatch } from "../org/read-back";
import { orgClient } from "../org/configured-org";
import { validateDeploy, validatesDeploys } from "../org/preview-validation";
import { findSalesforceName } from "../salesforce/names";

/** A certificate as the org holds it. */
export interface OrgCertificate {
  /** Its PEM, read from the org: the certificate (chain), or the CSR of a CA-signed one awaiting its chain. */
  certificatePem: string;
  /** True when it was found under its name (and the user named it to take over) rather than deployed by this call. */
  adopted: boolean;
}

/**
 * The org's certificate `name`: deployed with `settings` when the org has none of that name, then read back
 * (with `caSigned`, the org makes a key pair and a CSR: see in-org-ca.ts). `renew` says the state
 * records `name` as this resource's CA-signed certificate still awaiting its chain: it is deployed again,
 * which makes the org generate a new key pair and CSR for it (Metadata API `Certificate` docs).
 */
export async function obtainOrgCertificate(
  client: OrgMetadataClient,
  name: string,
  settings: OrgCertificateSettings,
  renew = false,
  held: HeldCertificates = {},
): Promise<OrgCertificate> {
  const existing = await client.certificate(name);
  // Named as the org spells it: a name differing only in case is the same certificate (names.ts).
  if (existing && !renew && !adoptionAllowed(existing.developerName))
    throw alreadyInOrg("Certificate", [existing.developerName], client.session.instanceUrl);
  if (existing && renew) {
    // Deployed again, a name makes a new key pair: only over the CSR this resource awaits a chain for, never
    // over a certificate in force (a chain uploaded in Setup), whose key would be lost.
    const held = await client.readCertificatePem(name);
    if (held && !/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(held)) {
      throw new OrgCertificateSignedError(
        `Certificate ${name} in ${client.session.instanceUrl} holds a signed certificate now, not the CSR this resource awaits a chain for (uploaded in Setup?); nothing was deployed, so its key pair stays. Give that chain as signedChainPem (pulumi stack output csrPem shows the CSR it answers) so that pulumi up adopts it, then rotate.`,
      );
    }
  }
  const deploys = !existing || renew;
  let template: CertificateTemplate | undefined;
  if (deploys) {
    assertSameOrg(client.session, held.recorded, `CertificateAndKeyPair ${held.resource ?? name}`);
    const deploy = await orgCertificateDeploy(name, settings, client.session.orgId);
    template = deploy.template;
    await client.deploy({ files: deploy.files });
  }
  const listed = deploys ? await client.certificate(name) : existing;
  const certificatePem = listed ? await client.readCertificatePem(name) : undefined;
  const component = `Certificate ${name}`;
  if (!listed || !certificatePem) {
    assertReadBack(client.session, [
      {
        component,
        expected: "the org to list it with the certificate it generated",
        read: listed ? "listed, but readMetadata returns no content" : "no certificate of that name",
      },
    ]);
  }
  if (deploys)
    assertReadBack(
      client.session,
      orgCertificateMismatches(component, certificatePem!, {
        orgId: client.session.orgId,
        keySize: settings.keySize,
        caSigned: settings.caSigned === true,
        heldPems: held.pems ?? [],
      }),
    );
  if (template) refuseTemplateKey(client, name, template, certificatePem!);
  return {
    certificatePem: certificatePem!,
    adopted: existing !== undefined && !renew,
  };
}

/** What the resource held before a deploy: the org it was made in, and its certificates' PEMs (for "a key the provider never saw"). */
export interface HeldCertificates {
  /** The resource's name, for messages. */
  resource?: string;
  recorded?: RecordedOrg;
  /** Certificates, chains or CSRs this resource held: the new key must be none of theirs. */
  pems?: readonly (string | undefined)[];
}

/** What a resource's state `held` (undefined at creation) tells a deploy of its next certificate. */
export function heldBy(inputs: Pick<CertificateInputs, "uniqueName">, held: HeldState | undefined): HeldCertificates {
  return {
    resource: inputs.uniqueName,
    ...(held ? { recorded: held } : {}),
    pems: held
      ? [held.certificatePem, held.csrPem, held.certificateChainPem, held.previousCertificate?.certificatePem]
      : [],
  };
}

/** The parts of a certificate's state {@link heldBy} reads. */
interface HeldState extends RecordedOrg {
  certificatePem?: string;
  csrPem?: string;
  certificateChainPem?: string;
  previousCertificate?: { certificatePem?: string };
}

/**
 * How the certificate `pem` read back after a deploy differs from what Salesforce makes (see the module
 * comment): each difference as a mismatch of `component`; empty when it is as expected.
 */
export function orgCertificateMismatches(
  component: string,
  pem: string,
  expected: {
    orgId: string;
    keySize: number;
    caSigned: boolean;
    heldPems: readonly (string | undefined)[];
  },
): ReadBackMismatch[] {
  const problems: ReadBackMismatch[] = [];
  const isRequest = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----/.test(pem);
  const keyPem = heldPublicKey(pem);
  if (!keyPem) {
    return [
      {
        component,
        expected: expected.caSigned ? "a PEM certificate signing request" : "a PEM certificate",
        read: `content that does not parse as one (${pem.slice(0, 40).replace(/\s+/g, " ")}…)`,
      },
    ];
  }
  if (expected.caSigned !== isRequest) {
    problems.push({
      component,
      expected: expected.caSigned ? "a certificate signing request (caSigned)" : "a self-signed certificate",
      read: isRequest ? "a certificate signing request" : "a certificate",
    });
  } else if (!isRequest) {
    const subject = new crypto.X509Certificate(pem).subject;
    const parts = new Map(
      subject.split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    const org15 = expected.orgId.slice(0, 15);
    if (
      !/^SelfSignedCert_\d{2}[A-Z][a-z]{2}\d{4}_\d{6}$/.test(parts.get("CN") ?? "") ||
      parts.get("OU") !== org15 ||
      parts.get("O") !== "Salesforce.com"
    ) {
      problems.push({
        component,
        expected: `a subject of Salesforce's shape (CN=SelfSignedCert_<ddMMMyyyy>_<HHmmss>, OU=${org15 || "<org id>"}, O=Salesforce.com)`,
        read: `subject ${subject.replace(/\n/g, ", ")}`,
      });
    }
  }
  const bits = crypto.createPublicKey(keyPem).asymmetricKeyDetails?.modulusLength;
  if (bits !== expected.keySize)
    problems.push({
      component,
      expected: `an RSA key of ${expected.keySize} bits`,
      read: `a key of ${bits ?? "unknown"} bits`,
    });
  // Both sides are SPKI PEM as node:crypto exports it, so equal keys are equal text.
  if (expected.heldPems.some((held) => held !== undefined && heldPublicKey(held) === keyPem))
    problems.push({
      component,
      expected: "a new key pair generated by the org",
      read: "the key of a certificate this resource held before (the org kept the old key)",
    });
  return problems;
}

/** The settings an org-generated certificate is deployed with. */
export type OrgCertificateSettings = Pick<CertificateInputs, "label" | "keySize" | "privateKeyExportable"> & {
  caSigned?: boolean;
};

/**
 * The files that deploy org-generated certificate `name` (custody org), with the template their `.crt`
 * holds: what {@link obtainOrgCertificate} deploys and what a check-only validation checks
 * (preview-validation.ts), from one function. `orgId` is the org's, which Salesforce writes as the OU.
 */
export async function orgCertificateDeploy(
  name: string,
  settings: OrgCertificateSettings,
  orgId: string,
): Promise<{ files: Record<string, string>; template: CertificateTemplate }> {
  const caSigned = settings.caSigned === true;
  const template = await certificateTemplate({
    label: settings.label,
    keySize: settings.keySize,
    caSigned,
    orgId,
    now: currentTime(),
  });
  const files = orgGeneratedCertificateFiles(
    {
      uniqueName: name,
      label: settings.label,
      caSigned,
      keySize: settings.keySize,
      privateKeyExportable: settings.privateKeyExportable,
    },
    template.pem,
  );
  return { files, template };
}

/**
 * Refuses a certificate read back with the template's own key: the org did not make a key pair of its own
 * (the Certificate docs say it does), and the key's private half was the provider's throwaway one.
 * @throws OrgTemplateKeyKeptError `ERR_ORG_TEMPLATE_KEY_KEPT` naming the org, the certificate, what was
 * expected and what was read.
 */
function refuseTemplateKey(
  client: OrgMetadataClient,
  name: string,
  template: CertificateTemplate,
  certificatePem: string,
): void {
  const held = heldPublicKey(certificatePem);
  const spki = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, "");
  if (held === undefined || spki(held) !== spki(template.publicKeyPem)) return;
  throw new OrgTemplateKeyKeptError(
    `Certificate ${name} in ${client.session.instanceUrl}: read back after the deploy, it carries the public key of the template the provider deployed, where Salesforce documents a new key pair made by the org (Metadata API Certificate: uploading a certificate copies its X.509 parameters into a new one with a new key pair). The provider discarded that template's private key, so the certificate cannot sign; delete Certificate ${name} in Setup and run pulumi up again.`,
  );
}

/** The org's certificate `name` as it is now: its PEM, or undefined when the org has none of that name. */
export async function currentOrgCertificate(client: OrgMetadataClient, name: string): Promise<string | undefined> {
  if (!(await client.certificate(name))) return undefined;
  return client.readCertificatePem(name);
}

/**
 * Deletes certificates `names` from the org, after checking it is the org `recorded` (the resource's); a name
 * the org no longer has counts as deleted. Read back: each name must be gone.
 */
export async function deleteOrgCertificates(
  client: OrgMetadataClient,
  names: readonly string[],
  recorded?: RecordedOrg,
): Promise<void> {
  if (names.length === 0) return;
  assertSameOrg(client.session, recorded, `Certificate ${names.join(", ")}`);
  await client.delete("Certificate", names);
  assertReadBack(client.session, await readBackAbsent(client, "Certificate", names));
}

/**
 * Validates the deploy of org-generated certificate `name` (custody org), when validation is on and the
 * org does not list that name yet (otherwise `up` deploys nothing under it: it refuses the name, or takes
 * it over when named in SALESFORCE_CERTS_ADOPT), or `renew` says `up` deploys it again (a CA-signed
 * certificate of this resource still awaiting its chain). Returns the words for the preview line.
 */
export async function validateOrgCertificate(
  resource: string,
  name: string,
  settings: OrgCertificateSettings,
  renew = false,
): Promise<string> {
  if (!validatesDeploys()) return "";
  const client = await orgClient();
  const held = findSalesforceName(
    (await client.list("Certificate")).map((c) => c.fullName),
    name,
  );
  if (!renew && held !== undefined)
    return `; not validated: the org already lists Certificate ${held}, so up deploys nothing under that name (it refuses the name, or takes the certificate over when named in SALESFORCE_CERTS_ADOPT)`;
  const { files } = await orgCertificateDeploy(name, settings, client.session.orgId);
  return validateDeploy(resource, { files });
}
