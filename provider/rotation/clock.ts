/**
 * @module The provider's clock. Rotation is decided from the wall clock; SALESFORCE_CERTS_NOW (an ISO
 * 8601 time) replaces it, to rehearse what a later `pulumi preview` will do, and for tests.
 */

/** The environment variable that overrides the wall clock. */
export const clockVariable = "SALESFORCE_CERTS_NOW";

/** Now, or the time in SALESFORCE_CERTS_NOW. Throws when that variable is not a valid time. */
export function currentTime(): Date {
  const override = process.env[clockVariable];
  if (override === undefined || override === "") return new Date();
  const parsed = new Date(override);
  if (Number.isNaN(parsed.getTime())) {
    throw new Error(`${clockVariable} must be an ISO 8601 time such as 2027-01-31T12:00:00Z (got ${JSON.stringify(override)})`);
  }
  return parsed;
}
