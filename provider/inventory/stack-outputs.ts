/**
 * @module The inventory program's stack outputs, one contract for both sides: the type, the function that
 * shapes them from the declared resources (the program), and the reader the commands use on the values
 * they get back (`up`, `report`, `check`, `export-sfdx`). Secrets (keys, keystores) are in their own
 * outputs, so the public ones stay readable.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CertificateAndKeyPair } from "../certificate/resource";
import type { JwtIntegration } from "../jwt-integration/resource";
import { parseTimestamp } from "../rotation/clock";
import type { SamlSpBinding } from "../saml-binding/resource";
import type { Inventory } from "./inventory-types";

/** Which integrations use a certificate. */
export interface Consumer {
  kind: "jwt" | "saml";
  name: string;
}

/** What each certificate publishes, after its label and owner, in this order. */
const certificateFields = [
  "caSigned",
  "awaitingSignature",
  "certificatePem",
  "sha256Fingerprint",
  "sha1Fingerprint",
  "notBefore",
  "notAfter",
  "nextRotation",
  "previousCertificate",
  "lastRotation",
  "salesforceFiles",
] as const satisfies readonly (keyof CertificateAndKeyPair)[];

/** What each JWT integration publishes, after its certificate and owner, in this order. */
const jwtIntegrationFields = [
  "appName",
  "consumerKey",
  "activeSlot",
  "phase",
  // Only while a new slot is published but unproven (absent otherwise): report and check name it.
  "publishedAt",
  "lastProofError",
  // From a slot's retire until the next publish (absent otherwise): report and check name a retire whose
  // proof is pending or cannot be made.
  "retiredSlot",
  "tokenEndpoint",
  "sfLoginJwtCommand",
  "certificateSha256Fingerprint",
  "certificateNotAfter",
  "salesforceFiles",
] as const satisfies readonly (keyof JwtIntegration)[];

/** What each SAML binding publishes, after the fields its inventory entry gives, in this order. */
const samlBindingFields = [
  "phase",
  "nextStep",
  "phaseEndsAt",
  "signingSha256Fingerprint",
  "publishedCertificates",
  "metadataDiscoveryUrl",
  "idpMetadataXml",
  "handoffText",
  "salesforceFiles",
] as const satisfies readonly (keyof SamlSpBinding)[];

/** The resource's outputs `F`: Pulumi outputs when `Declared`, else the plain values a stack gives back. */
type Published<R, F extends keyof R, Declared extends boolean> = {
  [K in F]: Declared extends true ? R[K] : pulumi.Unwrap<R[K]>;
};

/** One certificate in the `certificates` output. */
export type CertificateOutputs<Declared extends boolean = false> = {
  label: Declared extends true ? pulumi.Output<string> : string;
  owner: string | null;
} & Published<CertificateAndKeyPair, (typeof certificateFields)[number], Declared>;

/** One JWT integration in the `jwtIntegrations` output. */
export type JwtIntegrationOutputs<Declared extends boolean = false> = {
  certificate: string;
  owner: string | null;
} & Published<JwtIntegration, (typeof jwtIntegrationFields)[number], Declared>;

/** One SAML binding in the `samlBindings` output. */
export type SamlBindingOutputs<Declared extends boolean = false> = {
  certificate: string;
  owner: string | null;
  partnerContact: string | null;
  spEntityId: string;
} & Published<SamlSpBinding, (typeof samlBindingFields)[number], Declared>;

/** One certificate's keystores in the secret `keystores` output; empty without a keystore password. */
export interface KeystoreOutputs {
  jksBase64?: string | undefined;
  pkcs12Base64?: string | undefined;
}

/**
 * The stack outputs of the inventory program, each section in the inventory's order. `Declared`: as the
 * program returns them (Pulumi outputs inside); else as a stack gives them back.
 */
export type InventoryStackOutputs<Declared extends boolean = false> = {
  /** The inventory file the stack was made from. */
  inventory: string;
  certificates: Record<string, CertificateOutputs<Declared>>;
  jwtIntegrations: Record<string, JwtIntegrationOutputs<Declared>>;
  samlBindings: Record<string, SamlBindingOutputs<Declared>>;
  /** Secret: each JWT integration's private key (PKCS #8 PEM). */
  jwtLoginKeys: Declared extends true
    ? pulumi.Output<Record<string, string | undefined>>
    : Record<string, string | undefined>;
  /** Secret: each certificate's keystores. */
  keystores: Declared extends true ? pulumi.Output<Record<string, KeystoreOutputs>> : Record<string, KeystoreOutputs>;
  /** Certificate → the integrations that use it. */
  wiring: Record<string, Consumer[]>;
};

/** A JWT integration's retire not proven yet, as {@link StackOutputsReader.retireNotProven} reads it. */
export interface JwtRetireRecord {
  /** The retired slot and the certificate it held (upper-case colon hex). */
  slot: string;
  sha256Fingerprint: string;
  retiredAt: string;
  proof: "pending" | "unprovable";
  /** Pending: the last try's answer (the org accepted the old key, or could not be reached). */
  lastProofError?: string;
  /** Unprovable: why this stack cannot try the old key. */
  unprovable?: string;
}

/** The resources the program declared for an inventory, by inventory name. */
export interface DeclaredInventory {
  certificates: Record<string, CertificateAndKeyPair>;
  jwtIntegrations: Record<string, JwtIntegration>;
  samlBindings: Record<string, SamlSpBinding>;
  wiring: Record<string, Consumer[]>;
}

/** `record`'s values picked by `pick`, in `order`'s key order (the inventory's, whatever order they were declared in). */
function each<T, R>(
  record: Record<string, T>,
  pick: (value: T, name: string) => R,
  order: Record<string, unknown> = record,
): Record<string, R> {
  return Object.fromEntries(Object.keys(order).map((name) => [name, pick(record[name]!, name)]));
}

/** `resource`'s outputs named in `fields`, in that order. */
function published<R, F extends keyof R>(resource: R, fields: readonly F[]): Pick<R, F> {
  return Object.fromEntries(fields.map((field) => [field, resource[field]])) as Pick<R, F>;
}

/** The stack outputs of `declared`, the resources of `inventory`. */
export function inventoryStackOutputs(inventory: Inventory, declared: DeclaredInventory): InventoryStackOutputs<true> {
  const { certificates, jwtIntegrations, samlBindings, wiring } = declared;
  return {
    inventory: inventory.file,
    certificates: each(
      certificates,
      (c, name) => ({
        label: c.label,
        owner: inventory.certificates[name]!.owner ?? null,
        ...published(c, certificateFields),
      }),
      inventory.certificates,
    ),
    jwtIntegrations: each(
      jwtIntegrations,
      (j, name) => ({
        certificate: inventory.jwtIntegrations[name]!.certificate,
        owner: inventory.jwtIntegrations[name]!.owner ?? null,
        ...published(j, jwtIntegrationFields),
      }),
      inventory.jwtIntegrations,
    ),
    samlBindings: each(samlBindings, (b, name) => ({
      certificate: inventory.samlBindings[name]!.certificate,
      owner: inventory.samlBindings[name]!.owner ?? null,
      partnerContact: inventory.samlBindings[name]!.partnerContact ?? null,
      spEntityId: inventory.samlBindings[name]!.spEntityId,
      ...published(b, samlBindingFields),
    })),
    jwtLoginKeys: pulumi.secret(each(jwtIntegrations, (j) => j.privateKeyPem, inventory.jwtIntegrations)),
    keystores: pulumi.secret(
      each(certificates, (c) => ({ jksBase64: c.jksBase64, pkcs12Base64: c.pkcs12Base64 }), inventory.certificates),
    ),
    wiring,
  };
}

/**
 * Stack outputs as a command gets them back: from the stack, or from a file a user gives, so each section
 * may be missing or of another shape; the reader below checks what it uses.
 */
export type StackOutputValues = { [K in keyof InventoryStackOutputs]?: unknown } & Record<string, unknown>;

/** An object that is not an array or null: an output section or entry. */
export const isOutputObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** True when `outputs` hold what every stack of the inventory program has: a `certificates` object. */
export function hasInventoryOutputs(outputs: StackOutputValues): boolean {
  return isOutputObject(outputs.certificates);
}

/** What a value is, for a message; strings are cut short and never more than a date's length is quoted. */
export function describeOutput(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/**
 * Reads the sections of stack outputs, collecting each problem as `<path>: <rule>` in {@link problems}
 * rather than stopping at the first, so that one message can name them all.
 */
export class StackOutputsReader {
  /** Every problem found so far, as `<path>: <rule>`. */
  readonly problems: string[] = [];

  constructor(readonly outputs: StackOutputValues) {}

  /** Section `key` as an object of entries; absent (a problem when `required`) or not an object: undefined. */
  section(key: keyof InventoryStackOutputs, required: boolean): Record<string, unknown> | undefined {
    const value = this.outputs[key];
    if (value === undefined || value === null) {
      if (required)
        this.problems.push(`${key}: is missing: these are not the outputs of a salesforce-certs inventory stack`);
      return undefined;
    }
    if (!isOutputObject(value)) {
      this.problems.push(`${key}: must be an object (got ${describeOutput(value)})`);
      return undefined;
    }
    return value;
  }

  /** `entry[key]` as an ISO 8601 time; absent: undefined; anything else is a problem at `at.key`. */
  time(entry: Record<string, unknown>, key: string, at: string): string | undefined {
    const value = entry[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string" && typeof parseTimestamp(value) !== "string") return value;
    const problem = `${at}.${key}: must be an ISO 8601 time such as 2027-01-31T00:00:00.000Z (got ${describeOutput(value)})`;
    // One field may be read for two findings: named once.
    if (!this.problems.includes(problem)) this.problems.push(problem);
    return undefined;
  }

  /** A certificate's `previousCertificate` with both its dates, or undefined. */
  previousCertificate(
    certificate: Record<string, unknown>,
    at: string,
  ): { sha256Fingerprint: string; notAfter: string; retainedUntil: string } | undefined {
    const previous = certificate["previousCertificate"];
    if (previous === undefined || previous === null) return undefined;
    if (!isOutputObject(previous)) {
      this.problems.push(`${at}.previousCertificate: must be an object (got ${describeOutput(previous)})`);
      return undefined;
    }
    const notAfter = this.time(previous, "notAfter", `${at}.previousCertificate`);
    const retainedUntil = this.time(previous, "retainedUntil", `${at}.previousCertificate`);
    if (!notAfter || !retainedUntil) return undefined;
    return { sha256Fingerprint: String(previous["sha256Fingerprint"] ?? ""), notAfter, retainedUntil };
  }

  /**
   * A JWT integration's new slot that is published but unproven (phase `publishing`): since when, why its
   * last proof failed, and the slot clients are on with its certificate's expiry; undefined in any other phase.
   */
  unprovenSlot(
    integration: Record<string, unknown>,
    at: string,
  ): { activeSlot: string; activeNotAfter?: string; publishedAt?: string; lastProofError?: string } | undefined {
    if (integration["phase"] !== "publishing") return undefined;
    const publishedAt = this.time(integration, "publishedAt", at);
    const activeNotAfter = this.time(integration, "certificateNotAfter", at);
    const error = integration["lastProofError"];
    if (error !== undefined && error !== null && typeof error !== "string")
      this.problems.push(`${at}.lastProofError: must be a string (got ${describeOutput(error)})`);
    return {
      activeSlot: String(integration["activeSlot"] ?? "?"),
      ...(activeNotAfter ? { activeNotAfter } : {}),
      ...(publishedAt ? { publishedAt } : {}),
      ...(typeof error === "string" && error !== "" ? { lastProofError: error } : {}),
    };
  }

  /**
   * A JWT integration's retired slot whose retire is not proven (proof `pending` or `unprovable`): the
   * slot, the certificate it held, since when, and the last try's answer or why it cannot be tried;
   * undefined when no retire is recorded or it is proven. A record of another shape is a problem, never
   * skipped: a pending retire read as none would be a false all-clear.
   */
  retireNotProven(integration: Record<string, unknown>, at: string): JwtRetireRecord | undefined {
    const record = integration["retiredSlot"];
    if (record === undefined || record === null) return undefined;
    const where = `${at}.retiredSlot`;
    if (!isOutputObject(record)) {
      this.problems.push(`${where}: must be an object (got ${describeOutput(record)})`);
      return undefined;
    }
    const proof = record["proof"];
    if (proof !== "pending" && proof !== "unprovable" && proof !== "proven") {
      this.problems.push(`${where}.proof: must be "pending", "unprovable" or "proven" (got ${describeOutput(proof)})`);
      return undefined;
    }
    if (proof === "proven") return undefined;
    const text = (key: string, required: boolean): string | undefined => {
      const value = record[key];
      if (typeof value === "string" && value !== "") return value;
      const missing = value === undefined || value === null;
      if (!required && (missing || value === "")) return undefined;
      const rule = required ? "a non-empty string" : "a string";
      this.problems.push(
        `${where}.${key}: ${missing ? "is missing" : `must be ${rule} (got ${describeOutput(value)})`}`,
      );
      return undefined;
    };
    const slot = text("slot", true);
    const sha256Fingerprint = text("sha256Fingerprint", true);
    const retiredAt = this.time(record, "retiredAt", where);
    if (record["retiredAt"] === undefined || record["retiredAt"] === null)
      this.problems.push(`${where}.retiredAt: is missing: a retire not proven yet says since when`);
    const lastProofError = text("lastProofError", false);
    const unprovable = text("unprovable", false);
    if (!slot || !sha256Fingerprint || !retiredAt) return undefined;
    return {
      slot,
      sha256Fingerprint,
      retiredAt,
      proof,
      ...(lastProofError ? { lastProofError } : {}),
      ...(unprovable ? { unprovable } : {}),
    };
  }

  /** The consumers `wiring` lists for certificate `name`; entries of another shape are problems. */
  consumers(wiring: Record<string, unknown>, name: string): Consumer[] {
    const list = wiring[name];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      this.problems.push(`wiring.${name}: must be an array of {kind, name} (got ${describeOutput(list)})`);
      return [];
    }
    return list.flatMap((consumer, i) => {
      if (
        isOutputObject(consumer) &&
        (consumer["kind"] === "jwt" || consumer["kind"] === "saml") &&
        typeof consumer["name"] === "string"
      ) {
        return [{ kind: consumer["kind"], name: consumer["name"] }];
      }
      this.problems.push(`wiring.${name}[${i}]: must be {kind: "jwt" | "saml", name: string}`);
      return [];
    });
  }

  /**
   * `[owner, salesforceFiles]` of every certificate, JWT integration and SAML binding, the owner as
   * `<section>.<name>`. Only the sections' shape is a problem here: the files' content is not read.
   */
  salesforceFileSources(): [string, Record<string, unknown>][] {
    if (!isOutputObject(this.outputs.certificates))
      this.problems.push(
        "certificates: is missing or not an object: these are not the outputs of a salesforce-certs inventory stack",
      );
    const sources: [string, Record<string, unknown>][] = [];
    for (const section of ["certificates", "jwtIntegrations", "samlBindings"] as const) {
      const entries = this.outputs[section] ?? {};
      if (!isOutputObject(entries)) {
        this.problems.push(`${section}: must be an object`);
        continue;
      }
      for (const [name, entry] of Object.entries(entries)) {
        const files = isOutputObject(entry) ? entry["salesforceFiles"] : undefined;
        if (files === undefined || files === null) continue;
        if (!isOutputObject(files))
          this.problems.push(`${section}.${name}.salesforceFiles: must be an object of path → content`);
        else sources.push([`${section}.${name}`, files]);
      }
    }
    return sources;
  }

  /** The kinds of consumers (`jwt`, `saml`) the wiring names for `certificate`, as given; none when unreadable. */
  consumerKinds(certificate: string): unknown[] {
    const wiring = this.outputs.wiring;
    const consumers =
      typeof wiring === "object" && wiring !== null ? (wiring as Record<string, unknown>)[certificate] : undefined;
    return Array.isArray(consumers) ? consumers.map((c) => (c as { kind?: unknown }).kind) : [];
  }

  /**
   * True when the outputs show that `certificate` has no keystore: its entry in `keystores` holds no
   * `jksBase64`. Outputs that do not show the secrets (`"[secret]"`, as pulumi stack output prints them
   * without --show-secrets) or have no `keystores` say nothing either way.
   */
  keystoreMissing(certificate: string): boolean {
    const keystores = this.outputs.keystores;
    if (!isOutputObject(keystores) || !Object.hasOwn(keystores, certificate) || !isOutputObject(keystores[certificate]))
      return false;
    const jks = keystores[certificate]["jksBase64"];
    return typeof jks !== "string" || jks === "";
  }
}
