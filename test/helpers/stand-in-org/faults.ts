/**
 * @module Fault switches of the stand-in org (org-mode.md §1.2, §1.4). One-shot where
 * jsforce would loop: jsforce resends after INVALID_SESSION_ID through its refresh delegate with no
 * attempt cap, so an expiry revokes the sessions issued so far (a fresh login then works) instead of
 * failing every call.
 */

/** The switches; flip them at any time during a test. */
export interface StandInFaults {
  /** `"up"` (default); `"503"`: HTTP 503 with a non-JSON body (jsforce: `ERROR_HTTP_503`); `"closed"`: the connection is dropped unanswered. */
  tokenEndpoint: "up" | "503" | "closed";
  /** `Type:fullName` (e.g. `ExtlClntAppGlobalOauthSettings:Greenmoor_CI_A_glbloauth`) → the problem its deploy reports, in every deploy while listed. */
  failingComponents: Map<string, string>;
  /**
   * `Type:fullName` → reported as deployed (`Succeeded`, listed in the successes) but left as it was: the
   * negative control of the provider's read-back. An injected fault, not a modelled behaviour: Salesforce
   * documents no such outcome, and the provider does not depend on its absence (it reads back each write).
   */
  unappliedComponents: Set<string>;
  /**
   * How long, on the stand-in's clock, a deploy started now runs before it lands (default 0: at once).
   * Until then its status is Pending/InProgress and nothing is persisted; it lands when the clock has
   * passed that point, whether or not anyone still polls (`deploy()` is asynchronous:
   * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_deploy.htm), so a
   * client whose polling timed out finds it applied later.
   */
  deploysTakeSeconds: number;
  /** Revokes every session issued so far: the next call with one gets INVALID_SESSION_ID (SOAP fault, REST 401); later logins work. */
  expireSessions(): void;
}

/** Fresh switches, all off; `revoke` forgets the issued sessions. */
export function newFaults(revoke: () => void): StandInFaults {
  return {
    tokenEndpoint: "up",
    failingComponents: new Map(),
    unappliedComponents: new Set(),
    deploysTakeSeconds: 0,
    expireSessions: revoke,
  };
}
