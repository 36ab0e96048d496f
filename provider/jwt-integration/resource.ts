/**
 * @module `JwtIntegration`: a server-to-server integration that logs in to Salesforce with the OAuth 2.0
 * JWT Bearer Flow, bound to a `CertificateAndKeyPair`; emits the External Client App (or legacy
 * Connected App) metadata and the credential CI needs, and rotates without an outage.
 */
import * as pulumi from "@pulumi/pulumi";
import { isSalesforceOrgProvider } from "../org/configured-org";
import { assertOrgKeyIsSecret } from "../org/org-key-secrecy";
import { providerShell } from "../dynamic/provider-shell";
import type { RotationStrategy, SlotName } from "../rotation/jwt-slots";
import type { JwtAppType } from "./args";
import type { PreAuthorized } from "../validate/pre-authorized";
import { certificateHandOver, certificatePemsByFingerprint, type CertificateAndKeyPair } from "../certificate/resource";
import {
  jwtIntegrationViews,
  type JwtIntegrationState,
  type JwtViewSource,
  type PublicSlot,
  type RetiredSlot,
} from "./lifecycle";
import type { JwtStoredInputs } from "./state";
import { allOutputs, defineLazyOutput, defineLazyViews, memoized } from "../dynamic/lazy-output";
import { storedOutputProps, withSecretOutputs } from "../dynamic/resource-props";
import { jwtIntegrationFields, jwtPublicViews, jwtSecretFields, jwtStoredFields } from "./fields";

/** Arguments of a {@link JwtIntegration}. */
export interface JwtIntegrationArgs {
  /** API name of the app (with two slots, the apps are `<apiName>_A` and `<apiName>_B`). */
  apiName: pulumi.Input<string>;
  label: pulumi.Input<string>;
  contactEmail: pulumi.Input<string>;
  /** The certificate-and-key pair whose key signs the JWTs; its key must be exportable. */
  certificate: CertificateAndKeyPair;
  /** The integration user's Salesforce username. */
  username: pulumi.Input<string>;
  /** The `aud` claim: https://login.salesforce.com (production), https://test.salesforce.com (sandbox), a My Domain or an Experience site URL. */
  audience: pulumi.Input<string>;
  /** Where the token request goes; default: the audience. */
  loginUrl?: pulumi.Input<string>;
  /** OAuth scopes, default `["Api"]`. */
  scopes?: pulumi.Input<pulumi.Input<string>[]>;
  /** Permission sets and/or profiles whose users are pre-authorized (admin-approved). */
  preAuthorized: pulumi.Input<Partial<PreAuthorized>>;
  /** 8–256 letters and digits; generated when absent, then stable. With two slots each slot appends A or B. */
  consumerKey?: pulumi.Input<string>;
  /** `ExternalClientApp` (default) or a legacy `ConnectedApp`. */
  appType?: pulumi.Input<JwtAppType>;
  /** `twoSlots` (default for External Client Apps: no outage) or `inPlace` (one app; an outage while the new certificate deploys). */
  rotationStrategy?: pulumi.Input<RotationStrategy>;
  /** Days the old slot keeps its certificate after clients switch (default 7). */
  overlapDays?: pulumi.Input<number>;
  /**
   * This integration is the stack's own connection to the org (README: The stack's own connection): its
   * first `up` deploys it through the bootstrap connection of the stack configuration; afterwards the
   * provider logs in as its active slot for its own changes, and a `SalesforceOrgProvider` built on it
   * logs in as it for the other resources. Needs `rotationStrategy: twoSlots`. Its active key is stored
   * in its state too (the provider logs in as it on refresh and destroy).
   */
  orgConnection?: boolean;
  /**
   * Org mode: take over the existing app `app` (of `appType`; its name matched without case) with its
   * consumer key and the certificate it holds now, whose SHA-256 fingerprint must be `sha256Fingerprint`.
   * `privateKeyPem` (a secret: the key the app's clients use) is checked against that certificate and kept
   * only as a secret output; without it the integration records that the key is held elsewhere. The first
   * `up` deploys nothing; `certificate` takes over through the two-slot flow when the adopted certificate
   * reaches `certificate`'s renewal point, or when `certificate` rotates. Read at create only.
   */
  adopt?: pulumi.Input<{ app: string; sha256Fingerprint: string; privateKeyPem?: pulumi.Input<string> }>;
}

/** The serialised provider: a shell that loads `jwtIntegrationImplementation` in the provider process. */
export const jwtIntegrationProvider = providerShell<JwtStoredInputs, JwtIntegrationState>("jwtIntegration");

/** The outputs of a {@link JwtIntegration}; every name is in its field table (fields.ts). */
export interface JwtIntegrationOutputsShape {
  readonly apiName: pulumi.Output<string>;
  readonly appName: pulumi.Output<string>;
  readonly consumerKey: pulumi.Output<string>;
  /** Secret. */
  readonly privateKeyPem: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  readonly audience: pulumi.Output<string>;
  readonly loginUrl: pulumi.Output<string>;
  readonly tokenEndpoint: pulumi.Output<string>;
  readonly certificateSha256Fingerprint: pulumi.Output<string>;
  readonly certificateNotAfter: pulumi.Output<string>;
  /**
   * The `sf org login jwt` command line CI runs once the key is in `server.key`: for a POSIX shell (sh, bash,
   * zsh; not PowerShell or cmd), every value single-quoted.
   */
  readonly sfLoginJwtCommand: pulumi.Output<string>;
  readonly salesforceFiles: pulumi.Output<Record<string, string>>;
  readonly activeSlot: pulumi.Output<SlotName>;
  readonly phase: pulumi.Output<JwtIntegrationState["phase"]>;
  readonly retireAt: pulumi.Output<string | undefined>;
  /** While a new slot is published but unproven: since when, and why its last proof failed. */
  readonly publishedAt: pulumi.Output<string | undefined>;
  readonly lastProofError: pulumi.Output<string | undefined>;
  /**
   * From a slot's retire until the next publish: the retired slot, the certificate it held (fingerprint),
   * when it was retired, and whether the org is proven to refuse its old key ("pending": not yet, with the
   * last try's answer; "unprovable": why this stack cannot try; "proven": when, and the org's refusal).
   * Plain: it holds no key (the old key kept for the proof is in the secret `slotKeys`). Absent otherwise.
   */
  readonly retiredSlot: pulumi.Output<RetiredSlot | undefined>;
  readonly slots: pulumi.Output<Partial<Record<SlotName, PublicSlot>>>;
}

/**
 * A JWT Bearer Flow integration bound to a certificate. Outputs the Salesforce metadata to deploy and
 * the credential a CI system logs in with; when the certificate rotates, the new one is published to an
 * idle app slot and clients switch only once a login with it succeeds.
 *
 * @example
 * ```ts
 * const ci = new JwtIntegration("ci", {
 *   apiName: "Greenmoor_CI",
 *   label: "Greenmoor CI",
 *   contactEmail: "platform@greenmoor.example",
 *   certificate: ciJwt,
 *   username: "ci@greenmoor.example",
 *   audience: "https://login.salesforce.com",
 *   preAuthorized: { permissionSets: ["CI_Deployer"] },
 * });
 * export const ciConsumerKey = ci.consumerKey;
 * export const ciKey = ci.privateKeyPem; // secret
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the outputs are declared in the merged interface and set by the SDK.
export class JwtIntegration extends pulumi.dynamic.Resource {
  /** The name this integration was declared with (program side only, for messages). */
  readonly declaredName: string;
  /** `orgConnection` as declared (program side only). */
  readonly orgConnectionArgument: boolean;

  constructor(name: string, args: JwtIntegrationArgs, opts?: pulumi.CustomResourceOptions) {
    assertOrgKeyIsSecret();
    const { certificate, adopt, ...rest } = args;
    const ownConnection = args.orgConnection === true;
    // Absent unless given, so that an integration that adopts nothing stores what it did before.
    const adopting =
      adopt === undefined
        ? {}
        : {
            // A secret as a whole: it may hold the key of the adopted app's clients.
            adopt: pulumi.secret(adopt),
            // The adopted certificate is renewed by the policy the bound certificate renews by.
            certificateRenewal: certificate.renewal,
          };
    // The outputs the provider stores (fields.ts); the others are views of them, computed in the program
    // (jwtIntegrationViews).
    super(
      jwtIntegrationProvider,
      name,
      storedOutputProps(jwtStoredFields, {
        ...rest,
        ...adopting,
        ...boundCertificateInputs(certificate, ownConnection || adopt !== undefined, ownConnection, opts),
      }),
      withSecretOutputs(opts, jwtSecretFields),
      "salesforce",
      "JwtIntegration",
    );
    this.declaredName = name;
    this.orgConnectionArgument = ownConnection;
    defineIntegrationViews(this, certificate);
  }
}

/** What an integration is handed of its bound certificate, beside its own settings. */
function boundCertificateInputs(
  certificate: CertificateAndKeyPair,
  handedOverAlways: boolean,
  ownConnection: boolean,
  opts: pulumi.CustomResourceOptions | undefined,
): Record<string, unknown> {
  // The integration stores what it needs of the certificate's PEM and key (storedSlots). The stack's org
  // connection is handed the key on every run: it keeps its active key itself. So is an adopting
  // integration: the managed certificate first goes to a slot while it is in no overlap, and that slot is
  // proven with its key.
  const handedOver = certificateHandOver(certificate, handedOverAlways);
  return {
    certificateSha256Fingerprint: certificate.sha256Fingerprint,
    certificateNotAfter: certificate.notAfter,
    privateKeyExportable: certificate.privateKeyExportable,
    certificatePem: handedOver(() => certificate.certificatePem),
    privateKeyPem: handedOver(() => certificate.privateKeyPem),
    previousCertificatePem: handedOver(() =>
      certificate.previousCertificate.apply((previous) => previous?.certificatePem),
    ),
    previousPrivateKeyPem: handedOver(() =>
      certificate.previousCertificate.apply((previous) => (previous ? certificate.previousPrivateKeyPem : undefined)),
    ),
    // Only for a certificate whose key the org keeps (check refuses it); absent, so not stored, otherwise.
    ...(certificate.custodyArgument === "org" ? { certificateCustody: "org" } : {}),
    // Changes with every update of the certificate: preview cannot see the certificate's new outputs, so
    // it says this integration changes too; the revision makes `up` agree (see the implementation's diff).
    certificateRevision: certificate.revision,
    // In org mode the provider deploys the apps itself, so it needs the bound certificate on every run
    // (public; artefact mode leaves it out, not even as an empty property, which the SDK would make an Output
    // of: the program fills the views in from the certificate).
    ...(orgModeConfigured() || ownConnection || isSalesforceOrgProvider(opts?.provider)
      ? { boundCertificatePem: certificate.certificatePem }
      : {}),
  };
}

/** The stored outputs the public views of an integration read, beside its slots. */
const viewSourceFields = [
  "label",
  "contactEmail",
  "username",
  "audience",
  "loginUrl",
  "scopes",
  "preAuthorized",
  "appType",
  "strategy",
  "activeSlot",
] as const;

/**
 * Defines the views of `integration`, each made on first read (see defineLazyOutput): a program that reads
 * none pays for none.
 */
function defineIntegrationViews(integration: JwtIntegration, certificate: CertificateAndKeyPair): void {
  const storedSlots = integration.slots;
  // A slot holding the bound certificate (or its previous one) stores no PEM: it is the certificate's.
  const slots = memoized(() =>
    pulumi
      .all([storedSlots, certificatePemsByFingerprint(certificate)])
      .apply(([stored, pems]) => withCertificates(stored, pems)),
  );
  defineLazyOutput(integration, "slots", slots);
  // The public views are computed without the secret keys, so that they stay plain.
  defineLazyViews(integration, jwtPublicViews, () =>
    pulumi
      .all([allOutputs(integration, viewSourceFields), slots()])
      .apply(([facts, slots]) => jwtIntegrationViews({ ...facts, slots, slotKeys: {} } as unknown as JwtViewSource)),
  );
  // The active slot's key: the integration's own copy while it differs from the certificate's (during a
  // rotation), else the certificate's. A secret, computed from secrets.
  const slotKeys = (integration as unknown as { slotKeys: pulumi.Output<JwtViewSource["slotKeys"] | undefined> })
    .slotKeys;
  defineLazyOutput(integration, "privateKeyPem", () => {
    const activeKey = pulumi
      .all([integration.activeSlot, storedSlots, certificate.sha256Fingerprint])
      .apply(([activeSlot, slots, sha256]) =>
        // Only a slot that differs from the certificate reads the stored keys (absent in the steady state,
        // which a preview would read as unknown).
        slots[activeSlot]?.sha256Fingerprint === sha256
          ? certificate.privateKeyPem.apply((key) => key ?? "")
          : slotKeys.apply((keys) => keys?.[activeSlot] ?? ""),
      );
    return pulumi.secret(activeKey);
  });
}

/** An integration's outputs, declared once (see {@link JwtIntegrationOutputsShape}). */
export interface JwtIntegration extends JwtIntegrationOutputsShape {}

// Every output of the class is in the field table (checked when compiling).
void (jwtIntegrationFields satisfies Record<keyof JwtIntegrationOutputsShape, unknown>);

/** True when the stack has an org connection (`salesforce-certs:org`, read by the provider's configure too). */
function orgModeConfigured(): boolean {
  return new pulumi.Config("salesforce-certs").get("org") !== undefined;
}

/** The slots with each PEM the integration does not store filled in from the bound certificate. */
function withCertificates(
  slots: Partial<Record<SlotName, PublicSlot>>,
  pems: Record<string, string>,
): Partial<Record<SlotName, PublicSlot>> {
  const filled: Partial<Record<SlotName, PublicSlot>> = {};
  for (const [name, slot] of Object.entries(slots) as [SlotName, PublicSlot][]) {
    const pem = slot.certificatePem ?? (slot.sha256Fingerprint ? pems[slot.sha256Fingerprint] : undefined);
    filled[name] = pem ? { ...slot, certificatePem: pem } : slot;
  }
  return filled;
}
