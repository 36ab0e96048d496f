/**
 * @module What `JwtIntegration` does in the provider process. Loaded by name through
 * `pulumi-salesforce-certs/runtime`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { clockFailure, currentTime } from "../rotation/clock";
import { idleSlot } from "../rotation/jwt-slots";
import { toCheckResult } from "../validate/to-check-result";
import { checkJwtIntegrationArgs, unknownValue } from "../validate/jwt-integration-args";
import { withAbsentOutputs, withoutAbsentOutputs } from "./absent-outputs";
import {
  applyJwtUpdate,
  createJwtIntegration,
  jwtPlanChanges,
  jwtViewFields,
  jwtReplacingInputs,
  planJwtUpdate,
  type JwtIntegrationState,
} from "./jwt-integration-lifecycle";
import { derivedConsumerKey, fromStoredInputs, storedConsumerKey, toStoredInputs, upgradeStoredInputs, type JwtStoredInputs } from "./jwt-stored-inputs";

/** Outputs that may be absent, stored as null so that preview reads them as known (see absent-outputs). */
const optionalOutputs = ["retireAt"] as const;

/** The implementation behind the serialised `jwtIntegrationProvider` shell. */
export const jwtIntegrationImplementation: pulumi.dynamic.ResourceProvider<JwtStoredInputs, JwtIntegrationState> = {
  async check(olds, news) {
    const clock = clockFailure();
    if (clock) return { failures: [clock] };
    // A certificate's absent outputs arrive as null (see absent-outputs): the rules read them as absent.
    const { certificateRevision, ...raw } = withoutAbsentOutputs(news as unknown as Record<string, unknown>);
    // The consumer key is decided once: kept from the stored inputs, else derived (the same in preview and up).
    const decided = storedConsumerKey(olds) ?? (raw["consumerKey"] === undefined ? derivedConsumerKey(raw) : undefined);
    const result = checkJwtIntegrationArgs(raw, decided);
    return toCheckResult(result.ok ? { ok: true as const, inputs: toStoredInputs(result.inputs, certificateRevision) } : result);
  },

  async diff(_id, stored, given) {
    const olds = readJwtState(stored);
    const news = upgradeStoredInputs(given);
    const before: Record<string, unknown> = { ...olds, consumerKey: olds.consumerKeyBase, rotationStrategy: olds.strategy };
    const after: Record<string, unknown> = { ...news, consumerKey: news.consumerKeyBase };
    const replaces = jwtReplacingInputs.filter((field) => after[field] !== unknownValue && JSON.stringify(before[field]) !== JSON.stringify(after[field]));
    if (replaces.length > 0) {
      console.log(`JwtIntegration ${olds.apiName}: replaced (${replaces.join(", ")} changed: a different app in Salesforce)`);
      return { changes: true, replaces, deleteBeforeReplace: false };
    }
    if (news.boundCertificateSha256Fingerprint === unknownValue) {
      // The certificate is updated in this run, so preview cannot see its outputs: say what happens either
      // way. `up` updates this integration too (the certificate's revision changes with every update).
      const active = olds.slots[olds.activeSlot]!;
      const unchanged = {
        ...fromStoredInputs(news),
        certificatePem: active.certificatePem ?? "",
        certificateSha256Fingerprint: active.sha256Fingerprint ?? "",
        certificateNotAfter: active.notAfter ?? "",
        privateKeyPem: olds.slotKeys[olds.activeSlot] ?? "",
      };
      const plan = await planJwtUpdate(olds, unchanged, currentTime());
      const idle = idleSlot(olds.activeSlot);
      const ifRotated = olds.strategy === "inPlace" ? "the app takes the new certificate in place" : `the new certificate is published to slot ${idle} first and clients stay on slot ${olds.activeSlot}`;
      console.log(`${plan.message} (if the bound certificate, updated in this run, keeps its key; if it rotates, ${ifRotated})`);
      return { changes: true, replaces: [], deleteBeforeReplace: false };
    }
    const plan = await planJwtUpdate(olds, fromStoredInputs(news), currentTime());
    console.log(plan.message);
    return { changes: jwtPlanChanges(plan) || certificateUpdated(olds, news), replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    return { id: inputs.apiName, outs: withAbsentOutputs(stateOf(createJwtIntegration(fromStoredInputs(inputs)), inputs), optionalOutputs) };
  },

  async update(_id, stored, news) {
    const olds = readJwtState(stored);
    const now = currentTime();
    const plan = await planJwtUpdate(olds, fromStoredInputs(news), now);
    if (plan.step.kind !== "none") console.log(plan.message);
    else if (certificateUpdated(olds, news)) console.log(`JwtIntegration ${news.apiName}: the bound certificate was updated without a new key: ${plan.message}`);
    return { outs: withAbsentOutputs(stateOf(applyJwtUpdate(olds, fromStoredInputs(news), plan, now), news), optionalOutputs) };
  },

  /** Refresh: in artefact mode the state is the truth (nothing to read elsewhere). */
  async read(id, props) {
    return { id, props };
  },

  /** Nothing outside the state to remove in artefact mode. */
  async delete() {},
};

/**
 * True when the bound certificate was updated since this integration last was: preview could not see its
 * outputs and said this integration changes, so `up` updates it too (recording the new revision).
 */
function certificateUpdated(olds: JwtIntegrationState, news: JwtStoredInputs): boolean {
  return news.certificateRevision !== undefined && (news.certificateRevision as unknown) !== unknownValue && olds.certificateRevision !== news.certificateRevision;
}

/** The lifecycle's state with what only the stored inputs carry: the certificate revision. */
function stateOf(state: JwtIntegrationState, news: JwtStoredInputs): JwtIntegrationState {
  // Shape 2 stores no views (jwtViewFields): the program computes them from the stored facts.
  const next: Record<string, unknown> = { ...state, stateVersion: 2 };
  for (const field of jwtViewFields) delete next[field];
  if (news.certificateRevision !== undefined) next["certificateRevision"] = news.certificateRevision;
  else delete next["certificateRevision"];
  // No keys of its own (the steady state): nothing stored, rather than an encrypted empty object. Every new
  // secret makes the engine re-encrypt and keep every secret of the stack at each checkpoint write.
  if (Object.keys(state.slotKeys ?? {}).length === 0) delete next["slotKeys"];
  return next as unknown as JwtIntegrationState;
}

/** The stored state as the lifecycle reads it: absent outputs removed, no `slotKeys` meaning none. */
function readJwtState(stored: JwtIntegrationState): JwtIntegrationState {
  const olds = withoutAbsentOutputs(stored);
  return { ...olds, slotKeys: olds.slotKeys ?? {} };
}
