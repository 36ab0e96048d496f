/**
 * The words of a JWT slot step say who acts next: in artefact mode a person deploys salesforceFiles and
 * runs up again; in org mode up deploys the app and requests a token itself, so the words must not send
 * the person to deploy files by hand.
 */
import test from "ava";
import { describeDuration, describeSlotStep, type SlotsState } from "../../../provider/rotation/jwt-slots";

const state: SlotsState = {
  strategy: "twoSlots",
  active: "A",
  phase: "stable",
  slots: {
    A: { appName: "Acme_CI_A", consumerKey: "kA", sha256Fingerprint: "AA:BB", notAfter: "2028-01-01T00:00:00.000Z" },
    B: { appName: "Acme_CI_B", consumerKey: "kB" },
  },
};

test("describeSlotStep in artefact mode sends the person to deploy salesforceFiles", (t) => {
  t.is(
    describeSlotStep("Acme_CI", state, { kind: "publish", to: "B" }),
    "JwtIntegration Acme_CI: publishes the new certificate to slot B (Acme_CI_B); clients stay on slot A until a login with slot B succeeds: deploy salesforceFiles, then run up again",
  );
  t.is(
    describeSlotStep("Acme_CI", state, { kind: "awaitLogin", slot: "B", failure: "invalid_grant: invalid assertion" }),
    "JwtIntegration Acme_CI: slot B (Acme_CI_B) does not log in yet: unproven (last error: invalid_grant: invalid assertion); clients stay on slot A (Acme_CI_A, its certificate expires 2028-01-01T00:00:00.000Z): deploy salesforceFiles, then run pulumi up again; or, if you know slot B works, switch without the proof: SALESFORCE_CERTS_SWITCH_UNPROVEN=Acme_CI pulumi up",
  );
  t.regex(
    describeSlotStep("Acme_CI", { ...state, strategy: "inPlace" }, { kind: "replaceInPlace" }),
    /until salesforceFiles is deployed and Salesforce has propagated it \(minutes\)$/,
  );
});

test("describeSlotStep in org mode says up deploys and proves the slot itself, and never asks for a hand deploy", (t) => {
  t.is(
    describeSlotStep("Acme_CI", state, { kind: "publish", to: "B" }, "org"),
    "JwtIntegration Acme_CI: publishes the new certificate to slot B (Acme_CI_B); clients stay on slot A until a login with slot B succeeds: this up deploys the slot's app and requests a token with it",
  );
  t.is(
    describeSlotStep(
      "Acme_CI",
      state,
      { kind: "awaitLogin", slot: "B", failure: "invalid_grant: invalid assertion" },
      "org",
    ),
    "JwtIntegration Acme_CI: slot B (Acme_CI_B) does not log in yet: unproven (last error: invalid_grant: invalid assertion); clients stay on slot A (Acme_CI_A, its certificate expires 2028-01-01T00:00:00.000Z): Salesforce takes 2 to 10 minutes to apply an app change at its login servers (up to 30 reported for a new External Client App): run pulumi up again after that; or, if you know slot B works, switch without the proof: SALESFORCE_CERTS_SWITCH_UNPROVEN=Acme_CI pulumi up",
  );
  t.is(
    describeSlotStep("Acme_CI", { ...state, strategy: "inPlace" }, { kind: "replaceInPlace" }, "org"),
    "JwtIntegration Acme_CI: replaces the certificate of Acme_CI_A in place; clients holding the new key cannot log in until the org has applied the deployed app (minutes)",
  );
});

test("an unproven slot is never silent: how long it has been unproven, its last error, the active certificate's expiry, a warning once that has passed", (t) => {
  const publishing: SlotsState = {
    ...state,
    phase: "publishing",
    publishedAt: "2027-12-31T23:00:00.000Z",
    lastProofError: "invalid_client_id: client identifier invalid",
  };
  const step = { kind: "awaitLogin" as const, slot: "B" as const, failure: "invalid_grant: invalid assertion" };
  const before = describeSlotStep("Acme_CI", publishing, step, "org", new Date("2027-12-31T23:07:30.000Z"));
  t.regex(
    before,
    /slot B \(Acme_CI_B\) does not log in yet: unproven for 7 min \(last error: invalid_grant: invalid assertion\)/,
  );
  t.regex(before, /clients stay on slot A \(Acme_CI_A, its certificate expires 2028-01-01T00:00:00\.000Z\)/);
  t.notRegex(before, /WARNING/);
  const after = describeSlotStep("Acme_CI", publishing, step, "org", new Date("2028-01-02T01:00:00.000Z"));
  t.regex(after, /unproven for 1 d 2 h/);
  t.regex(after, /its certificate expires 2028-01-01T00:00:00\.000Z; WARNING: that certificate has already expired/);
});

test("a switch forced by SALESFORCE_CERTS_SWITCH_UNPROVEN says it is made without the proof", (t) => {
  t.regex(
    describeSlotStep(
      "Acme_CI",
      state,
      { kind: "switch", to: "B", unproven: "invalid_client_id: client identifier invalid" },
      "org",
    ),
    /slot B does not log in yet \(invalid_client_id: client identifier invalid\), but SALESFORCE_CERTS_SWITCH_UNPROVEN names this integration: switches clients to slot B WITHOUT the proof/,
  );
  t.regex(
    describeSlotStep("Acme_CI", state, { kind: "switch", to: "B" }, "org"),
    /slot B logs in: switches clients to slot B;/,
  );
});

test("durations in words, to the minute", (t) => {
  t.is(describeDuration(45_000), "45 s");
  t.is(describeDuration(7 * 60_000 + 59_000), "7 min");
  t.is(describeDuration(125 * 60_000), "2 h 5 min");
  t.is(describeDuration(3 * 86_400_000), "3 d");
  t.is(describeDuration(-5), "0 s");
});

test("an idle slot the org blocks (OAUTH_APP_BLOCKED) is not a wait for propagation: the words name the app and send the person to enable it", (t) => {
  const blocked = describeSlotStep(
    "Acme_CI",
    state,
    { kind: "awaitLogin", slot: "B", failure: "OAUTH_APP_BLOCKED: this app is blocked by admin" },
    "org",
  );
  t.regex(
    blocked,
    /slot B \(Acme_CI_B\) does not log in yet: unproven \(last error: OAUTH_APP_BLOCKED: this app is blocked by admin\); clients stay on slot A .*: the org blocks Acme_CI_B: an admin blocked it or turned off its plug-ins or its OAuth plug-in \(Setup, External Client App Manager, its policies\); enable them, then run pulumi up again; or, if you know slot B works/,
  );
  t.notRegex(blocked, /2 to 10 minutes/);
  // Another refusal, or the code only inside a longer text, keeps the propagation advice.
  for (const failure of ["invalid_client_id: client identifier invalid", "invalid_grant: OAUTH_APP_BLOCKED"]) {
    const words = describeSlotStep("Acme_CI", state, { kind: "awaitLogin", slot: "B", failure }, "org");
    t.regex(words, /Salesforce takes 2 to 10 minutes/, failure);
    t.notRegex(words, /the org blocks/, failure);
  }
});
