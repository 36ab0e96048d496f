/**
 * @module `POST /services/oauth2/token`, the OAuth 2.0 JWT Bearer Flow (salesforce.md §5, org-mode.md
 * §1.1): the assertion is verified with jose (RS256) against the certificate the org holds for the app
 * whose consumer key is `iss` (External Client App: `ExtlClntAppGlobalOauthSettings.certificate`;
 * Connected App: `oauthConfig.certificate`); `aud` must be the stand-in's URL, https://login.salesforce.com
 * or https://test.salesforce.com; `exp` not past and at most 3 minutes ahead (seconds, or milliseconds as
 * @salesforce/core sends it: `assertionExpiry`); `sub` a user the app's policy pre-authorizes (profile or
 * permission set). Refusals are HTTP 400 `{error, error_description}` with Salesforce's documented texts.
 * Tokens are opaque `<15-char org id>!AQ…` (never JWT-shaped: jsforce's SOAP refuses those below v68).
 */
import crypto from "node:crypto";
import * as jose from "jose";
import { assertionExpiry } from "../salesforce-stand-in";
import type { OrgApp, OrgState, OrgUser } from "./org-state";

const jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

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
  const fail = (error: string, description: string): JsonAnswer => ({ status: 400, body: { error, error_description: description } });
  if (form.get("grant_type") !== jwtBearer) return fail("unsupported_grant_type", "grant type not supported");
  const assertion = form.get("assertion") ?? "";
  let claims: jose.JWTPayload;
  try {
    claims = jose.decodeJwt(assertion);
  } catch {
    return fail("invalid_grant", "invalid assertion");
  }
  const app = context.state.apps.find((a) => a.consumerKey === String(claims.iss));
  if (!app) return fail("invalid_client_id", "client identifier invalid");
  if (!app.certificatePem) return fail("invalid_grant", "invalid assertion");
  try {
    // exp is judged below against the org's clock (jose would use the machine's); jose checks the signature.
    await jose.jwtVerify(assertion, await jose.importX509(app.certificatePem, "RS256"), { algorithms: ["RS256"], currentDate: new Date(0) });
  } catch {
    return fail("invalid_grant", "invalid assertion");
  }
  const audiences = [context.url, "https://login.salesforce.com", "https://test.salesforce.com"];
  if (!audiences.includes(String(claims.aud))) return fail("invalid_grant", "audience is invalid");
  if (assertionExpiry(claims.exp, context.now.getTime())) return fail("invalid_grant", "expired authorization code");
  const user = context.state.users.find((u) => u.username === claims.sub);
  const allowed = user && (app.profiles.includes(user.profile) || user.permissionSets.some((p) => app.permissionSets.includes(p)));
  if (!user || !allowed) return fail("invalid_grant", "user hasn't approved this consumer");
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
