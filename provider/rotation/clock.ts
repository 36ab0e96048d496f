/**
 * @module The provider's clock. Rotation is decided from the wall clock; SALESFORCE_CERTS_NOW (an ISO
 * 8601 instant) replaces it, to rehearse what a later `pulumi preview` will do, and for tests. Times are
 * parsed strictly: `new Date()` would take `12` as the year 2001 and roll `2027-02-30` over to March, so a
 * typo would move the clock silently.
 */
import { UsageError } from "../errors";

/** The environment variable that overrides the wall clock. */
export const clockVariable = "SALESFORCE_CERTS_NOW";

/** What an accepted time looks like, for messages. */
export const instantExample = "2027-01-31T00:00:00Z or 2027-01-31T10:00:00+01:00";

/**
 * The clock's range. X.509 writes validity dates as UTCTime from 1950 to 2049 and as GeneralizedTime
 * (four-digit years) from 2050 to 9999 (RFC 5280 §4.1.2.5); dates are derived from the clock up to
 * 36500 days later (the longest `check --within`, longer than any certificate's validity), so the
 * latest clock leaves a century below 9999.
 */
export const earliestClock = "1950-01-01T00:00:00Z";
/** The latest instant the clock may be set to: see {@link earliestClock}. */
export const latestClock = "9899-12-31T23:59:59Z";

const clockRangeRule = `must be from ${earliestClock} to ${latestClock}: certificates write dates from 1950 to 9999 (X.509 UTCTime and GeneralizedTime), and dates are derived from this clock up to 36500 days later`;

/**
 * Parses a full ISO 8601 instant for the clock (SALESFORCE_CERTS_NOW, `--now`): as
 * {@link parseTimestamp}, and from {@link earliestClock} to {@link latestClock}. Returns the time, or
 * why `text` is not one.
 */
export function parseInstant(text: string): Date | string {
  const parsed = parseTimestamp(text);
  if (typeof parsed === "string") return parsed;
  return parsed.getTime() < Date.parse(earliestClock) || parsed.getTime() >= Date.parse(latestClock) + 1000
    ? clockRangeRule
    : parsed;
}

/**
 * Parses a full ISO 8601 instant: date, time to the second (fractions allowed) and a zone (`Z` or
 * `±hh:mm`), e.g. `2027-01-31T10:00:00+01:00`, of any year 0000 to 9999. Returns the time, or why
 * `text` is not one.
 */
export function parseTimestamp(text: string): Date | string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return `must be an ISO 8601 instant with a time zone, such as ${instantExample}`;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return `must be a date that exists (there is no month ${m[2]})`;
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
  if (day < 1 || day > daysInMonth)
    return `must be a date that exists (${m[1]}-${m[2]} has ${daysInMonth} days, not ${m[3]})`;
  if (hour > 23 || minute > 59 || second > 59) return `must be a time of day from 00:00:00 to 23:59:59`;
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (offsetHours > 23 || offsetMinutes > 59) return `must have a time zone offset from -23:59 to +23:59`;
  const sign = m[9] === "-" ? -1 : 1;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps the years 0–99 as given.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000));
  return new Date(date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Now, or the time in SALESFORCE_CERTS_NOW. Throws when that variable is set but not an ISO 8601 instant. */
export function currentTime(): Date {
  const override = process.env[clockVariable];
  if (override === undefined || override === "") return new Date();
  const parsed = parseInstant(override);
  if (typeof parsed === "string") throw new UsageError(`${clockVariable} ${parsed} (got ${JSON.stringify(override)})`);
  return parsed;
}

/**
 * The problem with SALESFORCE_CERTS_NOW, as a check() failure, when it is set but not an ISO 8601 instant:
 * check() runs before diff, so a bad clock is named as bad input instead of failing later with a trace.
 */
export function clockFailure(): { property: string; reason: string } | undefined {
  const override = process.env[clockVariable];
  if (override === undefined || override === "") return undefined;
  const parsed = parseInstant(override);
  return typeof parsed === "string"
    ? { property: clockVariable, reason: `${parsed} (got ${JSON.stringify(override)}); it sets the provider's clock` }
    : undefined;
}
