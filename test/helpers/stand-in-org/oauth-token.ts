/**
 * @module `POST /services/oauth2/token`, the OAuth 2.0 JWT Bearer Flow (salesforce.md §5, org-mode.md
 * §1.1), judged by jwt-bearer-judge.ts against the org's apps (External Client App:
 * `ExtlClntAppGlobalOauthSettings.certificate`; Connected App: `oauthConfig.certificate`) and users, at the
 * org's clock. The audiences accepted depend on the org's kind (salesforce.md §5: `aud` is
 * https://login.salesforce.com, or https://test.salesforce.com "if implementing for a sandbox"):
 * production takes https://login.salesforce.com, a sandbox https://test.salesforce.com, and each its own
 * URL, since the stand-in's loopback URL plays the login host (tests and jsforce log in there).
 * UNKNOWN, not modelled: whether a My Domain URL is accepted as `aud` (org-mode.md open question 7;
 * `@salesforce/core` tries it, the docs list only the login, test and Experience site URLs) and
 * Experience Cloud site audiences. The provider never depends on either: it sends login or test
 * (org/org-config.ts `defaultAudience`), or what the user configured.
 * `exp` is epoch seconds (salesforce.md §5), a JSON number or a JSON string of digits: Salesforce's own Java
 * example on the JWT Bearer Flow help page quotes it (jwt-bearer-judge.ts `assertionExpiry`); any other
 * string is refused as an expired assertion. The provider sends a number (salesforce/jwt-bearer.ts).
 * An External Client App whose plug-ins or OAuth plug-in are disabled, or whose distributionState is not
 * Local/Packaged (org-state.ts `oauthBlocked`), refuses even a valid assertion with HTTP 400
 * `{"error":"OAUTH_APP_BLOCKED","error_description":"this app is blocked by admin"}`: the answer
 * practitioners report for an app an admin blocked (https://github.com/n8n-io/n8n/issues/21589).
 * Salesforce publishes no text for a disabled ECA plug-in at the token endpoint; the provider only
 * reports the refusal, whatever its text.
 * Propagation: the endpoint judges a login against the apps as they were `propagationDelayMs` ago on the
 * org's clock (org-state.ts `appsKnownAt`), while the Metadata API reads every change at once. Salesforce
 * documents that app changes take 2 to 10 minutes to reach its login servers (salesforce.md §5; org-mode.md
 * §7, last bullet); until then the token endpoint answers `invalid_client_id` / `client identifier invalid`
 * for a new app (reported for exactly this wait: https://github.com/pozil/salesforce-react-integration/issues/15,
 * "wait 5-10 minutes"), and practitioners report up to 30 minutes for a new External Client App (Nango's
 * Salesforce JWT setup guide). So a new app is unknown, a changed certificate keeps the old one accepted
 * and the new one refused, and a removed certificate keeps working, each until the delay has passed.
 * UNKNOWN, not modelled: whether propagation is gradual (some login servers earlier than others) and
 * whether a delete propagates as slowly as a change; sessions of a deleted app end at once (start.ts).
 * The provider depends on no particular delay: it proves a slot with a real login and waits otherwise.
 * UNKNOWN, modelled by the nearest documented answer: what Salesforce answers for an app that holds no
 * certificate (a retired slot). The stand-in answers `invalid_grant` / `invalid assertion`, the answer
 * reported for a key that does not match the app's certificate (salesforce.md §5, JWT errors table). The
 * provider takes only that answer or `invalid_client_id` as proof of a retire and shows any other as
 * inconclusive (jwt-integration/lifecycle.ts `retireFailureKind`), so a different real answer leaves the
 * retire pending and said, never falsely proven.
 * Tokens are opaque `<15-char org id>!AQ…` (never JWT-shaped: jsforce's SOAP refuses those below v68).
 */
import crypto from "node:crypto";
import { judgeJwtBearerRequest } from "../jwt-bearer-judge";
import type { OrgApp, OrgState, OrgUser } from "./org-state";

/** An answer: status and JSON body. */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

/** A production org or a sandbox: they answer at different login hosts and take different JWT audiences. */
export type OrgKind = "production" | "sandbox";

/** The `aud` values the token endpoint of an org of `kind` at `url` accepts (see the module comment). */
export function tokenAudiences(kind: OrgKind, url: string): string[] {
  return [url, kind === "sandbox" ? "https://test.salesforce.com" : "https://login.salesforce.com"];
}

/** A fresh opaque access token of the org. */
export function newAccessToken(orgId: string): string {
  return `${orgId.slice(0, 15)}!AQ${crypto.randomBytes(30).toString("base64url").replace(/[-_]/g, "x")}`;
}

/** Answers a token request (the form body) at time `now`; `issue` records the session of a user it grants, through an app. */
export async function tokenRequest(
  form: URLSearchParams,
  context: {
    state: OrgState;
    url: string;
    orgId: string;
    now: Date;
    kind: OrgKind;
    /** How long an app change takes to reach the login servers (ms; see the module comment). */
    propagationDelayMs: number;
    issue: (user: OrgUser, app: OrgApp) => string;
  },
): Promise<JsonAnswer> {
  const judged = await judgeJwtBearerRequest(form, {
    appOf: (key) =>
      context.state.appsKnownAt(context.now.getTime() - context.propagationDelayMs).find((a) => a.consumerKey === key),
    audiences: tokenAudiences(context.kind, context.url),
    users: context.state.users,
    now: context.now.getTime(),
  });
  if (!judged.granted) return judged.answer;
  const { app, user } = judged;
  if (app.blocked)
    return { status: 400, body: { error: "OAUTH_APP_BLOCKED", error_description: "this app is blocked by admin" } };
  return {
    status: 200,
    body: {
      access_token: context.issue(user, app),
      scope: "api",
      instance_url: context.url,
      id: `${context.url}/id/${context.orgId}/${user.id}`,
      token_type: "Bearer",
      issued_at: String(context.now.getTime()),
    },
  };
}
