/**
 * JwtIntegration through the real engine, against the local token endpoint: at every step of a
 * certificate rotation, the credential the stack publishes logs in (after the user deploys the metadata
 * the stack emits), and clients switch to the new slot only once the provider has proved it logs in; the
 * old slot's retire is proven by a login the token endpoint refuses once the user has deployed it.
 */
import test from "ava";
import { OAuth2 } from "jsforce";
import { CertificateAndKeyPair, JwtIntegration } from "../../provider";
import { jwtBearerGrantType, signJwtAssertion } from "../../provider/salesforce/jwt-bearer";
import { keyMaterial, openTempStack } from "../helpers/engine";
import { ciUser } from "../helpers/jwt-fixtures";
import { startSalesforceStandIn } from "../helpers/salesforce-stand-in";
import { daysAfter, testNow } from "../helpers/test-clock";

test("a JWT integration rotates its certificate with no step at which the published credential fails", async (t) => {
  // The org's clock follows the provider's: the retire's proof is a login signed at the provider's time.
  let orgNow = testNow();
  const standIn = await startSalesforceStandIn([ciUser], undefined, () => orgNow);
  t.teardown(() => standIn.close());
  let rotationTrigger = "initial";
  const program = async () => {
    const certificate = new CertificateAndKeyPair("ci-cert", {
      uniqueName: "E2E_CI_JWT",
      label: "E2E CI JWT",
      rotationTrigger,
    });
    const ci = new JwtIntegration("ci", {
      apiName: "E2E_CI",
      label: "E2E CI",
      contactEmail: "platform@greenmoor.example",
      certificate,
      username: ciUser.username,
      audience: "https://login.salesforce.com",
      loginUrl: standIn.url,
      preAuthorized: { permissionSets: ["CI_Deployer"] },
      overlapDays: 7,
    });
    return {
      consumerKey: ci.consumerKey,
      privateKeyPem: ci.privateKeyPem,
      activeSlot: ci.activeSlot,
      phase: ci.phase,
      salesforceFiles: ci.salesforceFiles,
      sfLoginJwtCommand: ci.sfLoginJwtCommand,
      certificateSha256Fingerprint: ci.certificateSha256Fingerprint,
      boundFingerprint: certificate.sha256Fingerprint,
    };
  };
  const env = await openTempStack("jwt", program);
  t.teardown(() => env.dispose());
  const { stack, onOutput } = env;
  const oauth2 = new OAuth2({ loginUrl: standIn.url });
  const logsIn = async (credential: { consumerKey: string; privateKeyPem: string }) => {
    try {
      await oauth2.requestToken({
        grant_type: jwtBearerGrantType,
        assertion: signJwtAssertion(
          { ...credential, username: ciUser.username, audience: "https://login.salesforce.com" },
          orgNow,
        ),
      });
      return "ok";
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };

  // 1. Create, deploy, log in with what the stack publishes.
  await stack.up({ onOutput });
  const first = await env.values();
  t.is(first["activeSlot"], "A");
  t.regex(
    first["sfLoginJwtCommand"],
    /^SF_AUDIENCE_URL='https:\/\/login\.salesforce\.com' sf org login jwt --client-id '[A-Za-z0-9]+A' --username 'ci@greenmoor\.example' --jwt-key-file server\.key --instance-url 'http:\/\/127\.0\.0\.1:\d+'$/,
  );
  await standIn.deploy(first["salesforceFiles"]);
  t.is(await logsIn(first as never), "ok");
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });

  // 2. The certificate rotates: the new one goes to slot B; clients stay on slot A, which still logs in.
  rotationTrigger = "rotate-1";
  await stack.up({ onOutput });
  const publishing = await env.values();
  t.is(publishing["phase"], "publishing");
  t.is(publishing["activeSlot"], "A");
  t.is(publishing["consumerKey"], first["consumerKey"]);
  t.not(publishing["boundFingerprint"], first["boundFingerprint"]);
  t.is(publishing["certificateSha256Fingerprint"], first["certificateSha256Fingerprint"]);
  t.is(await logsIn(publishing as never), "ok", "before the new metadata is deployed");

  // Before the deploy, slot B cannot log in: preview says so and changes nothing.
  let mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });
  t.regex(
    env.logSince(mark),
    /JwtIntegration E2E_CI: slot B \(E2E_CI_B\) does not log in yet: unproven for [\d a-z]+ \(last error: invalid_grant: invalid assertion\); clients stay on slot A \(E2E_CI_A, its certificate expires [^)]+\): deploy salesforceFiles, then run pulumi up again/,
  );

  await standIn.deploy(publishing["salesforceFiles"]);
  t.is(await logsIn(publishing as never), "ok", "after the deploy, slot A still holds the old certificate");

  // 3. Slot B logs in: clients switch; the old credential keeps working for the overlap.
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2, update: 1 });
  t.regex(env.logSince(mark), /JwtIntegration E2E_CI: slot B logs in: switches clients to slot B/);
  await stack.up({ onOutput });
  const switched = await env.values();
  t.is(switched["activeSlot"], "B");
  t.not(switched["consumerKey"], first["consumerKey"]);
  t.is(switched["certificateSha256Fingerprint"], publishing["boundFingerprint"]);
  await standIn.deploy(switched["salesforceFiles"]);
  t.is(await logsIn(switched as never), "ok");
  t.is(await logsIn(first as never), "ok", "the old credential still logs in during the overlap");
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });

  // 4. After the overlap, slot A is retired: its certificate is removed (and the certificate resource
  //    drops its previous certificate, whose overlap ended too); the retire is proven by a refused login.
  orgNow = daysAfter(8);
  env.setClock(orgNow.toISOString());
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 1, update: 2 });
  t.regex(env.logSince(mark), /JwtIntegration E2E_CI: retires slot A: its certificate is removed/);
  t.regex(env.logSince(mark), /CertificateAndKeyPair E2E_CI_JWT: .*previous certificate .* dropped/);
  await stack.up({ onOutput });
  const retired = await env.values();
  t.is(retired["phase"], "stable");
  // Retired with an explicitly empty element, the form the docs give for clearing a field.
  t.regex(
    retired["salesforceFiles"]["extlClntAppGlobalOauthSets/E2E_CI_A_glbloauth.ecaGlblOauth-meta.xml"],
    /<certificate><\/certificate>/,
  );
  t.notRegex(
    retired["salesforceFiles"]["extlClntAppGlobalOauthSets/E2E_CI_A_glbloauth.ecaGlblOauth-meta.xml"],
    /BEGIN CERTIFICATE/,
  );
  // Until the files are deployed the org still accepts the old key: the retire is not proven yet, and preview says so.
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });
  t.regex(
    env.logSince(mark),
    /retire not proven yet: the org still accepts the old key of slot A .*: deploy salesforceFiles if not yet done, then run pulumi up again/,
  );
  await standIn.deploy(retired["salesforceFiles"]);
  t.is(await logsIn(retired as never), "ok");
  t.is(await logsIn(first as never), "invalid_grant: invalid assertion", "the retired credential no longer logs in");
  // The next up proves the retire by that refusal and records it; then nothing changes.
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2, update: 1 });
  t.regex(
    env.logSince(mark),
    /the retire of slot A .* is proven: the org refuses its old key \(invalid_grant: invalid assertion\)/,
  );
  await stack.up({ onOutput });
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });

  // No private key in plain text in the state or the engine's output.
  const state = env.readState();
  for (const needle of [first["privateKeyPem"], switched["privateKeyPem"]].flatMap(keyMaterial)) {
    t.false(state.includes(needle));
    t.false(env.log.join("").includes(needle));
  }
  t.false(state.includes("PRIVATE KEY"));
  await stack.destroy({ onOutput });
});
