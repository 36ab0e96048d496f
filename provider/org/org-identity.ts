/**
 * @module Never the wrong org. A resource made in an org records that org (its 18-character id, from the
 * token response's identity URL `…/id/<orgId>/<userId>`, and its instance URL), and before any write
 * through any connection (the configured one, or the stack's own `JwtIntegration` and the fallback
 * between them) the session's org id is compared with it: a configuration pointed at another org, or a
 * fallback login into another org, is refused before anything is written.
 *
 * Org ids compare on their first 15 characters, case-sensitively: the 18-character form only adds a
 * case-insensitivity checksum (salesforce.md §1, the OU of an org-made certificate carries the 15-character form).
 */
import { OrgMismatchError } from "../errors";
import type { OrgSession } from "./org-login";

/** The org a resource was made in, as its state records it (absent in states written before it was recorded). */
export interface RecordedOrg {
  /** 18-character org id. */
  orgId?: string;
  /** The instance URL the resource was made through. */
  orgInstanceUrl?: string;
}

/** What a resource records about the org of `session`. */
export function recordOf(session: Pick<OrgSession, "orgId" | "instanceUrl">): Required<RecordedOrg> {
  return { orgId: session.orgId, orgInstanceUrl: session.instanceUrl };
}

/** The record to keep: the one stored, else (a state from before org ids were recorded) the session's. */
export function keptRecord(
  stored: RecordedOrg | undefined,
  session: Pick<OrgSession, "orgId" | "instanceUrl">,
): Required<RecordedOrg> {
  return stored?.orgId ? { orgId: stored.orgId, orgInstanceUrl: stored.orgInstanceUrl ?? "" } : recordOf(session);
}

/**
 * Refuses a write through `session` when `recorded` names another org.
 * @throws OrgMismatchError `ERR_ORG_MISMATCH` naming both org ids and both URLs; nothing was written.
 */
export function assertSameOrg(
  session: Pick<OrgSession, "orgId" | "instanceUrl">,
  recorded: RecordedOrg | undefined,
  subject: string,
): void {
  const want = recorded?.orgId;
  if (!want) return;
  if (session.orgId.slice(0, 15) === want.slice(0, 15)) return;
  const got = session.orgId ? `org ${session.orgId}` : "an org whose id the token response did not give";
  throw new OrgMismatchError(
    `${subject} was made in org ${want} (${recorded?.orgInstanceUrl || "URL not recorded"}), and this run is logged in to ${got} (${session.instanceUrl}); nothing was written. Point the connection (salesforce-certs:org, or the stack's own JwtIntegration) back at org ${want}, or remove the resource from this stack's state (pulumi state delete) if it should live in the other org.`,
  );
}
