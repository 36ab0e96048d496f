/**
 * @module The rotation decision, made from the wall clock and the stored state alone (no refresh needed):
 * whether a certificate rotates now and why, whether the previous one's overlap has ended, and when the
 * next rotation falls. Pure: the clock is a parameter.
 */
import { describePolicy, renewalPoint, type RenewalPolicy } from "./renewal-policy";

/** Why a certificate rotates. */
export type RotationReason =
  | { kind: "expired"; since: string }
  | { kind: "window"; since: string }
  | { kind: "trigger"; from: string | undefined; to: string | undefined }
  | { kind: "changed"; fields: string[] };

/** What the planner needs to know of the stored state. */
export interface RotationState {
  /** Validity of the certificate in force; absent while a CA-signed certificate awaits its first chain. */
  current?: { notBefore: string; notAfter: string };
  /** The previous certificate, while its overlap lasts. */
  previous?: { sha256Fingerprint: string; retainedUntil: string };
  /** A key whose CSR awaits a CA signature (CA-signed certificates only). */
  pending?: { since: string };
}

/** The settings that drive rotation, old and new. */
export interface RotationSettings {
  renewal: RenewalPolicy;
  rotationTrigger?: string | undefined;
  /** Fields whose change needs a new key: key size, subject, CA-signed, exportability. */
  keyFields: Record<string, unknown>;
}

/** The decision for one certificate at one moment. */
export interface RotationPlan {
  /** Set when the certificate rotates now (a new key pair; for CA-signed, a new CSR). */
  rotate?: RotationReason;
  /** True when the previous certificate's overlap has ended and it is dropped now. */
  dropPrevious: boolean;
  /** When the certificate in force is next due (ISO 8601), under the new policy. */
  nextRotation?: string;
}

/** Decides what happens to a certificate at `now`, going from `olds` settings to `news`. */
export function planRotation(
  state: RotationState,
  olds: RotationSettings,
  news: RotationSettings,
  now: Date,
): RotationPlan {
  const plan: RotationPlan = {
    dropPrevious: state.previous !== undefined && now.getTime() >= Date.parse(state.previous.retainedUntil),
  };
  const changed = Object.keys(news.keyFields).filter(
    (field) => JSON.stringify(olds.keyFields[field]) !== JSON.stringify(news.keyFields[field]),
  );
  if (state.current) {
    const notBefore = new Date(state.current.notBefore);
    const notAfter = new Date(state.current.notAfter);
    const due = renewalPoint(notBefore, notAfter, news.renewal);
    plan.nextRotation = due.toISOString();
    if (now.getTime() >= notAfter.getTime()) plan.rotate = { kind: "expired", since: notAfter.toISOString() };
    else if (now.getTime() >= due.getTime()) plan.rotate = { kind: "window", since: due.toISOString() };
  }
  if (olds.rotationTrigger !== news.rotationTrigger)
    plan.rotate = { kind: "trigger", from: olds.rotationTrigger, to: news.rotationTrigger };
  if (changed.length > 0) plan.rotate = { kind: "changed", fields: changed };
  // A CA-signed rotation already asked for a signature: keep that CSR instead of asking again, unless
  // the key itself must change (trigger, key size, subject).
  if (state.pending && (plan.rotate?.kind === "window" || plan.rotate?.kind === "expired")) delete plan.rotate;
  return plan;
}

/** The reason in words, as preview and the `lastRotation` output show it. */
export function describeReason(reason: RotationReason): string {
  switch (reason.kind) {
    case "expired":
      return `expired on ${reason.since}`;
    case "window":
      return `inside its renewal window since ${reason.since}`;
    case "trigger":
      return `rotationTrigger changed from ${JSON.stringify(reason.from ?? null)} to ${JSON.stringify(reason.to ?? null)}`;
    case "changed":
      return `${reason.fields.join(", ")} changed`;
  }
}

/** One line for `pulumi preview` about one certificate: what happens now, and what happens next. */
export function describePlan(
  name: string,
  plan: RotationPlan,
  policy: RenewalPolicy,
  state: RotationState,
  caSigned: boolean,
  overlapDays?: number,
): string {
  const parts: string[] = [];
  if (plan.rotate) {
    // Kept through this update in any case, so that bound integrations take over its key (see retire()).
    const kept =
      plan.rotate.kind === "expired"
        ? "the expired one is kept as previous only until the next run"
        : overlapDays === 0
          ? "the current one is kept as previous only until the next run (overlapDays is 0)"
          : "the current one stays published as previous for the overlap";
    parts.push(
      caSigned
        ? `rotates now (${describeReason(plan.rotate)}): a new key and CSR; a CA signature is needed (give signedChainPem), the current chain stays in force until then`
        : `rotates now (${describeReason(plan.rotate)}): a new key pair and certificate; ${kept}`,
    );
  } else if (state.pending) {
    parts.push(`awaits a CA signature of the CSR made ${state.pending.since} (give signedChainPem)`);
  } else if (plan.nextRotation) {
    parts.push(`no rotation; next rotation ${plan.nextRotation} (${describePolicy(policy)})`);
  }
  if (plan.dropPrevious && state.previous) {
    parts.push(
      `previous certificate ${state.previous.sha256Fingerprint.slice(0, 23)}… dropped: its overlap ended ${state.previous.retainedUntil}`,
    );
  }
  return `CertificateAndKeyPair ${name}: ${parts.join("; ")}`;
}
