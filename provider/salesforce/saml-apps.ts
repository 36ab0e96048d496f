/**
 * @module Source-format metadata of a SAML Service Provider for which Salesforce is the Identity Provider:
 * an External Client App with its SAML policy (`ExtlClntAppSamlConfigurablePolicies`, API 63+; a SAML
 * External Client App can only be configured through the Metadata API) or a legacy Connected App with
 * `samlConfig`; and the org's `IdentityProviderSettings` naming the certificate it signs with.
 */
import { commaSeparated, externalClientApplicationFile } from "./oauth-apps";
import { metadataXml, type XmlNode } from "./xml";
import type { NameIdFormat } from "./saml-idp-metadata";

/** Salesforce's names of the subject an assertion carries. */
export type SamlSubjectType = "Username" | "FederationId" | "UserId" | "PersistentId" | "CustomAttribute";

/** One SP binding as Salesforce's metadata describes it. */
export interface SamlAppSpec {
  name: string;
  label: string;
  contactEmail: string;
  description: string;
  spEntityId: string;
  acsUrl: string;
  /** The issuer of assertions: the org's My Domain URL. */
  issuer: string;
  nameIdFormat: NameIdFormat;
  subjectType: SamlSubjectType;
  subjectCustomAttribute?: string;
  signingAlgorithm: "SHA256" | "SHA1";
  singleLogoutUrl?: string;
  singleLogoutBinding?: "HttpPost" | "HttpRedirect";
  /** PEM of the SP's request-signing certificate: when set, every request must be signed. */
  spSigningCertificatePem?: string;
  encryption?: { certificateName: string; type: "AES_128" | "AES_256" };
  permissionSets: readonly string[];
  profiles: readonly string[];
}

/** Salesforce's metadata names of the NameID formats (the `nameIdFormat` / `samlNameIdFormat` enumeration). */
export const nameIdFormatNames: Record<NameIdFormat, string> = {
  unspecified: "Unspecified",
  emailAddress: "EmailAddress",
  persistent: "Persistent",
  transient: "Transient",
};
const sloBindingNames = { HttpPost: "PostBinding", HttpRedirect: "RedirectBinding" } as const;

/** The three files of a SAML External Client App (path → content). */
export function samlExternalClientAppFiles(app: SamlAppSpec): Record<string, string> {
  const link: XmlNode = ["externalClientApplication", app.name];
  return {
    ...externalClientApplicationFile(app),
    [`extlClntAppPolicies/${app.name}_plcy.ecaPlcy-meta.xml`]: metadataXml("ExtlClntAppConfigurablePolicies", [
      link,
      ["isEnabled", true],
      ["isOauthPluginEnabled", false],
      ["isSamlPluginEnabled", true],
      ["label", `${app.label} Policies`],
    ]),
    [`extlClntAppSamlConfigurablePolicies/${app.name}_samlPlcy.ecaSamlPlcy-meta.xml`]: metadataXml(
      "ExtlClntAppSamlConfigurablePolicies",
      [
        ["acsUrl", app.acsUrl],
        ["certificate", app.spSigningCertificatePem?.trim()],
        ["commaSeparatedPermissionSet", commaSeparated(app.permissionSets)],
        ["commaSeparatedProfile", commaSeparated(app.profiles)],
        ["encryptionCertificate", app.encryption?.certificateName],
        ["encryptionType", app.encryption?.type],
        ["entityUrl", app.spEntityId],
        link,
        ["issuer", app.issuer],
        ["label", `${app.label} SAML Policies`],
        ["nameIdFormat", nameIdFormatNames[app.nameIdFormat]],
        ["signingAlgorithmType", app.signingAlgorithm],
        ["singleLogoutBindingType", app.singleLogoutBinding ? sloBindingNames[app.singleLogoutBinding] : undefined],
        ["singleLogoutUrl", app.singleLogoutUrl],
        ["subjectCustomAttribute", app.subjectCustomAttribute],
        ["subjectType", app.subjectType],
      ],
    ),
  };
}

/** The file of a legacy Connected App with `samlConfig` (path → content). */
export function samlConnectedAppFiles(app: SamlAppSpec): Record<string, string> {
  return {
    [`connectedApps/${app.name}.connectedApp-meta.xml`]: metadataXml("ConnectedApp", [
      ["contactEmail", app.contactEmail],
      ["description", app.description],
      ["label", app.label],
      ...app.permissionSets.map((name): XmlNode => ["permissionSetName", name]),
      ...app.profiles.map((name): XmlNode => ["profileName", name]),
      [
        "samlConfig",
        [
          ["acsUrl", app.acsUrl],
          ["certificate", app.spSigningCertificatePem?.trim()],
          ["encryptionCertificate", app.encryption?.certificateName],
          ["encryptionType", app.encryption?.type],
          ["entityUrl", app.spEntityId],
          ["issuer", app.issuer],
          ["samlIdpSLOBindingEnum", app.singleLogoutBinding ? sloBindingNames[app.singleLogoutBinding] : undefined],
          ["samlNameIdFormat", nameIdFormatNames[app.nameIdFormat]],
          ["samlSigningAlgoType", app.signingAlgorithm],
          ["samlSloUrl", app.singleLogoutUrl],
          ["samlSubjectCustomAttr", app.subjectCustomAttribute],
          ["samlSubjectType", app.subjectType],
        ],
      ],
    ]),
  };
}

/** `settings/IdentityProvider.settings-meta.xml`: the org is an IdP and signs with `certificateName`. */
export function identityProviderSettingsFiles(certificateName: string): Record<string, string> {
  return {
    "settings/IdentityProvider.settings-meta.xml": metadataXml("IdentityProviderSettings", [
      ["certificateName", certificateName],
      ["enableIdentityProvider", true],
    ]),
  };
}
