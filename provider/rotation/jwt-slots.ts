/**
 * @module Rotating the single certificate of a JWT integration without an outage, with two app slots.
 *
 * A Salesforce app (External Client App or Connected App) holds one JWT certificate. With two slots,
 * each its own app and consumer key, a new certificate goes to the idle slot first ("publishing");
 * clients keep the active slot until a JWT login with the idle slot's key succeeds, then switch
 * ("switched"); the old slot keeps its certificate for the overlap, so clients that have not yet read the
 * new credential still log in, and is then retired (its certificate removed: "stable").
 * In place, the one slot takes the new certificate at once: clients holding the new key fail until the
 * metadata is deployed and Salesforce has propagated it (minutes).
 */

export type SlotName = "A" | "B";
export type RotationStrategy = "twoSlots" | "inPlace";
export type SlotPhase = "stable" | "publishing" | "switched";

/** The credential of one slot; a slot without a certificate cannot log in (JWT disabled). */
export interface Slot {
  appName: string;
  consumerKey: string;
  certificatePem?: string;
  sha256Fingerprint?: string;
  notAfter?: string;
  /** Secret. */
  privateKeyPem?: string;
}

/** The slots of an integration and where its rotation stands. */
export interface SlotsState {
  strategy: RotationStrategy;
  active: SlotName;
  slots: Partial<Record<SlotName, Slot>>;
  phase: SlotPhase;
  /** When the old slot is retired (phase "switched"). */
  retireAt?: string;
}

/**
 * The certificate bound now, by its facts: a slot that takes it is known by its fingerprint (its PEM and
 * key stay with the certificate, see `storedSlots` in jwt-integration/lifecycle.ts).
 */
export interface BoundCredential {
  sha256Fingerprint: string;
  notAfter: string;
  certificatePem?: string;
  privateKeyPem?: string;
}

/** The next step. */
export type SlotStep =
  | { kind: "none" }
  | { kind: "replaceInPlace" }
  | { kind: "publish"; to: SlotName }
  | { kind: "awaitLogin"; slot: SlotName; failure: string }
  | { kind: "awaitOverlap"; slot: SlotName; until: string }
  | { kind: "switch"; to: SlotName }
  | { kind: "retire"; slot: SlotName };

/** The slot that is not active. */
export function idleSlot(active: SlotName): SlotName {
  return active === "A" ? "B" : "A";
}

/**
 * Decides the next step at `now`. `probeLogin` says whether the idle slot logs in (asked only while
 * publishing); it returns undefined on success, else the failure.
 */
export async function planSlots(
  state: SlotsState,
  bound: BoundCredential,
  now: Date,
  probeLogin: (slot: SlotName) => Promise<string | undefined>,
): Promise<SlotStep> {
  const active = state.slots[state.active];
  if (state.strategy === "inPlace") {
    return active?.sha256Fingerprint === bound.sha256Fingerprint ? { kind: "none" } : { kind: "replaceInPlace" };
  }
  const idle = idleSlot(state.active);
  if (active?.sha256Fingerprint === bound.sha256Fingerprint) {
    if (state.phase === "switched" && state.retireAt && now.getTime() >= Date.parse(state.retireAt))
      return { kind: "retire", slot: idle };
    return { kind: "none" };
  }
  // Rotated again during an overlap: the idle slot still serves clients that hold the previous key.
  if (state.phase === "switched" && state.retireAt && now.getTime() < Date.parse(state.retireAt))
    return { kind: "awaitOverlap", slot: idle, until: state.retireAt };
  if (state.phase !== "publishing" || state.slots[idle]?.sha256Fingerprint !== bound.sha256Fingerprint)
    return { kind: "publish", to: idle };
  const failure = await probeLogin(idle);
  return failure === undefined ? { kind: "switch", to: idle } : { kind: "awaitLogin", slot: idle, failure };
}

/** Carries out a step; `overlapDays` is how long the old slot keeps its certificate after a switch. */
export function applySlotStep(
  state: SlotsState,
  step: SlotStep,
  bound: BoundCredential,
  now: Date,
  overlapDays: number,
): SlotsState {
  const next: SlotsState = { ...state, slots: { ...state.slots } };
  const withCredential = (slot: Slot): Slot => {
    const { appName, consumerKey } = slot;
    const next: Slot = { appName, consumerKey, sha256Fingerprint: bound.sha256Fingerprint, notAfter: bound.notAfter };
    if (bound.certificatePem) next.certificatePem = bound.certificatePem;
    if (bound.privateKeyPem) next.privateKeyPem = bound.privateKeyPem;
    return next;
  };
  switch (step.kind) {
    case "none":
    case "awaitLogin":
    case "awaitOverlap":
      return next;
    case "replaceInPlace":
      next.slots[state.active] = withCredential(state.slots[state.active]!);
      return next;
    case "publish":
      next.slots[step.to] = withCredential(state.slots[step.to]!);
      next.phase = "publishing";
      delete next.retireAt;
      return next;
    case "switch":
      next.active = step.to;
      next.phase = "switched";
      next.retireAt = new Date(now.getTime() + overlapDays * 86_400_000).toISOString();
      return next;
    case "retire": {
      const { appName, consumerKey } = state.slots[step.slot]!;
      next.slots[step.slot] = { appName, consumerKey };
      next.phase = "stable";
      delete next.retireAt;
      return next;
    }
  }
}

/**
 * The step in words, for `pulumi preview`. What to do next depends on `mode`: in artefact mode a person
 * deploys `salesforceFiles` and runs `up` again; in org mode `up` deploys the app itself and requests a
 * token with it in the same run, so only the org's delay in applying an app is left to wait for.
 */
export function describeSlotStep(
  apiName: string,
  state: SlotsState,
  step: SlotStep,
  mode: "artefact" | "org" = "artefact",
): string {
  const name = `JwtIntegration ${apiName}`;
  const active = state.slots[state.active]!;
  const org = mode === "org";
  switch (step.kind) {
    case "none":
      return state.phase === "switched"
        ? `${name}: clients on slot ${state.active} (${active.appName}); slot ${idleSlot(state.active)} keeps the previous certificate until ${state.retireAt}`
        : `${name}: clients on slot ${state.active} (${active.appName}, certificate ${active.sha256Fingerprint?.slice(0, 23)}…, notAfter ${active.notAfter})`;
    case "replaceInPlace":
      return `${name}: replaces the certificate of ${active.appName} in place; clients holding the new key cannot log in until ${org ? "the org has applied the deployed app" : "salesforceFiles is deployed and Salesforce has propagated it"} (minutes)`;
    case "publish":
      return `${name}: publishes the new certificate to slot ${step.to} (${state.slots[step.to]!.appName}); clients stay on slot ${state.active} until a login with slot ${step.to} succeeds: ${org ? "this up deploys the slot's app and requests a token with it" : "deploy salesforceFiles, then run up again"}`;
    case "awaitLogin":
      return `${name}: slot ${step.slot} does not log in yet (${step.failure}); clients stay on slot ${state.active}: ${org ? "the org may take a few minutes to apply the app; run up again later" : "deploy salesforceFiles, then run up again"}`;
    case "awaitOverlap":
      return `${name}: the certificate rotated again; the new one goes to slot ${step.slot} when that slot's overlap ends (${step.until}), since clients may still log in with it; clients stay on slot ${state.active}`;
    case "switch":
      return `${name}: slot ${step.to} logs in: switches clients to slot ${step.to}; slot ${state.active} keeps the previous certificate for the overlap`;
    case "retire":
      return `${name}: retires slot ${step.slot}: its certificate is removed (overlap ended ${state.retireAt})`;
  }
}
