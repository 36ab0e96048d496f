/**
 * @module What `JwtIntegration` does in the provider process. Loaded by name through
 * `pulumi-salesforce-certs/runtime`.
 */
import { jwtSlotAppName, jwtSlots } from "../validate/generated-names";
import type * as pulumi from "@pulumi/pulumi";
import { clockFailure, currentTime } from "../rotation/clock";
import { idleSlot } from "../rotation/jwt-slots";
import { requestJwtBearerToken } from "../salesforce/jwt-bearer";
import { toCheckResult } from "../dynamic/check-result";
import { checkJwtIntegrationArgs } from "./args";
import { unknownValue } from "../dynamic/unknown-value";
import { withoutAbsentOutputs } from "../dynamic/absent-outputs";
import {
  adoptJwtIntegration,
  applyJwtUpdate,
  createJwtIntegration,
  holdsAdoptedCertificate,
  jwtPlanChanges,
  jwtReplacingInputs,
  planJwtUpdate,
  type JwtIntegrationState,
  type SlotLoginProbe,
} from "./lifecycle";
import { configuredOrg, needsOrgConnection, orgClient, orgConfigurationFailure } from "../org/configured-org";
import { awaitFirstLogin, isOwnConnection, orgClientFor } from "./own-connection";
import { operator, switchUnprovenNamed } from "./switch-unproven";
import { switchUnprovenVariable } from "../rotation/jwt-slots";
import { withOrgDrift } from "../dynamic/org-drift";
import { notValidated, validateDeploy, validatesDeploys } from "../org/preview-validation";
import {
  deleteJwtApps,
  deleteOwnConnectionApps,
  deployJwtApps,
  refuseTakingOverApps,
  describeDeployedJwtApps,
  describeJwtApps,
  jwtAppDrift,
  jwtAppFiles,
  notYetMade,
  observeJwtApps,
  readAdoptedApp,
  readBackJwtApps,
  readBackJwtAppsGone,
} from "./in-org";
import { assertSameOrg, keptRecord, recordOf } from "../org/org-identity";
import { keepingState, readBackError } from "../org/read-back";
import type { JwtIntegrationInputs } from "./args";
import type { OrgMetadataClient } from "../org/metadata-client";
import {
  decodeJwtState,
  derivedConsumerKey,
  encodeJwtState,
  fromStoredInputs,
  storedConsumerKey,
  toStoredInputs,
  upgradeStoredInputs,
  type JwtStoredInputs,
} from "./state";

/** The implementation behind the serialised `jwtIntegrationProvider` shell. */
export const jwtIntegrationImplementation: pulumi.dynamic.ResourceProvider<JwtStoredInputs, JwtIntegrationState> = {
  async check(olds, news) {
    const failure = clockFailure() ?? orgConfigurationFailure();
    if (failure) return { failures: [failure] };
    // A certificate's absent outputs arrive as null (see dynamic/absent-outputs.ts): the rules read them as absent.
    const { certificateRevision, certificateCustody, ...raw } = withoutAbsentOutputs(
      news as unknown as Record<string, unknown>,
    );
    if (certificateCustody === "org") {
      return {
        failures: [
          {
            property: "certificate",
            reason:
              "is a certificate with custody: org: the org keeps its private key, so no client could sign a JWT login with it; bind a certificate with custody: provider (the default)",
          },
        ],
      };
    }
    // The consumer key is decided once: kept from the stored inputs, else derived (the same in preview and up).
    const decided = storedConsumerKey(olds) ?? (raw["consumerKey"] === undefined ? derivedConsumerKey(raw) : undefined);
    const result = checkJwtIntegrationArgs(raw, decided);
    const org = configuredOrg();
    const creating = Object.keys(olds ?? {}).length === 0;
    if (result.ok && creating && result.inputs.orgConnection === true && !org) {
      return {
        failures: [
          {
            property: "orgConnection",
            reason: `the stack's org connection is created through the bootstrap connection, and this stack ${needsOrgConnection}: make an app by hand once and configure it; later runs log in as this integration`,
          },
        ],
      };
    }
    if (raw["adopt"] !== undefined && raw["adopt"] !== null && !org) {
      return {
        failures: [
          {
            property: "adopt",
            reason: `takes over an app the org holds, so it needs the org connection, and this stack ${needsOrgConnection}`,
          },
        ],
      };
    }
    // (An adopt known only in up, made from another resource's outputs, is described there.)
    if (result.ok && org && creating && typeof result.inputs.adopt === "object") {
      const { adopt, appType, apiName } = result.inputs;
      const key = adopt.privateKeyPem
        ? "the key given is checked against its certificate and kept only as a secret output"
        : "its current key is held elsewhere (not given): this stack cannot prove the adopted app's logins";
      console.log(
        `JwtIntegration ${apiName}: adopts ${appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApplication"} ${adopt.app} from ${org.loginUrl}; deploys nothing (reads the app's consumer key and certificate, refused unless its fingerprint is ${adopt.sha256Fingerprint}; ${key})`,
      );
    } else if (result.ok && org && creating) {
      const slots =
        result.inputs.rotationStrategy === "inPlace"
          ? [result.inputs.apiName]
          : jwtSlots.map((slot) => jwtSlotAppName(result.inputs.apiName, slot));
      const type = result.inputs.appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApplication";
      const validated = await validateCreate(toStoredInputs(result.inputs, certificateRevision));
      console.log(
        `JwtIntegration ${result.inputs.apiName}: creating deploys ${type} ${slots.join(", ")} to ${org.loginUrl} (slot A holds the certificate); then reads back each app's certificate${validated}`,
      );
    }
    // `adopt` is read at create only: later runs do not carry the key of the adopted app's clients along.
    if (result.ok && !creating && result.inputs.adopt?.privateKeyPem !== undefined) {
      const { privateKeyPem: _key, ...adopt } = result.inputs.adopt;
      result.inputs.adopt = adopt;
    }
    return toCheckResult(
      result.ok ? { ok: true as const, inputs: toStoredInputs(result.inputs, certificateRevision) } : result,
    );
  },

  async diff(_id, stored, given) {
    const olds = decodeJwtState(stored);
    const news = upgradeStoredInputs(given);
    const before: Record<string, unknown> = {
      ...olds,
      consumerKey: olds.consumerKeyBase,
      rotationStrategy: olds.strategy,
    };
    const after: Record<string, unknown> = { ...news, consumerKey: news.consumerKeyBase };
    const replaces = jwtReplacingInputs.filter(
      (field) => after[field] !== unknownValue && JSON.stringify(before[field]) !== JSON.stringify(after[field]),
    );
    if (replaces.length > 0) {
      console.log(
        `JwtIntegration ${olds.apiName}: replaced (${replaces.join(", ")} changed: a different app in Salesforce)`,
      );
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
      // An adopted app serving clients holds a certificate other than the bound one: unchanged, the bound
      // certificate is still the one the integration adopted beside.
      if (olds.adopted && holdsAdoptedCertificate(olds))
        unchanged.certificateSha256Fingerprint = olds.adopted.boundAtAdoption;
      const plan = await planJwtUpdate(
        olds,
        unchanged,
        currentTime(),
        tokenProbe,
        slotWords(olds),
        override(news.apiName),
      );
      const idle = idleSlot(olds.activeSlot);
      const ifRotated =
        olds.strategy === "inPlace"
          ? "the app takes the new certificate in place"
          : `the new certificate is published to slot ${idle} first and clients stay on slot ${olds.activeSlot}`;
      const unvalidated = configuredOrg()
        ? notValidated(
            "the bound certificate is updated in this run, so the files are known only in up, which validates them before it deploys",
          )
        : "";
      console.log(
        `${plan.message} (if the bound certificate, updated in this run, keeps its key; if it rotates, ${ifRotated})${orgSteps(olds, olds.strategy === "twoSlots" ? "ifRotated" : false)}${unvalidated}`,
      );
      return { changes: true, replaces: [], deleteBeforeReplace: false };
    }
    const plan = await planJwtUpdate(
      olds,
      fromStoredInputs(news),
      currentTime(),
      tokenProbe,
      slotWords(olds),
      override(news.apiName),
    );
    const changes = jwtPlanChanges(plan) || certificateUpdated(olds, news) || (olds.orgDrift ?? []).length > 0;
    // The update's first deploy, validated when asked (preview-validation): the same files update deploys.
    const validated =
      changes && inOrgMode(olds)
        ? await validateDeploy(
            `JwtIntegration ${news.apiName}`,
            { files: firstDeploy(olds, fromStoredInputs(news), plan, currentTime()).files() },
            () => orgClientFor(olds),
          )
        : "";
    // The apps the update deploys are those of the state it moves to (an adopted app joins at its retire).
    const moved = changes && inOrgMode(olds) ? applyJwtUpdate(olds, fromStoredInputs(news), plan, currentTime()) : olds;
    console.log(plan.message + (changes ? orgSteps(olds, plan.step.kind === "publish", moved) + validated : ""));
    return { changes, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    if (inputs.adopt) {
      // The app is read and checked; nothing is deployed (check made sure the org is configured).
      const client = await orgClientFor(undefined);
      const app = await readAdoptedApp(client, fromStoredInputs(inputs));
      const state = { ...adoptJwtIntegration(fromStoredInputs(inputs), app), ...recordOf(client.session) };
      console.log(
        `JwtIntegration ${inputs.apiName}: adopted ${describeJwtApps({ ...state, slots: { A: state.slots.A! } })} from ${client.session.instanceUrl} (its consumer key and certificate ${state.certificateSha256Fingerprint.slice(0, 23)}…, notAfter ${state.certificateNotAfter}); deployed nothing`,
      );
      return { id: inputs.apiName, outs: encodeJwtState(state, inputs) };
    }
    let state = createJwtIntegration(fromStoredInputs(inputs));
    if (configuredOrg()) {
      // The stack's own connection too: it is created through the bootstrap connection (check insists).
      const client = await orgClientFor(undefined);
      await refuseTakingOverApps(client, state);
      state = { ...state, ...recordOf(client.session) };
      await deployToOrg(client, state, jwtAppFiles(state, fromStoredInputs(inputs)), inputs);
      if (isOwnConnection(state) && inputs.privateKeyPem) await awaitFirstLogin(state, inputs.privateKeyPem);
    }
    return { id: inputs.apiName, outs: encodeJwtState(state, inputs) };
  },

  async update(_id, stored, news) {
    const olds = decodeJwtState(stored);
    const now = currentTime();
    const plan = await planJwtUpdate(
      olds,
      fromStoredInputs(news),
      now,
      tokenProbe,
      slotWords(olds),
      override(news.apiName),
    );
    if (plan.step.kind !== "none") console.log(plan.message);
    else if (certificateUpdated(olds, news))
      console.log(
        `JwtIntegration ${news.apiName}: the bound certificate was updated without a new key: ${plan.message}`,
      );
    logForcedSwitch(news.apiName, plan.step);
    const inputs = fromStoredInputs(news);
    const first = firstDeploy(olds, inputs, plan, now);
    let state = first.state;
    if (inOrgMode(olds)) {
      // Logged in as before this update (the stack's own connection: its slot active until now).
      const client = await orgClientFor(olds);
      assertSameOrg(client.session, olds, `JwtIntegration ${olds.apiName}`);
      state = { ...state, ...keptRecord(olds, client.session) };
      // An adopting integration makes its generated slot app when the managed certificate first goes there,
      // not over someone else's; until then (a settings change, the bound certificate updated without a new
      // key) nothing of the integration's is in the org to deploy, and the adopted app is left as it is.
      const unmade = notYetMade(olds);
      const holding = unmade !== undefined && plan.step.kind === "none" && (olds.orgDrift ?? []).length === 0;
      if (unmade && !holding)
        await refuseTakingOverApps(client, { ...state, slots: { [unmade]: state.slots[unmade]! } });
      const firstFiles = first.files();
      // (An adopted app rotated in place leaves nothing to deploy until its certificate is replaced.)
      if (!holding && Object.keys(firstFiles).length > 0) await deployToOrg(client, state, firstFiles, news);
      // The org applies a deploy at once: prove the slot just published with a real login, and switch
      // clients in this same run when it logs in (no moment without a valid credential). A slot whose
      // publish the org did not apply (its read-back failed: `orgDrift`) could not log in before this
      // repair deploy, so it is proven again after it.
      const repaired = (olds.orgDrift ?? []).length > 0 && plan.step.kind === "awaitLogin";
      if (plan.step.kind === "publish" || repaired) {
        const next = await planJwtUpdate(state, inputs, now, tokenProbe, "org", override(news.apiName));
        console.log(next.message);
        logForcedSwitch(news.apiName, next.step);
        // Not proven yet (the org's login servers lag behind its metadata): the state says why, for the
        // next preview, report and check.
        if (next.step.kind === "awaitLogin") state = { ...state, lastProofError: next.step.failure };
        if (next.step.kind === "switch") {
          const switched = { ...applyJwtUpdate(state, inputs, next, now), ...keptRecord(olds, client.session) };
          const files = jwtAppFiles(switched, inputs);
          if (JSON.stringify(files) !== JSON.stringify(firstFiles)) await deployToOrg(client, switched, files, news);
          state = switched;
        }
      }
    }
    return { outs: encodeJwtState(state, news) };
  },

  /**
   * Refresh: in artefact mode the state is the truth (nothing to read elsewhere). In org mode each slot
   * app's certificate is read from the org; a difference is recorded (`orgDrift`), so that the next `up`
   * redeploys the apps.
   */
  async read(id, props) {
    if (!props || !inOrgMode(props)) return { id, props };
    const state = decodeJwtState(props);
    const drift = jwtAppDrift(state, await observeJwtApps(await orgClientFor(state), state));
    return { id, props: withOrgDrift(props, drift, `JwtIntegration ${state.apiName}`, "deploys the apps again") };
  },

  /** Nothing outside the state to remove in artefact mode; in org mode the slot apps leave the org. */
  async delete(_id, props) {
    if (!inOrgMode(props)) return;
    const state = decodeJwtState(props);
    const client = await orgClientFor(state);
    assertSameOrg(client.session, state, `JwtIntegration ${state.apiName}`);
    if (isOwnConnection(state) && state.appType !== "ConnectedApp") {
      const configured = configuredOrg();
      // The fallback is another connection: it must reach the same org before it deletes anything.
      let other: OrgMetadataClient | undefined;
      const fallback = async () => {
        other = await orgClient();
        assertSameOrg(other.session, state, `JwtIntegration ${state.apiName}`);
        return other;
      };
      const { deleted, left } = await deleteOwnConnectionApps(
        client,
        state,
        configured && !configured.knownAtUp ? fallback : undefined,
      );
      // Read back through the connection that still has a session: the fallback's when it was needed (the
      // org ended the integration's own session with its app's OAuth settings).
      // With neither (`left`), nothing can read: the message below names what stays.
      if (other || left.length === 0) await readBackJwtAppsGone(other ?? client, deleted);
      const leftover =
        left.length > 0
          ? `; the External Client App ${left.join(", ")} stays: this stack logged in through it, and the org ended that session with its OAuth settings (it now holds no certificate and allows no login): delete it in Setup, or configure ${"salesforce-certs:org"} and run pulumi destroy again`
          : "";
      console.log(
        `JwtIntegration ${state.apiName}: deleted ${deleted.join(", ") || "nothing (already gone)"} from ${client.session.instanceUrl}${leftover}`,
      );
      return;
    }
    const deleted = await deleteJwtApps(client, state);
    if (state.appType !== "ConnectedApp") await readBackJwtAppsGone(client, deleted);
    if (state.appType === "ConnectedApp")
      console.log(
        `JwtIntegration ${state.apiName}: the Connected App ${describeJwtApps(state)} stays in ${client.session.instanceUrl} (Salesforce would not let it be created again); delete it in Setup if it is no longer used`,
      );
    else
      console.log(
        `JwtIntegration ${state.apiName}: deleted ${deleted.join(", ") || "nothing (already gone)"} from ${client.session.instanceUrl}`,
      );
  },
};

/** The proof of a slot: a real JWT Bearer token request to the org's token endpoint. */
const tokenProbe: SlotLoginProbe = async (login, now) => {
  const { loginUrl, ...credentials } = login;
  const result = await requestJwtBearerToken(loginUrl, credentials, { now });
  return result.ok ? undefined : `${result.error}: ${result.description}`;
};

/** The operator's override for `apiName` (switch-unproven.ts). */
function override(apiName: string): { switchUnproven: boolean } {
  return { switchUnproven: switchUnprovenNamed(apiName) };
}

/** Logs a switch made without a successful proof: which integration, why the proof failed, and who forced it. */
function logForcedSwitch(apiName: string, step: { kind: string; unproven?: string }): void {
  if (step.kind !== "switch" || step.unproven === undefined) return;
  console.log(
    `JwtIntegration ${apiName}: switched clients WITHOUT a successful login with the new slot (${step.unproven}), forced by ${switchUnprovenVariable} (run by ${operator()})`,
  );
}

/** Whose next step the slot words describe: the org's (org mode deploys itself) or a person's. */
function slotWords(state: Partial<JwtIntegrationState>): "artefact" | "org" {
  return inOrgMode(state) ? "org" : "artefact";
}

/** True when this integration works in an org: a connection is configured, or it is the stack's own. */
function inOrgMode(state: Partial<JwtIntegrationState>): boolean {
  return configuredOrg() !== undefined || isOwnConnection(state);
}

/**
 * The state an update moves to and the files it deploys first (org mode): one function for `diff`, which
 * validates them when asked, and `update`, which deploys them, so that what is validated is what is deployed.
 */
function firstDeploy(
  olds: JwtIntegrationState,
  inputs: JwtIntegrationInputs,
  plan: Awaited<ReturnType<typeof planJwtUpdate>>,
  now: Date,
): { state: JwtIntegrationState; files: () => Record<string, string> } {
  const state = applyJwtUpdate(olds, inputs, plan, now);
  // Only org mode deploys (and has the certificates' PEMs to fill the files in with): computed on demand.
  return { state, files: () => jwtAppFiles(state, inputs) };
}

/**
 * Validates a create's deploy when asked: its files are known in check when the bound certificate is
 * (not when the certificate is created or updated in the same run: then only up knows them).
 */
async function validateCreate(stored: JwtStoredInputs): Promise<string> {
  if (!validatesDeploys()) return "";
  const inputs = fromStoredInputs(stored);
  if (JSON.stringify(inputs).includes(unknownValue))
    return notValidated(
      "its certificate is created or updated in this run, so the files are known only in up, which validates them before it deploys",
    );
  const state = createJwtIntegration(inputs);
  return validateDeploy(`JwtIntegration ${inputs.apiName}`, { files: jwtAppFiles(state, inputs) });
}

/**
 * Deploys `files` (the apps of `state`) through `client`, then reads each app back. A failed deploy throws
 * and the state is not written (the org applied nothing: rollbackOnError). A read-back that differs throws
 * {@link OrgReadBackError} carrying `state` with the difference as its `orgDrift`: Pulumi keeps that state,
 * whose drift makes the next `up` deploy the apps again (the diff sees it as a change).
 */
async function deployToOrg(
  client: OrgMetadataClient,
  state: JwtIntegrationState,
  files: Record<string, string>,
  news: JwtStoredInputs,
): Promise<void> {
  const outcome = await deployJwtApps(client, state, files);
  console.log(
    `JwtIntegration ${state.apiName}: deployed ${describeDeployedJwtApps(state)} to ${client.session.instanceUrl} (deploy ${outcome.id})`,
  );
  const { drift, mismatches } = await readBackJwtApps(client, state);
  if (mismatches.length === 0) return;
  const kept = encodeJwtState({ ...state, orgDrift: drift }, news);
  throw keepingState(readBackError(client.session, mismatches), state.apiName, kept, news);
}

/** What an update does in the org, for the preview's line (org mode only). */
function orgSteps(
  olds: JwtIntegrationState,
  publishes: boolean | "ifRotated",
  after: JwtIntegrationState = olds,
): string {
  if (!inOrgMode(olds)) return "";
  // An adopted app serving clients, with no generated slot app made yet: nothing to deploy unless a rotation starts.
  if (publishes === false && notYetMade(after) !== undefined && (olds.orgDrift ?? []).length === 0)
    return "; in the org: deploys nothing (the adopted app serves clients until the managed certificate takes over)";
  const org = isOwnConnection(olds)
    ? { loginUrl: `${new URL(olds.loginUrl).origin} (logged in as its slot ${olds.activeSlot})` }
    : configuredOrg()!;
  const drift = olds.orgDrift ?? [];
  const repair = drift.length > 0 ? ` (repairs: ${drift.join("; ")})` : "";
  const proves = publishes
    ? `; then${publishes === "ifRotated" ? ", if the certificate rotates," : ""} requests a token with the new slot and, when it logs in, switches clients in the same run`
    : "";
  return `; in the org: deploys ${describeDeployedJwtApps(after)} to ${org.loginUrl}${repair}${proves}; reads back each app's certificate after each deploy`;
}

/**
 * True when the bound certificate was updated since this integration last was: preview could not see its
 * outputs and said this integration changes, so `up` updates it too (recording the new revision).
 */
function certificateUpdated(olds: JwtIntegrationState, news: JwtStoredInputs): boolean {
  return (
    news.certificateRevision !== undefined &&
    (news.certificateRevision as unknown) !== unknownValue &&
    olds.certificateRevision !== news.certificateRevision
  );
}
