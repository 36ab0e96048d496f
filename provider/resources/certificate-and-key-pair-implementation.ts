/**
 * @module What `CertificateAndKeyPair` does in the provider process: check, diff (with the rotation
 * message preview shows), create and update. Loaded by name through `pulumi-salesforce-certs/runtime`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { clockFailure, currentTime } from "../rotation/clock";
import { toCheckResult } from "../validate/to-check-result";
import { describePlan } from "../rotation/rotation-plan";
import { checkCertificateArgs, type CertificateInputs } from "../validate/certificate-args";
import {
  applyUpdate,
  issueCertificate,
  planChanges,
  planUpdate,
  rotationState,
  upgradeState,
  type CertificateState,
} from "./certificate-lifecycle";
import { withAbsentOutputs, withoutAbsentOutputs } from "./absent-outputs";
import { fullCertificateState, storedCertificateState } from "./certificate-views";
import { generateRsaKeyPairInBackground } from "../crypto/rsa-key-pair";

/**
 * Stored outputs that may be absent, stored as null so that preview reads them as known (see
 * absent-outputs): the program computes its views from them.
 */
const optionalOutputs = ["certificateChainPem", "privateKey", "pkcs12Base64", "jksBase64", "csrPem", "previousCertificate", "lastRotation"] as const;

/** The state to store: without its views (see certificate-views), absent outputs as null. */
function stored(state: CertificateState): CertificateState {
  return withAbsentOutputs(storedCertificateState(state), optionalOutputs) as unknown as CertificateState;
}

/** The full state the lifecycle reads, from a stored state of any release. */
function readState(olds: CertificateState): CertificateState {
  return upgradeState(fullCertificateState(withoutAbsentOutputs(olds) as unknown as Record<string, unknown>));
}

/** The implementation behind the serialised `certificateAndKeyPairProvider` shell. */
export const certificateAndKeyPairImplementation: pulumi.dynamic.ResourceProvider<CertificateInputs, CertificateState> = {
  async check(olds, news) {
    const clock = clockFailure();
    if (clock) return { failures: [clock] };
    const previousChainPem = (olds as Partial<CertificateInputs> | undefined)?.signedChainPem;
    const result = checkCertificateArgs(news as unknown as Record<string, unknown>, { now: currentTime(), previousChainPem });
    if (result.ok) for (const w of result.warnings) console.log(`warning: CertificateAndKeyPair ${result.inputs.uniqueName}: ${w.path} ${w.message}`);
    return toCheckResult(result);
  },

  async diff(_id, olds, news) {
    if (olds.uniqueName !== news.uniqueName) {
      console.log(`CertificateAndKeyPair ${olds.uniqueName}: replaced by ${news.uniqueName} (a new unique name is a new Salesforce certificate)`);
      return { changes: true, replaces: ["uniqueName"], deleteBeforeReplace: false };
    }
    const state = readState(olds);
    const plan = planUpdate(state, news, currentTime());
    const adoption = plan.adopt ? `; adopts the CA-signed chain given in signedChainPem (${plan.adopt === "pending" ? "for the key of the CSR" : "for the key in force"})` : "";
    console.log(describePlan(news.uniqueName, plan.rotation, news.renewal, rotationState(state), news.caSigned, news.overlapDays) + adoption);
    // A state stored by an earlier release (another shape, the same facts) is no change: the next update rewrites it.
    return { changes: planChanges(plan), replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    const outs = issueCertificate(inputs, currentTime(), await generateRsaKeyPairInBackground(inputs.keySize));
    return { id: inputs.uniqueName, outs: stored({ ...outs, revision: 1 }) };
  },

  async update(_id, olds, news) {
    const now = currentTime();
    const state = readState(olds);
    const plan = planUpdate(state, news, now);
    // Every update is a new revision: dependents compare it to learn that this certificate was updated.
    const newKeyPair = plan.rotation.rotate ? await generateRsaKeyPairInBackground(news.keySize) : undefined;
    const outs = { ...applyUpdate(state, news, plan, now, newKeyPair), revision: (state.revision ?? 1) + 1 };
    if ((plan.rotation.rotate || plan.adopt === "pending") && outs.lastRotation) {
      const next = outs.awaitingSignature ? "; sign the CSR in output csrPem and give the chain as signedChainPem" : "";
      console.log(`CertificateAndKeyPair ${news.uniqueName}: rotated (${outs.lastRotation.reason})${next}`);
    }
    return { outs: stored(outs) };
  },
};
