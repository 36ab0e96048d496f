/**
 * @module Rules that span entries, which no resource's own `check()` can see: the certificate an
 * integration names exists (and, for a JWT login, has a key the provider holds), one org connection at
 * most, and SAML bindings that agree on the org's one IdP certificate and its stages. Names the provider
 * generates are in generated-name-collisions.ts. One org app is adopted by one entry at most.
 */
import { shown } from "../validate/rules";
import type { Entries, EntryChecks } from "./entry-rules";

/** The certificate entry `reference` names; a problem at `section.name.certificate` when there is none. */
export function referencedCertificate(
  checks: EntryChecks,
  section: string,
  name: string,
  reference: unknown,
): Record<string, unknown> | undefined {
  const { certificates } = checks;
  const certificate =
    typeof reference === "string" && Object.hasOwn(certificates, reference) ? certificates[reference] : undefined;
  if (!certificate) {
    const known = Object.keys(certificates);
    checks.located(
      [section, name, "certificate"],
      `names no certificate in this inventory (known: ${known.length > 0 ? known.join(", ") : "none"}) (got ${shown(reference)})`,
    );
  }
  return certificate;
}

/** True when JWT integration `name` can sign logins with `certificate`'s key: the org must not keep it. */
export function jwtKeyInReach(
  checks: EntryChecks,
  name: string,
  entry: Record<string, unknown>,
  certificate: Record<string, unknown>,
): boolean {
  if (certificate["custody"] !== "org") return true;
  checks.located(
    ["jwtIntegrations", name, "certificate"],
    `names certificate ${shown(entry["certificate"])}, whose key the org keeps (custody: org): no client could sign a JWT login with it; bind a certificate with custody: provider`,
  );
  return false;
}

/** At most one JWT integration is the stack's own connection to the org. */
export function oneOrgConnection(checks: EntryChecks, jwtIntegrations: Entries): void {
  const connections = Object.entries(jwtIntegrations).filter(([, entry]) => entry?.["orgConnection"] === true);
  for (const [name] of connections.slice(1)) {
    checks.located(
      ["jwtIntegrations", name, "orgConnection"],
      `must be true for one integration only: ${connections[0]![0]} is already the stack's org connection`,
    );
  }
}

/** A SAML binding whose certificate reference resolved: `certificate` is the entry it names. */
export interface BoundSamlBinding {
  name: string;
  entry: Record<string, unknown>;
  certificate: Record<string, unknown>;
}

/**
 * The org signs for every SP with one IdP certificate and switches them all at once: the bindings name
 * the same certificate and share their stages (`publishDays`, `overlapDays`, `holdPhase`,
 * `advanceTrigger`), and the certificate outlives the publishing stage.
 */
export function samlBindingsAgree(checks: EntryChecks, bindings: readonly BoundSamlBinding[]): void {
  const first = bindings[0];
  for (const [index, { name, entry, certificate }] of bindings.entries()) {
    const reference = entry["certificate"];
    const other = bindings.slice(0, index).find((b) => b.entry["certificate"] !== reference);
    if (other) {
      checks.located(
        ["samlBindings", name, "certificate"],
        `must be the same IdP certificate as samlBindings.${other.name} (${String(other.entry["certificate"])}): the org signs for every SP with one certificate`,
      );
    }
    if (first && index > 0) {
      for (const [field, fallback] of [
        ["publishDays", 7],
        ["overlapDays", 7],
        ["holdPhase", false],
        ["advanceTrigger", undefined],
      ] as const) {
        const mine = entry[field] ?? fallback;
        const theirs = first.entry[field] ?? fallback;
        if (mine !== theirs) {
          checks.located(
            ["samlBindings", name, field],
            `must equal samlBindings.${first.name}'s ${field} (${shown(theirs)}): the org switches every SP to a new IdP certificate at once (got ${shown(mine)})`,
          );
        }
      }
    }
    // The org keeps signing with the old certificate while the new one is published: it must outlive that.
    const days = (certificate["renewal"] as { daysBeforeExpiry?: number } | undefined)?.daysBeforeExpiry;
    const publishDays = (entry["publishDays"] as number | undefined) ?? 7;
    if (days !== undefined && publishDays >= days) {
      checks.located(
        ["samlBindings", name, "publishDays"],
        `must be shorter than certificates.${String(reference)}.renewal.daysBeforeExpiry (${days}): the org signs with the old certificate for publishDays after the rotation, and it expires ${days} days after it (got ${publishDays})`,
      );
    }
  }
}

/** The app type an entry's `appType` (or its default) names, as preview and messages name it. */
function appTypeOf(entry: Record<string, unknown>): string {
  return entry["appType"] === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApp";
}

/**
 * One org app is taken over by one entry: two entries adopting the same app (of one app type, names
 * compared without case, as Salesforce compares them) would both deploy to it, and an entry adopting the
 * app another entry of the inventory creates under its own name would take that one over. Reported at
 * the later entry's `adopt.app`.
 */
export function adoptedOnce(checks: EntryChecks, jwtIntegrations: Entries, samlBindings: Entries): void {
  const sections = [
    ["jwtIntegrations", jwtIntegrations],
    ["samlBindings", samlBindings],
  ] as const;
  const own = new Map<string, string>();
  for (const [section, entries] of sections)
    for (const [name, entry] of Object.entries(entries))
      own.set(`${appTypeOf(entry)}:${name.toLowerCase()}`, `${section}.${name}`);
  const adopted = new Map<string, string>();
  for (const [section, entries] of sections) {
    for (const [name, entry] of Object.entries(entries)) {
      const app = (entry?.["adopt"] as Record<string, unknown> | undefined)?.["app"];
      if (typeof app !== "string") continue;
      const type = appTypeOf(entry);
      const key = `${type}:${app.toLowerCase()}`;
      const here = `${section}.${name}`;
      const first = adopted.get(key);
      const creator = own.get(key);
      if (first !== undefined)
        checks.located(
          [section, name, "adopt", "app"],
          `adopts ${type} ${shown(app)}, which ${first} adopts already (app names are compared without case, as Salesforce does): one org app is managed by one entry`,
        );
      else if (creator !== undefined && creator !== here)
        checks.located(
          [section, name, "adopt", "app"],
          `adopts ${type} ${shown(app)}, the app ${creator} is declared as (app names are compared without case, as Salesforce does): one org app is managed by one entry`,
        );
      else adopted.set(key, here);
    }
  }
}
