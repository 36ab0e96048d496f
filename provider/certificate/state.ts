/**
 * @module What a certificate's state stores, the views computed from it, and its codec. State holds each
 * fact once: the chain (leaf first), the key (a secret), the settings and the rotation bookkeeping. The
 * DER, the public key and its JWK, the fingerprints, serial and dates, the next rotation and the Salesforce
 * files are pure, deterministic functions of those facts: the resource class computes them in the user's
 * program (`Output.apply`), and the provider recomputes them when it decodes its state. Pure: no Pulumi.
 */
import { certificateGenerationName } from "../validate/generated-names";
import crypto = require("node:crypto");
import { splitChain } from "../crypto/certificate-chain";
import { describeCertificate } from "../crypto/certificate-facts";
import { pemToDer } from "../crypto/pem";
import { rsaPrimesOf, rsaPrivateKeyFromPrimes } from "../crypto/rsa-key-primes";
import { publicKeyJwk } from "../crypto/public-key-jwk";
import { buildJavaKeystore } from "../crypto/java-keystore";
import { buildPkcs12 } from "../crypto/pkcs12";
import { defaultOverlapDays, defaultRenewalPolicy, renewalPoint } from "../rotation/renewal-policy";
import { withAbsentOutputs, withoutAbsentOutputs } from "../dynamic/absent-outputs";
import { certificateSourceFiles } from "../salesforce/certificate-metadata";
import type { CertificateFacts } from "../crypto/certificate-facts";
import type { PublicKeyJwk } from "../crypto/public-key-jwk";
import type { CertificateInputs } from "./args";
import { certificateOptionalOutputs, certificateViewFields } from "./fields";

/** The certificate before the one in force, kept (public parts only) while the overlap lasts. */
export interface PreviousCertificate extends CertificateFacts {
  certificatePem: string;
  /** Its name in the org (see `CertificateState.salesforceName`). */
  salesforceName: string;
  /** When it is dropped: the overlap's end, or its own `notAfter` if that comes first. */
  retainedUntil: string;
}

/** Everything the provider stores; the private-key fields and keystores are Pulumi secrets. */
export interface CertificateState extends CertificateInputs, Partial<CertificateFacts> {
  /**
   * Shape of the stored state this release writes ({@link storedCertificateVersion}): the state in memory
   * holds the views and keys as PEM too, which encoding leaves out or compacts; decoding reads every shape.
   */
  stateVersion: typeof storedCertificateVersion;
  /** Custody org: the org the certificate was made in (org/org-identity.ts); writes elsewhere are refused. */
  orgId?: string;
  /** Custody org: the instance URL it was made through. */
  orgInstanceUrl?: string;
  /** Which key pair is in force: 1 for the first, one more at each rotation. */
  generation: number;
  /**
   * 1 at creation, one more at every update (absent in states from before it). Dependent resources take it
   * as an input: in a preview they cannot see this certificate's new outputs and say they change; the
   * revision, changed by the update, makes `up` update them too, so preview and `up` agree.
   */
  revision?: number;
  /**
   * The certificate's unique name in the org: `uniqueName` for the first key pair, `<uniqueName>_G<n>`
   * after rotations. Salesforce holds each key pair as its own certificate (a keystore import cannot
   * replace one in use), so old and new coexist in the org during an overlap under different names.
   */
  salesforceName: string;
  /** The certificate in force; absent while a CA-signed certificate awaits its first chain. */
  certificatePem?: string;
  /** The certificate and its issuers, leaf first (the leaf alone when self-signed). */
  certificateChainPem?: string;
  /** The certificate as base64 DER. */
  certificateDerBase64?: string;
  publicKeyPem?: string;
  publicKeyJwk?: PublicKeyJwk;
  /** PKCS #8 PEM; absent when the key is not exportable. Secret. */
  privateKeyPem?: string;
  /** PKCS #12 of key and chain under `keystorePassword`. Secret. */
  pkcs12Base64?: string;
  /** JKS for Salesforce's "Import from Keystore", alias = `salesforceName` in lower case. Secret. */
  jksBase64?: string;
  /** When the certificate in force is next due for rotation. */
  nextRotation?: string;
  /** CA-signed only: the CSR awaiting a signature, its key, and since when. */
  csrPem?: string;
  pendingPublicKeyPem?: string;
  /** Secret. */
  pendingPrivateKeyPem?: string;
  pendingSince?: string;
  awaitingSignature: boolean;
  previousCertificate?: PreviousCertificate;
  /**
   * The previous certificate's private key (PKCS #8 PEM), kept with it for the overlap when exportable: a
   * JWT integration bound to this certificate takes it over at the rotation (its clients stay on the old
   * key until the new one logs in), so that no integration stores a copy of a key before it rotates. Secret.
   */
  previousPrivateKeyPem?: string;
  lastRotation?: { at: string; reason: string };
  /** Salesforce source-format files: path → content. */
  salesforceFiles: Record<string, string>;
}

/**
 * Shape of the stored state this release writes. Shape 1 lacked every rotation field; shape 2 stored the
 * views too; shape 3 stored the views no more; shape 4 stores each private key compactly (see
 * {@link storedKeyFields}).
 */
export const storedCertificateVersion = 4 as const;

/** The previous certificate as stored: its PEM and bookkeeping; its facts are views. */
export type StoredPreviousCertificate = Pick<
  PreviousCertificate,
  "certificatePem" | "salesforceName" | "retainedUntil"
>;

/**
 * The stored field of each private-key field of the full state, from shape 4 on: the key's primes
 * `<p>.<q>` (see rsa-key-primes), or its PEM for a key the primes would not rebuild byte for byte.
 */
export const storedKeyFields = {
  privateKeyPem: "privateKey",
  previousPrivateKeyPem: "previousPrivateKey",
  pendingPrivateKeyPem: "pendingPrivateKey",
} as const;

/** A stored private key (shape 4) as PKCS #8 PEM. */
export function storedKeyPem(stored: string): string {
  return stored.startsWith("-----BEGIN") ? stored : rsaPrivateKeyFromPrimes(stored);
}

function compactKey(pem: string): string {
  return rsaPrimesOf(pem) ?? pem;
}

/** The public stored fields the views are computed from. */
export type CertificateViewSource = Pick<
  CertificateState,
  "salesforceName" | "label" | "caSigned" | "keySize" | "privateKeyExportable" | "renewal"
> & {
  certificateChainPem?: string | null;
  csrPem?: string | null;
  previousCertificate?: StoredPreviousCertificate | null;
};

/** Every view of a certificate's stored facts. */
export type CertificateViews = Pick<CertificateState, (typeof certificateViewFields)[number] | "previousCertificate">;

/** Computes every view from the stored facts (absent facts may be null, as stored). */
export function certificateViews(source: CertificateViewSource): CertificateViews {
  const chain = source.certificateChainPem ? splitChain(source.certificateChainPem) : [];
  const leaf = chain[0];
  const views: CertificateViews = {
    awaitingSignature: typeof source.csrPem === "string",
    salesforceFiles: certificateSourceFiles({
      uniqueName: source.salesforceName,
      label: source.label,
      caSigned: source.caSigned,
      keySize: source.keySize,
      privateKeyExportable: source.privateKeyExportable,
      // Salesforce's .crt holds the chain, or the CSR until a CA-signed certificate has one.
      content: source.certificateChainPem ?? source.csrPem ?? "",
    }),
  };
  if (leaf) {
    const facts = describeCertificate(leaf);
    Object.assign(views, facts, {
      certificatePem: leaf,
      certificateDerBase64: pemToDer(leaf).toString("base64"),
      publicKeyPem: crypto.createPublicKey(leaf).export({ type: "spki", format: "pem" }).toString(),
      publicKeyJwk: publicKeyJwk(leaf, chain.slice(1)),
      nextRotation: renewalPoint(new Date(facts.notBefore), new Date(facts.notAfter), source.renewal).toISOString(),
    });
  }
  if (source.previousCertificate) views.previousCertificate = previousCertificateView(source.previousCertificate);
  return views;
}

/** The previous certificate with its facts. */
export function previousCertificateView(stored: StoredPreviousCertificate): PreviousCertificate {
  const { certificatePem, salesforceName, retainedUntil } = stored;
  return { ...describeCertificate(certificatePem), certificatePem, salesforceName, retainedUntil };
}

/**
 * The state with every export recomputed from the certificate in force and the settings: its name in the
 * org, the views, and the keystores (built only where a key may be exported and a password is given).
 */
export function deriveCertificateState(state: CertificateState): CertificateState {
  const salesforceName = certificateGenerationName(state.uniqueName, state.generation);
  const next: CertificateState = { ...state, salesforceName };
  for (const field of [...certificateViewFields, "pkcs12Base64", "jksBase64"] as const) delete next[field];
  Object.assign(next, certificateViews(next));
  const chain = state.certificateChainPem ? splitChain(state.certificateChainPem) : [];
  if (state.privateKeyExportable && state.privateKeyPem && state.keystorePassword && chain.length > 0) {
    const alias = salesforceName.toLowerCase();
    next.pkcs12Base64 = buildPkcs12(state.privateKeyPem, chain, state.keystorePassword, alias);
    next.jksBase64 = buildJavaKeystore(
      state.privateKeyPem,
      chain,
      state.keystorePassword,
      alias,
      new Date(next.notBefore!),
    );
  }
  return next;
}

/**
 * The state to store (shape 4): the full state without its views, its private keys compact, absent outputs
 * as null. The previous certificate keeps its facts: it is stored only during an overlap, and its output
 * keeps the stored value (a view of it would be unknown in the preview of a create, where the stored value
 * is a known absence).
 */
export function encodeCertificateState(state: CertificateState): CertificateState {
  const stored: Record<string, unknown> = { ...state, stateVersion: storedCertificateVersion };
  for (const field of certificateViewFields) delete stored[field];
  for (const [pemField, keyField] of Object.entries(storedKeyFields)) {
    const pem = stored[pemField];
    delete stored[pemField];
    if (typeof pem === "string") stored[keyField] = compactKey(pem);
  }
  return withAbsentOutputs(stored, certificateOptionalOutputs) as unknown as CertificateState;
}

/**
 * The full state the lifecycle reads, from a stored state of any shape: absent outputs (null) removed;
 * shapes 3 and 4 with their views recomputed and their keys as PEM; shape 2 as stored (the views with it),
 * its first form (before rotation) as generation 1; shape 1 with the rotation fields' defaults; and the
 * custody of states from before org mode, the provider's. Without `keys` (what a diff needs: planning reads
 * no private key) the keys of shape 4 are left out, saving their rebuild (about 2 ms each).
 */
export function decodeCertificateState(
  stored: CertificateState | Record<string, unknown>,
  { keys = true }: { keys?: boolean } = {},
): CertificateState {
  const olds = withoutAbsentOutputs(stored) as Record<string, unknown>;
  const state = { ...upgradedState(olds, keys), stateVersion: storedCertificateVersion };
  return { ...state, custody: state.custody ?? "provider" };
}

/** A stored state of any shape, its nulls removed, as the full state of the lifecycle. */
function upgradedState(stored: Record<string, unknown>, keys: boolean): CertificateState {
  const version = stored["stateVersion"];
  if (version === 3 || version === storedCertificateVersion) {
    const full: Record<string, unknown> = {
      ...stored,
      ...certificateViews(stored as unknown as CertificateViewSource),
    };
    for (const [pemField, keyField] of Object.entries(storedKeyFields)) {
      const key = full[keyField];
      delete full[keyField];
      if (keys && typeof key === "string") full[pemField] = storedKeyPem(key);
    }
    return full as unknown as CertificateState;
  }
  const state = stored as unknown as CertificateState;
  if (version === 2)
    return typeof stored["generation"] === "number" ? state : deriveCertificateState({ ...state, generation: 1 });
  return deriveCertificateState({
    ...state,
    generation: 1,
    caSigned: false,
    privateKeyExportable: true,
    renewal: { ...defaultRenewalPolicy },
    overlapDays: defaultOverlapDays,
    certificateChainPem: state.certificatePem,
    awaitingSignature: false,
    salesforceFiles: {},
  });
}
