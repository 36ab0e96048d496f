/**
 * @module What the report and the expiry gate read: each certificate with its validity, renewal point,
 * overlap and consumers, from a stack's outputs or, before any `up`, from the inventory alone.
 */
import { OutputsError } from "../errors";
import type { Inventory } from "../inventory/inventory-types";
import {
  type Consumer,
  describeOutput as describe,
  isOutputObject as isObject,
  type JwtRetireRecord,
  type StackOutputValues,
  StackOutputsReader,
} from "../inventory/stack-outputs";

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
  /**
   * JWT integrations whose new slot is published but not proven by a login yet (the org's login servers
   * lag behind its metadata, or the app is wrong): never silent, see rotation/jwt-slots.ts.
   */
  jwtUnproven: JwtUnprovenSlot[];
  /**
   * JWT integrations whose retired slot is not proven to refuse its old key yet (the org's login servers
   * lag behind its metadata), or cannot be (this stack keeps no copy of that key): never silent, see
   * jwt-integration/lifecycle.ts RetiredSlot. A proven retire needs no line.
   */
  jwtRetires: JwtRetireNotProven[];
}

/** A JWT integration's retire not proven yet, as stack outputs give it. */
export interface JwtRetireNotProven extends JwtRetireRecord {
  name: string;
}

/** A JWT integration's unproven slot, as stack outputs give it. */
export interface JwtUnprovenSlot {
  name: string;
  /** The slot clients are on, and until when its certificate is valid. */
  activeSlot: string;
  activeNotAfter?: string;
  /** Since when the new slot is published. */
  publishedAt?: string;
  lastProofError?: string;
}

/**
 * The model from stack outputs (plain values, as `stack.outputs()` or `pulumi stack output --json` give them).
 * Outputs that would make the report or the gate say less than the truth are refused: no `certificates`
 * object, a date that is not an ISO 8601 time, a certificate in force without `notAfter`, or wiring and
 * bindings of the wrong shape. (An empty `certificates` is a true, empty report; the gate refuses it.)
 * @throws OutputsError `ERR_OUTPUTS` naming each problem as `<path>: <rule>` after the source.
 */
export function modelFromOutputs(outputs: StackOutputValues, source: string): ReportModel {
  const read = new StackOutputsReader(outputs);
  const problems = read.problems;
  const certificates = read.section("certificates", true);
  const wiring = read.section("wiring", false) ?? {};
  const bindings = read.section("samlBindings", false) ?? {};
  const integrations = read.section("jwtIntegrations", false) ?? {};
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
        notBefore: read.time(c, "notBefore", at),
        notAfter: read.time(c, "notAfter", at),
        nextRotation: read.time(c, "nextRotation", at),
      };
      const awaitingSignature = c["awaitingSignature"] === true;
      if (c["notAfter"] == null && !awaitingSignature) {
        problems.push(
          `${at}.notAfter: is missing; only a CA-signed certificate awaiting its first chain (awaitingSignature: true) has no expiry date`,
        );
      }
      const previous = read.previousCertificate(c, at);
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
          consumers: read.consumers(wiring, name),
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
          ? read.time(published[index] as Record<string, unknown>, "notAfter", `${at}.publishedCertificates[${index}]`)
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
      const notAfter = read.time(j, "certificateNotAfter", at);
      const bound =
        typeof j["certificate"] === "string" && isObject(certificates?.[j["certificate"]])
          ? (certificates![j["certificate"]] as Record<string, unknown>)
          : undefined;
      // Clients on the bound certificate in force are gated with that certificate; only another one needs a line.
      if (!notAfter || (bound && j["certificateSha256Fingerprint"] === bound["sha256Fingerprint"])) return [];
      return [
        { name, activeSlot: String(j["activeSlot"] ?? "?"), certificate: String(j["certificate"] ?? "?"), notAfter },
      ];
    }),
    jwtUnproven: Object.entries(integrations).flatMap(([name, j]) => {
      const slot = isObject(j) ? read.unprovenSlot(j, `jwtIntegrations.${name}`) : undefined;
      return slot ? [{ name, ...slot }] : [];
    }),
    jwtRetires: Object.entries(integrations).flatMap(([name, j]) => {
      const retire = isObject(j) ? read.retireNotProven(j, `jwtIntegrations.${name}`) : undefined;
      return retire ? [{ name, ...retire }] : [];
    }),
  };
  if (problems.length === 1) throw new OutputsError(`${source}: ${problems[0]}`);
  if (problems.length > 1)
    throw new OutputsError(`${source}: ${problems.length} problems:\n${problems.map((p) => ` - ${p}`).join("\n")}`);
  return model;
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
    jwtUnproven: [],
    jwtRetires: [],
  };
}
