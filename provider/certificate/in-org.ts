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
import { OrgApiError, OrgCertificateSignedError, OrgTemplateKeyKeptError } from "../errors";
import { adoptionAllowed, alreadyInOrg } from "../org/adoption";
import { orgClient } from "../org/configured-org";
import { validateDeploy, validatesDeploys } from "../org/preview-validation";

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
): Promise<OrgCertificate> {
  const existing = await client.certificate(name);
  if (existing && !renew && !adoptionAllowed(name))
    throw alreadyInOrg("Certificate", [name], client.session.instanceUrl);
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
  let template: CertificateTemplate | undefined;
  if (!existing || renew) {
    const deploy = await orgCertificateDeploy(name, settings, client.session.orgId);
    template = deploy.template;
    await client.deploy({ files: deploy.files });
  }
  const certificatePem = await client.readCertificatePem(name);
  if (!certificatePem) {
    throw new OrgApiError(
      "NOT_FOUND",
      `Certificate ${name}: the org holds no certificate of that name after the deploy; run pulumi up again (the deploy is checked before it is repeated)`,
    );
  }
  if (template) refuseTemplateKey(client, name, template, certificatePem);
  return { certificatePem, adopted: existing !== undefined && !renew };
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

/** Deletes certificates `names` from the org; a name the org no longer has counts as deleted. */
export async function deleteOrgCertificates(client: OrgMetadataClient, names: readonly string[]): Promise<void> {
  if (names.length > 0) await client.delete("Certificate", names);
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
  if (!renew && (await client.list("Certificate")).some((c) => c.fullName === name))
    return `; not validated: the org already lists Certificate ${name}, so up deploys nothing under that name (it refuses the name, or takes the certificate over when named in SALESFORCE_CERTS_ADOPT)`;
  const { files } = await orgCertificateDeploy(name, settings, client.session.orgId);
  return validateDeploy(resource, { files });
}
