/**
 * @module Opt-in validation of what a resource will deploy (`salesforce-certs:org.validateDeploys`), by
 * a check-only deploy of the very files the deploy sends (Salesforce runs it and keeps nothing).
 *
 * A dynamic provider cannot tell `preview` from `up`: the engine calls `check` and `diff` in both, and
 * `create`/`update` only in `up`. So the validation runs where the decision is made: in `check` for a
 * create whose files are known then, in `diff` for an update that deploys. In `up` it therefore runs
 * first too, and a deploy the org would refuse stops the run before anything is applied. What cannot be
 * validated (files that depend on a value known only in `up`) is said in the preview line instead.
 */
import { OrgDeployError, OrgDeployTimeoutError, OrgValidationError } from "../errors";
import { configuredOrg, orgClient } from "./configured-org";
import type { DeployRequest, OrgMetadataClient } from "./metadata-client";
import { deployPreAuthorizing, describePreAuthorizationForm } from "./pre-authorization";

/** True when the stack's org connection asks for check-only validation of every deploy. */
export function validatesDeploys(): boolean {
  return configuredOrg()?.validateDeploys === true;
}

/**
 * Validates `request` against the configured org with a check-only deploy when `validateDeploys` is on.
 * `resource` names the resource for messages (`JwtIntegration Acme_CI`). Pre-authorization goes by name,
 * and by ID when the org refuses the names, exactly as the deploy does (pre-authorization.ts). Returns
 * the words the preview line ends with (`; validated by a check-only deploy (deploy 0Af…)`, naming the
 * IDs when the org took those), or "" when validation is off.
 * @throws OrgValidationError `ERR_ORG_VALIDATION` naming the resource, the org and each component failure
 * (file, component, problem), and saying that nothing was applied. `logIn` logs in (the configured
 * connection by default; the stack's own connection logs in as itself).
 */
export async function validateDeploy(
  resource: string,
  request: Omit<DeployRequest, "checkOnly">,
  logIn: () => Promise<OrgMetadataClient> = orgClient,
): Promise<string> {
  if (!validatesDeploys()) return "";
  const client = await logIn();
  const org = client.session.instanceUrl;
  const why =
    "validateDeploys (salesforce-certs:org) validates every deploy first, so pulumi up stops here too, before it applies anything";
  try {
    // The same fallback as the deploy (pre-authorization.ts): an org that takes IDs validates with IDs, as up deploys.
    const { outcome, byIds } = await deployPreAuthorizing(client, request, { checkOnly: true });
    const form = byIds ? `, pre-authorizing by ID as pulumi up will: ${describePreAuthorizationForm(byIds, org)}` : "";
    return `; validated by a check-only deploy (deploy ${outcome.id})${form}`;
  } catch (error) {
    if (error instanceof OrgDeployError) {
      const lines = error.message.split("\n").filter((line) => line.startsWith(" - "));
      const count = error.failures.length === 1 ? "1 component failure" : `${error.failures.length} component failures`;
      throw new OrgValidationError(
        error.deployId,
        error.failures,
        `${resource}: the org at ${org} refused what pulumi up would deploy: check-only deploy ${error.deployId} ended ${error.status}${error.failures.length > 0 ? ` with ${count}` : ""}; nothing was applied:\n${lines.join("\n")}\nFix what is listed (in the resource's inputs, or in the org) and run pulumi preview again; ${why}.`,
      );
    }
    if (error instanceof OrgDeployTimeoutError) {
      throw new OrgValidationError(
        error.deployId,
        [],
        `${resource}: the check-only deploy ${error.deployId} to ${org} was not done within pollTimeoutSeconds (salesforce-certs:org); nothing was applied (a validation never applies anything). Raise pollTimeoutSeconds for slow orgs, or turn validateDeploys off; ${why}.`,
      );
    }
    throw error;
  }
}

/** The words for a deploy that cannot be validated before `up` (validation on), else "". */
export function notValidated(reason: string): string {
  return validatesDeploys() ? `; not validated: ${reason}` : "";
}
