/**
 * How a Salesforce token endpoint judges a JWT Bearer request (shared/research/salesforce.md §5), for both
 * stand-ins (the artefact-mode token endpoint, salesforce-stand-in.ts, and the stand-in org's,
 * stand-in-org/oauth-token.ts): the grant type; the assertion's signature checked by jose (RS256) against
 * the certificate the app of consumer key `iss` holds; `aud` among the accepted audiences; `exp` in the
 * accepted window; `sub` a user the app pre-authorizes (profile or permission set). Refusals are HTTP 400
 * `{error, error_description}` with Salesforce's documented texts.
 */
import * as jose from "jose";

const jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** How far ahead Salesforce accepts `exp`: "within 3 minutes" (shared/research/salesforce.md §5). */
export const maxAssertionLifetimeMs = 180_000;
/** Clock skew tolerated for an `exp` just past (RFC 7519 §4.1.4 allows "some small leeway"). */
export const expiryLeewayMs = 5_000;

/**
 * Why `exp` is refused at `now`, or undefined when it is accepted. Salesforce documents `exp` in epoch
 * seconds, within 3 minutes; `@salesforce/core` (behind `sf org login jwt`) sends `Date.now() + 300`,
 * milliseconds, and logs in, so a value above 1e11 (no date before the year 5138 in seconds) is read as
 * milliseconds, which puts core's 300 ms ahead. Salesforce documents one body for a refused `exp`:
 * `invalid_grant` / `expired authorization code` ("exp in the past or clock skew").
 * A JSON string of digits is read as that number: Salesforce's own Java example on the JWT Bearer Flow page
 * (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5) formats the
 * claims with `"exp": "{3}"`, a quoted number, and the many integrations copied from it log in. RFC 7519
 * asks for a number; any other string is refused.
 */
export function assertionExpiry(exp: unknown, now: number): "missing" | "expired" | "too far ahead" | undefined {
  const seconds = typeof exp === "string" && /^\d{1,16}$/.test(exp) ? Number(exp) : exp;
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "missing";
  const expMs = seconds > 1e11 ? seconds : seconds * 1000;
  if (expMs < now - expiryLeewayMs) return "expired";
  if (expMs > now + maxAssertionLifetimeMs + expiryLeewayMs) return "too far ahead";
  return undefined;
}

/** An app as the token endpoint sees it. */
export interface JudgedApp {
  certificatePem?: string | undefined;
  profiles: readonly string[];
  permissionSets: readonly string[];
}

/** A user as the token endpoint sees it. */
export interface JudgedUser {
  username: string;
  profile: string;
  permissionSets: readonly string[];
}

/** The request is granted to `user` through `app`, or refused with `answer`. */
export type Judgement<A, U> =
  | { granted: true; app: A; user: U }
  | { granted: false; answer: { status: 400; body: { error: string; error_description: string } } };

/** Judges a token request (its form body) at `now` (epoch ms). */
export async function judgeJwtBearerRequest<A extends JudgedApp, U extends JudgedUser>(
  form: URLSearchParams,
  context: {
    appOf(consumerKey: string): A | undefined;
    audiences: readonly string[];
    users: readonly U[];
    now: number;
  },
): Promise<Judgement<A, U>> {
  const fail = (error: string, description: string): Judgement<A, U> => ({
    granted: false,
    answer: { status: 400, body: { error, error_description: description } },
  });
  if (form.get("grant_type") !== jwtBearer) return fail("unsupported_grant_type", "grant type not supported");
  const assertion = form.get("assertion") ?? "";
  let claims: jose.JWTPayload;
  try {
    claims = jose.decodeJwt(assertion);
  } catch {
    return fail("invalid_grant", "invalid assertion");
  }
  const app = context.appOf(String(claims.iss));
  if (!app) return fail("invalid_client_id", "client identifier invalid");
  if (!app.certificatePem) return fail("invalid_grant", "invalid assertion");
  try {
    // jose checks the signature only: exp is judged below, against the endpoint's clock and in the forms
    // Salesforce takes (jwtVerify would use the machine's clock and refuse a quoted exp).
    await jose.compactVerify(assertion, await jose.importX509(app.certificatePem, "RS256"), {
      algorithms: ["RS256"],
    });
  } catch {
    return fail("invalid_grant", "invalid assertion");
  }
  if (!context.audiences.includes(String(claims.aud))) return fail("invalid_grant", "audience is invalid");
  if (assertionExpiry(claims.exp, context.now)) return fail("invalid_grant", "expired authorization code");
  const user = context.users.find((u) => u.username === claims.sub);
  const allowed =
    user && (app.profiles.includes(user.profile) || user.permissionSets.some((p) => app.permissionSets.includes(p)));
  if (!user || !allowed) return fail("invalid_grant", "user hasn't approved this consumer");
  return { granted: true, app, user };
}
