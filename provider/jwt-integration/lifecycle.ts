/**
 * @module The state of a JWT integration: its app slots, where a certificate rotation stands, the
 * credential clients read, and the Salesforce metadata to deploy. Pure: the clock and the login probe
 * (the network) are parameters.
 */
import { jwtSlotAppName, jwtSlotConsumerKey } from "../validate/generated-names";
import { describeCertificate } from "../crypto/certificate-facts";
import {
  applySlotStep,
  describeSlotStep,
  idleSlot,
  planSlots,
  type BoundCredential,
  type SlotName,
  type SlotStep,
  type SlotsState,
} from "../rotation/jwt-slots";
import { defaultRenewalPolicy, describePolicy, renewalPoint } from "../rotation/renewal-policy";
import { tokenEndpoint } from "../salesforce/jwt-bearer";
import { connectedAppFiles, externalClientAppFiles } from "../salesforce/oauth-apps";
import type { JwtIntegrationInputs } from "./args";
import type { jwtViewFields } from "./fields";

/** Public facts of one slot (its key is kept apart, as a secret). */
export interface PublicSlot {
  appName: string;
  consumerKey: string;
  certificatePem?: string;
  sha256Fingerprint?: string;
  notAfter?: string;
}

/** Everything the provider stores for a JWT integration; `privateKeyPem` and `slotKeys` are secrets. */
export interface JwtIntegrationState
  extends Omit<
    JwtIntegrationInputs,
    | "privateKeyPem"
    | "consumerKey"
    | "certificateSha256Fingerprint"
    | "certificateNotAfter"
    | "certificatePem"
    | "previousCertificatePem"
    | "previousPrivateKeyPem"
    | "boundCertificatePem"
    | "adopt"
    | "certificateRenewal"
  > {
  /** Shape of the stored state (see state.ts). */
  stateVersion: 2;
  /** The consumer key given or generated (each slot's key derives from it). */
  consumerKeyBase: string;
  strategy: SlotsState["strategy"];
  activeSlot: SlotName;
  phase: SlotsState["phase"];
  retireAt?: string;
  /** Phase "publishing": when the idle slot was published; absent otherwise (see rotation/jwt-slots.ts). */
  publishedAt?: string;
  /** Phase "publishing": why the last proof of the idle slot failed; absent otherwise. */
  lastProofError?: string;
  /** Each slot; a slot holding the bound certificate stores no PEM (the certificate's own output has it). */
  slots: Partial<Record<SlotName, PublicSlot>>;
  /**
   * Secret: the keys this integration needs later that the bound certificate will not hold (see
   * {@link storedSlots}); empty in the steady state, where the certificate holds the only copy.
   */
  slotKeys: Partial<Record<SlotName, string>>;
  /** What clients use now: the active slot's app, consumer key and key (secret). */
  appName: string;
  consumerKey: string;
  privateKeyPem: string;
  certificateSha256Fingerprint: string;
  certificateNotAfter: string;
  tokenEndpoint: string;
  /**
   * How CI logs in with these outputs (the key written to server.key first): one command line for a POSIX
   * shell (sh, bash, zsh; not PowerShell or cmd), every value in it single-quoted (see {@link shellWord}).
   */
  sfLoginJwtCommand: string;
  /** Salesforce source-format files: path → content. */
  salesforceFiles: Record<string, string>;
  /** The bound certificate's revision when this state was written (absent for certificates from before it). */
  certificateRevision?: number;
  /** Org mode: how the org differed from this state at the last refresh or read-back (the next update deploys again). */
  orgDrift?: string[];
  /** Org mode: the org the apps were made in (org/org-identity.ts); writes elsewhere are refused. */
  orgId?: string;
  /** Org mode: the instance URL they were made through. */
  orgInstanceUrl?: string;
  /** Only for an integration that took over an existing app (see {@link AdoptedApp}); absent otherwise. */
  adopted?: AdoptedApp;
}

/**
 * The app an integration took over at create, and the certificate it held then. The app is the active slot
 * (its name as the org spells it; the other slot's name is generated as usual) until the managed
 * certificate takes over through the usual two-slot flow, when the adopted certificate reaches the
 * renewal point of the bound certificate's policy or the bound certificate rotates.
 */
export interface AdoptedApp {
  /** The slot that is the adopted app. */
  slot: SlotName;
  /** As the org spells it. */
  appName: string;
  /** The adopted certificate's facts (upper-case colon hex, ISO 8601). */
  sha256Fingerprint: string;
  notBefore: string;
  notAfter: string;
  /** True when no key was given: the adopted app's clients hold theirs elsewhere, so this stack cannot log in with it. */
  keyHeldElsewhere: boolean;
  /** The bound certificate's fingerprint at adoption: once it differs (the certificate rotated), the managed one takes over. */
  boundAtAdoption: string;
}

/** The app an integration adopts, as read from the org: its name as the org spells it, consumer key and certificate. */
export interface AdoptableApp {
  appName: string;
  consumerKey: string;
  certificatePem: string;
}
/** Inputs whose change makes a different integration in Salesforce: a replacement. */
export const jwtReplacingInputs = ["apiName", "consumerKey", "appType", "rotationStrategy"] as const;

/** The first state: slot A holds the bound certificate; with two slots, B exists without one. */
export function createJwtIntegration(inputs: JwtIntegrationInputs): JwtIntegrationState {
  const names = slotNames(inputs);
  const after: SlotsState = {
    strategy: inputs.rotationStrategy,
    active: "A",
    phase: "stable",
    slots: { A: { ...names.A!, ...bound(inputs) } },
  };
  if (names.B) after.slots.B = names.B;
  return derive(inputs, {
    strategy: after.strategy,
    activeSlot: "A",
    phase: "stable",
    ...storedSlots(after, inputs, undefined),
  });
}

/**
 * The first state of an integration that takes over `app` (read from the org): the app is the active slot
 * A with its consumer key and certificate (stored, as the bound certificate does not hold it) and, when
 * given, the key its clients use (secret, in `slotKeys`); with two slots, B is the generated slot app the
 * managed certificate goes to, not made in the org until then. Nothing is deployed.
 */
export function adoptJwtIntegration(inputs: JwtIntegrationInputs, app: AdoptableApp): JwtIntegrationState {
  const facts = describeCertificate(app.certificatePem);
  const names = slotNames(inputs);
  const key = inputs.adopt?.privateKeyPem;
  const adoptedSlot: PublicSlot = {
    appName: app.appName,
    consumerKey: app.consumerKey,
    certificatePem: app.certificatePem,
    sha256Fingerprint: facts.sha256Fingerprint,
    notAfter: facts.notAfter,
  };
  const state = derive(inputs, {
    strategy: inputs.rotationStrategy,
    activeSlot: "A",
    phase: "stable",
    slots: { A: adoptedSlot, ...(names.B ? { B: names.B } : {}) },
    slotKeys: key ? { A: key } : {},
  });
  return {
    ...state,
    adopted: {
      slot: "A",
      appName: app.appName,
      sha256Fingerprint: facts.sha256Fingerprint,
      notBefore: facts.notBefore,
      notAfter: facts.notAfter,
      keyHeldElsewhere: !key,
      boundAtAdoption: inputs.certificateSha256Fingerprint,
    },
  };
}

/** True while the adopted app is the active slot with the certificate it was adopted with, and no rotation runs. */
export function holdsAdoptedCertificate(
  state: Pick<JwtIntegrationState, "adopted" | "activeSlot" | "slots" | "phase">,
): boolean {
  const adopted = state.adopted;
  return (
    adopted !== undefined &&
    state.phase === "stable" &&
    state.activeSlot === adopted.slot &&
    state.slots[adopted.slot]?.sha256Fingerprint === adopted.sha256Fingerprint
  );
}

/**
 * When the managed certificate takes over from the adopted one: at the adopted certificate's renewal point
 * under the bound certificate's policy (the policy that certificate renews by), or at once when the bound
 * certificate has rotated since the adoption (the user's rotation trigger, or its own renewal).
 */
export function adoptedRenewal(
  adopted: AdoptedApp,
  news: Pick<JwtIntegrationInputs, "certificateRenewal" | "certificateSha256Fingerprint">,
  now: Date,
): { due: boolean; at: Date; why: string } {
  const policy = news.certificateRenewal ?? defaultRenewalPolicy;
  const at = renewalPoint(new Date(adopted.notBefore), new Date(adopted.notAfter), policy);
  if (news.certificateSha256Fingerprint !== adopted.boundAtAdoption)
    return { due: true, at, why: "the bound certificate rotated since the adoption" };
  return {
    due: now.getTime() >= at.getTime(),
    at,
    why: `the adopted certificate reached its renewal point (${describePolicy(policy)}: ${at.toISOString()})`,
  };
}

/**
 * A JWT Bearer login with one slot's credentials at `now`: undefined when the org grants a token, else
 * why not (`error: description`). The provider passes the real token request in; tests pass their own.
 */
export type SlotLoginProbe = (
  login: { loginUrl: string; consumerKey: string; username: string; audience: string; privateKeyPem: string },
  now: Date,
) => Promise<string | undefined>;

/** What an update would do now: the slot step, and settings that change the metadata only. */
export interface JwtUpdatePlan {
  step: SlotStep;
  settingsChanged: string[];
  message: string;
}

/**
 * Plans the move from `olds` to `news` at `now`, probing a login with the idle slot where that decides;
 * `mode` picks the words of the next step (see {@link describeSlotStep}); `switchUnproven` switches even
 * when the probe fails (the operator's override, see rotation/jwt-slots.ts).
 */
export async function planJwtUpdate(
  olds: JwtIntegrationState,
  news: JwtIntegrationInputs,
  now: Date,
  probeLogin: SlotLoginProbe,
  mode: "artefact" | "org" = "artefact",
  options: { switchUnproven?: boolean } = {},
): Promise<JwtUpdatePlan> {
  const slotsState = toSlotsState(olds);
  const probe = (slot: SlotName): Promise<string | undefined> =>
    probeLogin(
      {
        loginUrl: news.loginUrl,
        consumerKey: olds.slots[slot]!.consumerKey,
        username: news.username,
        audience: news.audience,
        privateKeyPem: olds.slotKeys[slot] ?? news.privateKeyPem ?? "",
      },
      now,
    );
  const adopted = olds.adopted;
  const renewal = adopted && holdsAdoptedCertificate(olds) ? adoptedRenewal(adopted, news, now) : undefined;
  // Until the renewal is due, the adopted app keeps serving clients with its own certificate.
  const step: SlotStep =
    renewal && !renewal.due ? { kind: "none" } : await planSlots(slotsState, bound(news), now, probe, options);
  const settingsChanged = (
    [
      "label",
      "contactEmail",
      "username",
      "audience",
      "loginUrl",
      "scopes",
      "preAuthorized",
      "overlapDays",
      "orgConnection",
    ] as const
  ).filter(
    // orgConnection absent and false mean the same.
    (field) =>
      JSON.stringify(olds[field] ?? (field === "orgConnection" ? false : undefined)) !==
      JSON.stringify(news[field] ?? (field === "orgConnection" ? false : undefined)),
  );
  let message = describeSlotStep(news.apiName, slotsState, step, mode, now);
  if (adopted && renewal) message = describeAdoptedStep(news, olds, adopted, renewal, step, message);
  else if (adopted?.keyHeldElsewhere && olds.activeSlot === adopted.slot && step.kind !== "none")
    message += `; the adopted app ${adopted.appName}'s key is held elsewhere, so this stack cannot prove its logins: it proves only the new slot`;
  return { step, settingsChanged, message };
}

/** The words of a plan while the adopted app serves clients with its own certificate. */
function describeAdoptedStep(
  news: JwtIntegrationInputs,
  olds: JwtIntegrationState,
  adopted: AdoptedApp,
  renewal: { due: boolean; at: Date; why: string },
  step: SlotStep,
  stepWords: string,
): string {
  const heldElsewhere = adopted.keyHeldElsewhere
    ? "; its key is held elsewhere (not given), so this stack cannot prove the adopted app's logins and never depends on them"
    : "";
  if (!renewal.due) {
    const type = olds.appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApplication";
    const idle = idleSlot(adopted.slot);
    const next =
      olds.strategy === "twoSlots"
        ? `the managed certificate goes to slot ${idle} (${olds.slots[idle]!.appName}) through the two-slot flow`
        : "the managed certificate replaces it in place";
    return `JwtIntegration ${news.apiName}: clients on the adopted ${type} ${adopted.appName} (certificate ${adopted.sha256Fingerprint.slice(0, 23)}…, notAfter ${adopted.notAfter})${heldElsewhere}; ${next} at ${renewal.at.toISOString()} or when the bound certificate rotates`;
  }
  const takesOver =
    step.kind === "publish" ? `: the managed certificate takes over from the adopted app ${adopted.appName}` : "";
  return `${stepWords} (${renewal.why}${takesOver})${heldElsewhere}`;
}

/** True when the plan changes the state. */
export function jwtPlanChanges(plan: JwtUpdatePlan): boolean {
  return !["none", "awaitLogin", "awaitOverlap"].includes(plan.step.kind) || plan.settingsChanged.length > 0;
}

/** Carries out a plan from {@link planJwtUpdate}. */
export function applyJwtUpdate(
  olds: JwtIntegrationState,
  news: JwtIntegrationInputs,
  plan: JwtUpdatePlan,
  now: Date,
): JwtIntegrationState {
  const before = toSlotsState(olds);
  const credential = bound(news);
  const after = applySlotStep(before, plan.step, credential, now, news.overlapDays);
  const next = derive(news, {
    strategy: after.strategy,
    activeSlot: after.active,
    phase: after.phase,
    ...storedSlots(after, news, olds),
    ...(after.retireAt ? { retireAt: after.retireAt } : {}),
    ...(after.publishedAt ? { publishedAt: after.publishedAt } : {}),
    ...(after.lastProofError ? { lastProofError: after.lastProofError } : {}),
  });
  return olds.adopted ? { ...next, adopted: olds.adopted } : next;
}

/**
 * What to store of the slots after a step: each key and PEM once in the checkpoint where the rotation
 * allows it. The bound certificate holds its PEM and key, and during its overlap its previous ones too
 * (`previousCertificate`, `previousPrivateKeyPem`), handing them to this integration as inputs while
 * it does. The integration keeps only what it needs once the certificate no longer holds it:
 * - the PEM of a slot whose certificate is not the bound one (the old certificate in the active slot while
 *   publishing, in the idle slot during the overlap after a switch): its metadata must keep it;
 * - the key of the active slot when it is not the bound certificate's (clients read it, see the views);
 * - the idle slot's key while publishing: the provider proves a login with it before switching.
 * A certificate that keeps no previous certificate (`overlapDays: 0`) hands over its PEM and key on every
 * run instead (the inputs then carry no previous certificate): its key would be gone after a rotation, so
 * the integration keeps the active slot's PEM and key as well.
 */
export function storedSlots(
  after: SlotsState,
  news: JwtIntegrationInputs,
  olds: JwtIntegrationState | undefined,
): Pick<JwtIntegrationState, "slots" | "slotKeys"> {
  const pems = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const name of ["A", "B"] as const) {
    const slot = olds?.slots[name];
    if (!slot?.sha256Fingerprint) continue;
    if (slot.certificatePem) pems.set(slot.sha256Fingerprint, slot.certificatePem);
    const key = olds!.slotKeys[name];
    if (key) keys.set(slot.sha256Fingerprint, key);
  }
  const handOver = (pem: string | undefined, key: string | undefined, fingerprint: string | undefined) => {
    if (!fingerprint) return;
    if (pem) pems.set(fingerprint, pem);
    if (key) keys.set(fingerprint, key);
  };
  handOver(news.certificatePem, news.privateKeyPem, news.certificateSha256Fingerprint);
  if (news.previousCertificatePem)
    handOver(
      news.previousCertificatePem,
      news.previousPrivateKeyPem,
      describeCertificate(news.previousCertificatePem).sha256Fingerprint,
    );
  // (The stack's org connection and an adopting integration are handed the certificate's key on every run,
  // so this says nothing there.)
  const keepsNothing =
    news.orgConnection !== true &&
    news.adopt === undefined &&
    news.certificatePem !== undefined &&
    news.previousCertificatePem === undefined;
  const slots: Partial<Record<SlotName, PublicSlot>> = {};
  const slotKeys: Partial<Record<SlotName, string>> = {};
  for (const name of ["A", "B"] as const) {
    const slot = after.slots[name];
    if (!slot) continue;
    const fingerprint = slot.sha256Fingerprint;
    const stored: PublicSlot = { appName: slot.appName, consumerKey: slot.consumerKey };
    if (fingerprint) {
      const foreign = fingerprint !== news.certificateSha256Fingerprint;
      const active = name === after.active;
      const pem = pems.get(fingerprint);
      if (pem && (foreign || keepsNothing)) stored.certificatePem = pem;
      stored.sha256Fingerprint = fingerprint;
      if (slot.notAfter) stored.notAfter = slot.notAfter;
      const key = keys.get(fingerprint);
      // The stack's org connection keeps its active key: the provider logs in as it on refresh and
      // destroy too, when the program does not run to hand the certificate's key over.
      const needed =
        (active && (foreign || keepsNothing || news.orgConnection === true)) ||
        (after.phase === "publishing" && name === idleSlot(after.active));
      if (key && needed) slotKeys[name] = key;
    }
    slots[name] = stored;
  }
  return { slots, slotKeys };
}

function toSlotsState(state: JwtIntegrationState): SlotsState {
  const slots: SlotsState["slots"] = {};
  for (const name of ["A", "B"] as const) {
    const slot = state.slots[name];
    if (!slot) continue;
    const key = state.slotKeys[name];
    slots[name] = { ...slot, ...(key ? { privateKeyPem: key } : {}) };
  }
  return {
    strategy: state.strategy,
    active: state.activeSlot,
    slots,
    phase: state.phase,
    ...(state.retireAt ? { retireAt: state.retireAt } : {}),
    ...(state.publishedAt ? { publishedAt: state.publishedAt } : {}),
    ...(state.lastProofError ? { lastProofError: state.lastProofError } : {}),
  };
}

function bound(inputs: JwtIntegrationInputs): BoundCredential {
  return { sha256Fingerprint: inputs.certificateSha256Fingerprint, notAfter: inputs.certificateNotAfter };
}

/** App names and consumer keys: in place, the API name and the key; with two slots, suffixed A and B. */
function slotNames(inputs: JwtIntegrationInputs): Partial<Record<SlotName, { appName: string; consumerKey: string }>> {
  if (inputs.rotationStrategy === "inPlace") return { A: { appName: inputs.apiName, consumerKey: inputs.consumerKey } };
  return {
    A: { appName: jwtSlotAppName(inputs.apiName, "A"), consumerKey: jwtSlotConsumerKey(inputs.consumerKey, "A") },
    B: { appName: jwtSlotAppName(inputs.apiName, "B"), consumerKey: jwtSlotConsumerKey(inputs.consumerKey, "B") },
  };
}

type SlotFields = Pick<
  JwtIntegrationState,
  "strategy" | "activeSlot" | "phase" | "slots" | "slotKeys" | "retireAt" | "publishedAt" | "lastProofError"
>;

/** Fills in everything derived: the client credential, the CI command, the metadata files. */
function derive(inputs: JwtIntegrationInputs, fields: SlotFields): JwtIntegrationState {
  const {
    privateKeyPem: _key,
    consumerKey: base,
    certificatePem: _pem,
    certificateSha256Fingerprint: _sha,
    certificateNotAfter: _na,
    previousCertificatePem: _ppem,
    previousPrivateKeyPem: _pkey,
    boundCertificatePem: _bound,
    adopt: _adopt,
    certificateRenewal: _renewal,
    ...settings
  } = inputs;
  const active = fields.slots[fields.activeSlot]!;
  return {
    ...settings,
    ...fields,
    stateVersion: 2,
    consumerKeyBase: base,
    appName: active.appName,
    consumerKey: active.consumerKey,
    certificateSha256Fingerprint: active.sha256Fingerprint ?? "",
    certificateNotAfter: active.notAfter ?? "",
    ...jwtIntegrationViews({ ...inputs, ...fields }),
  };
}

/** The stored facts the views of a JWT integration are computed from. */
export type JwtViewSource = Pick<
  JwtIntegrationInputs,
  "label" | "contactEmail" | "username" | "audience" | "loginUrl" | "scopes" | "preAuthorized" | "appType"
> &
  Pick<JwtIntegrationState, "strategy" | "activeSlot" | "slots" | "slotKeys">;

/**
 * The views of a JWT integration: the active slot's key (a secret: the program computes it from the
 * secret `slotKeys`), the token endpoint, how CI logs in, and the metadata files of every slot. Pure and
 * deterministic.
 */
export function jwtIntegrationViews(source: JwtViewSource): Pick<JwtIntegrationState, (typeof jwtViewFields)[number]> {
  const active = source.slots[source.activeSlot]!;
  const audienceVariable = source.audience === source.loginUrl ? "" : `SF_AUDIENCE_URL=${shellWord(source.audience)} `;
  const files: Record<string, string> = {};
  for (const name of ["A", "B"] as const) {
    const slot = source.slots[name];
    if (!slot) continue;
    const spec = {
      name: slot.appName,
      label: source.strategy === "twoSlots" ? `${source.label} (slot ${name})` : source.label,
      contactEmail: source.contactEmail,
      description: `JWT Bearer Flow for ${source.username}; managed by pulumi-salesforce-certs${source.strategy === "twoSlots" ? `, slot ${name} of 2` : ""}.`,
      consumerKey: slot.consumerKey,
      ...(slot.certificatePem ? { certificatePem: slot.certificatePem } : {}),
      scopes: source.scopes,
      permissionSets: source.preAuthorized.permissionSets,
      profiles: source.preAuthorized.profiles,
    };
    Object.assign(files, source.appType === "ConnectedApp" ? connectedAppFiles(spec) : externalClientAppFiles(spec));
  }
  return {
    privateKeyPem: source.slotKeys[source.activeSlot] ?? "",
    tokenEndpoint: tokenEndpoint(source.loginUrl),
    sfLoginJwtCommand: `${audienceVariable}sf org login jwt --client-id ${shellWord(active.consumerKey)} --username ${shellWord(source.username)} --jwt-key-file server.key --instance-url ${shellWord(source.loginUrl)}`,
    salesforceFiles: files,
  };
}

/**
 * `value` as one word of a POSIX shell command line (sh, bash, zsh): in single quotes, each `'` written as
 * `'\''`. Between single quotes these shells expand nothing (no `$`, backquote, glob, `~` or `!`), so this
 * is all the quoting there is; hand-written, since no runtime dependency of the package quotes for the shell.
 */
export function shellWord(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}
