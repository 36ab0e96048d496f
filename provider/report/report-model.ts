/**
 * @module What the report and the expiry gate read: each certificate with its validity, renewal point,
 * overlap and consumers, from a stack's outputs or, before any `up`, from the inventory alone.
 */
import { OutputsError } from "../errors";
import { parseTimestamp } from "../rotation/clock";
import type { Consumer } from "../inventory/declare-inventory";
import type { Inventory } from "../inventory/inventory-types";

/** One certificate as the report shows it; dates are absent when it has not been issued yet. */
export interface ReportCertificate {
  name: string;
  label: string;
  owner?: string;
  notBefore?: string;
  notAfter?: string;
  nextRotation?: string;
  awaitingSignature?: boolean;
  previous?: { sha256Fingerprint: string; notAfter: string; retainedUntil: string };
  consumers: Consumer[];
}

export interface ReportModel {
  /** Where the data came from, e.g. "stack demo" or "inventory examples/greenmoor/inventory.yaml". */
  source: string;
  certificates: ReportCertificate[];
  /** SAML bindings in a rotation phase other than stable: their next step, and until when the certificate the org signs with is valid. */
  samlPhases: { name: string; phase: string; nextStep: string; signingNotAfter?: string }[];
  /**
   * JWT integrations whose clients log in with a certificate other than their bound certificate in force
   * (the old slot, while the new one is published but not yet proven): until when that one is valid.
   */
  jwtActiveSlots: { name: string; activeSlot: string; certificate: string; notAfter: string }[];
}

type Outputs = Record<string, unknown>;

/**
 * The model from stack outputs (plain values, as `stack.outputs()` or `pulumi stack output --json` give them).
 * Outputs that would make the report or the gate say less than the truth are refused: no `certificates`
 * object, a date that is not an ISO 8601 time, a certificate in force without `notAfter`, or wiring and
 * bindings of the wrong shape. (An empty `certificates` is a true, empty report; the gate refuses it.)
 * @throws OutputsError `ERR_OUTPUTS` naming each problem as `<path>: <rule>` after the source.
 */
export function modelFromOutputs(outputs: Outputs, source: string): ReportModel {
  const problems: string[] = [];
  const certificates = objectAt(outputs, "certificates", problems, true);
  const wiring = objectAt(outputs, "wiring", problems, false) ?? {};
  const bindings = objectAt(outputs, "samlBindings", problems, false) ?? {};
  const integrations = objectAt(outputs, "jwtIntegrations", problems, false) ?? {};
  const model: ReportModel = {
    source,
    certificates: Object.entries(certificates ?? {}).flatMap(([name, value]) => {
      const at = `certificates.${name}`;
      if (!isObject(value)) {
        problems.push(`${at}: must be an object (got ${describe(value)})`);
        return [];
      }
      const c = value;
      const dates = {
        notBefore: isoAt(c, "notBefore", at, problems),
        notAfter: isoAt(c, "notAfter", at, problems),
        nextRotation: isoAt(c, "nextRotation", at, problems),
      };
      const awaitingSignature = c["awaitingSignature"] === true;
      if (c["notAfter"] == null && !awaitingSignature) {
        problems.push(
          `${at}.notAfter: is missing; only a CA-signed certificate awaiting its first chain (awaitingSignature: true) has no expiry date`,
        );
      }
      const previous = previousAt(c, at, problems);
      return [
        {
          name,
          label: typeof c["label"] === "string" ? c["label"] : name,
          ...(typeof c["owner"] === "string" ? { owner: c["owner"] } : {}),
          ...(dates.notBefore ? { notBefore: dates.notBefore } : {}),
          ...(dates.notAfter ? { notAfter: dates.notAfter } : {}),
          ...(dates.nextRotation ? { nextRotation: dates.nextRotation } : {}),
          ...(awaitingSignature ? { awaitingSignature: true } : {}),
          ...(previous ? { previous } : {}),
          consumers: consumersAt(wiring, name, problems),
        },
      ];
    }),
    samlPhases: Object.entries(bindings).flatMap(([name, b]) => {
      const at = `samlBindings.${name}`;
      if (!isObject(b)) {
        problems.push(`${at}: must be an object (got ${describe(b)})`);
        return [];
      }
      if (typeof b["phase"] !== "string") {
        problems.push(`${at}.phase: must be a string (got ${describe(b["phase"])})`);
        return [];
      }
      if (b["phase"] === "stable") return [];
      const published = Array.isArray(b["publishedCertificates"]) ? (b["publishedCertificates"] as unknown[]) : [];
      const index = published.findIndex((p) => isObject(p) && p["role"] === "signing");
      const signingNotAfter =
        index >= 0
          ? isoAt(published[index] as Outputs, "notAfter", `${at}.publishedCertificates[${index}]`, problems)
          : undefined;
      return [
        {
          name,
          phase: b["phase"],
          nextStep: String(b["nextStep"] ?? ""),
          ...(signingNotAfter ? { signingNotAfter } : {}),
        },
      ];
    }),
    jwtActiveSlots: Object.entries(integrations).flatMap(([name, j]) => {
      const at = `jwtIntegrations.${name}`;
      if (!isObject(j)) {
        problems.push(`${at}: must be an object (got ${describe(j)})`);
        return [];
      }
      const notAfter = isoAt(j, "certificateNotAfter", at, problems);
      const bound =
        typeof j["certificate"] === "string" && isObject(certificates?.[j["certificate"]])
          ? (certificates![j["certificate"]] as Outputs)
          : undefined;
      // Clients on the bound certificate in force are gated with that certificate; only another one needs a line.
      if (!notAfter || (bound && j["certificateSha256Fingerprint"] === bound["sha256Fingerprint"])) return [];
      return [
        { name, activeSlot: String(j["activeSlot"] ?? "?"), certificate: String(j["certificate"] ?? "?"), notAfter },
      ];
    }),
  };
  if (problems.length === 1) throw new OutputsError(`${source}: ${problems[0]}`);
  if (problems.length > 1)
    throw new OutputsError(`${source}: ${problems.length} problems:\n${problems.map((p) => ` - ${p}`).join("\n")}`);
  return model;
}

const isObject = (value: unknown): value is Outputs =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What a value is, for a message; strings are cut short and never more than a date's length is quoted. */
function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

function objectAt(outputs: Outputs, key: string, problems: string[], required: boolean): Outputs | undefined {
  const value = outputs[key];
  if (value === undefined || value === null) {
    if (required) problems.push(`${key}: is missing: these are not the outputs of a salesforce-certs inventory stack`);
    return undefined;
  }
  if (!isObject(value)) {
    problems.push(`${key}: must be an object (got ${describe(value)})`);
    return undefined;
  }
  return value;
}

function isoAt(entry: Outputs, key: string, at: string, problems: string[]): string | undefined {
  const value = entry[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && typeof parseTimestamp(value) !== "string") return value;
  problems.push(`${at}.${key}: must be an ISO 8601 time such as 2027-01-31T00:00:00.000Z (got ${describe(value)})`);
  return undefined;
}

function previousAt(c: Outputs, at: string, problems: string[]): ReportCertificate["previous"] | undefined {
  const previous = c["previousCertificate"];
  if (previous === undefined || previous === null) return undefined;
  if (!isObject(previous)) {
    problems.push(`${at}.previousCertificate: must be an object (got ${describe(previous)})`);
    return undefined;
  }
  const notAfter = isoAt(previous, "notAfter", `${at}.previousCertificate`, problems);
  const retainedUntil = isoAt(previous, "retainedUntil", `${at}.previousCertificate`, problems);
  if (!notAfter || !retainedUntil) return undefined;
  return { sha256Fingerprint: String(previous["sha256Fingerprint"] ?? ""), notAfter, retainedUntil };
}

function consumersAt(wiring: Outputs, name: string, problems: string[]): Consumer[] {
  const list = wiring[name];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    problems.push(`wiring.${name}: must be an array of {kind, name} (got ${describe(list)})`);
    return [];
  }
  return list.flatMap((consumer, i) => {
    if (
      isObject(consumer) &&
      (consumer["kind"] === "jwt" || consumer["kind"] === "saml") &&
      typeof consumer["name"] === "string"
    ) {
      return [{ kind: consumer["kind"], name: consumer["name"] }];
    }
    problems.push(`wiring.${name}[${i}]: must be {kind: "jwt" | "saml", name: string}`);
    return [];
  });
}

/** The model from an inventory alone: names, owners and wiring; no dates yet. */
export function modelFromInventory(inventory: Inventory, source: string): ReportModel {
  const consumers = (name: string): Consumer[] => [
    ...Object.entries(inventory.jwtIntegrations)
      .filter(([, j]) => j.certificate === name)
      .map(([n]) => ({ kind: "jwt" as const, name: n })),
    ...Object.entries(inventory.samlBindings)
      .filter(([, s]) => s.certificate === name)
      .map(([n]) => ({ kind: "saml" as const, name: n })),
  ];
  return {
    source,
    certificates: Object.entries(inventory.certificates).map(([name, c]) => ({
      name,
      label: c.label,
      ...(c.owner ? { owner: c.owner } : {}),
      consumers: consumers(name),
    })),
    samlPhases: [],
    jwtActiveSlots: [],
  };
}
