/**
 * The two-slot rotation of a JWT integration, step by step, with a frozen clock and a scripted login probe.
 */
import test from "ava";
import { applySlotStep, planSlots, type BoundCredential, type SlotsState } from "../../../provider/rotation/jwt-slots";

const cred = (n: number): BoundCredential => ({
  certificatePem: `PEM${n}`,
  sha256Fingerprint: `SHA${n}`,
  notAfter: `2028-0${n}-01T00:00:00.000Z`,
  privateKeyPem: `KEY${n}`,
});
const start: SlotsState = {
  strategy: "twoSlots",
  active: "A",
  phase: "stable",
  slots: { A: { appName: "App_A", consumerKey: "kA", ...cred(1) }, B: { appName: "App_B", consumerKey: "kB" } },
};
const now = new Date("2027-06-01T00:00:00Z");
const loginOk = async () => undefined;
const loginFails = async () => "invalid_client_id: client identifier invalid";

test("a new certificate goes to the idle slot first; clients switch only after a login works; the old slot retires after the overlap", async (t) => {
  t.deepEqual(await planSlots(start, cred(1), now, loginOk), { kind: "none" });

  const publish = await planSlots(start, cred(2), now, loginOk);
  t.deepEqual(publish, { kind: "publish", to: "B" });
  const publishing = applySlotStep(start, publish, cred(2), now, 7);
  t.is(publishing.active, "A", "clients stay on the old slot");
  t.is(publishing.slots.A!.privateKeyPem, "KEY1");
  t.is(publishing.slots.B!.sha256Fingerprint, "SHA2");

  t.deepEqual(await planSlots(publishing, cred(2), now, loginFails), {
    kind: "awaitLogin",
    slot: "B",
    failure: "invalid_client_id: client identifier invalid",
  });
  const toSwitch = await planSlots(publishing, cred(2), now, loginOk);
  t.deepEqual(toSwitch, { kind: "switch", to: "B" });
  const switched = applySlotStep(publishing, toSwitch, cred(2), now, 7);
  t.is(switched.active, "B");
  t.is(switched.retireAt, "2027-06-08T00:00:00.000Z");
  t.is(switched.slots.A!.sha256Fingerprint, "SHA1", "the old slot keeps its certificate for the overlap");

  t.deepEqual(await planSlots(switched, cred(2), new Date("2027-06-07T23:59:59Z"), loginOk), { kind: "none" });
  // Rotated again during the overlap: slot A still serves the previous key until 2027-06-08, so the third certificate waits.
  t.deepEqual(await planSlots(switched, cred(3), new Date("2027-06-07T00:00:00Z"), loginOk), {
    kind: "awaitOverlap",
    slot: "A",
    until: "2027-06-08T00:00:00.000Z",
  });
  t.deepEqual(await planSlots(switched, cred(3), new Date("2027-06-08T00:00:00Z"), loginOk), {
    kind: "publish",
    to: "A",
  });
  const retire = await planSlots(switched, cred(2), new Date("2027-06-08T00:00:00Z"), loginOk);
  t.deepEqual(retire, { kind: "retire", slot: "A" });
  const stable = applySlotStep(switched, retire, cred(2), now, 7);
  t.deepEqual(stable.slots.A, { appName: "App_A", consumerKey: "kA" });
  t.is(stable.phase, "stable");
  t.deepEqual(await planSlots(stable, cred(3), now, loginOk), { kind: "publish", to: "A" });
});

test("in place, a new certificate replaces the only slot at once", async (t) => {
  const inPlace: SlotsState = { ...start, strategy: "inPlace", slots: { A: start.slots.A! } };
  const step = await planSlots(inPlace, cred(2), now, loginFails);
  t.deepEqual(step, { kind: "replaceInPlace" });
  t.is(applySlotStep(inPlace, step, cred(2), now, 7).slots.A!.privateKeyPem, "KEY2");
});

test("while publishing, the state records since when and the last proof error; a switch or retire clears both", async (t) => {
  const publishing = applySlotStep(start, { kind: "publish", to: "B" }, cred(2), now, 7);
  t.is(publishing.publishedAt, now.toISOString());
  t.is(publishing.lastProofError, undefined);
  const later = new Date(now.getTime() + 6 * 60_000);
  const waiting = await planSlots(publishing, cred(2), later, loginFails);
  t.deepEqual(waiting, { kind: "awaitLogin", slot: "B", failure: "invalid_client_id: client identifier invalid" });
  const failed = applySlotStep(publishing, waiting, cred(2), later, 7);
  t.is(failed.lastProofError, "invalid_client_id: client identifier invalid");
  t.is(failed.publishedAt, now.toISOString(), "a failed proof keeps the time of the publish");
  t.is(failed.active, "A");
  const switched = applySlotStep(failed, { kind: "switch", to: "B" }, cred(2), later, 7);
  t.is(switched.publishedAt, undefined);
  t.is(switched.lastProofError, undefined);
  t.false("publishedAt" in switched || "lastProofError" in switched, "absent, not undefined, in a stable state");
});

test("switchUnproven: a failed proof switches all the same, carrying the failure; without it the slot waits", async (t) => {
  const publishing = applySlotStep(start, { kind: "publish", to: "B" }, cred(2), now, 7);
  t.deepEqual(await planSlots(publishing, cred(2), now, loginFails, { switchUnproven: true }), {
    kind: "switch",
    to: "B",
    unproven: "invalid_client_id: client identifier invalid",
  });
  t.is((await planSlots(publishing, cred(2), now, loginFails, { switchUnproven: false })).kind, "awaitLogin");
  t.deepEqual(await planSlots(publishing, cred(2), now, loginOk, { switchUnproven: true }), {
    kind: "switch",
    to: "B",
  });
});
