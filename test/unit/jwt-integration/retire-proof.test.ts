/**
 * A retired slot is proven by a login the org refuses: planJwtUpdate tries the retired slot's old key
 * (kept as a secret from the switch until the proof) with a fake probe standing for the org's token
 * endpoint: accepted (the change has not propagated yet) leaves the retire pending and says so, refused
 * proves it and drops the copy of the key, unreachable proves nothing; with no key to try, the retire
 * says it cannot be proven and why.
 */
import assert from "node:assert";
import test from "ava";
import { checkCertificateArgs } from "../../../provider/certificate/args";
import { issueCertificate } from "../../../provider/certificate/lifecycle";
import { checkJwtIntegrationArgs, type JwtIntegrationInputs } from "../../../provider/jwt-integration/args";
import {
  applyJwtUpdate,
  createJwtIntegration,
  type JwtIntegrationState,
  jwtPlanChanges,
  retireFailureKind,
  planJwtUpdate,
  type SlotLoginProbe,
} from "../../../provider/jwt-integration/lifecycle";
import { encodeJwtState, toStoredInputs } from "../../../provider/jwt-integration/state";
import { daysAfter, testNow } from "../../helpers/test-clock";

const now = testNow();
const certificateInputs = checkCertificateArgs({ uniqueName: "Retire_JWT", label: "Retire" }, { now });
if (!certificateInputs.ok) throw new Error("bad certificate arguments");
const first = issueCertificate(certificateInputs.inputs, now);
const second = issueCertificate(certificateInputs.inputs, now);
const third = issueCertificate(certificateInputs.inputs, now);

function inputs(bound: typeof first, handover: Partial<JwtIntegrationInputs> = {}): JwtIntegrationInputs {
  const result = checkJwtIntegrationArgs({
    apiName: "Retire_CI",
    label: "Retire CI",
    contactEmail: "ci@example.com",
    username: "ci@example.com",
    audience: "https://login.salesforce.com",
    preAuthorized: { permissionSets: ["CI"] },
    consumerKey: "RetireConsumerKey1",
    privateKeyExportable: true,
    certificateSha256Fingerprint: bound.sha256Fingerprint,
    certificateNotAfter: bound.notAfter,
    ...handover,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.inputs;
}

/** A probe that must not be called. */
const noLogin: SlotLoginProbe = async () => {
  throw new Error("this plan needs no login");
};

/** A fake org: answers `answer` and records each login it was asked for. */
function fakeOrg(answer: string | undefined) {
  const asked: { consumerKey: string; privateKeyPem: string }[] = [];
  const probe: SlotLoginProbe = async (login) => {
    asked.push({
      consumerKey: login.consumerKey,
      privateKeyPem: login.privateKeyPem,
    });
    return answer;
  };
  return { asked, probe };
}

/** Rotated from `first` to `second`, switched to slot B, then past the overlap: the retire of slot A is due. */
async function switchedThenDue(): Promise<{
  switched: JwtIntegrationState;
  due: Date;
  news: JwtIntegrationInputs;
}> {
  const created = createJwtIntegration(inputs(first));
  const handover = inputs(second, {
    certificatePem: second.certificatePem!,
    privateKeyPem: second.privateKeyPem!,
    previousCertificatePem: first.certificatePem!,
    previousPrivateKeyPem: first.privateKeyPem!,
  });
  const publishing = applyJwtUpdate(created, handover, await planJwtUpdate(created, handover, now, noLogin), now);
  const switchPlan = await planJwtUpdate(publishing, handover, now, async () => undefined, "org");
  assert.equal(switchPlan.step.kind, "switch", "slot B logs in");
  const switched = applyJwtUpdate(publishing, handover, switchPlan, now);
  // The certificate's own overlap has ended by the retire: it hands nothing over any more.
  return {
    switched,
    due: new Date(Date.parse(switched.retireAt!)),
    news: inputs(second),
  };
}

/** The plain (non-secret) part of a stored state, as the checkpoint holds it unencrypted. */
function plainState(state: JwtIntegrationState, news: JwtIntegrationInputs): string {
  const { slotKeys: _secret, ...plain } = encodeJwtState(state, toStoredInputs(news, undefined));
  return JSON.stringify(plain);
}

const keyBody = (pem: string) => pem.trim().split("\n")[1]!;

test("the retire keeps the old key as a secret; accepted, it stays pending and says so; refused, it is proven and the copy dropped", async (t) => {
  const { switched, due, news } = await switchedThenDue();
  t.deepEqual(switched.slotKeys, { A: first.privateKeyPem }, "slot A's old key is kept through the overlap");

  const retirePlan = await planJwtUpdate(switched, news, due, noLogin, "org");
  t.deepEqual(retirePlan.step, { kind: "retire", slot: "A" });
  t.regex(
    retirePlan.message,
    /retires slot A: .*; this up, once the app is deployed, and each later up request a token with its old key: the retire is proven when the org refuses it .*Retire_CI_A's old key is kept, as a secret, until then/,
  );
  const retired = applyJwtUpdate(switched, news, retirePlan, due);
  t.is(retired.phase, "stable");
  t.deepEqual(retired.slots.A, {
    appName: "Retire_CI_A",
    consumerKey: "RetireConsumerKey1A",
  });
  t.deepEqual(retired.retiredSlot, {
    slot: "A",
    sha256Fingerprint: first.sha256Fingerprint,
    retiredAt: due.toISOString(),
    proof: "pending",
  });
  t.deepEqual(retired.slotKeys, { A: first.privateKeyPem });
  t.false(plainState(retired, news).includes(keyBody(first.privateKeyPem!)), "the key is only in the secret slotKeys");
  t.is(retired.privateKeyPem, "", "clients read the certificate's key, not the retired one");

  // Three minutes on, the org still accepts the old key (its login servers lag behind the metadata).
  const early = new Date(due.getTime() + 3 * 60_000);
  const accepting = fakeOrg(undefined);
  const pending = await planJwtUpdate(retired, news, early, accepting.probe, "org");
  t.deepEqual(accepting.asked, [{ consumerKey: "RetireConsumerKey1A", privateKeyPem: first.privateKeyPem! }]);
  t.deepEqual(pending.retireProof, { outcome: "accepted" });
  t.deepEqual(pending.step, { kind: "none" });
  t.false(jwtPlanChanges(pending), "nothing to record: the next run tries again");
  t.regex(
    pending.message,
    /retire not proven yet: the org still accepts the old key of slot A \(Retire_CI_A, certificate [0-9A-F:]{23}…\) 3 min after its retire \(propagation\): run pulumi up again after Salesforce's propagation delay/,
  );
  const stillPending = applyJwtUpdate(retired, news, pending, early);
  t.is(stillPending.retiredSlot?.proof, "pending");
  t.regex(stillPending.retiredSlot?.lastProofError ?? "", /the org still accepted the old key at /);
  t.deepEqual(stillPending.slotKeys, { A: first.privateKeyPem }, "kept while the retire is unproven");

  // Past the delay the org refuses it: proven, recorded, the copy dropped.
  const later = new Date(due.getTime() + 6 * 60_000);
  const refusing = fakeOrg("invalid_grant: invalid assertion");
  const proving = await planJwtUpdate(stillPending, news, later, refusing.probe, "org");
  t.deepEqual(proving.retireProof, {
    outcome: "refused",
    failure: "invalid_grant: invalid assertion",
  });
  t.true(jwtPlanChanges(proving), "the proof is recorded");
  t.regex(
    proving.message,
    /the retire of slot A .* is proven: the org refuses its old key \(invalid_grant: invalid assertion\); the integration drops its copy of that key/,
  );
  const proven = applyJwtUpdate(stillPending, news, proving, later);
  t.deepEqual(proven.retiredSlot, {
    slot: "A",
    sha256Fingerprint: first.sha256Fingerprint,
    retiredAt: due.toISOString(),
    proof: "proven",
    provenAt: later.toISOString(),
    refusal: "invalid_grant: invalid assertion",
  });
  t.deepEqual(proven.slotKeys, {});
  t.false("slotKeys" in encodeJwtState(proven, toStoredInputs(news, undefined)), "no secret left to store");

  // Proven: later runs ask nothing and say nothing of it.
  const quiet = await planJwtUpdate(proven, news, daysAfter(1, later), noLogin, "org");
  t.false(jwtPlanChanges(quiet));
  t.notRegex(quiet.message, /retire/);
});

test("an unreachable org or a reply that is not an OAuth error proves nothing", async (t) => {
  const { switched, due, news } = await switchedThenDue();
  const retired = applyJwtUpdate(switched, news, await planJwtUpdate(switched, news, due, noLogin, "org"), due);
  for (const failure of [
    "unreachable: connect ECONNREFUSED 127.0.0.1:1",
    "HTTP 503: <html>Service Unavailable</html>",
    "HTTP 502",
  ]) {
    const plan = await planJwtUpdate(retired, news, due, fakeOrg(failure).probe, "org");
    t.deepEqual(plan.retireProof, { outcome: "unreachable", failure }, failure);
    t.false(jwtPlanChanges(plan));
    t.regex(plan.message, /retire not proven yet: the org could not be asked whether it refuses the old key/);
    t.is(applyJwtUpdate(retired, news, plan, due).retiredSlot?.proof, "pending");
  }
  t.is(retireFailureKind("invalid_client_id: client identifier invalid"), "refused");
  t.is(retireFailureKind("unreachable: timeout"), "unreachable");
  t.is(retireFailureKind("HTTP 500: "), "unreachable");
});

test("a refusal that says nothing about the key (clock, audience, user, a blocked app) proves nothing", async (t) => {
  const { switched, due, news } = await switchedThenDue();
  const retired = applyJwtUpdate(switched, news, await planJwtUpdate(switched, news, due, noLogin, "org"), due);
  for (const failure of [
    "invalid_grant: expired authorization code",
    "invalid_grant: audience is invalid",
    "invalid_grant: user hasn't approved this consumer",
    "OAUTH_APP_BLOCKED: this app is blocked by admin",
    "invalid_grant: invalid assertion'; DROP TABLE apps; --",
  ]) {
    const plan = await planJwtUpdate(retired, news, due, fakeOrg(failure).probe, "org");
    t.deepEqual(plan.retireProof, { outcome: "inconclusive", failure }, failure);
    t.false(jwtPlanChanges(plan), failure);
    t.regex(
      plan.message,
      /retire not proven yet: the org refused the old key of slot A .* for a reason that says nothing about the key/,
    );
    const after = applyJwtUpdate(retired, news, plan, due);
    t.is(after.retiredSlot?.proof, "pending");
    t.is(after.retiredSlot?.lastProofError, failure);
    t.deepEqual(after.slotKeys, { A: first.privateKeyPem }, "the key is kept for the next try");
  }
});

test("in artefact mode the words say to deploy salesforceFiles before running up again", async (t) => {
  const { switched, due, news } = await switchedThenDue();
  const retirePlan = await planJwtUpdate(switched, news, due, noLogin, "artefact");
  t.regex(retirePlan.message, /each later up, once salesforceFiles is deployed, requests a token with its old key/);
  const retired = applyJwtUpdate(switched, news, retirePlan, due);
  const plan = await planJwtUpdate(retired, news, due, fakeOrg(undefined).probe, "artefact");
  t.regex(plan.message, /retire not proven yet: .*: deploy salesforceFiles if not yet done, then run pulumi up again/);
});

test("with no copy of the old key the retire says it cannot be proven and why; the certificate's previous key is used while it holds one", async (t) => {
  const { switched, due, news } = await switchedThenDue();
  // A state written before the integration kept the old key through the overlap.
  const keyless = { ...switched, slotKeys: {} };
  const plan = await planJwtUpdate(keyless, news, due, noLogin, "org");
  t.regex(plan.message, /the retire of slot A cannot be proven by this stack: this stack keeps no copy of its old key/);
  const retired = applyJwtUpdate(keyless, news, plan, due);
  t.is(retired.retiredSlot?.proof, "unprovable");
  t.regex(retired.retiredSlot?.unprovable ?? "", /confirm in Setup that the app holds no certificate/);
  t.deepEqual(retired.slotKeys, {});
  const after = await planJwtUpdate(retired, news, due, noLogin, "org");
  t.regex(after.message, /the retire of slot A .* is not proven: this stack keeps no copy/, "never silent");
  t.false(jwtPlanChanges(after));

  // The certificate still holding its previous key (a long certificate overlap) hands it over: provable.
  const handing = inputs(second, {
    previousCertificatePem: first.certificatePem!,
    previousPrivateKeyPem: first.privateKeyPem!,
  });
  const withPrevious = applyJwtUpdate(
    keyless,
    handing,
    await planJwtUpdate(keyless, handing, due, noLogin, "org"),
    due,
  );
  t.is(withPrevious.retiredSlot?.proof, "pending");
  t.deepEqual(withPrevious.slotKeys, { A: first.privateKeyPem });
  // Another certificate's previous key is not slot A's.
  const other = inputs(second, {
    previousCertificatePem: third.certificatePem!,
    previousPrivateKeyPem: third.privateKeyPem!,
  });
  const wrong = applyJwtUpdate(keyless, other, await planJwtUpdate(keyless, other, due, noLogin, "org"), due);
  t.is(wrong.retiredSlot?.proof, "unprovable");
});

test("a new certificate published to the retired slot before the proof ends it, and says so", async (t) => {
  const { switched, due, news } = await switchedThenDue();
  const retired = applyJwtUpdate(switched, news, await planJwtUpdate(switched, news, due, noLogin, "org"), due);
  const rotated = inputs(third, {
    certificatePem: third.certificatePem!,
    privateKeyPem: third.privateKeyPem!,
    previousCertificatePem: second.certificatePem!,
    previousPrivateKeyPem: second.privateKeyPem!,
  });
  const plan = await planJwtUpdate(retired, rotated, due, fakeOrg(undefined).probe, "org");
  t.deepEqual(plan.step, { kind: "publish", to: "A" });
  t.regex(plan.message, /the publish replaces that slot's certificate, so its retire is left unproven/);
  const publishing = applyJwtUpdate(retired, rotated, plan, due);
  t.is(publishing.retiredSlot, undefined);
  t.deepEqual(
    publishing.slotKeys,
    { A: third.privateKeyPem, B: second.privateKeyPem },
    "slot A's key is the new one, for its own proof",
  );
});
