/**
 * @module The OAuth 2.0 JWT Bearer Flow as Salesforce documents it: the assertion (RS256; iss = consumer
 * key, sub = username, aud = login audience, exp within 3 minutes) and the token request
 * (`POST {loginUrl}/services/oauth2/token`, form-encoded). Signing uses node:crypto; the request uses
 * Node's fetch, so the provider needs no HTTP or JWT library.
 */
import crypto = require("node:crypto");

/** The grant type of the JWT Bearer Flow (RFC 7523). */
export const jwtBearerGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** Who logs in, to what, with which key. */
export interface JwtBearerCredential {
  consumerKey: string;
  username: string;
  audience: string;
  privateKeyPem: string;
}

/** A signed assertion, valid for `lifetimeSeconds` (Salesforce: at most 3 minutes) from `now`. */
export function signJwtAssertion(
  credential: JwtBearerCredential,
  now: Date = new Date(),
  lifetimeSeconds = 180,
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const header = encode({ alg: "RS256", typ: "JWT" });
  const payload = encode({
    iss: credential.consumerKey,
    sub: credential.username,
    aud: credential.audience,
    exp: Math.floor(now.getTime() / 1000) + lifetimeSeconds,
  });
  const signature = crypto
    .sign("sha256", Buffer.from(`${header}.${payload}`), credential.privateKeyPem)
    .toString("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The token endpoint of a login URL. */
export function tokenEndpoint(loginUrl: string): string {
  return `${loginUrl.replace(/\/+$/, "")}/services/oauth2/token`;
}

/** What a token request came back with: an access token, or Salesforce's `{error, error_description}`. */
export type TokenResult =
  | { ok: true; instanceUrl: string; id: string }
  | { ok: false; error: string; description: string };

/** How a token request is made: when its assertion is signed (default: the wall clock) and how long it may take. */
export interface TokenRequestOptions {
  /** The instant the assertion is signed at: the provider's clock (`currentTime()`), so that a simulated year agrees with the org's. */
  now?: Date;
  timeoutMs?: number;
}

/** Performs the JWT Bearer token request; never throws for an HTTP or network failure, and never returns the token. */
export async function requestJwtBearerToken(
  loginUrl: string,
  credential: JwtBearerCredential,
  options: TokenRequestOptions = {},
): Promise<TokenResult> {
  const { now = new Date(), timeoutMs = 10_000 } = options;
  const body = new URLSearchParams({ grant_type: jwtBearerGrantType, assertion: signJwtAssertion(credential, now) });
  try {
    const response = await fetch(tokenEndpoint(loginUrl), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { ok: false, error: `HTTP ${response.status}`, description: text.slice(0, 200) };
    }
    if (response.ok && typeof json["access_token"] === "string") {
      return { ok: true, instanceUrl: String(json["instance_url"] ?? ""), id: String(json["id"] ?? "") };
    }
    return {
      ok: false,
      error: String(json["error"] ?? `HTTP ${response.status}`),
      description: String(json["error_description"] ?? ""),
    };
  } catch (error) {
    return { ok: false, error: "unreachable", description: (error as Error).message };
  }
}
