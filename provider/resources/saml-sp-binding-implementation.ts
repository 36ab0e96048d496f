/**
 * @module What `SamlSpBinding` does in the provider process. Loaded by name through
 * `pulumi-salesforce-certs/runtime`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { clockFailure, currentTime } from "../rotation/clock";
import { toCheckResult } from "../validate/to-check-result";
import { unknownValue } from "../validate/jwt-integration-args";
import { checkSamlSpBindingArgs, type SamlSpBindingInputs } from "../validate/saml-binding-args";
import { withAbsentOutputs, withoutAbsentOutputs } from "./absent-outputs";
import { applySamlUpdate, createSamlSpBinding, describeClockStep, planSamlUpdate, samlReplacingInputs, samlViewFields, type SamlSpBindingState } from "./saml-sp-binding-lifecycle";

const sha1Warning = (apiName: string) =>
  `warning: SamlSpBinding ${apiName}: assertions are signed with SHA-1 (acknowledgeSha1 is set); move the partner to SHA-256`;

/** Outputs that may be absent, stored as null so that preview reads them as known (see absent-outputs). */
const optionalOutputs = ["phaseEndsAt"] as const;

/** The checked inputs: the argument rules, plus the bound certificate's revision (not an argument users give). */
type StoredInputs = SamlSpBindingInputs & { certificateRevision?: number };

/** The implementation behind the serialised `samlSpBindingProvider` shell. */
export const samlSpBindingImplementation: pulumi.dynamic.ResourceProvider<StoredInputs, SamlSpBindingState> = {
  async check(_olds, news) {
    const clock = clockFailure();
    if (clock) return { failures: [clock] };
    // A certificate's absent outputs arrive as null (see absent-outputs): the rules read them as absent.
    const { certificateRevision, ...raw } = withoutAbsentOutputs(news as unknown as Record<string, unknown>);
    const result = checkSamlSpBindingArgs(raw);
    if (!result.ok || certificateRevision === undefined || certificateRevision === null) return toCheckResult(result);
    return toCheckResult({ ok: true as const, inputs: { ...result.inputs, certificateRevision: certificateRevision as number } });
  },

  async diff(_id, stored, news) {
    const olds = withoutAbsentOutputs(stored);
    const replaces = samlReplacingInputs.filter((field) => news[field] !== unknownValue && olds[field] !== news[field]);
    if (replaces.length > 0) {
      console.log(`SamlSpBinding ${olds.apiName}: replaced (${replaces.join(", ")} changed: a different app in Salesforce)`);
      return { changes: true, replaces, deleteBeforeReplace: false };
    }
    if (news.signingAlgorithm === "SHA1") console.log(sha1Warning(news.apiName));
    if (news.certificateSha256Fingerprint === unknownValue) {
      console.log(`SamlSpBinding ${news.apiName}: ${describeClockStep(olds, news, currentTime())}; the IdP certificate is updated in this run: if it rotates, the new one is published next to the signing one first, and the org keeps signing with the old one`);
      return { changes: true, replaces: [], deleteBeforeReplace: false };
    }
    const plan = planSamlUpdate(olds, news, currentTime());
    console.log(plan.message);
    return { changes: plan.step.kind !== "none" || plan.settingsChanged || certificateUpdated(olds, news), replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    if (inputs.signingAlgorithm === "SHA1") console.log(sha1Warning(inputs.apiName));
    return { id: inputs.apiName, outs: toStored(createSamlSpBinding(inputs, currentTime())) };
  },

  async update(_id, stored, news) {
    const olds = withoutAbsentOutputs(stored);
    const now = currentTime();
    const plan = planSamlUpdate(olds, news, now);
    if (plan.step.kind !== "none") console.log(plan.message);
    else if (certificateUpdated(olds, news)) console.log(`SamlSpBinding ${news.apiName}: the IdP certificate was updated without a new key: ${plan.message}`);
    return { outs: toStored(applySamlUpdate(olds, news, plan, now)) };
  },

  /** Refresh: in artefact mode the state is the truth (nothing to read elsewhere). */
  async read(id, props) {
    return { id, props };
  },

  /** Nothing outside the state to remove in artefact mode. */
  async delete() {},
};

/**
 * The state to store (shape 2): without its views (samlViewFields), which the program computes, and
 * without the bound certificate's PEM and facts, which the stages hold; absent outputs as null.
 */
function toStored(state: SamlSpBindingState): SamlSpBindingState {
  const next: Record<string, unknown> = { ...state, stateVersion: 2 };
  for (const field of [...samlViewFields, "certificatePem", "previousCertificatePem", "certificateSha256Fingerprint", "certificateSha1Fingerprint", "certificateNotAfter"]) delete next[field];
  return withAbsentOutputs(next, optionalOutputs) as unknown as SamlSpBindingState;
}

/**
 * True when the bound certificate was updated since this binding last was: preview could not see its
 * outputs and said this binding changes, so `up` updates it too (recording the new revision).
 */
function certificateUpdated(olds: SamlSpBindingState, news: StoredInputs): boolean {
  const revision = news.certificateRevision as unknown;
  return revision !== undefined && revision !== unknownValue && (olds as StoredInputs).certificateRevision !== revision;
}
