/**
 * @module Source-format metadata of an app that accepts the JWT Bearer Flow: an External Client App
 * (five linked files; the `certificate` of its global OAuth settings enables the flow) or a legacy
 * Connected App (`oauthConfig.certificate`). File names follow Salesforce's own (`<App>_glbloauth`, …).
 * No consumer secret is ever emitted: Salesforce says it must not be in source control, and the JWT flow
 * does not use it.
 */
import { escapeXml, metadataXml, type XmlNode } from "./xml";

/** One app that trusts one certificate (or none: JWT disabled) for one consumer key. */
export interface OAuthAppSpec {
  name: string;
  label: string;
  contactEmail: string;
  description: string;
  consumerKey: string;
  /**
   * PEM; absent turns the JWT Bearer Flow off for this app, written as an explicitly empty `<certificate>`
   * element: the form Salesforce's Connected App page gives for clearing a value. Leaving the element out
   * clears it only if a write replaces the whole record, which is practitioners' evidence, not documented
   * (org-mode.md §7 "Clearing a field").
   */
  certificatePem?: string;
  scopes: readonly string[];
  permissionSets: readonly string[];
  profiles: readonly string[];
}

// The JWT flow never redirects, but the OAuth settings require a callback URL; this is the sf CLI's.
const callbackUrl = "http://localhost:1717/OauthRedirect";

/** The parent file of an External Client App: a local (not packaged) app, as SAML policies require. */
export function externalClientApplicationFile(app: {
  name: string;
  label: string;
  contactEmail: string;
  description: string;
}): Record<string, string> {
  return {
    [`externalClientApps/${app.name}.eca-meta.xml`]: metadataXml("ExternalClientApplication", [
      ["contactEmail", app.contactEmail],
      ["description", app.description],
      ["distributionState", "Local"],
      ["isProtected", false],
      ["label", app.label],
    ]),
  };
}

/**
 * Comma-separated names, as the External Client App policy files (OAuth and SAML) list them; none leaves
 * the element out. Names, not IDs: the field description of `ExtlClntAppOauthConfigurablePolicies` says
 * "Permission set IDs" (and `ExtlClntAppSamlConfigurablePolicies` says IDs too, salesforce.md §3), but
 * practitioners (CumulusCI's `UpdateEcaOauthPolicy`, published field notes) report that names work and IDs
 * are refused with `INVALID_FIELD: We couldn't find permission sets called <id>` (org-mode.md §7); for the
 * SAML policy nobody has published which form works. The deploy (and its check-only validation) therefore
 * sends names, and when the org answers that error it sends the IDs instead ({@link withPreAuthorizationIds},
 * org/pre-authorization.ts).
 */
export function commaSeparated(names: readonly string[]): string | undefined {
  return names.length > 0 ? names.join(",") : undefined;
}

/** The five files of an External Client App (path → content). */
export function externalClientAppFiles(app: OAuthAppSpec): Record<string, string> {
  const link: XmlNode = ["externalClientApplication", app.name];
  return {
    ...externalClientApplicationFile(app),
    [`extlClntAppGlobalOauthSets/${app.name}_glbloauth.ecaGlblOauth-meta.xml`]: metadataXml(
      "ExtlClntAppGlobalOauthSettings",
      [
        ["callbackUrl", callbackUrl],
        ["certificate", app.certificatePem?.trim() ?? ""],
        ["consumerKey", app.consumerKey],
        link,
        ["isClientCredentialsFlowEnabled", false],
        ["isCodeCredFlowEnabled", false],
        ["isConsumerSecretOptional", true],
        ["isDeviceFlowEnabled", false],
        ["isPkceRequired", false],
        ["isTokenExchangeEnabled", false],
        ["label", `${app.label} Global OAuth`],
        ["shouldRotateConsumerKey", false],
        ["shouldRotateConsumerSecret", false],
      ],
    ),
    [`extlClntAppOauthSettings/${app.name}_oauth.ecaOauth-meta.xml`]: metadataXml("ExtlClntAppOauthSettings", [
      ["commaSeparatedOauthScopes", app.scopes.join(", ")],
      link,
      ["label", `${app.label} OAuth Settings`],
    ]),
    [`extlClntAppOauthPolicies/${app.name}_oauthPlcy.ecaOauthPlcy-meta.xml`]: metadataXml(
      "ExtlClntAppOauthConfigurablePolicies",
      [
        ["commaSeparatedPermissionSet", commaSeparated(app.permissionSets)],
        ["commaSeparatedProfile", commaSeparated(app.profiles)],
        link,
        ["ipRelaxationPolicyType", "Enforce"],
        ["isClientCredentialsFlowEnabled", false],
        ["label", `${app.label} OAuth Policies`],
        // The JWT flow has no approval step: only pre-authorized users may log in.
        ["permittedUsersPolicyType", "AdminApprovedPreAuthorized"],
        ["refreshTokenPolicyType", "Infinite"],
      ],
    ),
    [`extlClntAppPolicies/${app.name}_plcy.ecaPlcy-meta.xml`]: metadataXml("ExtlClntAppConfigurablePolicies", [
      link,
      ["isEnabled", true],
      ["isOauthPluginEnabled", true],
      ["label", `${app.label} Policies`],
    ]),
  };
}

/** The file of a legacy Connected App (path → content). */
export function connectedAppFiles(app: OAuthAppSpec): Record<string, string> {
  return {
    [`connectedApps/${app.name}.connectedApp-meta.xml`]: metadataXml("ConnectedApp", [
      ["contactEmail", app.contactEmail],
      ["description", app.description],
      ["label", app.label],
      [
        "oauthConfig",
        [
          ["callbackUrl", callbackUrl],
          ["certificate", app.certificatePem?.trim() ?? ""],
          ["consumerKey", app.consumerKey],
          ["isAdminApproved", true],
          ["isConsumerSecretOptional", true],
          ...app.scopes.map((scope): XmlNode => ["scopes", scope]),
        ],
      ],
      [
        "oauthPolicy",
        [
          ["ipRelaxation", "ENFORCE"],
          ["refreshTokenPolicy", "infinite"],
        ],
      ],
      ...app.permissionSets.map((name): XmlNode => ["permissionSetName", name]),
      ...app.profiles.map((name): XmlNode => ["profileName", name]),
    ]),
  };
}

/**
 * The elements of an External Client App's OAuth and SAML policies that pre-authorize users, and what they
 * name. Both policy types carry the pair with the same description ("IDs", salesforce.md §3), so both are
 * sent as names first and as IDs when the org refuses the names.
 */
const preAuthorizationElements = {
  commaSeparatedPermissionSet: "PermissionSet",
  commaSeparatedProfile: "Profile",
} as const;

/** What a pre-authorization element names: permission sets or profiles. */
export type PreAuthorizedObject = (typeof preAuthorizationElements)[keyof typeof preAuthorizationElements];

/** The policy files that pre-authorize: OAuth policies (`.ecaOauthPlcy`) and SAML policies (`.ecaSamlPlcy`). */
const policyFile = /\.eca(?:Oauth|Saml)Plcy-meta\.xml$/;
const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

function elementPattern(element: string): RegExp {
  return new RegExp(`<${element}>([^<]*)</${element}>`, "g");
}

/**
 * True when a deploy problem is the org refusing the pre-authorization form sent (names where it wants
 * IDs, or the other way round): `We couldn't find permission sets called …` (org-mode.md §7; the profile
 * form is assumed to read the same).
 */
export function isPreAuthorizationFormProblem(problem: string): boolean {
  return /We couldn't find (?:permission sets|profiles) called/i.test(problem);
}

/** The permission sets and profiles the OAuth and SAML policies among `files` pre-authorize, as written. */
export function preAuthorizedNames(files: Record<string, string>): Record<PreAuthorizedObject, string[]> {
  const names: Record<PreAuthorizedObject, string[]> = { PermissionSet: [], Profile: [] };
  for (const [path, content] of Object.entries(files)) {
    if (!policyFile.test(path)) continue;
    for (const [element, object] of Object.entries(preAuthorizationElements)) {
      for (const match of content.matchAll(elementPattern(element))) {
        for (const name of unescapeXml(match[1]!).split(","))
          if (name && !names[object].includes(name)) names[object].push(name);
      }
    }
  }
  return names;
}

/** `files` with each pre-authorized permission set and profile of their OAuth and SAML policies written as its id from `ids`. */
export function withPreAuthorizationIds(
  files: Record<string, string>,
  ids: Record<PreAuthorizedObject, ReadonlyMap<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([path, content]) => {
      if (!policyFile.test(path)) return [path, content];
      let out = content;
      for (const [element, object] of Object.entries(preAuthorizationElements)) {
        out = out.replace(elementPattern(element), (_whole, list: string) => {
          const written = unescapeXml(list)
            .split(",")
            .map((name) => ids[object].get(name) ?? name)
            .join(",");
          return `<${element}>${escapeXml(written)}</${element}>`;
        });
      }
      return [path, out];
    }),
  );
}
