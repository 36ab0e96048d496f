/**
 * @module `CertificateAndKeyPair`: a Salesforce certificate-and-key pair (Setup › Certificate and Key
 * Management) generated in the provider, rotated on diff with an overlap, exported in every format a
 * consumer needs.
 */
import * as pulumi from "@pulumi/pulumi";
import { assertOrgKeyIsSecret } from "../org/org-key-secrecy";
import { providerShell } from "../dynamic/provider-shell";
import type { CertificateFacts } from "../crypto/certificate-facts";
import type { DistinguishedName } from "../crypto/distinguished-name";
import type { PublicKeyJwk } from "../crypto/public-key-jwk";
import type { RsaKeySize } from "../crypto/rsa-key-pair";
import type { RenewalPolicy } from "../rotation/renewal-policy";
import type { CertificateInputs } from "./args";
import type { CertificateState, PreviousCertificate } from "./state";
import { certificateViews, storedKeyPem, type CertificateViews, type CertificateViewSource } from "./state";
import { allOutputs, defineLazyOutput, defineLazyViews, memoized, outputsNamed } from "../dynamic/lazy-output";
import { storedOutputProps, withSecretOutputs } from "../dynamic/resource-props";
import {
  certificateFields,
  certificateKeySourceFields,
  certificateStoredFields,
  certificateViewFields,
  secretStateFields,
} from "./fields";

/** Arguments of a {@link CertificateAndKeyPair}. */
export interface CertificateAndKeyPairArgs {
  /** Salesforce unique name (`fullName`): letters, digits, underscores; starts with a letter; no `__`, no trailing `_`. */
  uniqueName: pulumi.Input<string>;
  /** Salesforce label (`masterLabel`), at most 64 characters. */
  label: pulumi.Input<string>;
  /**
   * Who generates and keeps the key pair: `"provider"` (default: this provider, which outputs the key as a
   * secret) or `"org"` (org mode: the Salesforce org generates it on deploy and keeps it; no output carries
   * it, and `subject`, `validityDays` and `keystorePassword` do not apply; with `caSigned` the org makes the CSR
   * and `signedChainPem` is uploaded to it). Changing it replaces.
   */
  custody?: pulumi.Input<"provider" | "org">;
  /** RSA key size: 2048 (default) or 4096. */
  keySize?: pulumi.Input<RsaKeySize>;
  /** Days from issue to `notAfter` of a self-signed certificate; default as Salesforce: 365 at 2048 bits, 730 at 4096. Applies from the next rotation. */
  validityDays?: pulumi.Input<number>;
  /** Subject fields; `commonName` defaults to the unique name (its first 64 characters, X.520's limit). Changing them rotates. */
  subject?: pulumi.Input<Partial<DistinguishedName>>;
  /** CA-signed instead of self-signed: the resource outputs a CSR (`csrPem`; the org's, with custody org) and adopts `signedChainPem`. */
  caSigned?: pulumi.Input<boolean>;
  /** The CA's answer to `csrPem`: leaf first, then each issuer. */
  signedChainPem?: pulumi.Input<string>;
  /** Salesforce's "Exportable Private Key" (default true). When false, no output carries the key in any form. */
  privateKeyExportable?: pulumi.Input<boolean>;
  /** When to rotate; default: at 80 % of the lifetime. With both fields, the earlier point wins. */
  renewal?: pulumi.Input<RenewalPolicy>;
  /** Days the previous certificate stays published after a rotation (default 7; never past its own expiry). */
  overlapDays?: pulumi.Input<number>;
  /** Any string; changing it rotates now. */
  rotationTrigger?: pulumi.Input<string>;
  /**
   * With `custody: "org"` only: take over the certificate the org already holds under `uniqueName` (names
   * compare without case) instead of deploying one, when its content has this SHA-256 fingerprint (as
   * `salesforce-certs discover` reports it: `AB:CD:…`, or plain hex) and `keySize`, `caSigned`, `label` and
   * `privateKeyExportable` equal the org's; otherwise create is refused, naming each difference. Nothing is
   * deployed, so its key pair stays; it then rotates as a certificate this resource made. Read at create only.
   */
  adopt?: pulumi.Input<{ sha256Fingerprint: pulumi.Input<string> }>;
  /** Password of the PKCS #12 and JKS outputs (and of the key inside, as Salesforce requires); 6–128 characters. Kept secret. */
  keystorePassword?: pulumi.Input<string>;
}

/** Everything the provider stores and outputs for a certificate. */
export type CertificateAndKeyPairOutputs = CertificateState;

/** The serialised provider: a shell that loads `certificateAndKeyPairImplementation` in the provider process. */
export const certificateAndKeyPairProvider = providerShell<CertificateInputs, CertificateState>(
  "certificateAndKeyPair",
);

/** The outputs of a {@link CertificateAndKeyPair}; every name is in its field table (fields.ts). */
export interface CertificateAndKeyPairOutputsShape {
  readonly uniqueName: pulumi.Output<string>;
  /** Which key pair is in force: 1, then one more at each rotation. */
  readonly generation: pulumi.Output<number>;
  /** 1 at creation, one more at every update of this resource. */
  readonly revision: pulumi.Output<number>;
  /** The name of the key pair in force in the org: the unique name, then `<uniqueName>_G<n>`. */
  readonly salesforceName: pulumi.Output<string>;
  readonly label: pulumi.Output<string>;
  readonly keySize: pulumi.Output<RsaKeySize>;
  readonly validityDays: pulumi.Output<number>;
  readonly subject: pulumi.Output<DistinguishedName>;
  readonly caSigned: pulumi.Output<boolean>;
  readonly privateKeyExportable: pulumi.Output<boolean>;
  readonly renewal: pulumi.Output<RenewalPolicy>;
  readonly overlapDays: pulumi.Output<number>;
  /** PEM of the certificate in force (undefined while a CA-signed certificate awaits its first chain). */
  readonly certificatePem: pulumi.Output<string | undefined>;
  readonly certificateChainPem: pulumi.Output<string | undefined>;
  readonly certificateDerBase64: pulumi.Output<string | undefined>;
  readonly publicKeyPem: pulumi.Output<string | undefined>;
  readonly publicKeyJwk: pulumi.Output<PublicKeyJwk | undefined>;
  /** PKCS #8 PEM; a Pulumi secret; undefined when not exportable. */
  readonly privateKeyPem: pulumi.Output<string | undefined>;
  /** PKCS #12 (base64); a Pulumi secret; set when `keystorePassword` is. */
  readonly pkcs12Base64: pulumi.Output<string | undefined>;
  /** JKS (base64) for Salesforce's "Import from Keystore"; a Pulumi secret; set when `keystorePassword` is. */
  readonly jksBase64: pulumi.Output<string | undefined>;
  readonly sha1Fingerprint: pulumi.Output<CertificateFacts["sha1Fingerprint"] | undefined>;
  readonly sha256Fingerprint: pulumi.Output<CertificateFacts["sha256Fingerprint"] | undefined>;
  readonly serialNumber: pulumi.Output<string | undefined>;
  readonly notBefore: pulumi.Output<string | undefined>;
  readonly notAfter: pulumi.Output<string | undefined>;
  readonly nextRotation: pulumi.Output<string | undefined>;
  readonly csrPem: pulumi.Output<string | undefined>;
  readonly awaitingSignature: pulumi.Output<boolean>;
  readonly previousCertificate: pulumi.Output<PreviousCertificate | undefined>;
  /** The previous certificate's key while it is kept (see `previousCertificate`); a Pulumi secret. */
  readonly previousPrivateKeyPem: pulumi.Output<string | undefined>;
  readonly lastRotation: pulumi.Output<{ at: string; reason: string } | undefined>;
  /** Salesforce source-format files (`certs/<Name>.crt`, `.crt-meta.xml`): path → content. */
  readonly salesforceFiles: pulumi.Output<Record<string, string>>;
}

/**
 * A Salesforce certificate-and-key pair: an RSA key (2048 or 4096 bits) with a self-signed or CA-signed
 * certificate, rotated by `pulumi up` when its renewal point passes, with the previous certificate kept
 * for an overlap.
 *
 * @example
 * ```ts
 * const idp = new CertificateAndKeyPair("idp", {
 *   uniqueName: "Greenmoor_IdP",
 *   label: "Greenmoor IdP signing",
 *   keySize: 4096,
 *   subject: { commonName: "greenmoor.my.salesforce.com", company: "Greenmoor Software", country: "GB" },
 *   renewal: { daysBeforeExpiry: 60 },
 *   overlapDays: 14,
 * });
 * export const idpCertificate = idp.certificatePem;
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the outputs are declared in the merged interface and set by the SDK.
export class CertificateAndKeyPair extends pulumi.dynamic.Resource {
  /**
   * `custody` as given to the constructor when it was a plain value (not an Output): lets a
   * `JwtIntegration` refuse, in the program, a certificate whose key the org keeps.
   */
  readonly custodyArgument: "provider" | "org" | undefined;

  constructor(name: string, args: CertificateAndKeyPairArgs, opts?: pulumi.CustomResourceOptions) {
    assertOrgKeyIsSecret();
    // A password given as plain text would sit unencrypted among the stored inputs: make it a secret.
    const inputs =
      args.keystorePassword === undefined ? args : { ...args, keystorePassword: pulumi.secret(args.keystorePassword) };
    // Keystores exist only with a password; without one they are stored as a plain null, not an encrypted one.
    const secrets = secretStateFields.filter(
      (field) => args.keystorePassword !== undefined || (field !== "pkcs12Base64" && field !== "jksBase64"),
    );
    // The outputs the provider stores (fields.ts); every other output is a view of them, computed here (see state.ts).
    super(
      certificateAndKeyPairProvider,
      name,
      storedOutputProps(certificateStoredFields, inputs),
      withSecretOutputs(opts, secrets),
      "salesforce",
      "CertificateAndKeyPair",
    );
    this.custodyArgument = typeof args.custody === "string" ? args.custody : undefined;
    defineCertificateViews(this);
    defineKeyViews(this);
  }
}

/** The stored outputs every view of a certificate reads (a CA-signed one's views read `csrPem` too). */
const viewSourceFields = [
  "salesforceName",
  "label",
  "caSigned",
  "keySize",
  "privateKeyExportable",
  "renewal",
  "certificateChainPem",
] as const;

/**
 * Defines each view of `certificate` (fields.ts), made on first read (see defineLazyViews): a program that
 * reads none pays for none. States of earlier releases lack some optional keys, which a preview reads as
 * unknown: each view reads only the keys it needs (csrPem only for a CA-signed certificate). A view that
 * does not apply (no certificate yet: a CA-signed one awaiting its chain) is null, not absent, as stored
 * outputs are: an absent stack output is dropped with a warning.
 */
function defineCertificateViews(certificate: CertificateAndKeyPair): void {
  defineLazyViews(
    certificate,
    certificateViewFields,
    () =>
      allOutputs(certificate, viewSourceFields).apply((facts) => {
        const source = facts as unknown as CertificateViewSource;
        return source.caSigned
          ? certificate.csrPem.apply((csrPem): CertificateViews => certificateViews({ ...source, csrPem }))
          : pulumi.output<CertificateViews>(certificateViews(source));
      }),
    (v: CertificateViews, key) => v[key] ?? null,
  );
}

/**
 * Defines `privateKeyPem` and `previousPrivateKeyPem` of `certificate` as views of its stored keys. Keys
 * are stored compactly from shape 4 on (see state.ts); earlier shapes stored the PEM, and lack the compact
 * fields, which a preview would read as unknown: the shape decides which one is read. A key is stored only
 * where one exists (an encrypted null would cost as much as a small key, and every secret is re-encrypted
 * at each checkpoint write), so the facts that decide its presence decide the read: an exportable key held
 * by this provider, with a certificate in force; the previous key with the previous certificate. A key is
 * rebuilt from its primes only when its PEM is read.
 */
function defineKeyViews(certificate: CertificateAndKeyPair): void {
  // Taken before `privateKeyPem` and `previousPrivateKeyPem` (the stored PEM of earlier shapes) become views.
  const keys = outputsNamed(certificate, certificateKeySourceFields);
  const pemOf = (key: pulumi.Output<string | null | undefined>) => key.apply((k) => (k ? storedKeyPem(k) : null));
  const shape4 = memoized(() => keys.stateVersion.apply((version: number | undefined) => (version ?? 0) >= 4));
  defineLazyOutput(certificate, "privateKeyPem", () => {
    const holdsKey = pulumi
      .all([keys.custody, keys.privateKeyExportable, keys.certificateChainPem])
      .apply(([custody, exportable, chain]) => custody !== "org" && exportable === true && typeof chain === "string");
    return shape4().apply((compact) =>
      compact ? holdsKey.apply((held) => (held ? pemOf(keys.privateKey) : null)) : keys.privateKeyPem,
    );
  });
  defineLazyOutput(certificate, "previousPrivateKeyPem", () =>
    shape4().apply((compact) =>
      compact
        ? keys.previousCertificate.apply((previous) => (previous ? pemOf(keys.previousPrivateKey) : null))
        : keys.previousPrivateKeyPem,
    ),
  );
}

/** A certificate's outputs, declared once (see {@link CertificateAndKeyPairOutputsShape}). */
export interface CertificateAndKeyPair extends CertificateAndKeyPairOutputsShape {}

// Every output of the class is in the field table (checked when compiling).
void (certificateFields satisfies Record<keyof CertificateAndKeyPairOutputsShape, unknown>);

/**
 * The PEM of `certificate`'s certificate in force and of its previous one (while kept), by SHA-256
 * fingerprint: what an integration's slots and a binding's stages, which store no PEM of their bound
 * certificate, are filled in from in the program.
 */
export function certificatePemsByFingerprint(
  certificate: CertificateAndKeyPair,
): pulumi.Output<Record<string, string>> {
  return pulumi
    .all([certificate.sha256Fingerprint, certificate.certificatePem, certificate.previousCertificate])
    .apply(([sha256, pem, previous]) => {
      const pems: Record<string, string> = {};
      if (sha256 && pem) pems[sha256] = pem;
      if (previous) pems[previous.sha256Fingerprint] = previous.certificatePem;
      return pems;
    });
}

/**
 * What `certificate` hands to a resource bound to it, read through the returned function: its PEM and key
 * (and its previous ones) only while it is in an overlap after a rotation, or on every run when it keeps no
 * previous certificate (`overlapDays` 0), or when `always`; otherwise undefined. The bound resource stores
 * what it needs of them, and in the steady state none; the certificate's views (its key rebuilt from its
 * primes) are read only when handed over.
 */
export function certificateHandOver(
  certificate: CertificateAndKeyPair,
  always = false,
): (value: () => pulumi.Output<unknown>) => pulumi.Output<unknown> {
  const handsOver = pulumi
    .all([certificate.previousCertificate, certificate.overlapDays])
    .apply(([previous, overlapDays]) => always || (previous !== undefined && previous !== null) || overlapDays === 0);
  return (value) => handsOver.apply((yes) => (yes ? value() : undefined));
}
