/**
 * @module The operator's override for a slot that does not prove itself: SALESFORCE_CERTS_SWITCH_UNPROVEN
 * names (comma-separated, compared as Salesforce compares names) the integrations whose published slot
 * `up` switches clients to although a login with it fails. For when the operator knows better than the
 * proof (the org's login servers lag far behind, or logins are blocked from where `up` runs); preview says
 * so, and `up` logs who forced it.
 */
import os = require("node:os");
import { switchUnprovenVariable } from "../rotation/jwt-slots";
import { sameSalesforceName } from "../salesforce/names";

/** True when SALESFORCE_CERTS_SWITCH_UNPROVEN names the integration `apiName`. */
export function switchUnprovenNamed(apiName: string): boolean {
  return (process.env[switchUnprovenVariable] ?? "")
    .split(",")
    .map((n) => n.trim())
    .some((n) => sameSalesforceName(n, apiName));
}

/** Who runs this process, for the log line of a forced switch (the OS user; `unknown` when it cannot be read). */
export function operator(): string {
  try {
    return os.userInfo().username || "unknown";
  } catch {
    return "unknown";
  }
}
