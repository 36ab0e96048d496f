/**
 * The rotation decision with a frozen clock: the renewal point of each policy, no rotation outside the
 * window, rotation inside it, trigger and key changes, overlap end, and policy-only changes.
 */
import test from "ava";
import { renewalPoint } from "../../../provider/rotation/renewal-policy";
import { describePlan, planRotation, type RotationSettings } from "../../../provider/rotation/rotation-plan";

const notBefore = "2027-01-01T00:00:00.000Z";
const notAfter = "2028-01-01T00:00:00.000Z"; // 365 days
const at = (iso: string) => new Date(iso);
const settings = (overrides: Partial<RotationSettings> = {}): RotationSettings => ({
  renewal: { daysBeforeExpiry: 30 },
  keyFields: { keySize: 2048, subject: { commonName: "x" } },
  ...overrides,
});
const current = { current: { notBefore, notAfter } };

test("renewalPoint: days before expiry, percentage of lifetime, and the earlier of both", (t) => {
  t.is(renewalPoint(at(notBefore), at(notAfter), { daysBeforeExpiry: 30 }).toISOString(), "2027-12-02T00:00:00.000Z");
  t.is(renewalPoint(at(notBefore), at(notAfter), { percentOfLifetime: 50 }).toISOString(), "2027-07-02T12:00:00.000Z");
  t.is(
    renewalPoint(at(notBefore), at(notAfter), { daysBeforeExpiry: 30, percentOfLifetime: 50 }).toISOString(),
    "2027-07-02T12:00:00.000Z",
  );
  t.is(
    renewalPoint(at(notBefore), at(notAfter), { daysBeforeExpiry: 300, percentOfLifetime: 50 }).toISOString(),
    "2027-03-07T00:00:00.000Z",
  );
  t.is(
    renewalPoint(at(notBefore), at(notAfter), {}).toISOString(),
    renewalPoint(at(notBefore), at(notAfter), { percentOfLifetime: 80 }).toISOString(),
  );
});

test("planRotation: no rotation outside the renewal window, and says when the next one falls", (t) => {
  const plan = planRotation(current, settings(), settings(), at("2027-12-01T23:59:59Z"));
  t.deepEqual(plan, { dropPrevious: false, nextRotation: "2027-12-02T00:00:00.000Z" });
  t.is(
    describePlan("Cert", plan, { daysBeforeExpiry: 30 }, current, false),
    "CertificateAndKeyPair Cert: no rotation; next rotation 2027-12-02T00:00:00.000Z (30 days before notAfter)",
  );
});

test("planRotation: rotates inside the renewal window, naming when the window opened", (t) => {
  const plan = planRotation(current, settings(), settings(), at("2027-12-02T00:00:00Z"));
  t.deepEqual(plan.rotate, { kind: "window", since: "2027-12-02T00:00:00.000Z" });
  t.regex(
    describePlan("Cert", plan, { daysBeforeExpiry: 30 }, current, false),
    /Cert: rotates now \(inside its renewal window since 2027-12-02T00:00:00.000Z\)/,
  );
});

test("planRotation: an expired certificate rotates, and says since when it is expired", (t) => {
  const plan = planRotation(current, settings(), settings(), at("2028-02-01T00:00:00Z"));
  t.deepEqual(plan.rotate, { kind: "expired", since: notAfter });
  // up keeps an expired certificate as previous only through this update: preview says so.
  t.is(
    describePlan("Cert", plan, { daysBeforeExpiry: 30 }, current, false, 7),
    `CertificateAndKeyPair Cert: rotates now (expired on ${notAfter}): a new key pair and certificate; the expired one is kept as previous only until the next run`,
  );
});

test("describePlan: with overlapDays 0 the replaced certificate is kept only until the next run, and preview says so", (t) => {
  const plan = planRotation(
    current,
    settings({ rotationTrigger: "a" }),
    settings({ rotationTrigger: "b" }),
    at("2027-02-01T00:00:00Z"),
  );
  t.regex(
    describePlan("Cert", plan, { daysBeforeExpiry: 30 }, current, false, 0),
    /a new key pair and certificate; the current one is kept as previous only until the next run \(overlapDays is 0\)$/,
  );
  t.regex(
    describePlan("Cert", plan, { daysBeforeExpiry: 30 }, current, false, 7),
    /the current one stays published as previous for the overlap$/,
  );
});

test("planRotation: a changed trigger rotates now, outside the window", (t) => {
  const plan = planRotation(
    current,
    settings({ rotationTrigger: "a" }),
    settings({ rotationTrigger: "b" }),
    at("2027-02-01T00:00:00Z"),
  );
  t.deepEqual(plan.rotate, { kind: "trigger", from: "a", to: "b" });
});

test("planRotation: a changed key size or subject rotates now", (t) => {
  const plan = planRotation(
    current,
    settings(),
    settings({ keyFields: { keySize: 4096, subject: { commonName: "y" } } }),
    at("2027-02-01T00:00:00Z"),
  );
  t.deepEqual(plan.rotate, { kind: "changed", fields: ["keySize", "subject"] });
});

test("planRotation: changing only the renewal policy never rotates by itself", (t) => {
  const plan = planRotation(
    current,
    settings(),
    settings({ renewal: { daysBeforeExpiry: 60 } }),
    at("2027-02-01T00:00:00Z"),
  );
  t.is(plan.rotate, undefined);
  t.is(plan.nextRotation, "2027-11-02T00:00:00.000Z");
});

test("planRotation: the previous certificate is dropped when its overlap ends, not before", (t) => {
  const state = { ...current, previous: { sha256Fingerprint: "AA:BB", retainedUntil: "2027-03-01T00:00:00.000Z" } };
  t.false(planRotation(state, settings(), settings(), at("2027-02-28T23:59:59Z")).dropPrevious);
  const plan = planRotation(state, settings(), settings(), at("2027-03-01T00:00:00Z"));
  t.true(plan.dropPrevious);
  t.regex(
    describePlan("Cert", plan, { daysBeforeExpiry: 30 }, state, false),
    /previous certificate AA:BB… dropped: its overlap ended 2027-03-01T00:00:00.000Z/,
  );
});

test("planRotation: a CA-signed certificate awaiting a signature does not ask again when its window opens", (t) => {
  const state = { ...current, pending: { since: "2027-12-02T00:00:00.000Z" } };
  const plan = planRotation(state, settings(), settings(), at("2027-12-10T00:00:00Z"));
  t.is(plan.rotate, undefined);
  t.regex(
    describePlan("Cert", plan, { daysBeforeExpiry: 30 }, state, true),
    /awaits a CA signature of the CSR made 2027-12-02/,
  );
});
