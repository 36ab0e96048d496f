/**
 * @module The org prerequisites of External Client Apps, checked before the provider deploys one or reads
 * its global OAuth settings, so that a user meets a message naming the Setup page and the setting rather
 * than a deploy failure in Salesforce's words (which are not published: shared/research/org-mode.md, open
 * question 6). Both are set once by an admin in Setup › External Client App Settings and read through
 * `readMetadata` of `ExternalClientAppSettings` (fullName `ExternalClientApp`):
 *  - `enableExternalClientApps`, the opt-in: "When enabled, you can configure and deploy external client
 *    apps" (https://developer.salesforce.com/docs/atlas.en-us.246.0.api_meta.meta/api_meta/meta_externalclientappsettings.htm);
 *  - `enableConsumerSecretApiAccess`, "Allow Access to OAuth Consumer Secrets via Metadata API", which the
 *    Special Access Rules of ExtlClntAppGlobalOauthSettings and ExtlClntAppOauthSettings require
 *    (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappglobaloauthsettings.htm).
 *    The v66 docs mark the field deprecated, so only an explicit `false` is refused: an org that no
 *    longer reports it is let through, and the deploy's own result speaks.
 * A setting the org does not report (or a settings read refused) is not guessed at: the call goes ahead.
 */
import { OrgApiError, OrgPrerequisiteError } from "../errors";

/** Types that need the External Client App opt-in. */
const ecaTypes = new Set([
  "ExternalClientApplication",
  "ExtlClntAppOauthSettings",
  "ExtlClntAppGlobalOauthSettings",
  "ExtlClntAppOauthConfigurablePolicies",
  "ExtlClntAppConfigurablePolicies",
  "ExtlClntAppSamlConfigurablePolicies",
]);
/** Types that hold OAuth consumer information: they need consumer-secret access too. */
const oauthTypes = new Set(["ExtlClntAppOauthSettings", "ExtlClntAppGlobalOauthSettings"]);

const settingsPage = "Setup › External Client Apps › External Client App Settings";

/** What a check needs: whether the types need the opt-in, and consumer-secret access. */
export function prerequisitesOf(types: Iterable<string>): { optIn: boolean; consumerSecrets: boolean } {
  let optIn = false;
  let consumerSecrets = false;
  for (const type of types) {
    if (ecaTypes.has(type)) optIn = true;
    if (oauthTypes.has(type)) consumerSecrets = true;
  }
  return { optIn, consumerSecrets };
}

/** The settings record as read (`undefined` when the org reports none). */
export type ReadSettings = (type: string, fullName: string) => Promise<Record<string, unknown> | undefined>;

/**
 * Throws when a prerequisite `needs` asks for is explicitly off in the org at `org`; `doing` says what
 * was about to happen (`deploy ExternalClientApplication Acme_CI_A`).
 * @throws OrgPrerequisiteError `ERR_ORG_PREREQUISITE` naming the Setup page and the setting.
 */
export async function assertPrerequisites(
  read: ReadSettings,
  needs: { optIn: boolean; consumerSecrets: boolean },
  org: string,
  doing: string,
): Promise<void> {
  if (!needs.optIn && !needs.consumerSecrets) return;
  let settings: Record<string, unknown> | undefined;
  try {
    settings = await read("ExternalClientAppSettings", "ExternalClientApp");
  } catch (error) {
    // A user who may not read the settings may still be allowed to deploy: let Salesforce answer.
    if (error instanceof OrgApiError) return;
    throw error;
  }
  const off = (field: string) => settings?.[field] === false || settings?.[field] === "false";
  if (off("enableExternalClientApps"))
    throw new OrgPrerequisiteError(
      "ExternalClientAppSettings.enableExternalClientApps",
      `the org at ${org} has not opted in to External Client Apps, so it would refuse to ${doing}. An admin turns it on once: ${settingsPage}, enable External Client Apps (metadata: ExternalClientAppSettings.enableExternalClientApps = true). Then run pulumi up again; nothing was deployed.`,
    );
  if (needs.consumerSecrets && off("enableConsumerSecretApiAccess"))
    throw new OrgPrerequisiteError(
      "ExternalClientAppSettings.enableConsumerSecretApiAccess",
      `the org at ${org} does not allow access to OAuth consumer secrets through the Metadata API, which the OAuth settings of External Client Apps need, so it would refuse to ${doing}. An admin turns it on once: ${settingsPage}, "Allow access to OAuth consumer secrets via Metadata API" (metadata: ExternalClientAppSettings.enableConsumerSecretApiAccess = true); a deploying user with a developer role also needs the user permission "View External Client Apps Consumer Secrets in Metadata". Then run pulumi up again; nothing was deployed.`,
    );
}
