/**
 * @module Renewing an expired session, at most once in a row. jsforce calls a connection's `refreshFn`
 * whenever the org answers `INVALID_SESSION_ID` and then resends the request, with no attempt cap
 * (shared/research/org-mode.md §1.2): an org that keeps refusing fresh sessions would loop forever. So a
 * renewal asked for within `spacingMs` of the previous one is refused instead: one real expiry renews
 * once; a second expiry right after a renewal is an error, not a loop. Long runs (a deploy polled for
 * minutes) may still renew again later.
 */
import type { SessionRefreshFunc } from "@jsforce/jsforce-node/lib/session-refresh-delegate";
import { OrgLoginError } from "../errors";

/** The default spacing: a session Salesforce just issued does not expire within a minute. */
export const defaultRenewalSpacingMs = 60_000;

/**
 * A jsforce `refreshFn` that obtains a new access token from `renew`, refusing a renewal that follows the
 * previous one within `spacingMs` (the clock `now` is a parameter for tests).
 */
export function guardedRefresh(
  renew: () => Promise<string>,
  spacingMs = defaultRenewalSpacingMs,
  now: () => number = Date.now,
  // biome-ignore lint/suspicious/noExplicitAny: jsforce types the refreshed connection loosely; nothing here reads it.
): SessionRefreshFunc<any> {
  let last: number | undefined;
  return (_connection, callback) => {
    const at = now();
    if (last !== undefined && at - last < spacingMs) {
      callback(
        new OrgLoginError(
          "session_expired_again",
          `the org refused a session renewed ${Math.round((at - last) / 1000)} s ago as expired (INVALID_SESSION_ID): not renewing again. Check the user's session settings in the org (session timeout, IP restrictions, "Lock sessions to the IP address").`,
        ),
      );
      return;
    }
    last = at;
    renew().then(
      (accessToken) => callback(null, accessToken),
      (error: Error) => callback(error),
    );
  };
}
