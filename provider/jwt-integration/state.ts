/**
 * @module The inputs a `JwtIntegration` stores, as `check()` returns them, and how the consumer key is
 * decided once.
 *
 * During a preview Pulumi shows a changed resource's checked inputs as its outputs, so an input must not
 * share a name with an output that means something else: the consumer key *base* (`consumerKeyBase`)
 * and the bound certificate's facts (`boundCertificateSha256Fingerprint`, `boundCertificateNotAfter`)
 * differ from the outputs `consumerKey`, `certificateSha256Fingerprint` and `certificateNotAfter`, which
 * describe the active slot. Renamed, preview shows those outputs as unknown instead of a wrong value.
 * `privateKeyPem` keeps its name: Pulumi keeps an input secret by its name.
 *
 * A consumer key the user does not give is derived, not drawn at random: `check()` runs again in `up`
 * after the preview, and a random key would show one value in preview and deploy another. It hashes the
 * API name, the username and the first bound certificate's fingerprint (unpredictable before that
 * certificate exists); while one of them is unknown (preview of a certificate created in the same run)
 * the key is unknown too. Once stored, the key never changes.
 *
 * The state codec: what is stored (shape 2: no views, absent outputs as null, no empty `slotKeys`) and
 * the state the lifecycle reads back; shape 1 also stored the views, which the program recomputes.
 */
import crypto = require("node:crypto");
import { unknownValue } from "../dynamic/unknown-value";
import { withAbsentOutputs, withoutAbsentOutputs } from "../dynamic/absent-outputs";
import type { JwtIntegrationInputs } from "./args";
import { jwtOptionalOutputs, jwtViewFields } from "./fields";
import type { JwtIntegrationState } from "./lifecycle";

/** Shape of the stored state this release writes (the lifecycle's state carries the same number). */
export const storedJwtVersion = 2;

/** What `check()` returns and Pulumi stores as a `JwtIntegration`'s inputs. */
export interface JwtStoredInputs
  extends Omit<JwtIntegrationInputs, "consumerKey" | "certificateSha256Fingerprint" | "certificateNotAfter"> {
  consumerKeyBase: string;
  boundCertificateSha256Fingerprint: string;
  boundCertificateNotAfter: string;
  /** The bound certificate's `revision` (see `CertificateState.revision`); absent for certificates from before it. */
  certificateRevision?: number;
}

/** Checked inputs as stored. */
export function toStoredInputs(inputs: JwtIntegrationInputs, certificateRevision: unknown): JwtStoredInputs {
  const { consumerKey, certificateSha256Fingerprint, certificateNotAfter, ...rest } = inputs;
  const stored: JwtStoredInputs = {
    ...rest,
    consumerKeyBase: consumerKey,
    boundCertificateSha256Fingerprint: certificateSha256Fingerprint,
    boundCertificateNotAfter: certificateNotAfter,
  };
  if (certificateRevision !== undefined && certificateRevision !== null)
    stored.certificateRevision = certificateRevision as number;
  return stored;
}

/**
 * Stored inputs of any release: the first named the consumer key base and the bound certificate's facts
 * as the outputs (`consumerKey`, `certificateSha256Fingerprint`, `certificateNotAfter`). A refresh diffs
 * the stored inputs as they are, unchecked, so they are read in either shape.
 */
export function upgradeStoredInputs(stored: JwtStoredInputs): JwtStoredInputs {
  if (stored.consumerKeyBase !== undefined) return stored;
  const { consumerKey, certificateSha256Fingerprint, certificateNotAfter, ...rest } =
    stored as unknown as JwtIntegrationInputs;
  return {
    ...rest,
    consumerKeyBase: consumerKey,
    boundCertificateSha256Fingerprint: certificateSha256Fingerprint,
    boundCertificateNotAfter: certificateNotAfter,
  };
}

/** Stored inputs as the lifecycle reads them. */
export function fromStoredInputs(stored: JwtStoredInputs): JwtIntegrationInputs {
  const {
    consumerKeyBase,
    boundCertificateSha256Fingerprint,
    boundCertificateNotAfter,
    certificateRevision: _revision,
    ...rest
  } = stored;
  return {
    ...rest,
    consumerKey: consumerKeyBase,
    certificateSha256Fingerprint: boundCertificateSha256Fingerprint,
    certificateNotAfter: boundCertificateNotAfter,
  };
}

/** The consumer key base already decided: stored by this release, or (as `consumerKey`) by an earlier one. */
export function storedConsumerKey(olds: unknown): string | undefined {
  const stored = (olds ?? {}) as { consumerKeyBase?: unknown; consumerKey?: unknown };
  const key = stored.consumerKeyBase ?? stored.consumerKey;
  return typeof key === "string" && key !== unknownValue ? key : undefined;
}

/**
 * 64 letters and digits derived from the API name, the username and the bound certificate's SHA-256
 * fingerprint; {@link unknownValue} while one of them is not known yet (preview).
 */
export function derivedConsumerKey(raw: Record<string, unknown>): string {
  const parts = [raw["apiName"], raw["username"], raw["certificateSha256Fingerprint"]];
  if (parts.some((part) => typeof part !== "string" || part === unknownValue)) return unknownValue;
  const digest = crypto
    .createHash("sha512")
    .update(JSON.stringify(["pulumi-salesforce-certs/consumer-key/1", ...parts]))
    .digest();
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(digest, (b) => alphabet[b % 62]).join("");
}

/** The stored state (any shape) as the lifecycle reads it: absent outputs removed, no `slotKeys` meaning none. */
export function decodeJwtState(stored: JwtIntegrationState): JwtIntegrationState {
  const olds = withoutAbsentOutputs(stored);
  return { ...olds, slotKeys: olds.slotKeys ?? {} };
}

/**
 * The state to store (shape 2): the lifecycle's state without its views (the program computes them from
 * the stored facts), with what only the stored inputs carry (the certificate revision), absent outputs as null.
 */
export function encodeJwtState(state: JwtIntegrationState, news: JwtStoredInputs): JwtIntegrationState {
  const next: Record<string, unknown> = { ...state, stateVersion: storedJwtVersion };
  for (const field of jwtViewFields) delete next[field];
  if (news.certificateRevision !== undefined) next["certificateRevision"] = news.certificateRevision;
  else delete next["certificateRevision"];
  // No keys of its own (the steady state): nothing stored, rather than an encrypted empty object. Every new
  // secret makes the engine re-encrypt and keep every secret of the stack at each checkpoint write.
  if (Object.keys(state.slotKeys ?? {}).length === 0) delete next["slotKeys"];
  return withAbsentOutputs(next as unknown as JwtIntegrationState, jwtOptionalOutputs);
}
