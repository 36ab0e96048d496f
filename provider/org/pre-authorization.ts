/**
 * @module Pre-authorization by names, or by IDs when the org refuses the names: the one implementation
 * every deploy and every check-only validation of External Client App policies (OAuth and SAML) goes
 * through, so that preview validates what `up` deploys.
 *
 * Why both forms: the field descriptions of `ExtlClntAppOauthConfigurablePolicies` and
 * `ExtlClntAppSamlConfigurablePolicies` say IDs (salesforce.md §3); practitioners report for the OAuth
 * policy that names work and IDs are refused with `INVALID_FIELD: We couldn't find permission sets called
 * <id>` (org-mode.md §7); for the SAML policy nothing is published. So the files carry names, and when the
 * org answers that error for them, the IDs are looked up with a Tooling query and the same request is
 * sent again with the IDs; the caller says which form the org took ({@link describePreAuthorizationForm}).
 */
import { OrgDeployError } from "../errors";
import { isPreAuthorizationFormProblem, preAuthorizedNames, withPreAuthorizationIds } from "../salesforce/oauth-apps";
import type { DeployOutcome, DeployRequest, OrgMetadataClient } from "./metadata-client";

/** The org refused the names and took the IDs. */
export interface PreAuthorizationByIds {
  /** The org's words refusing the names (the component failure's problem). */
  refusal: string;
  /** Each name sent first, with the ID sent instead. */
  ids: [name: string, id: string][];
}

/** A deploy or validation that succeeded, and the form of pre-authorization the org took (`byIds` absent: names). */
export interface PreAuthorizedOutcome {
  outcome: DeployOutcome;
  byIds?: PreAuthorizationByIds;
}

/**
 * Sends `request` (a deploy, or with `checkOnly` a check-only validation) with pre-authorization by
 * name; when the org refuses it for that reason and the files pre-authorize anything, sends it again with
 * the IDs a Tooling query gives for those names. Any other failure, or one of the second request, is
 * thrown as it came.
 * @throws OrgApiError when a name has no ID in the org (`idsByName` names it).
 */
export async function deployPreAuthorizing(
  client: OrgMetadataClient,
  request: Omit<DeployRequest, "checkOnly">,
  options: { checkOnly?: boolean } = {},
): Promise<PreAuthorizedOutcome> {
  const send = (files: Record<string, string>) =>
    options.checkOnly ? client.validate({ ...request, files }) : client.deploy({ ...request, files });
  try {
    return { outcome: await send(request.files) };
  } catch (error) {
    const names = preAuthorizedNames(request.files);
    const refusal =
      error instanceof OrgDeployError
        ? error.failures.find((f) => isPreAuthorizationFormProblem(f.problem))?.problem
        : undefined;
    if (refusal === undefined || names.PermissionSet.length + names.Profile.length === 0) throw error;
    const ids = {
      PermissionSet: await client.idsByName("PermissionSet", names.PermissionSet),
      Profile: await client.idsByName("Profile", names.Profile),
    };
    const outcome = await send(withPreAuthorizationIds(request.files, ids));
    return {
      outcome,
      byIds: { refusal, ids: [...ids.PermissionSet, ...ids.Profile] },
    };
  }
}

/** Which form the org at `org` took, in words: `the org at … refused pre-authorization by name (…); it took the IDs instead (…)`. */
export function describePreAuthorizationForm(byIds: PreAuthorizationByIds, org: string): string {
  const listed = byIds.ids.map(([name, id]) => `${name} = ${id}`).join(", ");
  return `the org at ${org} refused pre-authorization by name (${byIds.refusal}); it took the IDs instead (${listed})`;
}
