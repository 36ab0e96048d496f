/**
 * @module `SamlSpBinding`: a partner's SAML Service Provider for which the Salesforce org is the Identity
 * Provider, bound to the org's IdP `CertificateAndKeyPair`, with staged rotation of that certificate.
 */
import * as pulumi from "@pulumi/pulumi";
import { assertOrgKeyIsSecret } from "../org/org-key-secrecy";
import { allOutputs, defineLazyViews } from "../dynamic/lazy-output";
import { storedOutputProps } from "../dynamic/resource-props";
import { providerShell } from "../dynamic/provider-shell";
import type { IdpPhase, IdpStages, PublishedCertificate } from "../rotation/idp-stages";
import type { SamlSubjectType } from "../salesforce/saml-apps";
import type { NameIdFormat } from "../salesforce/saml-idp-metadata";
import type { SamlSpBindingInputs } from "./args";
import { certificateHandOver, certificatePemsByFingerprint, type CertificateAndKeyPair } from "../certificate/resource";
import { withoutAbsentOutputs } from "../dynamic/absent-outputs";
import { samlSpBindingViews, type SamlSpBindingState, type StoredSamlSpBindingState } from "./lifecycle";
import { optionalSamlSettings, samlInputKeys, samlOutputViews, samlSpBindingFields, samlStoredFields } from "./fields";

/** Arguments of a {@link SamlSpBinding}. */
export interface SamlSpBindingArgs {
  /** API name of the app. */
  apiName: pulumi.Input<string>;
  label: pulumi.Input<string>;
  contactEmail: pulumi.Input<string>;
  /** The SP's entity ID: an absolute URI. */
  spEntityId: pulumi.Input<string>;
  /** The SP's Assertion Consumer Service URL (https). */
  acsUrl: pulumi.Input<string>;
  singleLogoutUrl?: pulumi.Input<string>;
  /** Default `HttpPost` when `singleLogoutUrl` is set. */
  singleLogoutBinding?: pulumi.Input<"HttpPost" | "HttpRedirect">;
  /** Default `unspecified`. */
  nameIdFormat?: pulumi.Input<NameIdFormat>;
  /** Default `Username`. */
  subjectType?: pulumi.Input<SamlSubjectType>;
  /** The user field the subject comes from, with `subjectType: "CustomAttribute"`. */
  subjectCustomAttribute?: pulumi.Input<string>;
  /** Default `SHA256`; `SHA1` needs `acknowledgeSha1: true` and prints a warning on every preview. */
  signingAlgorithm?: pulumi.Input<"SHA256" | "SHA1">;
  acknowledgeSha1?: pulumi.Input<boolean>;
  /** The SP's request-signing certificate (PEM): then every request must be signed. */
  spSigningCertificatePem?: pulumi.Input<string>;
  /** Encrypt assertions with the SP's certificate, known to the org by `certificateName`. */
  encryption?: pulumi.Input<{ certificateName: string; type?: "AES_128" | "AES_256" }>;
  /** Who may use it. */
  preAuthorized?: pulumi.Input<{ permissionSets?: string[]; profiles?: string[] }>;
  /** The org's My Domain URL; the IdP entity ID and endpoints derive from it. */
  myDomainUrl: pulumi.Input<string>;
  /** The org's IdP signing certificate. */
  idpCertificate: CertificateAndKeyPair;
  /** `ExternalClientApp` (default, with its SAML policy) or a legacy `ConnectedApp` with `samlConfig`. */
  appType?: pulumi.Input<"ExternalClientApp" | "ConnectedApp">;
  /** Days a new IdP certificate is published before the org signs with it (default 7). */
  publishDays?: pulumi.Input<number>;
  /** Days the previous certificate stays in the metadata after the switch (default 7). */
  overlapDays?: pulumi.Input<number>;
  /**
   * With an org connection: take over the SAML app `app` (of `appType`) and the org's IdP settings the org
   * holds now instead of deploying them. The app's entity ID, ACS URL, NameID format, subject type and
   * signing algorithm must equal this binding's, and the IdP must be on and sign with `idpCertificate`;
   * otherwise create is refused, naming each difference. The first `up` deploys nothing; from then on the
   * binding manages the app under the name `app` (names compare without case), and its later deploys (a
   * staged IdP switch) write the binding's settings to it. Read at create only; keep it in the program, as
   * the app's outputs (`salesforceFiles`, `metadataDiscoveryUrl`) are computed with that name.
   */
  adopt?: pulumi.Input<{ app: pulumi.Input<string> }>;
  /** Stop the clock-driven steps where they are. */
  holdPhase?: pulumi.Input<boolean>;
  /** Any string; changing it takes the next step now. */
  advanceTrigger?: pulumi.Input<string>;
}

/** The serialised provider: a shell that loads `samlSpBindingImplementation` in the provider process. */
export const samlSpBindingProvider = providerShell<SamlSpBindingInputs, SamlSpBindingState>("samlSpBinding");

/** The outputs of a {@link SamlSpBinding}; every name is in its field table (fields.ts). */
export interface SamlSpBindingOutputsShape {
  readonly apiName: pulumi.Output<string>;
  readonly idpMetadataXml: pulumi.Output<string>;
  readonly metadataDiscoveryUrl: pulumi.Output<string>;
  readonly idpEntityId: pulumi.Output<string>;
  readonly ssoPostUrl: pulumi.Output<string>;
  readonly ssoRedirectUrl: pulumi.Output<string>;
  readonly sloUrl: pulumi.Output<string>;
  readonly signingCertificatePem: pulumi.Output<string>;
  readonly signingSha256Fingerprint: pulumi.Output<string>;
  readonly signingSha1Fingerprint: pulumi.Output<string>;
  readonly signingNotAfter: pulumi.Output<string>;
  readonly publishedCertificates: pulumi.Output<SamlSpBindingState["publishedCertificates"]>;
  readonly phase: pulumi.Output<IdpPhase>;
  readonly nextStep: pulumi.Output<string>;
  readonly phaseEndsAt: pulumi.Output<string | undefined>;
  readonly salesforceFiles: pulumi.Output<Record<string, string>>;
  readonly handoffText: pulumi.Output<string>;
}

/**
 * Salesforce as the SAML Identity Provider for one partner Service Provider. Outputs the IdP metadata the
 * partner imports, the Salesforce metadata to deploy, and a handoff text; rotates the IdP certificate in
 * stages (publish both keys, switch, retire the old one) so the partner is never left without a valid key.
 * With an org connection, `pulumi up` deploys the app and the org's IdentityProviderSettings itself and
 * switches the IdP on the switch day (README: SamlSpBinding in org mode).
 *
 * @example
 * ```ts
 * const sso = new SamlSpBinding("partner", {
 *   apiName: "Partner_Portal_SSO",
 *   label: "Partner portal",
 *   contactEmail: "platform@greenmoor.example",
 *   spEntityId: "https://portal.partner.example/saml/metadata",
 *   acsUrl: "https://portal.partner.example/saml/acs",
 *   nameIdFormat: "emailAddress",
 *   myDomainUrl: "https://greenmoor.my.salesforce.com",
 *   idpCertificate: idpSigning,
 *   preAuthorized: { permissionSets: ["Partner_Portal_Users"] },
 * });
 * export const partnerMetadata = sso.idpMetadataXml;
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the outputs are declared in the merged interface and set by the SDK.
export class SamlSpBinding extends pulumi.dynamic.Resource {
  constructor(name: string, args: SamlSpBindingArgs, opts?: pulumi.CustomResourceOptions) {
    assertOrgKeyIsSecret();
    const { idpCertificate, ...rest } = args;
    // The certificate hands its PEM (and its previous one) over only during its overlap (see
    // certificateHandOver): the binding stores a PEM only while its stages publish one that is no longer the
    // bound certificate (storedStages).
    const handedOver = certificateHandOver(idpCertificate);
    // The outputs the provider stores (every setting, the stages); the others are views of them, computed below.
    const props = storedOutputProps(samlStoredFields, {
      ...rest,
      idpCertificateName: idpCertificate.salesforceName,
      certificatePem: handedOver(() => idpCertificate.certificatePem),
      previousCertificatePem: handedOver(() =>
        idpCertificate.previousCertificate.apply((previous) => previous?.certificatePem),
      ),
      certificateSha256Fingerprint: idpCertificate.sha256Fingerprint,
      certificateSha1Fingerprint: idpCertificate.sha1Fingerprint,
      certificateNotAfter: idpCertificate.notAfter,
      // Changes with every update of the certificate: preview cannot see the certificate's new outputs, so
      // it says this binding changes too; the revision makes `up` agree (see the implementation's diff).
      certificateRevision: idpCertificate.revision,
    });
    super(samlSpBindingProvider, name, props, opts, "salesforce", "SamlSpBinding");
    defineBindingViews(this, args);
  }
}

/**
 * Defines the views of `binding`, each made on first read (see defineLazyViews): a program that reads none
 * pays for none. States of earlier releases lack the optional settings not given (and phaseEndsAt), which a
 * preview reads as unknown: an optional setting is read only when given, phaseEndsAt only while a rotation
 * is under way.
 */
function defineBindingViews(binding: SamlSpBinding, args: SamlSpBindingArgs): void {
  const given = (key: string) =>
    (args as unknown as Record<string, unknown>)[key] !== undefined ||
    (key === "singleLogoutBinding" && args.singleLogoutUrl !== undefined);
  const facts = [
    ...samlInputKeys.filter((key) => !(optionalSamlSettings as readonly string[]).includes(key) || given(key)),
    "stages",
    "phase",
    "nextStep",
    // Stored only by a binding that adopted its app: read only then (see SamlSpBindingArgs.adopt).
    ...(args.adopt !== undefined ? ["appName"] : []),
  ];
  defineLazyViews(binding, samlOutputViews, () => {
    // The stages store no PEM for the bound certificate (or its previous one): the certificate's outputs have it.
    const pems = certificatePemsByFingerprint(args.idpCertificate);
    return pulumi.all([allOutputs(binding, facts), pems]).apply(([known, byFingerprint]) => {
      const source = withCertificates(
        withoutAbsentOutputs(known) as unknown as StoredSamlSpBindingState,
        byFingerprint,
      );
      return source.phase === "stable"
        ? pulumi.output(samlSpBindingViews(source))
        : binding.phaseEndsAt.apply((phaseEndsAt) =>
            samlSpBindingViews({ ...source, ...(phaseEndsAt ? { phaseEndsAt } : {}) }),
          );
    });
  });
}

/** A binding's outputs, declared once (see {@link SamlSpBindingOutputsShape}). */
export interface SamlSpBinding extends SamlSpBindingOutputsShape {}

// Every output of the class is in the field table (checked when compiling).
void (samlSpBindingFields satisfies Record<keyof SamlSpBindingOutputsShape, unknown>);

/** The stored state with each PEM its stages do not store filled in from the bound certificate. */
function withCertificates(stored: StoredSamlSpBindingState, pems: Record<string, string>): StoredSamlSpBindingState {
  const fill = (c: PublishedCertificate): PublishedCertificate =>
    c.certificatePem || !pems[c.sha256Fingerprint] ? c : { ...c, certificatePem: pems[c.sha256Fingerprint] };
  const stages: IdpStages = { ...stored.stages, signing: fill(stored.stages.signing) };
  if (stored.stages.next) stages.next = fill(stored.stages.next);
  if (stored.stages.previous) stages.previous = fill(stored.stages.previous);
  return { ...stored, stages };
}
