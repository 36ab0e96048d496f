/**
 * Org mode, JwtIntegration, through the engine: the org keeps the new slot's OAuth plug-in disabled, so the
 * slot proof fails with a clear error and clients stay on the old slot; once the org enables it again, the
 * next `up` proves the slot and switches.
 *
 * How the org keeps the plug-in disabled: an admin turns off the OAuth plug-in of slot B's External Client
 * App (its `ExtlClntAppConfigurablePolicies`, `Acme_CI_B_plcy`, deployed with `isOauthPluginEnabled` false),
 * and the stand-in's `faults.unappliedComponents` keeps that policy as the admin left it while the
 * provider's rotation deploy (which carries the policy with the plug-in on) is reported as applied. That
 * fault stands for a block the provider's metadata does not undo: the answer the token endpoint gives,
 * `OAUTH_APP_BLOCKED`, is the one practitioners report for an app an admin blocked
 * (stand-in-org/oauth-token.ts cites it), which an admin may do outside the metadata the provider deploys;
 * the stand-in expresses a block only through the plug-in flags (org-state.ts `oauthBlocked`). The
 * provider's read-back checks the certificate each slot app holds, not the plug-in flags, so the deploy
 * reads back as applied and only the real login, the slot proof, shows the block.
 *
 * Propagation is 0: this test is about a refusal that waiting does not end, and with no delay the only
 * reason the proof can fail is the block (propagation has its own test, org-jwt-integration.test.ts).
 */
import test from "ava";
import * as jsforce from "jsforce";
import { CertificateAndKeyPair, JwtIntegration } from "../../provider";
import { jwtBearerGrantType, signJwtAssertion } from "../../provider/salesforce/jwt-bearer";
import { openTempStack } from "../helpers/engine";
import { acmeCiArguments, ciUser, startOrgForProvider } from "../helpers/org-mode";
import { sourceFormatZip } from "../helpers/stand-in-org";

const day = 86_400_000;
const start = "2026-12-01T09:00:00.000Z";
const at = (days: number) => new Date(Date.parse(start) + days * day).toISOString();
const blockedAnswer = "OAUTH_APP_BLOCKED: this app is blocked by admin";

test("org mode JwtIntegration: a slot whose OAuth plug-in the org keeps disabled fails its proof naming the app and the org's answer; clients stay on the old slot; enabled again, the next up proves and switches", async (t) => {
  const { org, setClock, configure, admin } = await startOrgForProvider(start, {
    users: [ciUser],
    propagationDelayMs: 0,
  });
  t.teardown(() => org.close());
  let clock = start;
  const tick = (iso: string) => {
    clock = iso;
    setClock(iso);
  };
  let rotationTrigger = "initial";
  const env = await openTempStack("org-plugin-disabled", async () => {
    const certificate = new CertificateAndKeyPair("ci-cert", {
      uniqueName: "Acme_CI_JWT",
      label: "Acme CI JWT",
      rotationTrigger,
      overlapDays: 7,
    });
    const ci = new JwtIntegration("ci", { ...acmeCiArguments(org.url), certificate });
    return {
      consumerKey: ci.consumerKey,
      privateKeyPem: ci.privateKeyPem,
      activeSlot: ci.activeSlot,
      phase: ci.phase,
      lastProofError: ci.lastProofError,
      salesforceFiles: ci.salesforceFiles,
      certificatePem: certificate.certificatePem,
    };
  });
  t.teardown(() => env.dispose());
  await configure(env.stack);
  const logsIn = async (credential: { consumerKey: string; privateKeyPem: string }) => {
    try {
      const assertion = signJwtAssertion(
        { ...credential, username: ciUser.username, audience: "https://login.salesforce.com" },
        new Date(clock),
      );
      const token = await new jsforce.OAuth2({ loginUrl: org.url }).requestToken({
        grant_type: jwtBearerGrantType,
        assertion,
      });
      return token.access_token ? "ok" : "no token";
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };
  const policyPath = "extlClntAppPolicies/Acme_CI_B_plcy.ecaPlcy-meta.xml";
  const policyFlag = () =>
    org.state.component("ExtlClntAppConfigurablePolicies", "Acme_CI_B_plcy")?.record["isOauthPluginEnabled"];
  /** An admin deploys slot B's plug-in policies with the OAuth plug-in `on` or off. */
  const adminSetsOauthPlugin = async (files: Record<string, string>, on: boolean) => {
    const policy = files[policyPath]!.replace(
      "<isOauthPluginEnabled>true</isOauthPluginEnabled>",
      `<isOauthPluginEnabled>${on}</isOauthPluginEnabled>`,
    );
    t.is(policy.includes(`<isOauthPluginEnabled>${on}</isOauthPluginEnabled>`), true);
    const zip = await sourceFormatZip({
      "externalClientApps/Acme_CI_B.eca-meta.xml": files["externalClientApps/Acme_CI_B.eca-meta.xml"]!,
      [policyPath]: policy,
    });
    const result = await admin().metadata.deploy(zip, { singlePackage: true, rollbackOnError: true }).complete(true);
    t.is(result.status, "Succeeded");
  };

  // Slot A is made and logs in.
  await env.stack.up({ onOutput: env.onOutput });
  let outputs = await env.values();
  t.is(outputs["activeSlot"], "A");
  t.is(await logsIn(outputs as never), "ok");
  const first = { consumerKey: outputs["consumerKey"] as string, privateKeyPem: outputs["privateKeyPem"] as string };

  // An admin turns off slot B's OAuth plug-in, and the org keeps it off whatever the provider deploys.
  await adminSetsOauthPlugin(outputs["salesforceFiles"], false);
  org.faults.unappliedComponents.add("ExtlClntAppConfigurablePolicies:Acme_CI_B_plcy");
  t.is(org.state.oauthBlocked("Acme_CI_B"), "its OAuth plug-in is disabled");

  // The rotation publishes to slot B (its app now holds the new certificate), but its proof fails with the
  // org's answer, naming the app; clients stay on slot A, and the words do not promise that waiting helps.
  tick(at(30));
  rotationTrigger = "rotated";
  let mark = env.log.length;
  await env.stack.up({ onOutput: env.onOutput });
  outputs = await env.values();
  const log = env.logSince(mark);
  t.regex(
    log,
    /JwtIntegration Acme_CI: slot B \(Acme_CI_B\) does not log in yet: unproven for 0 s \(last error: OAUTH_APP_BLOCKED: this app is blocked by admin\); clients stay on slot A \(Acme_CI_A, [^)]*\): the org blocks Acme_CI_B: an admin blocked it or turned off its plug-ins or its OAuth plug-in \(Setup, External Client App Manager, its policies\); enable them, then run pulumi up again/,
  );
  t.notRegex(log, /2 to 10 minutes/, "a block is not a wait for propagation");
  t.is(outputs["activeSlot"], "A", "clients stay on the old slot");
  t.is(outputs["phase"], "publishing");
  t.is(outputs["lastProofError"], blockedAnswer);
  t.is(
    org.state.apps.find((a) => a.name === "Acme_CI_B")?.certificatePem?.trim(),
    outputs["certificatePem"].trim(),
    "the deploy reached the org: slot B holds the new certificate",
  );
  t.is(policyFlag(), "false", "the org kept the plug-in off though the deploy was reported applied");
  t.is(await logsIn(first), "ok", "the published credential still logs in");

  // A day later nothing has changed: preview says the same and plans no change.
  tick(at(31));
  mark = env.log.length;
  const waiting = await env.stack.preview({ onOutput: env.onOutput });
  t.regex(
    env.logSince(mark),
    /slot B \(Acme_CI_B\) does not log in yet: unproven for 1 d \(last error: OAUTH_APP_BLOCKED/,
  );
  t.deepEqual(waiting.changeSummary, { same: 3 });

  // The org lifts the block (the fault cleared, the admin turns the plug-in on): the next up proves and switches.
  org.faults.unappliedComponents.clear();
  await adminSetsOauthPlugin(outputs["salesforceFiles"], true);
  t.is(org.state.oauthBlocked("Acme_CI_B"), undefined);
  mark = env.log.length;
  await env.stack.up({ onOutput: env.onOutput });
  outputs = await env.values();
  t.regex(env.logSince(mark), /slot B logs in: switches clients to slot B/);
  t.is(outputs["activeSlot"], "B");
  t.is(outputs["phase"], "switched");
  t.is(outputs["lastProofError"], undefined);
  t.is(await logsIn(outputs as never), "ok", "the new credential logs in");
  t.not(outputs["privateKeyPem"], first.privateKeyPem);
});
