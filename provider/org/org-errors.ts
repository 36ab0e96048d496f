/**
 * @module Errors of org mode: logging in, and Metadata or Tooling API calls that failed. Each has a stable
 * `code`; messages say what to fix and never carry a private key, an assertion or an access token.
 */
import { SalesforceCertsError } from "../errors";

/** The org refused the JWT Bearer login, or could not be reached; `reason` is Salesforce's `error` code. */
export class OrgLoginError extends SalesforceCertsError {
  /** Salesforce's `error` (`invalid_grant`, `invalid_client_id`, …), or `unreachable`. */
  readonly reason: string;

  constructor(reason: string, message: string) {
    super("ERR_ORG_LOGIN", message);
    this.reason = reason;
  }
}

/** One component a deploy could not apply, as Salesforce reports it (`DeployMessage`). */
export interface ComponentFailure {
  /** The file in the deployed zip, e.g. `certs/Partner_SSO.crt-meta.xml` or `package.xml`. */
  fileName: string;
  /** `Type:fullName`, or empty when Salesforce names no component. */
  component: string;
  problem: string;
  /** `Error` or `Warning`. */
  problemType: string;
}

/** A deploy (or a check-only validation) that ended without success; nothing of it was applied (`rollbackOnError`). */
export class OrgDeployError extends SalesforceCertsError {
  readonly deployId: string;
  readonly status: string;
  readonly failures: readonly ComponentFailure[];

  constructor(deployId: string, status: string, failures: readonly ComponentFailure[], message: string) {
    super("ERR_ORG_DEPLOY", message);
    this.deployId = deployId;
    this.status = status;
    this.failures = failures;
  }
}

/** A deploy still not done when `pollTimeoutSeconds` ran out; it may still finish in the org. */
export class OrgDeployTimeoutError extends SalesforceCertsError {
  readonly deployId: string;

  constructor(deployId: string, message: string) {
    super("ERR_ORG_DEPLOY_TIMEOUT", message);
    this.deployId = deployId;
  }
}

/** Any other API call the org refused (a SOAP fault, a REST error, a per-name delete error). */
export class OrgApiError extends SalesforceCertsError {
  /** Salesforce's code, without the `sf:` prefix (`INVALID_TYPE`, `INVALID_SESSION_ID`, …). */
  readonly apiCode: string;

  constructor(apiCode: string, message: string) {
    super("ERR_ORG_API", message);
    this.apiCode = apiCode;
  }
}

/**
 * `text` with every occurrence of each secret (and of each of its PEM body lines) replaced by `[redacted]`:
 * a last guard on texts that came from elsewhere (a server's error description) before they are shown.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const parts = [secret, ...secret.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith("-----"))];
    for (const part of parts) out = out.split(part).join("[redacted]");
  }
  return out;
}
