/**
 * @module Staged rotation of the org's IdP signing certificate, seen from one Service Provider.
 *
 * The org signs for every SP with one certificate, so the overlap has to happen on the SP side:
 *  - stable:     the metadata carries the signing certificate;
 *  - publishing: the IdP certificate rotated; the metadata carries the signing (old) and the next (new)
 *                certificate, the org still signs with the old one, so the partner can load the new key;
 *  - switched:   after `publishDays`, the org signs with the new certificate; the metadata keeps the
 *                old one for `overlapDays`, for assertions already in flight and partners' caches;
 *  - then stable again with the new certificate alone.
 * `hold` stops the clock-driven steps; a changed `advanceTrigger` takes the next step now.
 */

export type IdpPhase = "stable" | "publishing" | "switched";

/** The public facts of a certificate the SP is told about. */
export interface PublishedCertificate {
  /** Absent when stored for the bound certificate, whose own output holds it (see `storedStages`). */
  certificatePem?: string;
  /** The certificate's unique name in the org, which IdentityProviderSettings names when the org signs with it. */
  certificateName: string;
  sha256Fingerprint: string;
  sha1Fingerprint: string;
  notAfter: string;
}

/** Where one binding's rotation stands. */
export interface IdpStages {
  phase: IdpPhase;
  /** Since when the phase holds. */
  phaseSince: string;
  /** The certificate the org signs with. */
  signing: PublishedCertificate;
  /** publishing: the certificate the org will switch to. */
  next?: PublishedCertificate;
  /** switched: the certificate the org signed with before, still published. */
  previous?: PublishedCertificate;
}

/** What drives the stages. */
export interface StageSettings {
  publishDays: number;
  overlapDays: number;
  hold: boolean;
  /** True when `advanceTrigger` changed since the last update. */
  advance: boolean;
}

export type StageStep =
  | { kind: "none" }
  | { kind: "publish" }
  | { kind: "switch"; why: "time" | "advanced" }
  | { kind: "retire"; why: "time" | "advanced" };

const dayMs = 86_400_000;

/** When the current phase ends by the clock (none when stable). */
export function phaseEnds(
  stages: IdpStages,
  settings: Pick<StageSettings, "publishDays" | "overlapDays">,
): Date | undefined {
  const since = Date.parse(stages.phaseSince);
  if (stages.phase === "publishing") return new Date(since + settings.publishDays * dayMs);
  if (stages.phase === "switched") return new Date(since + settings.overlapDays * dayMs);
  return undefined;
}

/** Decides the next step for the IdP certificate `current` (the bound certificate now) at `now`. */
export function planStages(
  stages: IdpStages,
  current: PublishedCertificate,
  settings: StageSettings,
  now: Date,
): StageStep {
  const isSigning = current.sha256Fingerprint === stages.signing.sha256Fingerprint;
  const isNext = stages.next?.sha256Fingerprint === current.sha256Fingerprint;
  if (!isSigning && !isNext) return { kind: "publish" };
  if (stages.phase === "stable") return { kind: "none" };
  const due = !settings.hold && now.getTime() >= phaseEnds(stages, settings)!.getTime();
  if (!due && !settings.advance) return { kind: "none" };
  const why = settings.advance ? "advanced" : "time";
  return stages.phase === "publishing" ? { kind: "switch", why } : { kind: "retire", why };
}

/** Carries out a step. */
export function applyStageStep(
  stages: IdpStages,
  step: StageStep,
  current: PublishedCertificate,
  now: Date,
): IdpStages {
  const since = now.toISOString();
  switch (step.kind) {
    case "none":
      return stages;
    case "publish":
      return { phase: "publishing", phaseSince: since, signing: stages.signing, next: current };
    case "switch":
      return { phase: "switched", phaseSince: since, signing: stages.next!, previous: stages.signing };
    case "retire":
      return { phase: "stable", phaseSince: since, signing: stages.signing };
  }
}

/** The certificates the metadata publishes, the signing one first. */
export function publishedCertificates(stages: IdpStages): PublishedCertificate[] {
  return [stages.signing, ...(stages.next ? [stages.next] : []), ...(stages.previous ? [stages.previous] : [])];
}

/**
 * Whether the org lists the next certificate (org mode), which decides what the words ask for: `listed`
 * (the org holds the key pair: nothing to do), `missing` (import it; the switch waits for it), or
 * undefined in artefact mode (import it before deploying the files).
 */
export type NextInOrg = "listed" | "missing" | undefined;

/** The phase and the next step in words, for preview and the `nextStep` output. */
export function describeStages(stages: IdpStages, settings: StageSettings, nextInOrg?: NextInOrg): string {
  const ends = phaseEnds(stages, settings)?.toISOString();
  const fp = (c: PublishedCertificate) => `${c.sha256Fingerprint.slice(0, 23)}…`;
  const control = settings.hold ? " (held: holdPhase is set; change advanceTrigger to move on)" : "";
  switch (stages.phase) {
    case "stable":
      return `stable: the org signs with ${fp(stages.signing)} (${stages.signing.certificateName}, notAfter ${stages.signing.notAfter}), the only certificate in the metadata`;
    case "publishing": {
      const when = settings.hold ? "when advanced" : `on ${ends}`;
      const carries = `publishing since ${stages.phaseSince}: the metadata carries ${fp(stages.signing)} (signing) and ${fp(stages.next!)} (next); the partner must load it`;
      const name = stages.next!.certificateName;
      if (nextInOrg === "listed")
        return `${carries}; the org holds ${name}, and its IdP switches to it ${when}${control}`;
      if (nextInOrg === "missing") {
        return `${carries}; the org does not list ${name}: import its key pair (jksBase64, alias ${name.toLowerCase()}) under Setup › Certificate and Key Management › Import from Keystore; the org's IdP switches to it ${when}, or at the first pulumi up after the import if the org does not list it by then${control}`;
      }
      return `${carries}, and the next key pair must be in the org as ${name} (Import from Keystore); the org switches to it ${when}${control}`;
    }
    case "switched":
      return `switched since ${stages.phaseSince}: the org signs with ${fp(stages.signing)} (${stages.signing.certificateName}); the metadata keeps ${fp(stages.previous!)} until ${settings.hold ? "advanced" : ends}${control}`;
  }
}
