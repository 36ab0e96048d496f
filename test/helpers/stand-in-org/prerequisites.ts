/**
 * @module The org prerequisites of External Client Apps, which an admin sets once in Setup › External
 * Client App Settings (org-mode.md §5 "External Client Apps", §7):
 *  - the opt-in, `ExternalClientAppSettings.enableExternalClientApps`: "Indicates whether you opted in to
 *    the External Client App feature … When enabled, you can configure and deploy external client apps"
 *    (https://developer.salesforce.com/docs/atlas.en-us.246.0.api_meta.meta/api_meta/meta_externalclientappsettings.htm).
 *    Off: every External Client App component of a deploy fails.
 *  - consumer-secret access, "Allow Access to OAuth Consumer Secrets via Metadata API"
 *    (`enableConsumerSecretApiAccess`): the Special Access Rules of ExtlClntAppGlobalOauthSettings and
 *    ExtlClntAppOauthSettings say access to the OAuth plug-in requires it
 *    (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappglobaloauthsettings.htm,
 *    https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappoauthsettings.htm).
 *    Off: deploying either type fails, and reading ExtlClntAppGlobalOauthSettings faults. The v66 docs
 *    mark the field DEPRECATED; whether Salesforce still enforces it there is unknown (org-mode.md, open
 *    question 6): the stand-in enforces it, the provider refuses only on an explicit `false`.
 *  - `readMetadata` of `ExternalClientAppSettings` (`ExternalClientApp`) answers both fields, as settings
 *    types answer their values whether or not anyone deployed them; a deployed settings file wins.
 * No public source gives the texts or codes Salesforce answers when either is off (searched: forcedotcom/cli,
 * sfdx-hardis, CumulusCI issues; Salesforce help): every text here is a placeholder, and the provider
 * never matches them (it reads the settings before it deploys or reads, provider/org/prerequisites.ts).
 * Not modelled: the user permissions (View External Client Apps Consumer Secrets in Metadata, Customize
 * Application, Modify All Data).
 */
import { placeholder } from "./component-rules";
import type { OrgState } from "./org-state";
import { SoapFault, type XmlValue } from "./soap";

/** The org's External Client App settings (both on unless a test turns one off). */
export interface StandInPrerequisites {
  /** `enableExternalClientApps`: the org opted in to External Client Apps. */
  externalClientApps: boolean;
  /** `enableConsumerSecretApiAccess`: Allow Access to OAuth Consumer Secrets via Metadata API. */
  consumerSecretsViaMetadataApi: boolean;
}

export const settingsType = "ExternalClientAppSettings";
export const settingsName = "ExternalClientApp";

const ecaTypes = new Set([
  "ExternalClientApplication",
  "ExtlClntAppOauthSettings",
  "ExtlClntAppGlobalOauthSettings",
  "ExtlClntAppOauthConfigurablePolicies",
  "ExtlClntAppConfigurablePolicies",
  "ExtlClntAppSamlConfigurablePolicies",
]);
const oauthTypes = new Set(["ExtlClntAppOauthSettings", "ExtlClntAppGlobalOauthSettings"]);

const flag = (value: XmlValue | undefined) => value === true || value === "true";

/** The settings as the org holds them now: a deployed settings file, else the options. */
export function currentSettings(state: OrgState, options: StandInPrerequisites): StandInPrerequisites {
  const deployed = state.component(settingsType, settingsName)?.record;
  if (!deployed) return options;
  return {
    externalClientApps:
      deployed["enableExternalClientApps"] === undefined
        ? options.externalClientApps
        : flag(deployed["enableExternalClientApps"]),
    consumerSecretsViaMetadataApi:
      deployed["enableConsumerSecretApiAccess"] === undefined
        ? options.consumerSecretsViaMetadataApi
        : flag(deployed["enableConsumerSecretApiAccess"]),
  };
}

/** The problem a deploy reports for a component of `type` while a prerequisite is off, or undefined. */
export function deployProblem(type: string, settings: StandInPrerequisites): string | undefined {
  if (!ecaTypes.has(type)) return undefined;
  if (!settings.externalClientApps)
    return `${placeholder}External Client Apps are not enabled in this org (External Client App Settings).`;
  if (oauthTypes.has(type) && !settings.consumerSecretsViaMetadataApi)
    return `${placeholder}Access to OAuth consumer secrets via Metadata API is not allowed in this org (External Client App Settings).`;
  return undefined;
}

/** Throws the fault a `readMetadata` of `type` gets while a prerequisite is off. */
export function assertReadable(type: string, settings: StandInPrerequisites): void {
  if (type !== "ExtlClntAppGlobalOauthSettings") return;
  if (!settings.externalClientApps || !settings.consumerSecretsViaMetadataApi)
    throw new SoapFault(
      "INSUFFICIENT_ACCESS",
      `${placeholder}Access to OAuth consumer secrets via Metadata API is not allowed in this org.`,
    );
}

/** `readMetadata` of the External Client App settings: the record for `ExternalClientApp`, nil for other names. */
export function readSettings(names: string[], settings: StandInPrerequisites): XmlValue {
  return {
    records: names.map(
      (name): XmlValue =>
        name === settingsName
          ? {
              "@xsi:type": settingsType,
              fullName: settingsName,
              enableConsumerSecretApiAccess: settings.consumerSecretsViaMetadataApi,
              enableExternalClientApps: settings.externalClientApps,
            }
          : null,
    ),
  };
}
