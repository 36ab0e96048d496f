/**
 * The clock and the day options are parsed strictly: only full ISO 8601 instants with a zone, only days
 * that exist, only whole numbers of days; errors name the option or the variable actually given.
 */
import test from "ava";
import { daysFrom, maxDays, nowFrom } from "../../../provider/cli/options";
import { issueCertificate } from "../../../provider/certificate/lifecycle";
import {
  clockFailure,
  clockVariable,
  currentTime,
  earliestClock,
  latestClock,
  parseInstant,
  parseTimestamp,
} from "../../../provider/rotation/clock";
import { checkCertificateArgs, maxValidityDays } from "../../../provider/certificate/args";
import { x509 } from "../../helpers/openssl";

const notInstant =
  "must be an ISO 8601 instant with a time zone, such as 2027-01-31T00:00:00Z or 2027-01-31T10:00:00+01:00";

test("parseInstant takes full instants with a zone, in UTC or with an offset", (t) => {
  const at = (text: string) => (parseInstant(text) as Date).toISOString();
  t.is(at("2027-01-31T00:00:00Z"), "2027-01-31T00:00:00.000Z");
  t.is(at("2027-01-31T10:00:00+01:00"), "2027-01-31T09:00:00.000Z");
  t.is(at("2027-01-31T10:00:00-05:30"), "2027-01-31T15:30:00.000Z");
  t.is(at("2027-01-31T10:00:00.123Z"), "2027-01-31T10:00:00.123Z");
  t.is(at("2028-02-29T23:59:59Z"), "2028-02-29T23:59:59.000Z");
  t.is(at("2000-02-29T00:00:00Z"), "2000-02-29T00:00:00.000Z");
  t.is(
    (parseTimestamp("0012-06-01T00:00:00Z") as Date).toISOString(),
    "0012-06-01T00:00:00.000Z",
    "years 0–99 kept as given",
  );
});

const clockRange =
  "must be from 1950-01-01T00:00:00Z to 9899-12-31T23:59:59Z: certificates write dates from 1950 to 9999 (X.509 UTCTime and GeneralizedTime), and dates are derived from this clock up to 36500 days later";

test("parseInstant takes the clock only from 1950 to 9899, where every date derived from it can be written in a certificate", (t) => {
  for (const text of [
    "0000-01-01T00:00:00Z",
    "0012-06-01T00:00:00Z",
    "1949-12-31T23:59:59Z",
    "1950-01-01T00:30:00+01:00",
    "9899-12-31T23:00:00-01:00",
    "9900-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
  ]) {
    t.is(parseInstant(text), clockRange, text);
  }
  const earliest = parseInstant(earliestClock) as Date;
  const latest = parseInstant(latestClock) as Date;
  t.is(earliest.toISOString(), "1950-01-01T00:00:00.000Z");
  t.is(latest.toISOString(), "9899-12-31T23:59:59.000Z");
  t.is((parseInstant("9899-12-31T23:59:59.999Z") as Date).toISOString(), "9899-12-31T23:59:59.999Z");
  // At both ends a certificate of the longest validity is made, and the farthest horizon (36500 days) is a date.
  const inputs = checkCertificateArgs({ uniqueName: "Edge", label: "Edge", validityDays: maxValidityDays });
  if (!inputs.ok) throw new Error(JSON.stringify(inputs.issues));
  for (const now of [earliest, latest]) {
    const issued = issueCertificate(inputs.inputs, now);
    t.is(issued.notBefore, now.toISOString());
    t.is(
      x509(issued.certificatePem!, "-enddate").trim(),
      `notAfter=${opensslDate(new Date(now.getTime() + maxValidityDays * 86_400_000))}`,
    );
    t.regex(new Date(now.getTime() + maxDays * 86_400_000).toISOString(), /^\d{4}-/);
  }
  t.true(
    latest.getTime() + maxDays * 86_400_000 <= Date.parse("9999-12-31T23:59:59Z"),
    "the farthest date stays in a four-digit year",
  );
});

test("parseInstant refuses what new Date() would have guessed at", (t) => {
  for (const text of [
    "12",
    "2027",
    "2027-01-31",
    "2027-01-31T00:00",
    "2027-01-31T00:00:00",
    "2027-01-31 00:00:00Z",
    "2027-01-31T00:00:00z",
    "2027-01-31T00:00:00+0100",
    "Jan 31 2027",
    "",
    " 2027-01-31T00:00:00Z",
  ]) {
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
  t.throws(() => withClock("2027-02-30T00:00:00Z", currentTime), {
    message:
      'SALESFORCE_CERTS_NOW must be a date that exists (2027-02 has 28 days, not 30) (got "2027-02-30T00:00:00Z")',
  });
  t.throws(() => withClock("9999-06-01T00:00:00Z", currentTime), {
    message: `SALESFORCE_CERTS_NOW ${clockRange} (got "9999-06-01T00:00:00Z")`,
  });
  t.deepEqual(withClock("0000-01-01T00:00:00Z", clockFailure), {
    property: "SALESFORCE_CERTS_NOW",
    reason: `${clockRange} (got "0000-01-01T00:00:00Z"); it sets the provider's clock`,
  });
  const before = Date.now();
  t.true(withClock("", currentTime).getTime() >= before);
});

test.serial("nowFrom names --now when the option is given, and the variable when it is not", (t) => {
  t.throws(() => withClock(undefined, () => nowFrom("2027-02-30T00:00:00Z")), {
    code: "ERR_USAGE",
    message: '--now must be a date that exists (2027-02 has 28 days, not 30) (got "2027-02-30T00:00:00Z")',
  } as never);
  t.throws(() => withClock(undefined, () => nowFrom("")), {
    code: "ERR_USAGE",
    message: `--now ${notInstant} (got "")`,
  } as never);
  t.throws(() => withClock("12", () => nowFrom(undefined)), {
    code: "ERR_USAGE",
    message: `SALESFORCE_CERTS_NOW ${notInstant} (got "12")`,
  } as never);
  // The option wins over the variable, so a bad variable does not matter then.
  t.is(withClock("12", () => nowFrom("2027-01-31T00:00:00Z")).toISOString(), "2027-01-31T00:00:00.000Z");
  t.is(withClock("2027-03-01T00:00:00Z", () => nowFrom(undefined)).toISOString(), "2027-03-01T00:00:00.000Z");
});

test("daysFrom takes whole numbers of days only", (t) => {
  t.is(daysFrom("check", "--within", "0"), 0);
  t.is(daysFrom("check", "--within", "30"), 30);
  t.is(daysFrom("check", "--within", "36500"), 36500);
  for (const value of ["", " 7", "7 ", "1.5", "1e3", "0x10", "-1", "+3", "thirty", "36501", "1234567"]) {
    t.throws(
      () => daysFrom("check", "--within", value),
      {
        code: "ERR_USAGE",
        message: `check: --within must be a whole number of days from 0 to 36500 (got ${JSON.stringify(value)})`,
      } as never,
      JSON.stringify(value),
    );
  }
  t.throws(() => daysFrom("check", "--within", undefined), {
    code: "ERR_USAGE",
    message: "check: --within DAYS is required (see salesforce-certs check --help)",
  } as never);
});

/** A date as `openssl x509 -dates` prints it (`Jan  2 03:04:05 2027 GMT`). */
function opensslDate(date: Date): string {
  const month = date.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return `${month} ${String(date.getUTCDate()).padStart(2, " ")} ${date.toISOString().slice(11, 19)} ${date.getUTCFullYear()} GMT`;
}
