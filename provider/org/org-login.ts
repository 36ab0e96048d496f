/**
 * @module Logs in to an org with the OAuth 2.0 JWT Bearer Flow through jsforce, as
 * shared/research/org-mode.md §3 recommends: the assertion is signed in process (node:crypto, through
 * `salesforce/jwt-bearer.ts`), the token is requested with jsforce's `OAuth2.requestToken`, and the session
 * is a `jsforce.Connection` whose `refreshFn` logs in again when the org says the session expired.
 * `@salesforce/core` is not used: it needs the key in a file, writes `~/.sfdx`, and tries real login hosts.
 *
 * Proxies: jsforce reads `https_proxy`/`HTTPS_PROXY`/`http_proxy`/`HTTP_PROXY` once, when it is first
 * loaded, and ignores `NO_PROXY`. This module leaves the environment alone; a process that talks to a
 * loopback stand-in must unset those variables before jsforce loads.
 */
import type { Connection, TokenResponse } from "@jsforce/jsforce-node";
import { currentTime } from "../rotation/clock";
import { signJwtAssertion, jwtBearerGrantType } from "../salesforce/jwt-bearer";
import { orgConfigKey, orgPrivateKeyConfigKey, type ConnectionPaths, type OrgConnection } from "./org-config";
import { OrgLoginError } from "../errors";
import { redact } from "./redact";
import { guardedRefresh } from "./session-renewal";

/** A logged-in session: the jsforce connection, and who and where it is. Holds the access token: never log it. */
export interface OrgSession {
  connection: Connection;
  instanceUrl: string;
  /** The 18-character org id from the token response's `id` URL. */
  orgId: string;
  /** The 18-character user id from the token response's `id` URL. */
  userId: string;
  /** The connection settings (polling, API version) this session was made with. */
  settings: OrgConnection;
}

/** Options of {@link loginToOrg}. */
export interface LoginOptions {
  /** Where the connection came from, for messages; the stack config keys by default. */
  paths?: ConnectionPaths;
  /** The earliest a second renewal may follow the first, in milliseconds (see session-renewal.ts). */
  renewalSpacingMs?: number;
}

/**
 * Logs in as `settings.username` and returns the session. An expired session is renewed by logging in
 * again, at most once per `renewalSpacingMs`.
 * @throws OrgLoginError `ERR_ORG_LOGIN` naming what to fix (consumer key, pre-authorization, the key and
 * certificate pair, the audience, the clock, the URL); never quoting the assertion or the key.
 */
export async function loginToOrg(settings: OrgConnection, options: LoginOptions = {}): Promise<OrgSession> {
  const jsforce: typeof import("@jsforce/jsforce-node") = require("@jsforce/jsforce-node");
  const paths = options.paths ?? { object: orgConfigKey, privateKey: orgPrivateKeyConfigKey };
  const token = await requestToken(settings, paths);
  const ids = /\/id\/([^/]+)\/([^/]+)\/?$/.exec(token.id ?? "");
  const connection = new jsforce.Connection({
    instanceUrl: token.instance_url,
    accessToken: token.access_token,
    version: settings.apiVersion,
    refreshFn: guardedRefresh(async () => (await requestToken(settings, paths)).access_token, options.renewalSpacingMs),
  });
  return { connection, instanceUrl: token.instance_url, orgId: ids?.[1] ?? "", userId: ids?.[2] ?? "", settings };
}

/** One JWT Bearer token request; failures become {@link OrgLoginError}s. */
async function requestToken(settings: OrgConnection, paths: ConnectionPaths): Promise<TokenResponse> {
  const jsforce: typeof import("@jsforce/jsforce-node") = require("@jsforce/jsforce-node");
  // Signed at the provider's clock (SALESFORCE_CERTS_NOW when set, as every date the provider decides).
  const assertion = signJwtAssertion(
    {
      consumerKey: settings.consumerKey,
      username: settings.username,
      audience: settings.audience,
      privateKeyPem: settings.privateKeyPem,
    },
    currentTime(),
  );
  const oauth2 = new jsforce.OAuth2({ loginUrl: settings.loginUrl });
  let token: TokenResponse;
  try {
    token = await oauth2.requestToken({ grant_type: jwtBearerGrantType, assertion });
  } catch (error) {
    throw tokenError(error as Error & { code?: string; errorCode?: string }, settings, paths, [
      assertion,
      settings.privateKeyPem,
    ]);
  }
  if (typeof token?.access_token !== "string" || typeof token.instance_url !== "string") {
    throw new OrgLoginError(
      "invalid_response",
      `${oauth2.tokenServiceUrl} answered without an access_token and instance_url: is ${paths.object}.loginUrl a Salesforce login URL?`,
    );
  }
  return token;
}

/**
 * The error to show for a failed token request: what Salesforce said (salesforce.md §5 lists the pairs)
 * and what to fix, naming the config key. Texts from the server are redacted of the assertion and key.
 */
export function tokenError(
  error: Error & { code?: string; errorCode?: string },
  settings: OrgConnection,
  paths: ConnectionPaths,
  secrets: readonly string[],
): OrgLoginError {
  const reason = error.name && error.name !== "Error" ? error.name : (error.code ?? error.errorCode ?? "unreachable");
  const description = redact(String(error.message ?? ""), secrets);
  const said = `Salesforce said ${reason}: ${description}`;
  const at = (field: string) => `${paths.object}.${field}`;
  if (reason === "invalid_client_id") {
    return new OrgLoginError(
      reason,
      `${at("consumerKey")}: the org knows no app with consumer key "${settings.consumerKey}" (${said}). Check the key; a new or changed app takes 2 to 10 minutes to reach the login servers.`,
    );
  }
  if (/hasn't approved this consumer|not approved/i.test(description)) {
    return new OrgLoginError(
      reason,
      `${at("username")}: user ${settings.username} is not pre-authorized for the app (${said}). Set the app's OAuth policy to "Admin approved users are pre-authorized" and assign the user's profile or one of its permission sets to the app.`,
    );
  }
  if (/invalid assertion/i.test(description)) {
    return new OrgLoginError(
      reason,
      `${paths.privateKey}: the org could not verify the login with the app's certificate (${said}). The private key does not match the certificate the app holds, or the app has no certificate ("Use digital signatures").`,
    );
  }
  if (/audience/i.test(description)) {
    return new OrgLoginError(
      reason,
      `${at("audience")}: the org refused audience ${settings.audience} (${said}). Use https://login.salesforce.com for production, https://test.salesforce.com for a sandbox, or the Experience Cloud site URL.`,
    );
  }
  if (/expired authorization code/i.test(description)) {
    return new OrgLoginError(
      reason,
      `the org found the login assertion expired (${said}): this machine's clock is probably off; correct it (NTP) and retry.`,
    );
  }
  if (/not installed in this org/i.test(description)) {
    return new OrgLoginError(
      reason,
      `${at("loginUrl")}: the app of consumer key "${settings.consumerKey}" belongs to another org than ${settings.loginUrl} (${said}).`,
    );
  }
  if (
    reason === "unreachable" ||
    /^E[A-Z]+$/.test(reason) ||
    /fetch failed|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket/i.test(description)
  ) {
    return new OrgLoginError(
      "unreachable",
      `${at("loginUrl")}: cannot reach ${settings.loginUrl}/services/oauth2/token (${description || reason}). Check the URL and the network; jsforce uses HTTPS_PROXY/HTTP_PROXY when set and ignores NO_PROXY.`,
    );
  }
  const status = /^ERROR_HTTP_(5\d\d)$/.exec(reason)?.[1];
  if (status) {
    return new OrgLoginError(
      reason,
      `${at("loginUrl")}: ${settings.loginUrl}/services/oauth2/token answered HTTP ${status} (unavailable: maintenance or an outage, not a refused login). Run pulumi up again later: it goes on from the state and from what the org holds.`,
    );
  }
  if (/^ERROR_HTTP_\d+$/.test(reason)) {
    return new OrgLoginError(
      reason,
      `${at("loginUrl")}: ${settings.loginUrl} did not answer like a Salesforce token endpoint (${reason}).`,
    );
  }
  return new OrgLoginError(reason, `the org refused the login of ${settings.username} (${said}).`);
}
