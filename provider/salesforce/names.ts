/**
 * @module How Salesforce compares the names of metadata components: without regard to case. Two names
 * that differ only in case are one component in the org (the inventory refuses declaring both, see
 * inventory/generated-name-collisions.ts), and the org keeps the spelling it was created with. Sources:
 * the Metadata base type says each component has "a unique fullName" that "must be distinct … as it must
 * be when you create … in the Salesforce user interface"
 * (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/metadata.htm), and the
 * uniqueness of API names ignores case (practitioners: "Salesforce metadata is case-insensitive",
 * http://docs.gearset.com/articles/2425681-items-with-names-in-different-cases, which adds that "deploying
 * a case difference may cause the deployment to fail"; SOQL string comparisons are case-insensitive:
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm).
 * Whether a deploy of a case variant updates the component or fails is not documented, so the provider
 * never depends on it: a case variant of a name it did not create is refused like the exact name.
 * Every comparison of a declared name with a name the org answered goes through this module.
 * Names are API names (letters, digits, underscores: validate/rules.ts), so ASCII case folding suffices.
 */

/** The form two names share when Salesforce takes them for one component. */
export function salesforceNameKey(name: string): string {
  return name.toLowerCase();
}

/** True when `a` and `b` name the same component in the org. */
export function sameSalesforceName(a: string, b: string): boolean {
  return salesforceNameKey(a) === salesforceNameKey(b);
}

/** The first of `names` that names the same component as `name` (in the org's spelling), or undefined. */
export function findSalesforceName(names: Iterable<string>, name: string): string | undefined {
  for (const candidate of names) if (sameSalesforceName(candidate, name)) return candidate;
  return undefined;
}

/** A set of names (as the org spells them) whose `has` compares as Salesforce does. */
export class SalesforceNameSet extends Set<string> {
  private readonly folded = new Set<string>();

  constructor(names: Iterable<string> = []) {
    super();
    for (const name of names) this.add(name);
  }

  override add(name: string): this {
    if (this.folded.has(salesforceNameKey(name))) return this;
    this.folded.add(salesforceNameKey(name));
    return super.add(name);
  }

  override has(name: string): boolean {
    return this.folded.has(salesforceNameKey(name));
  }

  override delete(name: string): boolean {
    const spelled = findSalesforceName(super.values(), name);
    if (spelled === undefined) return false;
    this.folded.delete(salesforceNameKey(name));
    return super.delete(spelled);
  }

  override clear(): void {
    this.folded.clear();
    super.clear();
  }
}
