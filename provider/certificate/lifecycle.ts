/**
 * @module The life of a certificate-and-key pair in state: issue, rotate with overlap, adopt a CA-signed
 * chain, drop the previous certificate, and derive every export from what is current. The resource's
 * provider is a thin adapter over these functions; the clock is always a parameter.
 */
import { certificateGenerationName } from "../validate/generated-names";
import crypto = require("node:crypto");
import { buildCertificationRequest, certificationRequestPublicKey } from "../crypto/certification-request";
import { leafMatchesKey, splitChain } from "../crypto/certificate-chain";
import { describeCertificate } from "../crypto/certificate-facts";
import { generateRsaKeyPair, type RsaKeyPair } from "../crypto/rsa-key-pair";
import { buildSelfSignedCertificate } from "../crypto/self-signed-certificate";
import {
  describeReason,
  planRotation,
  type RotationPlan,
  type RotationSettings,
  type RotationState,
} from "../rotation/rotation-plan";
import { deriveCertificateState as derive, storedCertificateVersion, type CertificateState } from "./state";
import type { CertificateInputs } from "./args";
import { SignedChainMismatchError } from "../errors";

const dayMs = 86_400_000;

/**
 * The key pair of a new certificate: one this provider holds (generated here when not given), or the
 * certificate the org generated (custody org: its key never leaves the org), or the CSR the org made for
 * a CA-signed one (custody org, caSigned).
 */
export type NewKeyPair = RsaKeyPair | { orgCertificatePem: string } | { orgCsrPem: string };

/** Refuses a chain given at creation: a new CA-signed certificate has no key yet. Called before any key is made. */
export function assertNoChainAtCreate(inputs: CertificateInputs): void {
  if (inputs.caSigned && inputs.signedChainPem !== undefined) {
    throw new SignedChainMismatchError(
      `signedChainPem: a new CA-signed certificate has no key yet, so no chain can match it. Create it without signedChainPem, sign the CSR from output csrPem, then give the chain.`,
    );
  }
}

/**
 * The name in the org of the next key pair: the one a CA-signed certificate awaits its chain for, or the
 * next rotation's (`<uniqueName>_G<n>`); the first key pair's own name while none is in force yet.
 */
export function nextSalesforceName(
  state: Pick<CertificateState, "uniqueName" | "generation" | "certificatePem">,
): string {
  const generation = state.certificatePem ? state.generation + 1 : state.generation;
  return certificateGenerationName(state.uniqueName, generation);
}

/** Issues the first key pair: a self-signed certificate, or a CSR for a CA-signed one, or the org's certificate or CSR. */
export function issueCertificate(inputs: CertificateInputs, now: Date, newKeyPair?: NewKeyPair): CertificateState {
  assertNoChainAtCreate(inputs);
  // What an adoption compared matters only at create: the state records the certificate, as a created one's.
  const { adopt: _adopt, ...settings } = inputs;
  const base = {
    ...settings,
    stateVersion: storedCertificateVersion,
    generation: 1,
    salesforceName: inputs.uniqueName,
    awaitingSignature: false,
    salesforceFiles: {},
  };
  if (newKeyPair && "orgCertificatePem" in newKeyPair)
    return derive(withOrgCertificate(base, newKeyPair.orgCertificatePem));
  if (newKeyPair && "orgCsrPem" in newKeyPair)
    return derive(withOrgPending(base, newKeyPair.orgCsrPem, now.toISOString()));
  const keyPair = newKeyPair ?? generateRsaKeyPair(inputs.keySize);
  const state: CertificateState = inputs.caSigned
    ? withPending(base, keyPair, now)
    : withCurrent(base, keyPair, selfSigned(inputs, keyPair, now));
  return derive(state);
}

/** What an update would do, for `diff` (preview) and `update` alike. */
export interface UpdatePlan {
  rotation: RotationPlan;
  /** Set when the new `signedChainPem` is to be adopted: as the pending key's, or the current key's. */
  adopt?: "pending" | "current";
  /** Stored settings that change without a rotation. */
  settingsChanged: string[];
}

/** Plans the move from stored `olds` to checked `news` at `now`. Throws when a given chain fits no key. */
export function planUpdate(olds: CertificateState, news: CertificateInputs, now: Date): UpdatePlan {
  const rotation = planRotation(rotationState(olds), rotationSettings(olds), rotationSettings(news), now);
  const settingsChanged = (["label", "validityDays", "renewal", "overlapDays", "keystorePassword"] as const).filter(
    (field) => JSON.stringify(olds[field]) !== JSON.stringify(news[field]),
  );
  const plan: UpdatePlan = { rotation, settingsChanged };
  const chain = news.signedChainPem;
  if (chain !== undefined && chain !== olds.signedChainPem) {
    if (olds.pendingPublicKeyPem && leafMatchesKey(chain, olds.pendingPublicKeyPem)) plan.adopt = "pending";
    else if (olds.publicKeyPem && leafMatchesKey(chain, olds.publicKeyPem)) plan.adopt = "current";
    else {
      throw new SignedChainMismatchError(
        `${olds.uniqueName}: signedChainPem: the leaf certificate certifies neither the key of the CSR in output csrPem nor the key in force. Sign that CSR and give the resulting chain, leaf first.`,
      );
    }
  } else if (chain === undefined && olds.signedChainPem !== undefined) {
    plan.settingsChanged.push("signedChainPem");
  }
  return plan;
}

/** True when the plan changes anything. */
export function planChanges(plan: UpdatePlan): boolean {
  return (
    plan.rotation.rotate !== undefined ||
    plan.rotation.dropPrevious ||
    plan.adopt !== undefined ||
    plan.settingsChanged.length > 0
  );
}

/**
 * Carries out `plan` (from {@link planUpdate} with the same arguments) and returns the new state. A rotation
 * takes `newKeyPair` (generated here when not given).
 */
export function applyUpdate(
  olds: CertificateState,
  news: CertificateInputs,
  plan: UpdatePlan,
  now: Date,
  newKeyPair?: NewKeyPair,
): CertificateState {
  let state: CertificateState = { ...olds, ...settingsOf(news) };
  // Not exportable means no field carries the key, even while a CA-signed successor awaits its chain.
  if (!news.privateKeyExportable) delete state.privateKeyPem;
  if (!news.privateKeyExportable || plan.rotation.dropPrevious) delete state.previousPrivateKeyPem;
  if (plan.rotation.dropPrevious) delete state.previousCertificate;

  if (plan.adopt === "pending") {
    const keyPair = { privateKeyPem: olds.pendingPrivateKeyPem ?? "", publicKeyPem: olds.pendingPublicKeyPem! };
    const reason =
      olds.lastRotation && olds.pendingSince === olds.lastRotation.at
        ? olds.lastRotation.reason
        : "first CA-signed chain";
    state = retire(state, news, now);
    // The first chain completes generation 1; a later one brings the next generation into force.
    if (olds.certificatePem) state.generation = olds.generation + 1;
    state = withCurrent(clearPending(state), keyPair, news.signedChainPem!);
    state.lastRotation = { at: now.toISOString(), reason: `CA-signed chain adopted (${reason})` };
  } else if (plan.adopt === "current") {
    state = withCurrent(state, currentKeyPair(state), news.signedChainPem!);
  }

  if (plan.rotation.rotate) {
    const reason = describeReason(plan.rotation.rotate);
    if (newKeyPair && "orgCertificatePem" in newKeyPair) {
      state = { ...clearPending(retire(state, news, now)), generation: state.generation + 1 };
      state = withOrgCertificate(state, newKeyPair.orgCertificatePem);
      state.lastRotation = { at: now.toISOString(), reason };
      return derive(state);
    }
    if (newKeyPair && "orgCsrPem" in newKeyPair) {
      state = withOrgPending(state, newKeyPair.orgCsrPem, now.toISOString());
      state.lastRotation = { at: now.toISOString(), reason };
      return derive(state);
    }
    const keyPair = newKeyPair ?? generateRsaKeyPair(news.keySize);
    if (news.caSigned) {
      state = withPending(state, keyPair, now);
    } else {
      state = { ...clearPending(retire(state, news, now)), generation: state.generation + 1 };
      state = withCurrent(state, keyPair, selfSigned(news, keyPair, now));
    }
    state.lastRotation = { at: now.toISOString(), reason };
  }
  return derive(state);
}

/** The part of the state the rotation planner reads. */
export function rotationState(state: CertificateState): RotationState {
  const result: RotationState = {};
  if (state.notBefore && state.notAfter) result.current = { notBefore: state.notBefore, notAfter: state.notAfter };
  if (state.previousCertificate) result.previous = state.previousCertificate;
  if (state.pendingSince) result.pending = { since: state.pendingSince };
  return result;
}

function rotationSettings(inputs: CertificateInputs): RotationSettings {
  return {
    renewal: inputs.renewal,
    rotationTrigger: inputs.rotationTrigger,
    keyFields: {
      keySize: inputs.keySize,
      subject: inputs.subject,
      caSigned: inputs.caSigned,
      privateKeyExportable: inputs.privateKeyExportable,
    },
  };
}

function settingsOf(news: CertificateInputs): CertificateInputs {
  const settings: CertificateInputs = { ...news };
  delete settings.adopt;
  for (const optional of ["rotationTrigger", "keystorePassword", "signedChainPem"] as const) {
    if (news[optional] === undefined) delete settings[optional];
  }
  return settings;
}

function selfSigned(inputs: CertificateInputs, keyPair: RsaKeyPair, now: Date): string {
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + inputs.validityDays * dayMs);
  return buildSelfSignedCertificate({ keyPair, subject: inputs.subject, notBefore, notAfter });
}

/** Makes `chainPem` (leaf first) the certificate in force, with `keyPair` as its key. */
function withCurrent(state: CertificateState, keyPair: RsaKeyPair, chainPem: string): CertificateState {
  const [leaf] = splitChain(chainPem);
  const next: CertificateState = {
    ...state,
    ...describeCertificate(leaf!),
    certificatePem: leaf!,
    certificateChainPem: splitChain(chainPem).join(""),
    publicKeyPem: keyPair.publicKeyPem,
  };
  if (state.privateKeyExportable && keyPair.privateKeyPem) next.privateKeyPem = keyPair.privateKeyPem;
  else delete next.privateKeyPem;
  return next;
}

/** Makes the certificate the org generated the one in force; its key stays in the org. */
function withOrgCertificate(state: CertificateState, certificatePem: string): CertificateState {
  const publicKeyPem = crypto.createPublicKey(certificatePem).export({ type: "spki", format: "pem" }).toString();
  return withCurrent(state, { privateKeyPem: "", publicKeyPem }, certificatePem);
}

/** Starts a CA-signed issue: a new key and its CSR, awaiting a chain; the current certificate stays. */
function withPending(state: CertificateState, keyPair: RsaKeyPair, now: Date): CertificateState {
  const next: CertificateState = {
    ...state,
    csrPem: buildCertificationRequest(keyPair, state.subject),
    pendingPublicKeyPem: keyPair.publicKeyPem,
    pendingSince: now.toISOString(),
  };
  // A CA-signed key must wait in state for its chain; it is kept only when it may be exported at all.
  if (state.privateKeyExportable) next.pendingPrivateKeyPem = keyPair.privateKeyPem;
  else delete next.pendingPrivateKeyPem;
  return next;
}

/**
 * Starts (or, read back from the org, refreshes) a CA-signed issue whose key the org made and keeps: its
 * CSR awaits a chain since `since`; no private key anywhere. The current certificate stays.
 */
export function withOrgPending(state: CertificateState, csrPem: string, since: string): CertificateState {
  const next: CertificateState = {
    ...state,
    csrPem,
    pendingPublicKeyPem: certificationRequestPublicKey(csrPem),
    pendingSince: since,
  };
  delete next.pendingPrivateKeyPem;
  return derive(next);
}

/** The state without a CA-signed issue in progress (CSR, its key, since when). */
export function clearPending(state: CertificateState): CertificateState {
  const next = { ...state };
  for (const field of ["csrPem", "pendingPublicKeyPem", "pendingPrivateKeyPem", "pendingSince"] as const)
    delete next[field];
  return next;
}

/**
 * Moves the certificate in force to `previousCertificate` for the overlap, never past its own notAfter,
 * and in any case through this update (until `now`: the next run drops it), also when it has expired or
 * `overlapDays` is 0: integrations updated in the same run take over the key their clients still use
 * before the certificate lets go of it. Nothing drops a key that a client may still hold.
 */
function retire(state: CertificateState, news: CertificateInputs, now: Date): CertificateState {
  const next = { ...state };
  delete next.previousCertificate;
  delete next.previousPrivateKeyPem;
  if (!state.certificatePem || !state.notAfter) return next;
  const retainedUntil = Math.max(
    now.getTime(),
    Math.min(now.getTime() + news.overlapDays * dayMs, Date.parse(state.notAfter)),
  );
  next.previousCertificate = {
    ...describeCertificate(state.certificatePem),
    certificatePem: state.certificatePem,
    salesforceName: state.salesforceName,
    retainedUntil: new Date(retainedUntil).toISOString(),
  };
  if (state.privateKeyExportable && state.privateKeyPem) next.previousPrivateKeyPem = state.privateKeyPem;
  return next;
}

function currentKeyPair(state: CertificateState): RsaKeyPair {
  return { privateKeyPem: state.privateKeyPem ?? "", publicKeyPem: state.publicKeyPem! };
}
