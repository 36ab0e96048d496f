/**
 * @module Read-back after each write to an org: the provider does not trust a deploy or delete that the
 * org reports as done, but asks the org again through a read it answers on its own (`readMetadata`,
 * `listMetadata`, a Tooling query) and compares with what it meant. A deploy reported `Succeeded` that
 * left a component as it was would otherwise go unseen until a client's login or SSO fails.
 *
 * The generic part lives here: reading components, naming the org, and the error
 * ({@link OrgReadBackError}). What each resource expects is decided in its own `in-org.ts`.
 *
 * When a read-back fails after a create or an update, the state Pulumi keeps is the state that is true
 * ({@link keepingState}): Pulumi's Node dynamic provider host turns an error carrying `id` and
 * `properties` into `ErrorResourceInitFailed` (@pulumi/pulumi cmd/dynamic-provider, `grpcResponseFromError`),
 * so the engine stores those properties and the resource's next `up` updates it again.
 */
import { OrgReadBackError } from "../errors";
import type { OrgMetadataClient } from "./metadata-client";
import type { OrgSession } from "./org-login";

/** One thing the org does not hold as meant. */
export interface ReadBackMismatch {
  /** Type and fullName: `ExternalClientApplication Acme_CI_A`. */
  component: string;
  expected: string;
  read: string;
}

/** The org in messages: its instance URL and org id. */
export function orgLabel(session: Pick<OrgSession, "instanceUrl" | "orgId">): string {
  return `${session.instanceUrl} (org ${session.orgId || "of unknown id"})`;
}

/** The error for `mismatches` (one or more) in the org of `session`. */
export function readBackError(
  session: Pick<OrgSession, "instanceUrl" | "orgId">,
  mismatches: readonly ReadBackMismatch[],
): OrgReadBackError {
  const one = mismatches.length === 1;
  const each = (pick: (m: ReadBackMismatch) => string) =>
    one ? pick(mismatches[0]!) : mismatches.map((m) => `${m.component}: ${pick(m)}`).join("; ");
  return new OrgReadBackError(
    orgLabel(session),
    mismatches.map((m) => m.component).join(", "),
    each((m) => m.expected),
    each((m) => m.read),
  );
}

/** Throws a {@link readBackError} when there is any mismatch. */
export function assertReadBack(
  session: Pick<OrgSession, "instanceUrl" | "orgId">,
  mismatches: readonly ReadBackMismatch[],
): void {
  if (mismatches.length > 0) throw readBackError(session, mismatches);
}

/**
 * `error` carrying the state that is true after the write (see the module comment), with the serialised
 * provider of `inputs` (`__provider`), which Pulumi's host adds to a successful result but not to an error's:
 * without it a later refresh or delete could not find the provider.
 */
export function keepingState(
  error: OrgReadBackError,
  id: string,
  properties: object,
  inputs: object,
): OrgReadBackError {
  const provider = (inputs as Record<string, unknown>)["__provider"];
  error.id = id;
  error.properties = {
    ...(properties as Record<string, unknown>),
    ...(provider !== undefined ? { __provider: provider } : {}),
  };
  error.reasons = [error.message];
  return error;
}

/**
 * Reads `names` of `type` and returns one mismatch per name the org still holds: after a delete, each
 * must be gone.
 */
export async function readBackAbsent(
  client: OrgMetadataClient,
  type: string,
  names: readonly string[],
): Promise<ReadBackMismatch[]> {
  if (names.length === 0) return [];
  const records = await client.read(type, names);
  return names
    .filter((name) => records.get(name) !== undefined)
    .map((name) => ({
      component: `${type} ${name}`,
      expected: "absent (deleted)",
      read: "still present",
    }));
}
