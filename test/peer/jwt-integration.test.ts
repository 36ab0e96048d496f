/**
 * JwtIntegration's output judged by the clients Salesforce users run: source-deploy-retrieve (behind
 * `sf project deploy`) reads the metadata; jose verifies an assertion made from the outputs under
 * Salesforce's claim rules; @salesforce/core (behind `sf org login jwt`) logs in against the local token
 * endpoint; jsforce gets Salesforce's documented errors for a wrong key, audience and consumer key.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import * as jose from "jose";
import { OAuth2 } from "jsforce";
import { generateRsaKeyPair } from "../../provider/crypto/rsa-key-pair";
import { jwtBearerGrantType, signJwtAssertion } from "../../provider/salesforce/jwt-bearer";
import { ciUser, jwtIntegrationFixture } from "../helpers/jwt-fixtures";
import { startSalesforceStandIn } from "../helpers/salesforce-stand-in";
import { componentNames, withSourceComponents } from "../helpers/source-components";
import { daysAfter, epochSeconds, testNow } from "../helpers/test-clock";

const sourceComponents = (files: Record<string, string>) => withSourceComponents(files, componentNames);

test("source-deploy-retrieve reads the two-slot External Client App bundle as ten components", async (t) => {
  const { state } = jwtIntegrationFixture();
  t.deepEqual(await sourceComponents(state.salesforceFiles), [
    "ExternalClientApplication:Greenmoor_CI_A",
    "ExternalClientApplication:Greenmoor_CI_B",
    "ExtlClntAppConfigurablePolicies:Greenmoor_CI_A_plcy",
    "ExtlClntAppConfigurablePolicies:Greenmoor_CI_B_plcy",
    "ExtlClntAppGlobalOauthSettings:Greenmoor_CI_A_glbloauth",
    "ExtlClntAppGlobalOauthSettings:Greenmoor_CI_B_glbloauth",
    "ExtlClntAppOauthConfigurablePolicies:Greenmoor_CI_A_oauthPlcy",
    "ExtlClntAppOauthConfigurablePolicies:Greenmoor_CI_B_oauthPlcy",
    "ExtlClntAppOauthSettings:Greenmoor_CI_A_oauth",
    "ExtlClntAppOauthSettings:Greenmoor_CI_B_oauth",
  ]);
  const all = Object.values(state.salesforceFiles).join("\n");
  t.false(/<consumerSecret>/.test(all), "no consumer secret is emitted");
  t.false(all.includes("PRIVATE KEY"));
});

test("source-deploy-retrieve reads the legacy Connected App", async (t) => {
  const { state } = jwtIntegrationFixture({ appType: "ConnectedApp", consumerKey: "GreenmoorCiLegacy1" });
  t.deepEqual(await sourceComponents(state.salesforceFiles), ["ConnectedApp:Greenmoor_CI"]);
  const xml = state.salesforceFiles["connectedApps/Greenmoor_CI.connectedApp-meta.xml"]!;
  t.regex(xml, /<consumerKey>GreenmoorCiLegacy1<\/consumerKey>/);
  t.regex(xml, /<certificate>-----BEGIN CERTIFICATE-----/);
  t.regex(xml, /<scopes>Api<\/scopes>\n\s+<scopes>RefreshToken<\/scopes>/);
  t.regex(xml, /<permissionSetName>CI_Deployer<\/permissionSetName>/);
});

test("jose verifies an assertion made from the outputs against the certificate in the metadata, with Salesforce's claims", async (t) => {
  const { state } = jwtIntegrationFixture();
  const assertion = signJwtAssertion(
    {
      consumerKey: state.consumerKey,
      username: state.username,
      audience: state.audience,
      privateKeyPem: state.privateKeyPem,
    },
    testNow(),
  );
  const glbl = state.salesforceFiles["extlClntAppGlobalOauthSets/Greenmoor_CI_A_glbloauth.ecaGlblOauth-meta.xml"]!;
  const certificate = /<certificate>([\s\S]+?)<\/certificate>/.exec(glbl)![1]!;
  const { payload, protectedHeader } = await jose.jwtVerify(assertion, await jose.importX509(certificate, "RS256"), {
    algorithms: ["RS256"],
    issuer: state.consumerKey,
    subject: "ci@greenmoor.example",
    audience: "https://login.salesforce.com",
    currentDate: testNow(),
  });
  t.is(protectedHeader.alg, "RS256");
  t.true(payload.exp! - epochSeconds(testNow()) <= 180, "exp within 3 minutes");
  t.regex(glbl, new RegExp(`<consumerKey>${state.consumerKey}</consumerKey>`));
});

test("@salesforce/core logs in with the outputs, as `sf org login jwt` does, against the local token endpoint", async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-home-"));
  t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  Object.assign(process.env, {
    HOME: home,
    SF_USE_GENERIC_UNIX_KEYCHAIN: "true",
    SF_DISABLE_LOG_FILE: "true",
    SFDX_DISABLE_LOG_FILE: "true",
  });
  // @salesforce/core signs its assertion at the machine's time and takes no clock: its endpoint judges at the same time.
  const standIn = await startSalesforceStandIn([ciUser], undefined, () => new Date());
  t.teardown(() => standIn.close());
  const { state } = jwtIntegrationFixture({ loginUrl: undefined });
  await standIn.deploy(state.salesforceFiles);

  const keyFile = path.join(home, "server.key");
  fs.writeFileSync(keyFile, state.privateKeyPem, { mode: 0o600 });
  const { AuthInfo } = await import("@salesforce/core");
  const auth = await AuthInfo.create({
    username: state.username,
    oauth2Options: { clientId: state.consumerKey, privateKeyFile: keyFile, loginUrl: standIn.url },
  });
  const fields = auth.getFields(true);
  t.regex(fields.accessToken ?? "", /^00D5g000004GrEE!AQ/);
  t.is(fields.instanceUrl, standIn.url);
  t.is(fields.orgId, "00D5g000004GrEEAAC");
  t.true(standIn.requests.includes("POST /services/oauth2/token"));
  t.true(
    standIn.requests.some((r) => r.startsWith("GET /services/data/v") && r.includes("ScratchOrgInfo")),
    "core's follow-up calls reached the stand-in",
  );
});

test("jsforce gets Salesforce's errors for a wrong key, a wrong audience and an unknown consumer key", async (t) => {
  const standIn = await startSalesforceStandIn([ciUser]);
  t.teardown(() => standIn.close());
  const { state } = jwtIntegrationFixture();
  await standIn.deploy(state.salesforceFiles);
  const oauth2 = new OAuth2({ loginUrl: standIn.url });
  const request = (overrides: Partial<Parameters<typeof signJwtAssertion>[0]>) =>
    oauth2.requestToken({
      grant_type: jwtBearerGrantType,
      assertion: signJwtAssertion(
        {
          consumerKey: state.consumerKey,
          username: state.username,
          audience: standIn.url,
          privateKeyPem: state.privateKeyPem,
          ...overrides,
        },
        testNow(),
      ),
    });

  const ok = await request({});
  t.truthy(ok.access_token);
  await t.throwsAsync(request({ privateKeyPem: generateRsaKeyPair(2048).privateKeyPem }), {
    name: "invalid_grant",
    message: "invalid assertion",
  });
  await t.throwsAsync(request({ audience: "https://test.salesforce.com" }), {
    name: "invalid_grant",
    message: "audience is invalid",
  });
  await t.throwsAsync(request({ consumerKey: "UnknownConsumerKey1" }), {
    name: "invalid_client_id",
    message: "client identifier invalid",
  });
  await t.throwsAsync(request({ username: "someone@else.example" }), {
    name: "invalid_grant",
    message: "user hasn't approved this consumer",
  });
  // Slot B has no certificate yet: JWT is off for it.
  await t.throwsAsync(request({ consumerKey: state.slots.B!.consumerKey }), {
    name: "invalid_grant",
    message: "invalid assertion",
  });
});

/** An assertion with `exp` exactly as given (seconds, or milliseconds as @salesforce/core sends it). */
async function assertionWithExp(
  credential: { consumerKey: string; username: string; privateKeyPem: string },
  audience: string,
  exp: number,
): Promise<string> {
  return new jose.SignJWT({ iss: credential.consumerKey, sub: credential.username, aud: audience, exp })
    .setProtectedHeader({ alg: "RS256" })
    .sign(await jose.importPKCS8(credential.privateKeyPem, "RS256"));
}

test("the token endpoint refuses an expired exp with Salesforce's expired authorization code", async (t) => {
  const standIn = await startSalesforceStandIn([ciUser]);
  t.teardown(() => standIn.close());
  const { state } = jwtIntegrationFixture();
  await standIn.deploy(state.salesforceFiles);
  const oauth2 = new OAuth2({ loginUrl: standIn.url });
  const tenMinutesAgo = daysAfter(-10 / 1440);
  const expired = signJwtAssertion(
    {
      consumerKey: state.consumerKey,
      username: state.username,
      audience: standIn.url,
      privateKeyPem: state.privateKeyPem,
    },
    tenMinutesAgo,
  );
  await t.throwsAsync(oauth2.requestToken({ grant_type: jwtBearerGrantType, assertion: expired }), {
    name: "invalid_grant",
    message: "expired authorization code",
  });
  const expiredMs = await assertionWithExp(state, standIn.url, testNow().getTime() - 60_000);
  await t.throwsAsync(
    oauth2.requestToken({ grant_type: jwtBearerGrantType, assertion: expiredMs }),
    { name: "invalid_grant", message: "expired authorization code" },
    "in milliseconds too",
  );
});

test("the token endpoint refuses an exp more than 3 minutes ahead, and accepts 3 minutes and core's millisecond exp", async (t) => {
  const standIn = await startSalesforceStandIn([ciUser]);
  t.teardown(() => standIn.close());
  const { state } = jwtIntegrationFixture();
  await standIn.deploy(state.salesforceFiles);
  const oauth2 = new OAuth2({ loginUrl: standIn.url });
  const credential = {
    consumerKey: state.consumerKey,
    username: state.username,
    audience: standIn.url,
    privateKeyPem: state.privateKeyPem,
  };
  const tooFar = signJwtAssertion(credential, testNow(), 10 * 60);
  await t.throwsAsync(oauth2.requestToken({ grant_type: jwtBearerGrantType, assertion: tooFar }), {
    name: "invalid_grant",
    message: "expired authorization code",
  });
  const aDayAhead = await assertionWithExp(state, standIn.url, epochSeconds(testNow()) + 86_400);
  await t.throwsAsync(oauth2.requestToken({ grant_type: jwtBearerGrantType, assertion: aDayAhead }), {
    name: "invalid_grant",
    message: "expired authorization code",
  });
  const tooFarMs = await assertionWithExp(state, standIn.url, testNow().getTime() + 10 * 60_000);
  await t.throwsAsync(
    oauth2.requestToken({ grant_type: jwtBearerGrantType, assertion: tooFarMs }),
    { name: "invalid_grant", message: "expired authorization code" },
    "in milliseconds too",
  );

  // What the clients send: ours (exp 180 s ahead, in seconds) and @salesforce/core's (now + 300, in milliseconds).
  t.truthy(
    (await oauth2.requestToken({ grant_type: jwtBearerGrantType, assertion: signJwtAssertion(credential, testNow()) }))
      .access_token,
  );
  t.truthy(
    (
      await oauth2.requestToken({
        grant_type: jwtBearerGrantType,
        assertion: await assertionWithExp(state, standIn.url, testNow().getTime() + 300),
      })
    ).access_token,
  );
});
