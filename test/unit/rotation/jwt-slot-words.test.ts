/**
 * The words of a JWT slot step say who acts next: in artefact mode a person deploys salesforceFiles and
 * runs up again; in org mode up deploys the app and requests a token itself, so the words must not send
 * the person to deploy files by hand.
 */
import test from "ava";
import { describeSlotStep, type SlotsState } from "../../../provider/rotation/jwt-slots";

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
    "JwtIntegration Acme_CI: slot B does not log in yet (invalid_grant: invalid assertion); clients stay on slot A: deploy salesforceFiles, then run up again",
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
    "JwtIntegration Acme_CI: slot B does not log in yet (invalid_grant: invalid assertion); clients stay on slot A: the org may take a few minutes to apply the app; run up again later",
  );
  t.is(
    describeSlotStep("Acme_CI", { ...state, strategy: "inPlace" }, { kind: "replaceInPlace" }, "org"),
    "JwtIntegration Acme_CI: replaces the certificate of Acme_CI_A in place; clients holding the new key cannot log in until the org has applied the deployed app (minutes)",
  );
});
