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
 *
 * Salesforce takes 2 to 10 minutes (practitioners report up to 30 for a new External Client App) before an
 * app change reaches its login servers, so a published slot usually fails its first proof: the slot stays
 * "publishing", recording since when (`publishedAt`) and its last proof error, and is never silent (the
 * words below name the slot clients are on, its certificate's expiry, how long the new slot has been
 * unproven and why). An operator who knows the slot works may switch without the proof (`switchUnproven`).
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
  /** Phase "publishing": when the idle slot was published (absent otherwise). */
  publishedAt?: string;
  /** Phase "publishing": why the last proof of the idle slot failed, once one has. */
  lastProofError?: string;
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
  | { kind: "switch"; to: SlotName; unproven?: string }
  | { kind: "retire"; slot: SlotName };

/** The slot that is not active. */
export function idleSlot(active: SlotName): SlotName {
  return active === "A" ? "B" : "A";
}

/**
 * Decides the next step at `now`. `probeLogin` says whether the idle slot logs in (asked only while
 * publishing); it returns undefined on success, else the failure. With `switchUnproven` a failed proof
 * switches all the same (the operator's override: the step carries the failure as `unproven`).
 */
export async function planSlots(
  state: SlotsState,
  bound: BoundCredential,
  now: Date,
  probeLogin: (slot: SlotName) => Promise<string | undefined>,
  options: { switchUnproven?: boolean } = {},
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
  if (failure === undefined) return { kind: "switch", to: idle };
  return options.switchUnproven
    ? { kind: "switch", to: idle, unproven: failure }
    : { kind: "awaitLogin", slot: idle, failure };
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
    case "awaitOverlap":
      return next;
    case "awaitLogin":
      next.lastProofError = step.failure;
      return next;
    case "replaceInPlace":
      next.slots[state.active] = withCredential(state.slots[state.active]!);
      return next;
    case "publish":
      next.slots[step.to] = withCredential(state.slots[step.to]!);
      next.phase = "publishing";
      delete next.retireAt;
      next.publishedAt = now.toISOString();
      delete next.lastProofError;
      return next;
    case "switch":
      next.active = step.to;
      next.phase = "switched";
      delete next.publishedAt;
      delete next.lastProofError;
      next.retireAt = new Date(now.getTime() + overlapDays * 86_400_000).toISOString();
      return next;
    case "retire": {
      const { appName, consumerKey } = state.slots[step.slot]!;
      next.slots[step.slot] = { appName, consumerKey };
      next.phase = "stable";
      delete next.retireAt;
      delete next.publishedAt;
      delete next.lastProofError;
      return next;
    }
  }
}

/** The environment variable naming the integrations whose unproven slot may switch without the proof. */
export const switchUnprovenVariable = "SALESFORCE_CERTS_SWITCH_UNPROVEN";

/** `ms` in words, to the minute: `45 s`, `7 min`, `2 h 5 min`, `3 d 4 h`. */
export function describeDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return `${Math.floor(Math.max(0, ms) / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ""}`;
}

/** Where clients are: slot, app and its certificate's expiry, with a warning when it has passed at `now`. */
export function describeActiveSlot(state: SlotsState, now: Date | undefined): string {
  const active = state.slots[state.active]!;
  const notAfter = active.notAfter;
  const expired = notAfter !== undefined && now !== undefined && Date.parse(notAfter) <= now.getTime();
  return `clients stay on slot ${state.active} (${active.appName}, its certificate expires ${notAfter ?? "(none)"}${expired ? "; WARNING: that certificate has already expired, so clients cannot log in until the new slot is switched to" : ""})`;
}

/**
 * True when a proof failed because the org blocks the app: `OAUTH_APP_BLOCKED`, the code practitioners
 * report for an app an admin blocked (https://github.com/n8n-io/n8n/issues/21589). Salesforce documents
 * no answer for a disabled External Client App plug-in; only the advice depends on this, never a decision:
 * any other refusal keeps the propagation advice, and the error is shown as the org gave it.
 */
function appBlocked(failure: string | undefined): boolean {
  return failure !== undefined && /^OAUTH_APP_BLOCKED(:|$)/.test(failure);
}

/** How long the idle slot has been unproven at `now`, and why (absent parts left out). */
function unprovenFor(state: SlotsState, now: Date | undefined, failure: string | undefined): string {
  const since =
    state.publishedAt && now ? ` for ${describeDuration(now.getTime() - Date.parse(state.publishedAt))}` : "";
  const error = failure ?? state.lastProofError;
  return `unproven${since}${error ? ` (last error: ${error})` : ""}`;
}

/**
 * The step in words, for `pulumi preview`. What to do next depends on `mode`: in artefact mode a person
 * deploys `salesforceFiles` and runs `up` again; in org mode `up` deploys the app itself and requests a
 * token with it in the same run, so only the org's delay in applying an app is left to wait for. `now`
 * gives how long a slot has been unproven and whether the active certificate has expired.
 */
export function describeSlotStep(
  apiName: string,
  state: SlotsState,
  step: SlotStep,
  mode: "artefact" | "org" = "artefact",
  now?: Date,
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
    case "awaitLogin": {
      const appName = state.slots[step.slot]!.appName;
      const next = !org
        ? "deploy salesforceFiles, then run pulumi up again"
        : appBlocked(step.failure ?? state.lastProofError)
          ? `the org blocks ${appName}: an admin blocked it or turned off its plug-ins or its OAuth plug-in (Setup, External Client App Manager, its policies); enable them, then run pulumi up again`
          : "Salesforce takes 2 to 10 minutes to apply an app change at its login servers (up to 30 reported for a new External Client App): run pulumi up again after that";
      return `${name}: slot ${step.slot} (${appName}) does not log in yet: ${unprovenFor(state, now, step.failure)}; ${describeActiveSlot(state, now)}: ${next}; or, if you know slot ${step.slot} works, switch without the proof: ${switchUnprovenVariable}=${apiName} pulumi up`;
    }
    case "awaitOverlap":
      return `${name}: the certificate rotated again; the new one goes to slot ${step.slot} when that slot's overlap ends (${step.until}), since clients may still log in with it; clients stay on slot ${state.active}`;
    case "switch":
      return step.unproven === undefined
        ? `${name}: slot ${step.to} logs in: switches clients to slot ${step.to}; slot ${state.active} keeps the previous certificate for the overlap`
        : `${name}: slot ${step.to} does not log in yet (${step.unproven}), but ${switchUnprovenVariable} names this integration: switches clients to slot ${step.to} WITHOUT the proof; slot ${state.active} keeps the previous certificate for the overlap`;
    case "retire":
      return `${name}: retires slot ${step.slot}: its certificate is removed (overlap ended ${state.retireAt})`;
  }
}
