/**
 * The tests' clock. Every date a test makes or judges (certificates, JWTs, SAML assertions, the
 * provider's SALESFORCE_CERTS_NOW, the stand-in org's clock) is taken from here or from a time the test
 * sets, never from the machine: a certificate made "now" and judged at a fixed date breaks on the day
 * the machine passes that date. test/unit/real-clock-guard.test.ts refuses real-clock reads in test/.
 */

/** The instant tests run at unless they set their own (whole seconds, as certificates count time). */
export const testInstant = "2026-12-01T09:00:00.000Z";

const day = 86_400_000;

/** The tests' "now": a fresh Date at {@link testInstant}. */
export function testNow(): Date {
  return new Date(testInstant);
}

/** `days` (may be negative or fractional) after `from` (default {@link testNow}). */
export function daysAfter(days: number, from: Date = testNow()): Date {
  return new Date(from.getTime() + days * day);
}

/** Seconds since the epoch, as JWT `exp`/`iat` and `openssl verify -attime` take them. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** The environment for a provider or CLI run at `at` (default {@link testInstant}), added to `env`. */
export function withTestClock(env: NodeJS.ProcessEnv, at: string = testInstant): NodeJS.ProcessEnv {
  return { ...env, SALESFORCE_CERTS_NOW: at };
}

/**
 * Sets SALESFORCE_CERTS_NOW in this process to `at` (default {@link testInstant}), for tests that call the
 * provider in-process: its clock is that variable, else the machine's. Ava runs each test file in its own
 * process, so this holds for the calling file only.
 */
export function pinProviderClock(at: string = testInstant): void {
  process.env["SALESFORCE_CERTS_NOW"] = at;
}
