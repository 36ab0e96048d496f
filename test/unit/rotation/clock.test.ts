/**
 * The clock and the day options are parsed strictly: only full ISO 8601 instants with a zone, only days
 * that exist, only whole numbers of days; errors name the option or the variable actually given.
 */
import test from "ava";
import { daysFrom, nowFrom } from "../../../provider/cli/options";
import { clockVariable, currentTime, parseInstant } from "../../../provider/rotation/clock";

const notInstant = "must be an ISO 8601 instant with a time zone, such as 2027-01-31T00:00:00Z or 2027-01-31T10:00:00+01:00";

test("parseInstant takes full instants with a zone, in UTC or with an offset", (t) => {
  const at = (text: string) => (parseInstant(text) as Date).toISOString();
  t.is(at("2027-01-31T00:00:00Z"), "2027-01-31T00:00:00.000Z");
  t.is(at("2027-01-31T10:00:00+01:00"), "2027-01-31T09:00:00.000Z");
  t.is(at("2027-01-31T10:00:00-05:30"), "2027-01-31T15:30:00.000Z");
  t.is(at("2027-01-31T10:00:00.123Z"), "2027-01-31T10:00:00.123Z");
  t.is(at("2028-02-29T23:59:59Z"), "2028-02-29T23:59:59.000Z");
  t.is(at("2000-02-29T00:00:00Z"), "2000-02-29T00:00:00.000Z");
  t.is(at("0012-06-01T00:00:00Z"), "0012-06-01T00:00:00.000Z");
});

test("parseInstant refuses what new Date() would have guessed at", (t) => {
  for (const text of ["12", "2027", "2027-01-31", "2027-01-31T00:00", "2027-01-31T00:00:00", "2027-01-31 00:00:00Z", "2027-01-31T00:00:00z", "2027-01-31T00:00:00+0100", "Jan 31 2027", "", " 2027-01-31T00:00:00Z"]) {
    t.is(parseInstant(text), notInstant, JSON.stringify(text));
  }
  t.is(parseInstant("2027-02-30T00:00:00Z"), "must be a date that exists (2027-02 has 28 days, not 30)");
  t.is(parseInstant("2027-02-29T00:00:00Z"), "must be a date that exists (2027-02 has 28 days, not 29)");
  t.is(parseInstant("2100-02-29T00:00:00Z"), "must be a date that exists (2100-02 has 28 days, not 29)");
  t.is(parseInstant("2027-04-31T00:00:00Z"), "must be a date that exists (2027-04 has 30 days, not 31)");
  t.is(parseInstant("2027-01-00T00:00:00Z"), "must be a date that exists (2027-01 has 31 days, not 00)");
  t.is(parseInstant("2027-00-10T00:00:00Z"), "must be a date that exists (there is no month 00)");
  t.is(parseInstant("2027-01-31T24:00:00Z"), "must be a time of day from 00:00:00 to 23:59:59");
  t.is(parseInstant("2027-01-31T23:60:00Z"), "must be a time of day from 00:00:00 to 23:59:59");
  t.is(parseInstant("2027-01-31T23:59:60Z"), "must be a time of day from 00:00:00 to 23:59:59");
  t.is(parseInstant("2027-01-31T00:00:00+24:00"), "must have a time zone offset from -23:59 to +23:59");
});

/** Runs `work` with SALESFORCE_CERTS_NOW set to `value` (or unset), restoring it after. */
function withClock<T>(value: string | undefined, work: () => T): T {
  const saved = process.env[clockVariable];
  if (value === undefined) delete process.env[clockVariable];
  else process.env[clockVariable] = value;
  try {
    return work();
  } finally {
    if (saved === undefined) delete process.env[clockVariable];
    else process.env[clockVariable] = saved;
  }
}

test.serial("the provider clock names SALESFORCE_CERTS_NOW and refuses 12 (not the year 2001)", (t) => {
  t.is(withClock("2027-01-31T10:00:00+01:00", currentTime).toISOString(), "2027-01-31T09:00:00.000Z");
  t.throws(() => withClock("12", currentTime), { message: `SALESFORCE_CERTS_NOW ${notInstant} (got "12")` });
  t.throws(() => withClock("2027-02-30T00:00:00Z", currentTime), { message: 'SALESFORCE_CERTS_NOW must be a date that exists (2027-02 has 28 days, not 30) (got "2027-02-30T00:00:00Z")' });
  const before = Date.now();
  t.true(withClock("", currentTime).getTime() >= before);
});

test.serial("nowFrom names --now when the option is given, and the variable when it is not", (t) => {
  t.throws(() => withClock(undefined, () => nowFrom("2027-02-30T00:00:00Z")), { code: "ERR_USAGE", message: '--now must be a date that exists (2027-02 has 28 days, not 30) (got "2027-02-30T00:00:00Z")' } as never);
  t.throws(() => withClock(undefined, () => nowFrom("")), { code: "ERR_USAGE", message: `--now ${notInstant} (got "")` } as never);
  t.throws(() => withClock("12", () => nowFrom(undefined)), { code: "ERR_USAGE", message: `SALESFORCE_CERTS_NOW ${notInstant} (got "12")` } as never);
  // The option wins over the variable, so a bad variable does not matter then.
  t.is(withClock("12", () => nowFrom("2027-01-31T00:00:00Z")).toISOString(), "2027-01-31T00:00:00.000Z");
  t.is(withClock("2027-03-01T00:00:00Z", () => nowFrom(undefined)).toISOString(), "2027-03-01T00:00:00.000Z");
});

test("daysFrom takes whole numbers of days only", (t) => {
  t.is(daysFrom("check", "--within", "0"), 0);
  t.is(daysFrom("check", "--within", "30"), 30);
  t.is(daysFrom("check", "--within", "36500"), 36500);
  for (const value of ["", " 7", "7 ", "1.5", "1e3", "0x10", "-1", "+3", "thirty", "36501", "1234567"]) {
    t.throws(() => daysFrom("check", "--within", value), { code: "ERR_USAGE", message: `check: --within must be a whole number of days from 0 to 36500 (got ${JSON.stringify(value)})` } as never, JSON.stringify(value));
  }
  t.throws(() => daysFrom("check", "--within", undefined), { code: "ERR_USAGE", message: "check: --within DAYS is required (see salesforce-certs check --help)" } as never);
});
