/**
 * @module Taking over what the org already holds under a name a resource is about to create. The name may
 * belong to a component an interrupted `pulumi up` of this stack deployed (killed between the deploy and
 * the state write), or to one another stack or a person made: the org cannot tell which. So nothing is
 * taken over silently (a stack that took over another's certificate would rotate and delete it): create
 * refuses, naming the component, and the user names what to take over for one run, as Pulumi's `import`
 * or Terraform's "already exists" ask. What is taken over is then the resource's: rotated and deleted with it.
 *
 * This is the recovery of one run. Bringing an existing org under management is the resources' own `adopt`
 * input (what `discover` drafts), which also checks that the object is the one described before taking it.
 */
import { OrgAlreadyExistsError, type SalesforceCertsError } from "../errors";
import { sameSalesforceName } from "../salesforce/names";

/** The environment variable naming, for one run, the components a create may take over. */
export const adoptVariable = "SALESFORCE_CERTS_ADOPT";

/** True when `name` is among the names in SALESFORCE_CERTS_ADOPT (comma-separated), compared as Salesforce compares names. */
export function adoptionAllowed(name: string): boolean {
  return (process.env[adoptVariable] ?? "")
    .split(",")
    .map((n) => n.trim())
    .some((n) => sameSalesforceName(n, name));
}

/** The refusal to take over the `type` components `names`, which the org at `org` already holds. */
export function alreadyInOrg(type: string, names: readonly string[], org: string): SalesforceCertsError {
  const [them, exist] = names.length === 1 ? ["it", "exists"] : ["them", "exist"];
  return new OrgAlreadyExistsError(
    `${type} ${names.join(", ")} already ${exist} in the org at ${org}, and this stack's state does not record creating ${them}. ` +
      `If an interrupted pulumi up of this stack made ${them}, run pulumi up again with ${adoptVariable}=${names.join(",")} to take ${them} over ` +
      `(${them === "it" ? "it is" : "they are"} then rotated and deleted with this resource); if ${them === "it" ? "it belongs" : "they belong"} to someone else, choose another name.`,
  );
}
