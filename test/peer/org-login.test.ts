/**
 * Org login judged by peers we did not write: jsforce (the client) talks to the local stand-in org, which
 * verifies the JWT Bearer assertion (with jose) against the certificate of the app deployed to it.
 */
// jsforce reads the proxy variables once, when it loads, and ignores NO_PROXY: clear them for 127.0.0.1.
for (const name of ["https_proxy", "http_proxy", "HTTPS_PROXY", "HTTP_PROXY"]) delete process.env[name];

import http from "node:http";
import type { AddressInfo } from "node:net";
import test from "ava";
import { generateRsaKeyPair } from "../../provider/crypto/rsa-key-pair";
import { parseOrgConnection, type OrgConnection } from "../../provider/org/org-config";
import { OrgLoginError } from "../../provider/errors";
import { loginToOrg } from "../../provider/org/org-login";
import { jwtIntegrationFixture, ciUser } from "../helpers/jwt-fixtures";
import { startSalesforceStandIn, type SalesforceStandIn } from "../helpers/salesforce-stand-in";
import { pinProviderClock } from "../helpers/test-clock";

// The provider reads its clock in this process: the tests' clock, not the machine's.
pinProviderClock();

async function orgWithApp(t: {
  teardown(fn: () => unknown): void;
}): Promise<{ standIn: SalesforceStandIn; settings: OrgConnection }> {
  const standIn = await startSalesforceStandIn([ciUser]);
  t.teardown(() => standIn.close());
  const { state } = jwtIntegrationFixture();
  await standIn.deploy(state.salesforceFiles);
  const settings = parseOrgConnection(
    { loginUrl: standIn.url, username: state.username, consumerKey: state.consumerKey },
    state.privateKeyPem,
  );
  return { standIn, settings };
}

const tokenRequests = (standIn: SalesforceStandIn) =>
  standIn.requests.filter((r) => r === "POST /services/oauth2/token").length;

test("loginToOrg logs in with the JWT Bearer Flow through jsforce, and the session queries the org", async (t) => {
  const { standIn, settings } = await orgWithApp(t);
  const session = await loginToOrg(settings);
  t.is(session.instanceUrl, standIn.url);
  t.is(session.orgId, "00D5g000004GrEEAAC");
  t.regex(session.userId, /^005/);
  t.is(session.connection.version, "66.0");
  const result = await session.connection.query<{ Name: string }>("SELECT Name FROM Organization");
  t.is(result.records[0]?.Name, "Greenmoor Software");
  t.is(tokenRequests(standIn), 1);
});

test("loginToOrg renews an expired session once by logging in again, then the call goes through", async (t) => {
  const { standIn, settings } = await orgWithApp(t);
  const session = await loginToOrg(settings);
  session.connection.accessToken = "00D5g000004GrEE!AQexpiredsessionexpiredsession";
  const result = await session.connection.query<{ Name: string }>("SELECT Name FROM Organization");
  t.is(result.records[0]?.Name, "Greenmoor Software");
  t.is(tokenRequests(standIn), 2, "one login, one renewal");
  t.not(session.connection.accessToken, "00D5g000004GrEE!AQexpiredsessionexpiredsession");
});

test("a session the org refuses again right after a renewal fails with an error instead of looping", async (t) => {
  // An org that issues sessions and then refuses every one of them (documented 401 body, org-mode.md §2).
  let logins = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (request.method === "POST" && request.url === "/services/oauth2/token") {
        logins++;
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            access_token: `00D000000000001!AQ${logins}`,
            instance_url: url,
            id: `${url}/id/00D000000000001AAA/005000000000001AAA`,
            token_type: "Bearer",
          }),
        );
      } else {
        response.writeHead(401, { "content-type": "application/json" });
        response.end(JSON.stringify([{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { state } = jwtIntegrationFixture();
  const session = await loginToOrg(
    parseOrgConnection(
      { loginUrl: url, username: state.username, consumerKey: state.consumerKey },
      state.privateKeyPem,
    ),
  );
  const outcome = await Promise.race([
    session.connection.query("SELECT Name FROM Organization").then(
      () => "answered",
      (error: Error) => error.message,
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve("still looping after 10 s"), 10_000)),
  ]);
  t.regex(outcome, /the org refused a session renewed 0 s ago as expired \(INVALID_SESSION_ID\): not renewing again/);
  t.is(logins, 2, "the login and one renewal");
});

test("token errors name what to fix and the config key, never the key or the assertion", async (t) => {
  const { standIn, settings } = await orgWithApp(t);
  const otherKey = generateRsaKeyPair(2048).privateKeyPem;
  const failure = async (changes: Partial<OrgConnection>) => {
    const error = await t.throwsAsync(loginToOrg({ ...settings, ...changes }), { instanceOf: OrgLoginError });
    return error!;
  };
  const cases: [Partial<OrgConnection>, string, string][] = [
    [
      { privateKeyPem: otherKey },
      "invalid_grant",
      `salesforce-certs:orgPrivateKey: the org could not verify the login with the app's certificate (Salesforce said invalid_grant: invalid assertion). The private key does not match the certificate the app holds, or the app has no certificate ("Use digital signatures").`,
    ],
    [
      { consumerKey: "3MVGunknownConsumerKey" },
      "invalid_client_id",
      `salesforce-certs:org.consumerKey: the org knows no app with consumer key "3MVGunknownConsumerKey" (Salesforce said invalid_client_id: client identifier invalid). Check the key; a new or changed app takes 2 to 10 minutes to reach the login servers.`,
    ],
    [
      { username: "intern@greenmoor.example" },
      "invalid_grant",
      `salesforce-certs:org.username: user intern@greenmoor.example is not pre-authorized for the app (Salesforce said invalid_grant: user hasn't approved this consumer). Set the app's OAuth policy to "Admin approved users are pre-authorized" and assign the user's profile or one of its permission sets to the app.`,
    ],
    [
      { audience: "https://audience.example.com" },
      "invalid_grant",
      `salesforce-certs:org.audience: the org refused audience https://audience.example.com (Salesforce said invalid_grant: audience is invalid). Use https://login.salesforce.com for production, https://test.salesforce.com for a sandbox, or the Experience Cloud site URL.`,
    ],
  ];
  const texts: string[] = [];
  for (const [changes, reason, message] of cases) {
    const error = await failure(changes);
    t.is(error.code, "ERR_ORG_LOGIN");
    t.is(error.reason, reason);
    t.is(error.message, message);
    texts.push(error.message, error.stack ?? "");
  }
  await standIn.close();
  const down = await failure({});
  t.is(down.reason, "unreachable");
  t.true(
    down.message.startsWith(`salesforce-certs:org.loginUrl: cannot reach ${settings.loginUrl}/services/oauth2/token (`),
    down.message,
  );
  texts.push(down.message, down.stack ?? "");
  for (const key of [settings.privateKeyPem, otherKey]) {
    const body = key.split("\n").filter((line) => line && !line.startsWith("-----"));
    for (const text of texts)
      for (const line of body) t.false(text.includes(line), "no line of a private key in an error text");
  }
  for (const text of texts) t.notRegex(text, /eyJ[\w-]+\.eyJ[\w-]+/, "no JWT assertion in an error text");
});
