/**
 * @module `POST /services/oauth2/token`, the OAuth 2.0 JWT Bearer Flow (salesforce.md §5, org-mode.md
 * §1.1), judged by jwt-bearer-judge.ts against the org's apps (External Client App:
 * `ExtlClntAppGlobalOauthSettings.certificate`; Connected App: `oauthConfig.certificate`) and users, at the
 * org's clock; `aud` may be the stand-in's URL, https://login.salesforce.com or https://test.salesforce.com.
 * An External Client App whose plug-ins or OAuth plug-in are disabled, or whose distributionState is not
 * Local/Packaged (org-state.ts `oauthBlocked`), refuses even a valid assertion with HTTP 400
 * `{"error":"OAUTH_APP_BLOCKED","error_description":"this app is blocked by admin"}`: the answer
 * practitioners report for an app an admin blocked (https://github.com/n8n-io/n8n/issues/21589).
 * Salesforce publishes no text for a disabled ECA plug-in at the token endpoint; the provider only
 * reports the refusal, whatever its text.
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

/** A fresh opaque access token of the org. */
export function newAccessToken(orgId: string): string {
  return `${orgId.slice(0, 15)}!AQ${crypto.randomBytes(30).toString("base64url").replace(/[-_]/g, "x")}`;
}

/** Answers a token request (the form body) at time `now`; `issue` records the session of a user it grants, through an app. */
export async function tokenRequest(
  form: URLSearchParams,
  context: { state: OrgState; url: string; orgId: string; now: Date; issue: (user: OrgUser, app: OrgApp) => string },
): Promise<JsonAnswer> {
  const judged = await judgeJwtBearerRequest(form, {
    appOf: (key) => context.state.apps.find((a) => a.consumerKey === key),
    audiences: [context.url, "https://login.salesforce.com", "https://test.salesforce.com"],
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
