/**
 * Org mode, JwtIntegration, through the engine against the stand-in org, which applies app changes at its
 * token endpoint only after its default propagation delay (5 minutes on its clock): preview names the
 * deploy and deploys nothing; `up` deploys the slot apps and the published credential logs in (a real token
 * request, as a client makes it) once the delay has passed; a certificate rotation is published to slot B,
 * whose proof fails until the delay has passed: clients stay on slot A and preview and up say why, for how
 * long and when to run again; a later `up` proves it and switches, the credential of the outputs logging in
 * at every step; SALESFORCE_CERTS_SWITCH_UNPROVEN switches without the proof, saying who forced it; after
 * the overlap the old slot is retired in the org and its key no longer logs in once the delay has passed:
 * the retire up says the retire is not proven yet (the org still accepts the old key), its plain
 * `retiredSlot` output makes check warn, and the next up after the delay proves it by the org's refusal,
 * deploying nothing (check then says nothing of it); a certificate changed by hand is seen by refresh and
 * repaired by `up`; a new Connected App is refused (an existing one is updated); `destroy` removes the apps.
 */
import test from "ava";
import * as jsforce from "jsforce";
import { CertificateAndKeyPair, JwtIntegration } from "../../provider";
import { jwtBearerGrantType, signJwtAssertion } from "../../provider/salesforce/jwt-bearer";
import { evaluateExpiryGate } from "../../provider/report/expiry-gate";
import { modelFromOutputs } from "../../provider/report/report-model";
import { keyMaterial, openTempStack } from "../helpers/engine";
import { acmeCiArguments, ciUser, startOrgForProvider } from "../helpers/org-mode";
import { sourceFormatZip } from "../helpers/stand-in-org";

const day = 86_400_000;
const start = "2026-12-01T09:00:00.000Z";
const at = (days: number) => new Date(Date.parse(start) + days * day).toISOString();
const legacyKey = "LegacyConsumerKey0123456789";
/** Past the stand-in's default propagation delay (5 minutes). */
const propagated = 6 * 60_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

test("org mode JwtIntegration: deploy, log in, rotate in one up with a valid credential at every step, retire, repair drift, refuse a new Connected App, destroy", async (t) => {
  const { org, setClock, configure, deployer, admin } = await startOrgForProvider(start, { users: [ciUser] });
  t.teardown(() => org.close());
  let clock = start;
  const tick = (iso: string) => {
    clock = iso;
    setClock(iso);
  };
  let rotationTrigger = "initial";
  const env = await openTempStack("org-jwt", async () => {
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
      publishedAt: ci.publishedAt,
      lastProofError: ci.lastProofError,
      retiredSlot: ci.retiredSlot,
      salesforceFiles: ci.salesforceFiles,
      certificatePem: certificate.certificatePem,
    };
  });
  t.teardown(() => env.dispose());
  await configure(env.stack);
  const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;
  // A client's token request, signed at the org's clock (the stand-in judges `exp` by it).
  const logsIn = async (credential: { consumerKey: string; privateKeyPem: string }, username = ciUser.username) => {
    try {
      const assertion = signJwtAssertion(
        { ...credential, username, audience: "https://login.salesforce.com" },
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
  const app = (name: string) => org.state.apps.find((a) => a.name === name);

  // Preview names the deploy and where; it deploys nothing.
  const preview = await env.stack.preview({ onOutput: env.onOutput });
  t.regex(preview.stdout, new RegExp(`creating deploys ExternalClientApplication Acme_CI_A, Acme_CI_B to ${org.url}`));
  t.is(deploys(), 0);
  t.is(org.state.apps.length, 1, "only the deployer's app");

  // up: slot A's app holds the certificate, slot B's exists without one; the published credential logs in.
  await env.stack.up({ onOutput: env.onOutput });
  let outputs = await env.values();
  t.is(deploys(), 1);
  t.is(outputs["activeSlot"], "A");
  t.is(app("Acme_CI_A")?.certificatePem?.trim(), outputs["certificatePem"].trim());
  t.is(app("Acme_CI_A")?.consumerKey, outputs["consumerKey"]);
  t.truthy(app("Acme_CI_B"));
  t.is(app("Acme_CI_B")?.certificatePem, undefined);
  t.is(
    await logsIn(outputs as never),
    "invalid_client_id: client identifier invalid",
    "a new app is unknown to the login servers until the delay has passed",
  );
  tick(plus(clock, propagated));
  t.is(await logsIn(outputs as never), "ok");
  t.is(outputs["publishedAt"], undefined, "nothing unproven: no publishedAt output");
  t.deepEqual((await env.stack.preview({ onOutput: env.onOutput })).changeSummary, { same: 3 });
  const first = { consumerKey: outputs["consumerKey"] as string, privateKeyPem: outputs["privateKeyPem"] as string };

  // Rotation: preview says what the org gets; up publishes to slot B, whose proof fails until the org's
  // login servers know its certificate: clients stay on slot A, and preview and up say why and when to run again.
  tick(at(30));
  rotationTrigger = "rotated";
  let mark = env.log.length;
  await env.stack.preview({ onOutput: env.onOutput });
  t.regex(
    env.logSince(mark),
    /in the org: deploys ExternalClientApplication Acme_CI_A, Acme_CI_B to http:\/\/127\.0\.0\.1:\d+; then, if the certificate rotates, requests a token with the new slot and, when it logs in, switches clients in the same run/,
  );
  t.is(deploys(), 1, "preview deployed nothing");
  t.is(await logsIn(first), "ok", "before the up, the published credential logs in");
  mark = env.log.length;
  await env.stack.up({ onOutput: env.onOutput });
  outputs = await env.values();
  let log = env.logSince(mark);
  t.regex(
    log,
    /slot B \(Acme_CI_B\) does not log in yet: unproven for 0 s \(last error: invalid_grant: invalid assertion\); clients stay on slot A \(Acme_CI_A, its certificate expires [^)]*\): Salesforce takes 2 to 10 minutes .* run pulumi up again after that; or, if you know slot B works, switch without the proof: SALESFORCE_CERTS_SWITCH_UNPROVEN=Acme_CI pulumi up/,
  );
  t.notRegex(log, /WARNING/, "the active certificate has not expired");
  t.is(outputs["activeSlot"], "A", "clients stay on the old slot");
  t.is(outputs["phase"], "publishing");
  t.is(outputs["publishedAt"], at(30));
  t.is(outputs["lastProofError"], "invalid_grant: invalid assertion");
  t.is(await logsIn(first), "ok", "the published credential still logs in");

  // Four minutes later the slot is still unproven: preview says for how long, and changes nothing.
  tick(plus(at(30), 4 * 60_000));
  mark = env.log.length;
  const waiting = await env.stack.preview({ onOutput: env.onOutput });
  t.regex(
    env.logSince(mark),
    /slot B \(Acme_CI_B\) does not log in yet: unproven for 4 min \(last error: invalid_grant/,
  );
  t.deepEqual(waiting.changeSummary, { same: 3 });

  // Past the delay, up proves slot B and switches.
  tick(plus(at(30), propagated));
  mark = env.log.length;
  await env.stack.up({ onOutput: env.onOutput });
  outputs = await env.values();
  t.regex(env.logSince(mark), /slot B logs in: switches clients to slot B/);
  t.is(outputs["activeSlot"], "B");
  t.is(outputs["publishedAt"], undefined);
  t.is(outputs["lastProofError"], undefined);
  t.is(outputs["retiredSlot"], undefined, "no retire recorded: the output is absent");
  t.is(outputs["phase"], "switched");
  t.is(app("Acme_CI_B")?.certificatePem?.trim(), outputs["certificatePem"].trim());
  t.not(outputs["privateKeyPem"], first.privateKeyPem);
  t.is(await logsIn(outputs as never), "ok", "after the up, the new credential logs in");
  t.is(await logsIn(first), "ok", "the old credential still logs in through the overlap");
  const second = { consumerKey: outputs["consumerKey"] as string, privateKeyPem: outputs["privateKeyPem"] as string };

  // After the overlap the old slot is retired in the org: its key keeps working until the org's login
  // servers know, then no longer logs in. The retire up tries the old key and says the retire is not
  // proven yet; once the delay has passed, the next up proves it by the org's refusal.
  tick(at(38));
  mark = env.log.length;
  await env.stack.up({ onOutput: env.onOutput });
  outputs = await env.values();
  log = env.logSince(mark);
  t.regex(
    log,
    /retires slot A: .*; this up, once the app is deployed, and each later up request a token with its old key/,
  );
  t.regex(
    log,
    /retire not proven yet: the org still accepts the old key of slot A \(Acme_CI_A, certificate [0-9A-F:]{23}…\) 0 s after its retire \(propagation\): run pulumi up again after Salesforce's propagation delay/,
  );
  t.is(outputs["phase"], "stable");
  t.truthy(app("Acme_CI_A"), "the slot app stays, without a certificate");
  t.is(app("Acme_CI_A")?.certificatePem, undefined);
  const stored = () =>
    (
      JSON.parse(env.readState()).checkpoint.latest.resources as {
        urn: string;
        outputs?: Record<string, unknown>;
      }[]
    ).find((r) => r.urn.endsWith("::ci"))!.outputs!;
  t.like(stored()["retiredSlot"], { slot: "A", proof: "pending", retiredAt: at(38) });
  // The output is plain (no key in it): check reads it as the inventory publishes it and warns.
  const outputsNow = await env.stack.outputs();
  t.false(outputsNow["retiredSlot"]?.secret, "retiredSlot is a plain output");
  const gate = (retiredSlot: unknown, when: string) =>
    evaluateExpiryGate(
      modelFromOutputs({ certificates: {}, jwtIntegrations: { Acme_CI: { retiredSlot } } }, "stack org-jwt"),
      new Date(when),
      30,
    ).map((f) => [f.status, f.message]);
  t.like(outputs["retiredSlot"], { slot: "A", proof: "pending", retiredAt: at(38) });
  t.deepEqual(
    gate(outputs["retiredSlot"], at(38)).map(([status]) => status),
    ["warn"],
  );
  t.regex(
    gate(outputs["retiredSlot"], at(38))[0]![1]!,
    /^JwtIntegration Acme_CI: the retire of slot A \(certificate [0-9A-F:]{23}…\) is not proven yet, retired 0 s ago .*last try: the org still accepted the old key at .*: run pulumi up again after Salesforce's propagation delay/,
  );
  t.regex(JSON.stringify(stored()["slotKeys"]), /"ciphertext"/, "the old key is kept only as a secret");
  for (const needle of keyMaterial(first.privateKeyPem)) t.false(env.readState().includes(needle));
  t.is(await logsIn(first), "ok", "a retired certificate keeps working until the delay has passed");

  // Before the delay has passed, preview says so again and changes nothing.
  tick(plus(at(38), 4 * 60_000));
  mark = env.log.length;
  const notYet = await env.stack.preview({ onOutput: env.onOutput });
  t.regex(
    env.logSince(mark),
    /retire not proven yet: the org still accepts the old key of slot A .* 4 min after its retire/,
  );
  t.deepEqual(notYet.changeSummary, { same: 3 });

  tick(plus(at(38), propagated));
  t.regex(await logsIn(first), /invalid_grant/);
  t.is(await logsIn(second), "ok");
  const deploysBefore = deploys();
  mark = env.log.length;
  const proving = await env.stack.up({ onOutput: env.onOutput });
  t.regex(
    env.logSince(mark),
    /the retire of slot A \(Acme_CI_A, .*\) is proven: the org refuses its old key \(invalid_grant: invalid assertion\); the integration drops its copy of that key/,
  );
  t.is(proving.summary.resourceChanges?.["update"], 1, "the proof is recorded");
  t.is(deploys(), deploysBefore, "recording the proof deploys nothing");
  t.like(stored()["retiredSlot"], { slot: "A", proof: "proven", provenAt: plus(at(38), propagated) });
  t.deepEqual(gate((await env.values())["retiredSlot"], plus(at(38), propagated)), [], "a proven retire: no finding");
  t.is(stored()["slotKeys"], undefined, "the copy of the old key is dropped");
  t.is(stored()["orgId"], org.orgId, "the state keeps the org it was made in");
  t.deepEqual((await env.stack.preview({ onOutput: env.onOutput })).changeSummary, { same: 3 });

  // A certificate changed by hand on the active slot: the published credential fails; refresh sees it,
  // up deploys the apps again and it logs in.
  const files = outputs["salesforceFiles"] as Record<string, string>;
  const path = "extlClntAppGlobalOauthSets/Acme_CI_B_glbloauth.ecaGlblOauth-meta.xml";
  const tampered = files[path]!.replace(
    /<certificate>[^<]*<\/certificate>/,
    `<certificate>${deployer.certificatePem.trim()}</certificate>`,
  );
  t.not(tampered, files[path]);
  const zip = await sourceFormatZip({
    "externalClientApps/Acme_CI_B.eca-meta.xml": files["externalClientApps/Acme_CI_B.eca-meta.xml"]!,
    [path]: tampered,
  });
  await admin().metadata.deploy(zip, { singlePackage: true, rollbackOnError: true }).complete(true);
  tick(plus(at(38), 2 * propagated));
  t.regex(await logsIn(second), /invalid_grant/);
  mark = env.log.length;
  await env.stack.refresh({ onOutput: env.onOutput });
  t.regex(env.logSince(mark), /Acme_CI_B holds certificate .* instead of/);
  mark = env.log.length;
  const repaired = await env.stack.up({ onOutput: env.onOutput });
  t.is(repaired.summary.resourceChanges?.["update"], 1);
  t.regex(env.logSince(mark), /deployed ExternalClientApplication Acme_CI_A, Acme_CI_B/);
  tick(plus(at(38), 3 * propagated));
  t.is(await logsIn(second), "ok", "repaired by up");

  // Rotated again, with SALESFORCE_CERTS_SWITCH_UNPROVEN naming the integration: preview says the slot
  // switches without the proof, up switches at once and logs who forced it.
  tick(at(60));
  rotationTrigger = "rotated again";
  await env.stack.up({ onOutput: env.onOutput });
  t.is((await env.values())["phase"], "publishing", "without the override, the unproven slot waits");
  const envVars = (env.stack.workspace as unknown as { envVars: Record<string, string> }).envVars;
  envVars["SALESFORCE_CERTS_SWITCH_UNPROVEN"] = "acme_ci";
  tick(plus(at(60), 60_000));
  mark = env.log.length;
  const forced = await env.stack.preview({ onOutput: env.onOutput });
  t.regex(
    env.logSince(mark),
    /slot A does not log in yet \(invalid_grant: invalid assertion\), but SALESFORCE_CERTS_SWITCH_UNPROVEN names this integration: switches clients to slot A WITHOUT the proof/,
  );
  t.is(forced.changeSummary["update"], 1);
  mark = env.log.length;
  await env.stack.up({ onOutput: env.onOutput });
  delete envVars["SALESFORCE_CERTS_SWITCH_UNPROVEN"];
  log = env.logSince(mark);
  t.regex(
    log,
    /switched clients WITHOUT a successful login with the new slot \(invalid_grant: invalid assertion\), forced by SALESFORCE_CERTS_SWITCH_UNPROVEN \(run by [^)]+\)/,
  );
  outputs = await env.values();
  t.is(outputs["activeSlot"], "A");
  t.is(outputs["phase"], "switched");
  t.is(outputs["lastProofError"], undefined);

  // No key in the state or in what the engine printed, but for the secret outputs.
  const state = env.readState();
  for (const key of [first.privateKeyPem, second.privateKeyPem, deployer.privateKeyPem]) {
    for (const needle of keyMaterial(key)) {
      t.false(state.includes(needle), "no key in the state");
      t.false(env.log.join("").includes(needle), "no key in the log");
    }
  }

  // Destroy removes the slot apps from the org.
  await env.stack.destroy({ onOutput: env.onOutput });
  t.is(app("Acme_CI_A"), undefined);
  t.is(app("Acme_CI_B"), undefined);
  t.is(org.state.component("ExternalClientApplication", "Acme_CI_A"), undefined);
});

test("org mode JwtIntegration: a new Connected App is refused with a clear error, an existing one is updated", async (t) => {
  const { org, configure } = await startOrgForProvider(start, {
    users: [ciUser],
    // About refusing a new Connected App and updating an existing one; propagation is the first test's.
    propagationDelayMs: 0,
    connectedApps: [{ fullName: "Acme_Legacy", consumerKey: legacyKey, profiles: ["Standard User"] }],
  });
  t.teardown(() => org.close());
  let apiName = "Acme_New_Legacy";
  const env = await openTempStack("org-jwt-legacy", async () => {
    const certificate = new CertificateAndKeyPair("legacy-cert", {
      uniqueName: "Acme_Legacy_JWT",
      label: "Acme legacy JWT",
    });
    const legacy = new JwtIntegration("legacy", {
      apiName,
      label: "Acme legacy",
      contactEmail: "platform@acme.example",
      certificate,
      username: ciUser.username,
      audience: "https://login.salesforce.com",
      loginUrl: org.url,
      preAuthorized: { permissionSets: ["CI_Deployer"] },
      appType: "ConnectedApp",
      consumerKey: legacyKey,
    });
    return { consumerKey: legacy.consumerKey, privateKeyPem: legacy.privateKeyPem };
  });
  t.teardown(() => env.dispose());
  await configure(env.stack);
  const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;

  const error = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
  t.regex(error!.message, /Acme_New_Legacy/);
  t.regex(error!.message, /no longer creates Connected Apps.*appType ExternalClientApp.*by hand once/s);
  t.is(deploys(), 0, "refused before any deploy");

  apiName = "Acme_Legacy";
  await env.stack.up({ onOutput: env.onOutput });
  const outputs = await env.values();
  const app = org.state.apps.find((a) => a.name === "Acme_Legacy")!;
  t.truthy(app.certificatePem, "the existing Connected App now holds the certificate");
  t.deepEqual(app.permissionSets, ["CI_Deployer"]);
  const assertion = signJwtAssertion(
    {
      consumerKey: outputs["consumerKey"],
      privateKeyPem: outputs["privateKeyPem"],
      username: ciUser.username,
      audience: "https://login.salesforce.com",
    },
    new Date(start),
  );
  const token = await new jsforce.OAuth2({ loginUrl: org.url }).requestToken({
    grant_type: jwtBearerGrantType,
    assertion,
  });
  t.truthy(token.access_token);
});
