/**
 * @module What the report and the expiry gate read: each certificate with its validity, renewal point,
 * overlap and consumers, from a stack's outputs or, before any `up`, from the inventory alone.
 */
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
}

type Outputs = Record<string, unknown>;

/** The model from stack outputs (plain values, as `stack.outputs()` or `pulumi stack output --json` give them). */
export function modelFromOutputs(outputs: Outputs, source: string): ReportModel {
  const certificates = (outputs["certificates"] ?? {}) as Record<string, Record<string, unknown>>;
  const wiring = (outputs["wiring"] ?? {}) as Record<string, Consumer[]>;
  const bindings = (outputs["samlBindings"] ?? {}) as Record<string, Record<string, unknown>>;
  return {
    source,
    certificates: Object.entries(certificates).map(([name, c]) => {
      const previous = c["previousCertificate"] as ReportCertificate["previous"] | undefined;
      return {
        name,
        label: String(c["label"] ?? name),
        ...(typeof c["owner"] === "string" ? { owner: c["owner"] } : {}),
        ...(typeof c["notBefore"] === "string" ? { notBefore: c["notBefore"] } : {}),
        ...(typeof c["notAfter"] === "string" ? { notAfter: c["notAfter"] } : {}),
        ...(typeof c["nextRotation"] === "string" ? { nextRotation: c["nextRotation"] } : {}),
        ...(c["awaitingSignature"] === true ? { awaitingSignature: true } : {}),
        ...(previous ? { previous: { sha256Fingerprint: previous.sha256Fingerprint, notAfter: previous.notAfter, retainedUntil: previous.retainedUntil } } : {}),
        consumers: wiring[name] ?? [],
      };
    }),
    samlPhases: Object.entries(bindings)
      .filter(([, b]) => b["phase"] !== "stable")
      .map(([name, b]) => {
        const signing = ((b["publishedCertificates"] ?? []) as { role: string; notAfter: string }[]).find((c) => c.role === "signing");
        return { name, phase: String(b["phase"]), nextStep: String(b["nextStep"]), ...(signing ? { signingNotAfter: signing.notAfter } : {}) };
      }),
  };
}

/** The model from an inventory alone: names, owners and wiring; no dates yet. */
export function modelFromInventory(inventory: Inventory, source: string): ReportModel {
  const consumers = (name: string): Consumer[] => [
    ...Object.entries(inventory.jwtIntegrations).filter(([, j]) => j.certificate === name).map(([n]) => ({ kind: "jwt" as const, name: n })),
    ...Object.entries(inventory.samlBindings).filter(([, s]) => s.certificate === name).map(([n]) => ({ kind: "saml" as const, name: n })),
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
  };
}
