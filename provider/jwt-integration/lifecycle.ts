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
  const step = await planSlots(slotsState, bound(news), now, probe, options);
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
  return { step, settingsChanged, message: describeSlotStep(news.apiName, slotsState, step, mode, now) };
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
  return derive(news, {
    strategy: after.strategy,
    activeSlot: after.active,
    phase: after.phase,
    ...storedSlots(after, news, olds),
    ...(after.retireAt ? { retireAt: after.retireAt } : {}),
    ...(after.publishedAt ? { publishedAt: after.publishedAt } : {}),
    ...(after.lastProofError ? { lastProofError: after.lastProofError } : {}),
  });
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
  // (The stack's org connection is handed the certificate's key on every run, so this says nothing there.)
  const keepsNothing =
    news.orgConnection !== true && news.certificatePem !== undefined && news.previousCertificatePem === undefined;
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
