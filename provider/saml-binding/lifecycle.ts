/**
 * @module The state of a SAML SP binding: the IdP rotation stages, the metadata the partner imports,
 * the Salesforce metadata to deploy, and the handoff text. Pure; the clock is a parameter.
 */
import {
  applyStageStep,
  describeStages,
  phaseEnds,
  planStages,
  publishedCertificates,
  type IdpStages,
  type NextInOrg,
  type PublishedCertificate,
  type StageSettings,
  type StageStep,
} from "../rotation/idp-stages";
import { describeCertificate } from "../crypto/certificate-facts";
import {
  identityProviderSettingsFiles,
  samlConnectedAppFiles,
  samlExternalClientAppFiles,
  type SamlAppSpec,
} from "../salesforce/saml-apps";
import { idpEndpoints, idpMetadataXml, nameIdFormats } from "../salesforce/saml-idp-metadata";
import type { SamlSpBindingInputs } from "./args";
import { samlInputKeys, type samlViewFields } from "./fields";

/** Everything the provider stores for a binding. */
export interface SamlSpBindingState extends SamlSpBindingInputs {
  /** Shape of the stored state (see state.ts). */
  stateVersion: 2;
  /**
   * The name of the app in the org when the binding adopted one (`adopt.app`, as the org spells it): it wins
   * over `apiName` for the binding's life. Absent for a binding that made its app.
   */
  appName?: string;
  stages: IdpStages;
  phase: IdpStages["phase"];
  /** The phase and what comes next, in words. */
  nextStep: string;
  /** When the current phase ends by the clock (absent when stable or held). */
  phaseEndsAt?: string;
  idpEntityId: string;
  /** The same as `idpEntityId` (the endpoints' own name for it). */
  entityId: string;
  ssoPostUrl: string;
  ssoRedirectUrl: string;
  sloUrl: string;
  /** Salesforce's per-app metadata discovery endpoint. */
  metadataDiscoveryUrl: string;
  /** The IdP metadata XML the partner imports. */
  idpMetadataXml: string;
  /** The certificate the org signs with now, and its fingerprints the partner may pin. */
  signingCertificatePem: string;
  signingSha256Fingerprint: string;
  signingSha1Fingerprint: string;
  signingNotAfter: string;
  /** Every certificate the metadata publishes, with its role. */
  publishedCertificates: (Omit<PublishedCertificate, "certificatePem"> & { role: "signing" | "next" | "previous" })[];
  salesforceFiles: Record<string, string>;
  /** A short text for the partner. */
  handoffText: string;
}

// Every setting in the field table is an input of the lifecycle (checked when compiling).
void (samlInputKeys satisfies readonly (keyof SamlSpBindingInputs)[]);

/** Inputs whose change makes a different app in Salesforce. */
export const samlReplacingInputs = ["apiName", "appType"] as const;

/** The name of the binding's app in the org: the adopted one's, else `apiName`. */
export function samlAppName(state: Pick<SamlSpBindingState, "apiName" | "appName">): string {
  return state.appName ?? state.apiName;
}

/** The first state: stable, signing with the bound certificate; `appName` when it adopts the org's app of that name. */
export function createSamlSpBinding(inputs: SamlSpBindingInputs, now: Date, appName?: string): SamlSpBindingState {
  return derive(
    appName === undefined ? inputs : { ...inputs, appName },
    storedStages(
      { phase: "stable", phaseSince: now.toISOString(), signing: boundCertificate(inputs) },
      inputs,
      undefined,
    ),
  );
}

/** What an update would do now. */
export interface SamlUpdatePlan {
  step: StageStep;
  settingsChanged: boolean;
  message: string;
  /** Org mode: the certificate the switch, due now, waits for (the org does not list it). */
  waitsFor?: string;
}

/** In org mode, what the org lists: the IdP switches only to a certificate the org holds. */
export interface SamlOrgView {
  listedCertificates: ReadonlySet<string>;
}

/** What the org holds of the next certificate, for the words (undefined in artefact mode or when nothing is next). */
export function nextInOrg(stages: IdpStages, org: SamlOrgView | undefined): NextInOrg {
  if (!org || !stages.next) return undefined;
  return org.listedCertificates.has(stages.next.certificateName) ? "listed" : "missing";
}

/**
 * Plans the move from `olds` to `news` at `now`. In org mode (`org` given) a switch that is due waits
 * while the org does not list the next certificate: switching the IdP to it would fail, and switching only
 * the metadata would leave the partner with certificates the org does not sign with.
 */
export function planSamlUpdate(
  olds: SamlSpBindingState,
  news: SamlSpBindingInputs,
  now: Date,
  org?: SamlOrgView,
): SamlUpdatePlan {
  const settings = stageSettings(news, olds.advanceTrigger !== news.advanceTrigger);
  let step = planStages(olds.stages, boundCertificate(news), settings, now);
  let waitsFor: string | undefined;
  if (step.kind === "switch" && nextInOrg(olds.stages, org) === "missing") {
    waitsFor = olds.stages.next!.certificateName;
    step = { kind: "none" };
  }
  // Every input key, old or new: an optional setting removed (singleLogoutUrl, encryption, …) is a change too.
  // Pulumi's own keys (`__provider`, the serialised shell, which differs between releases) are not settings.
  const ownKeys = Object.keys(news).filter((key) => !key.startsWith("__"));
  const inputKeys = new Set([...samlInputKeys, ...ownKeys]) as Set<keyof SamlSpBindingInputs>;
  // `adopt` matters only at create (the adopted name is kept as `appName`).
  const settingsChanged = [...inputKeys].some(
    (key) =>
      key !== "adopt" &&
      !key.startsWith("certificate") &&
      key !== "previousCertificatePem" &&
      JSON.stringify(olds[key]) !== JSON.stringify(news[key]),
  );
  const what = describeStep(
    olds.stages,
    step,
    applyStageStep(olds.stages, step, boundCertificate(news), now),
    settings,
    org,
  );
  const waiting = waitsFor ? `does not switch yet (the switch is due, but the org does not list ${waitsFor}): ` : "";
  return {
    step,
    settingsChanged,
    message: `SamlSpBinding ${news.apiName}: ${waiting}${what}`,
    ...(waitsFor ? { waitsFor } : {}),
  };
}

function describeStep(
  stages: IdpStages,
  step: StageStep,
  after: IdpStages,
  settings: StageSettings,
  org: SamlOrgView | undefined,
): string {
  switch (step.kind) {
    case "none":
      return describeStages(stages, settings, nextInOrg(stages, org));
    case "publish":
      return `publishes the new IdP certificate next to the signing one: ${describeStages(after, settings, nextInOrg(after, org))}`;
    case "switch":
      return `switches the org to the new certificate (${step.why === "advanced" ? "advanceTrigger changed" : "the publish period ended"}): ${describeStages(after, settings)}`;
    case "retire":
      return `retires the previous certificate from the metadata (${step.why === "advanced" ? "advanceTrigger changed" : "the overlap ended"}): ${describeStages(after, settings)}`;
  }
}

/**
 * What the clock does to the stages when the bound certificate is updated in this run and preview cannot
 * see whether its key changes: the step due if it keeps its key (the certificate in force at the last
 * update: the next one while publishing, else the signing one). `up` takes that step when the key stays.
 */
export function describeClockStep(
  olds: SamlSpBindingState,
  news: SamlSpBindingInputs,
  now: Date,
  org?: SamlOrgView,
): string {
  const settings = stageSettings(news, olds.advanceTrigger !== news.advanceTrigger);
  const inForce = olds.stages.next ?? olds.stages.signing;
  let step = planStages(olds.stages, inForce, settings, now);
  const waits = step.kind === "switch" && nextInOrg(olds.stages, org) === "missing";
  if (waits) step = { kind: "none" };
  const waiting = waits
    ? `does not switch yet (the switch is due, but the org does not list ${olds.stages.next!.certificateName}): `
    : "";
  return waiting + describeStep(olds.stages, step, applyStageStep(olds.stages, step, inForce, now), settings, org);
}

/** Carries out a plan from {@link planSamlUpdate} (`org` as given to it). */
export function applySamlUpdate(
  olds: SamlSpBindingState,
  news: SamlSpBindingInputs,
  plan: SamlUpdatePlan,
  now: Date,
  org?: SamlOrgView,
): SamlSpBindingState {
  return derive(
    olds.appName === undefined ? news : { ...news, appName: olds.appName },
    storedStages(applyStageStep(olds.stages, plan.step, boundCertificate(news), now), news, olds.stages),
    org,
  );
}

/**
 * The stages as stored: a PEM only for a certificate that is not the bound one (the old certificate while
 * publishing, during the overlap after the switch), taken from the stored stages or from what the bound
 * certificate hands over during its own overlap. The bound certificate's PEM is its own output: the
 * program fills it in for the views. A certificate that keeps no previous certificate (`overlapDays: 0`)
 * hands over its PEM on every run (and no previous one): then every PEM is kept, as it would be gone after
 * a rotation.
 */
export function storedStages(stages: IdpStages, news: SamlSpBindingInputs, olds: IdpStages | undefined): IdpStages {
  const pems = new Map<string, string>();
  for (const c of olds ? publishedCertificates(olds) : [])
    if (c.certificatePem) pems.set(c.sha256Fingerprint, c.certificatePem);
  if (news.certificatePem) pems.set(news.certificateSha256Fingerprint, news.certificatePem);
  if (news.previousCertificatePem)
    pems.set(describeCertificate(news.previousCertificatePem).sha256Fingerprint, news.previousCertificatePem);
  const keepsEvery = news.certificatePem !== undefined && news.previousCertificatePem === undefined;
  const stored = (c: PublishedCertificate): PublishedCertificate => {
    const { certificatePem: _pem, ...facts } = c;
    const pem = c.certificatePem ?? pems.get(c.sha256Fingerprint);
    return pem && (keepsEvery || c.sha256Fingerprint !== news.certificateSha256Fingerprint)
      ? { ...facts, certificatePem: pem }
      : facts;
  };
  const next: IdpStages = { ...stages, signing: stored(stages.signing) };
  if (stages.next) next.next = stored(stages.next);
  if (stages.previous) next.previous = stored(stages.previous);
  return next;
}

function stageSettings(inputs: SamlSpBindingInputs, advance: boolean): StageSettings {
  return { publishDays: inputs.publishDays, overlapDays: inputs.overlapDays, hold: inputs.holdPhase, advance };
}

function boundCertificate(inputs: SamlSpBindingInputs): PublishedCertificate {
  return {
    ...(inputs.certificatePem ? { certificatePem: inputs.certificatePem } : {}),
    certificateName: inputs.idpCertificateName,
    sha256Fingerprint: inputs.certificateSha256Fingerprint,
    sha1Fingerprint: inputs.certificateSha1Fingerprint,
    notAfter: inputs.certificateNotAfter,
  };
}

/** Fills in everything derived from the inputs and the stages. */
function derive(
  inputs: SamlSpBindingInputs & Pick<SamlSpBindingState, "appName">,
  stages: IdpStages,
  org?: SamlOrgView,
): SamlSpBindingState {
  const settings = stageSettings(inputs, false);
  const ends = settings.hold ? undefined : phaseEnds(stages, settings);
  const { adopt: _adopt, ...kept } = inputs;
  const stored: StoredSamlSpBindingState = {
    ...kept,
    stateVersion: 2,
    stages,
    phase: stages.phase,
    nextStep: describeStages(stages, settings, nextInOrg(stages, org)),
  };
  if (ends) stored.phaseEndsAt = ends.toISOString();
  return { ...stored, ...samlSpBindingViews(stored) };
}

/** What a binding stores: its settings, the stages and where they stand. */
export type StoredSamlSpBindingState = Omit<SamlSpBindingState, (typeof samlViewFields)[number]>;

/**
 * The views of a binding: endpoints, the IdP metadata, the signing certificate's facts, the Salesforce
 * files and the handoff text, from its settings and stages. Pure and deterministic.
 */
export function samlSpBindingViews(
  stored: StoredSamlSpBindingState,
): Pick<SamlSpBindingState, (typeof samlViewFields)[number]> {
  const { stages } = stored;
  const endpoints = idpEndpoints(stored.myDomainUrl);
  const published = publishedCertificates(stages);
  const spec: SamlAppSpec = {
    name: samlAppName(stored),
    label: stored.label,
    contactEmail: stored.contactEmail,
    description: `SAML SSO to ${stored.spEntityId}; managed by pulumi-salesforce-certs.`,
    spEntityId: stored.spEntityId,
    acsUrl: stored.acsUrl,
    issuer: endpoints.entityId,
    nameIdFormat: stored.nameIdFormat,
    subjectType: stored.subjectType,
    signingAlgorithm: stored.signingAlgorithm,
    permissionSets: stored.preAuthorized.permissionSets,
    profiles: stored.preAuthorized.profiles,
    ...(stored.subjectCustomAttribute ? { subjectCustomAttribute: stored.subjectCustomAttribute } : {}),
    ...(stored.singleLogoutUrl ? { singleLogoutUrl: stored.singleLogoutUrl } : {}),
    ...(stored.singleLogoutBinding ? { singleLogoutBinding: stored.singleLogoutBinding } : {}),
    ...(stored.spSigningCertificatePem ? { spSigningCertificatePem: stored.spSigningCertificatePem } : {}),
    ...(stored.encryption ? { encryption: stored.encryption } : {}),
  };
  const views = {
    ...endpoints,
    idpEntityId: endpoints.entityId,
    metadataDiscoveryUrl: `${endpoints.entityId}/.well-known/samlidp/${samlAppName(stored)}.xml`,
    idpMetadataXml: idpMetadataXml({
      myDomainUrl: stored.myDomainUrl,
      nameIdFormat: stored.nameIdFormat,
      wantAuthnRequestsSigned: stored.spSigningCertificatePem !== undefined,
      // Every PEM is known in the program (stored, or the bound certificate's); the provider drops these views.
      signingCertificatePems: published.flatMap((c) => (c.certificatePem ? [c.certificatePem] : [])),
    }),
    signingCertificatePem: stages.signing.certificatePem ?? "",
    signingSha256Fingerprint: stages.signing.sha256Fingerprint,
    signingSha1Fingerprint: stages.signing.sha1Fingerprint,
    signingNotAfter: stages.signing.notAfter,
    publishedCertificates: published.map(({ certificatePem: _pem, ...facts }) => ({
      ...facts,
      role:
        facts.sha256Fingerprint === stages.signing.sha256Fingerprint
          ? ("signing" as const)
          : stages.next?.sha256Fingerprint === facts.sha256Fingerprint
            ? ("next" as const)
            : ("previous" as const),
    })),
    salesforceFiles: {
      ...(stored.appType === "ConnectedApp" ? samlConnectedAppFiles(spec) : samlExternalClientAppFiles(spec)),
      // The org signs with the signing stage's certificate: until the switch, the previous key pair's name.
      ...identityProviderSettingsFiles(stages.signing.certificateName ?? stored.idpCertificateName),
    },
  };
  return { ...views, handoffText: handoffText({ ...stored, ...views, handoffText: "" }) };
}

function handoffText(state: SamlSpBindingState): string {
  const lines = [
    `Single sign-on to ${state.spEntityId} with our Salesforce org as the SAML 2.0 Identity Provider.`,
    ``,
    `IdP entity ID:         ${state.idpEntityId}`,
    `SSO (HTTP-POST):       ${state.ssoPostUrl}`,
    `SSO (HTTP-Redirect):   ${state.ssoRedirectUrl}`,
    `Single logout:         ${state.sloUrl}`,
    `Metadata:              ${state.metadataDiscoveryUrl} (also attached)`,
    `NameID format:         ${nameIdFormats[state.nameIdFormat]}`,
    `Assertions signed:     RSA-${state.signingAlgorithm}, sent to your ACS ${state.acsUrl}`,
    `Signing certificate:   SHA-256 ${state.signingSha256Fingerprint}, valid until ${state.signingNotAfter}`,
  ];
  if (state.stages.next) {
    lines.push(
      ``,
      `Certificate rollover: a new signing certificate is published in the metadata now`,
      `(SHA-256 ${state.stages.next.sha256Fingerprint}, valid until ${state.stages.next.notAfter}).`,
      `Trust both certificates; we switch to the new one ${state.phaseEndsAt ? `on ${state.phaseEndsAt}` : "after confirming with you"}.`,
    );
  }
  if (state.stages.previous) {
    lines.push(
      ``,
      `We switched to the certificate above on ${state.stages.phaseSince}; the previous one (SHA-256 ${state.stages.previous.sha256Fingerprint}) stays in the metadata until ${state.phaseEndsAt ?? "further notice"}.`,
    );
  }
  return `${lines.join("\n")}\n`;
}
