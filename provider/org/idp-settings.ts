/**
 * @module The org's `IdentityProviderSettings` (one per org: the certificate it signs every SAML
 * assertion with, and whether it is an IdP at all), read and deployed through the Metadata API. The
 * settings are deployed as `settings/IdentityProvider.settings`; `readMetadata` returns them untyped, as
 * strings (org-mode.md §IdentityProviderSettings). Salesforce refuses to delete a certificate the enabled
 * IdP signs with, so the provider asks {@link identityProviderSigningWith} before it deletes one.
 */
import { metadataXml } from "../salesforce/xml";
import { SalesforceNameSet } from "../salesforce/names";
import type { DeployOutcome, OrgMetadataClient } from "./metadata-client";

/** The org's IdP settings as read. */
export interface IdentityProviderSettingsState {
  certificateName: string;
  enableIdentityProvider: boolean;
}

/** The org's IdP settings, or undefined when the org has never had any. */
export async function readIdentityProvider(
  client: OrgMetadataClient,
): Promise<IdentityProviderSettingsState | undefined> {
  const record = (await client.read("IdentityProviderSettings", ["IdentityProvider"])).get("IdentityProvider");
  if (!record) return undefined;
  return {
    certificateName: String(record["certificateName"] ?? ""),
    enableIdentityProvider: String(record["enableIdentityProvider"]) === "true",
  };
}

/** The certificate the org's IdP signs with now, or undefined when the IdP is off (or never set up). */
export async function identityProviderSigningWith(client: OrgMetadataClient): Promise<string | undefined> {
  const settings = await readIdentityProvider(client);
  return settings?.enableIdentityProvider ? settings.certificateName : undefined;
}

/** The names of every certificate the org lists (`listMetadata Certificate`). */
export async function listedCertificates(client: OrgMetadataClient): Promise<Set<string>> {
  return new SalesforceNameSet((await client.list("Certificate")).map((c) => c.fullName));
}

/**
 * Turns the org's IdP off, keeping `certificateName` (the disable form still carries it): Salesforce then
 * lets the certificate be deleted.
 */
export function disableIdentityProvider(client: OrgMetadataClient, certificateName: string): Promise<DeployOutcome> {
  const xml = metadataXml("IdentityProviderSettings", [
    ["certificateName", certificateName],
    ["enableIdentityProvider", false],
  ]);
  return client.deploy({ files: { "settings/IdentityProvider.settings-meta.xml": xml } });
}
