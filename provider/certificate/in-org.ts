/**
 * @module Certificates whose key pair the org generates and keeps (custody org). Deploying a
 * `Certificate` makes a new key pair in the org even for a name that exists (Metadata API `Certificate`
 * docs), so a name is deployed at most once: a certificate already listed under the name (a run killed
 * between its deploy and the state write, or one made by hand or by another stack) is never replaced,
 * and taken over only when the user names it (see adoption.ts). The PEM is read
 * back from the org (`readMetadata` content); private keys never cross the API.
 */
import { orgGeneratedCertificateFiles } from "../salesforce/certificate-metadata";
import type { CertificateInputs } from "./args";
import type { OrgMetadataClient } from "../org/metadata-client";
import { OrgApiError, OrgCertificateSignedError } from "../errors";
import { adoptionAllowed, alreadyInOrg } from "../org/adoption";
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
  if (!existing || renew) await client.deploy({ files: orgCertificateDeployFiles(name, settings) });
  const certificatePem = await client.readCertificatePem(name);
  if (!certificatePem) {
    throw new OrgApiError(
      "NOT_FOUND",
      `Certificate ${name}: the org holds no certificate of that name after the deploy; run pulumi up again (the deploy is checked before it is repeated)`,
    );
  }
  return { certificatePem, adopted: existing !== undefined && !renew };
}

/** The settings an org-generated certificate is deployed with. */
export type OrgCertificateSettings = Pick<CertificateInputs, "label" | "keySize" | "privateKeyExportable"> & {
  caSigned?: boolean;
};

/**
 * The files that deploy org-generated certificate `name` (custody org): what {@link obtainOrgCertificate}
 * deploys and what a check-only validation checks (preview-validation.ts), from one function.
 */
export function orgCertificateDeployFiles(name: string, settings: OrgCertificateSettings): Record<string, string> {
  return orgGeneratedCertificateFiles({
    uniqueName: name,
    label: settings.label,
    caSigned: settings.caSigned === true,
    keySize: settings.keySize,
    privateKeyExportable: settings.privateKeyExportable,
  });
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
  const held = findSalesforceName(
    (await client.list("Certificate")).map((c) => c.fullName),
    name,
  );
  if (!renew && held !== undefined)
    return `; not validated: the org already lists Certificate ${held}, so up deploys nothing under that name (it refuses the name, or takes the certificate over when named in SALESFORCE_CERTS_ADOPT)`;
  return validateDeploy(resource, { files: orgCertificateDeployFiles(name, settings) });
}
