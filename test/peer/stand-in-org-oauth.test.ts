/**
 * The stand-in org's JWT Bearer token endpoint, Tooling `Certificate` query, fault switches and call log,
 * judged by jsforce 3.10.26 (`OAuth2.requestToken`, `Connection.authorize`, `tooling.query`, the session
 * refresh delegate). Assertions are signed with jose, independently of the provider; the External Client
 * App is the metadata the provider emits today (oauth-apps.ts), deployed through the Metadata API.
 */
import crypto from "node:crypto";
import test from "ava";
import * as jose from "jose";
import * as jsforce from "jsforce";
import { externalClientAppFiles } from "../../provider/salesforce/oauth-apps";
import { opensslSelfSigned } from "../helpers/openssl-ca";
import {
  certificateSource,
  sourceFormatZip,
  startStandInOrg,
  type StandInOrg,
  type StandInOrgOptions,
} from "../helpers/stand-in-org";
import { daysAfter, epochSeconds, testNow } from "../helpers/test-clock";

const version = "66.0";
const jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ciUser = {
  username: "ci@greenmoor.example",
  profile: "Minimum Access - API Only Integrations",
  permissionSets: ["CI_Deployer"],
};
const other = { username: "someone@greenmoor.example", profile: "Standard User", permissionSets: [] };

interface ClientKey {
  privateKey: crypto.KeyObject;
  certificatePem: string;
}

/** A client's key and its self-signed certificate (openssl), valid for 30 days from the org's clock. */
function clientKey(): ClientKey {
  const { privateKeyPem, certificatePem } = opensslSelfSigned("Greenmoor CI", testNow(), daysAfter(30));
  return { privateKey: crypto.createPrivateKey(privateKeyPem), certificatePem };
}

async function assertion(
  key: ClientKey,
  claims: { iss: string; sub?: string; aud?: string; exp?: number },
): Promise<string> {
  return new jose.SignJWT({
    sub: ciUser.username,
    aud: "https://login.salesforce.com",
    exp: epochSeconds(testNow()) + 120,
    ...claims,
  })
    .setProtectedHeader({ alg: "RS256" })
    .sign(key.privateKey);
}

function eca(name: string, consumerKey: string, key: ClientKey): Record<string, string> {
  return externalClientAppFiles({
    name,
    label: name,
    contactEmail: "platform@greenmoor.example",
    description: "CI",
    consumerKey,
    certificatePem: key.certificatePem,
    scopes: ["Api", "RefreshToken"],
    permissionSets: ["CI_Deployer"],
    profiles: [],
  });
}

async function withOrg(
  options: StandInOrgOptions,
  use: (org: StandInOrg, admin: jsforce.Connection) => Promise<void>,
): Promise<void> {
  const org = await startStandInOrg({
    users: [{ username: "admin@greenmoor.example", profile: "System Administrator" }, ciUser, other],
    // These tests judge the token endpoint's answers, not propagation (its own test below): changes apply at once.
    propagationDelayMs: 0,
    ...options,
  });
  try {
    await use(
      org,
      new jsforce.Connection({
        instanceUrl: org.url,
        accessToken: org.issueSession("admin@greenmoor.example"),
        version,
      }),
    );
  } finally {
    await org.close();
  }
}

async function deploy(conn: jsforce.Connection, files: Record<string, string>) {
  const result = await conn.metadata
    .deploy(await sourceFormatZip(files), { singlePackage: true, rollbackOnError: true })
    .complete(true);
  if (result.status !== "Succeeded")
    throw new Error(`deploy ${result.status}: ${JSON.stringify(result.details?.componentFailures)}`);
  return result;
}

test("JWT Bearer login through an External Client App deployed by the Metadata API: opaque token, instance_url, id; the token works for SOAP and Tooling", async (t) => {
  const key = clientKey();
  await withOrg({}, async (org, admin) => {
    await deploy(admin, eca("Greenmoor_CI_A", "GreenmoorCiKeyA", key));
    t.deepEqual(org.state.apps, [
      {
        type: "ExternalClientApplication",
        name: "Greenmoor_CI_A",
        consumerKey: "GreenmoorCiKeyA",
        certificatePem: key.certificatePem.trim(),
        profiles: [],
        permissionSets: ["CI_Deployer"],
      },
    ]);
    const token = await new jsforce.OAuth2({ loginUrl: org.url }).requestToken({
      grant_type: jwtBearer,
      assertion: await assertion(key, { iss: "GreenmoorCiKeyA" }),
    });
    t.regex(token.access_token, new RegExp(`^${org.orgId.slice(0, 15)}!AQ[\\w.]+$`));
    t.is(token.access_token.split(".").length, 1, "never JWT-shaped");
    t.is(token.instance_url, org.url);
    const userId = org.state.users.find((u) => u.username === ciUser.username)!.id;
    t.is(token.id, `${org.url}/id/${org.orgId}/${userId}`);
    t.is(
      (token as unknown as Record<string, unknown>)["refresh_token"],
      undefined,
      "the JWT flow issues no refresh token",
    );

    const conn = new jsforce.Connection({ oauth2: { loginUrl: org.url }, version });
    const info = await conn.authorize({
      grant_type: jwtBearer,
      assertion: await assertion(key, { iss: "GreenmoorCiKeyA", aud: org.url }),
    });
    t.deepEqual([info.organizationId, info.id], [org.orgId, userId]);
    t.is(
      (
        (await conn.metadata.read("ExternalClientApplication" as never, "Greenmoor_CI_A")) as unknown as Record<
          string,
          unknown
        >
      )["distributionState"],
      "Local",
    );
    t.is((await conn.tooling.query("SELECT Id FROM Certificate")).totalSize, 0);
  });
});

test("token errors are Salesforce's {error, error_description} bodies, thrown by jsforce with name = error", async (t) => {
  const key = clientKey();
  const stranger = clientKey();
  await withOrg({}, async (org, admin) => {
    await deploy(admin, eca("Greenmoor_CI_A", "GreenmoorCiKeyA", key));
    const oauth2 = new jsforce.OAuth2({ loginUrl: org.url });
    const request = async (signer: ClientKey, claims: Parameters<typeof assertion>[1], grant = jwtBearer) =>
      oauth2.requestToken({ grant_type: grant, assertion: await assertion(signer, claims) });
    const now = epochSeconds(testNow());
    await t.throwsAsync(request(key, { iss: "NoSuchKey" }), {
      name: "invalid_client_id",
      message: "client identifier invalid",
    });
    await t.throwsAsync(request(stranger, { iss: "GreenmoorCiKeyA" }), {
      name: "invalid_grant",
      message: "invalid assertion",
    });
    await t.throwsAsync(request(key, { iss: "GreenmoorCiKeyA", aud: "https://example.com" }), {
      name: "invalid_grant",
      message: "audience is invalid",
    });
    await t.throwsAsync(request(key, { iss: "GreenmoorCiKeyA", exp: now - 60 }), {
      name: "invalid_grant",
      message: "expired authorization code",
    });
    await t.throwsAsync(
      request(key, { iss: "GreenmoorCiKeyA", exp: now + 600 }),
      { name: "invalid_grant", message: "expired authorization code" },
      "more than 3 minutes ahead",
    );
    await t.throwsAsync(request(key, { iss: "GreenmoorCiKeyA", sub: other.username }), {
      name: "invalid_grant",
      message: "user hasn't approved this consumer",
    });
    await t.throwsAsync(request(key, { iss: "GreenmoorCiKeyA", sub: "nobody@greenmoor.example" }), {
      name: "invalid_grant",
      message: "user hasn't approved this consumer",
    });
    await t.throwsAsync(request(key, { iss: "GreenmoorCiKeyA" }, "password"), { name: "unsupported_grant_type" });
    await t.throwsAsync(
      request(key, { iss: "GreenmoorCiKeyA", aud: "https://test.salesforce.com" }),
      { name: "invalid_grant", message: "audience is invalid" },
      "a production org refuses the sandbox audience",
    );
  });
});

test("the token endpoint trusts the certificate currently on the app: after a redeploy the old key is refused (ECA and seeded Connected App)", async (t) => {
  const oldKey = clientKey();
  const newKey = clientKey();
  await withOrg(
    {
      connectedApps: [
        {
          fullName: "Legacy_CI",
          consumerKey: "LegacyKey1",
          certificatePem: oldKey.certificatePem,
          permissionSets: ["CI_Deployer"],
        },
      ],
    },
    async (org, admin) => {
      const oauth2 = new jsforce.OAuth2({ loginUrl: org.url });
      const login = async (key: ClientKey, iss: string) =>
        oauth2.requestToken({ grant_type: jwtBearer, assertion: await assertion(key, { iss }) });
      await t.notThrowsAsync(login(oldKey, "LegacyKey1"));
      await deploy(admin, eca("Greenmoor_CI_A", "GreenmoorCiKeyA", oldKey));
      await t.notThrowsAsync(login(oldKey, "GreenmoorCiKeyA"));
      await deploy(admin, eca("Greenmoor_CI_A", "GreenmoorCiKeyA", newKey));
      await t.throwsAsync(login(oldKey, "GreenmoorCiKeyA"), { name: "invalid_grant", message: "invalid assertion" });
      await t.notThrowsAsync(login(newKey, "GreenmoorCiKeyA"));

      const legacy = (await admin.metadata.read("ConnectedApp", "Legacy_CI")) as unknown as {
        oauthConfig: Record<string, unknown>;
      };
      const xml = `<?xml version="1.0" encoding="UTF-8"?><ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata"><contactEmail>a@b.example</contactEmail><label>Legacy CI</label><oauthConfig><callbackUrl>${legacy.oauthConfig["callbackUrl"]}</callbackUrl><certificate>${newKey.certificatePem.trim()}</certificate><consumerKey>LegacyKey1</consumerKey><isAdminApproved>true</isAdminApproved><scopes>Api</scopes></oauthConfig><permissionSetName>CI_Deployer</permissionSetName></ConnectedApp>`;
      await deploy(admin, { "connectedApps/Legacy_CI.connectedApp-meta.xml": xml });
      await t.throwsAsync(login(oldKey, "LegacyKey1"), { name: "invalid_grant", message: "invalid assertion" });
      await t.notThrowsAsync(login(newKey, "LegacyKey1"));
    },
  );
});

test("token endpoint down: 503 gives jsforce ERROR_HTTP_503, a dropped connection a socket error; back up, logins work", async (t) => {
  const key = clientKey();
  await withOrg({}, async (org, admin) => {
    await deploy(admin, eca("Greenmoor_CI_A", "GreenmoorCiKeyA", key));
    const oauth2 = new jsforce.OAuth2({ loginUrl: org.url });
    const login = async () =>
      oauth2.requestToken({ grant_type: jwtBearer, assertion: await assertion(key, { iss: "GreenmoorCiKeyA" }) });
    org.faults.tokenEndpoint = "503";
    await t.throwsAsync(login(), { name: "ERROR_HTTP_503" });
    org.faults.tokenEndpoint = "closed";
    const dropped = await t.throwsAsync(login());
    t.regex(
      `${dropped?.message} ${(dropped as { code?: string })?.code ?? ""}`,
      /socket hang up|ECONNRESET|fetch failed|terminated|other side closed/i,
    );
    org.faults.tokenEndpoint = "up";
    await t.notThrowsAsync(login());
    t.deepEqual(
      org.calls.filter((c) => c.path === "/services/oauth2/token").map((c) => c.status),
      [503, 0, 200],
    );
  });
});

test("session expiry: the next SOAP call gets INVALID_SESSION_ID once; jsforce's refresh delegate logs in again and resends", async (t) => {
  const key = clientKey();
  await withOrg({}, async (org, admin) => {
    await deploy(admin, { ...eca("Greenmoor_CI_A", "GreenmoorCiKeyA", key), ...certificateSource("Idp_Cert") });
    const oauth2 = new jsforce.OAuth2({ loginUrl: org.url });
    let refreshes = 0;
    const login = async () =>
      oauth2.requestToken({ grant_type: jwtBearer, assertion: await assertion(key, { iss: "GreenmoorCiKeyA" }) });
    const first = await login();
    const conn = new jsforce.Connection({
      instanceUrl: first.instance_url,
      accessToken: first.access_token,
      version,
      refreshFn: (_conn, callback) => {
        refreshes++;
        login().then(
          (r) => callback(null, r.access_token, r),
          (e: Error) => callback(e),
        );
      },
    });
    org.faults.expireSessions();
    const record = (await conn.metadata.read("Certificate", "Idp_Cert")) as unknown as { fullName: string };
    t.is(record.fullName, "Idp_Cert");
    t.is(refreshes, 1);
    t.not(conn.accessToken, first.access_token);
    const log = org.calls.slice(-3).map((c) => `${c.operation ?? c.path} ${c.status}`);
    t.deepEqual(log, ["readMetadata 500", "/services/oauth2/token 200", "readMetadata 200"]);

    org.faults.expireSessions();
    t.is((await conn.tooling.query("SELECT DeveloperName FROM Certificate")).totalSize, 1, "REST: a 401 refreshes too");
    t.is(refreshes, 2);
    const stale = new jsforce.Connection({ instanceUrl: org.url, accessToken: first.access_token, version });
    await t.throwsAsync(stale.metadata.read("Certificate", "Idp_Cert"), { name: "sf:INVALID_SESSION_ID" });
  });
});

test("Tooling query of Certificate: fields, WHERE DeveloperName, ORDER BY CreatedDate; deleted certificates are returned too; errors are JSON arrays", async (t) => {
  let clock = new Date("2026-11-29T10:00:00Z");
  await withOrg({ now: () => clock }, async (org, admin) => {
    await deploy(admin, certificateSource("Idp_2026"));
    clock = new Date("2026-12-01T10:00:00Z");
    t.like(await admin.metadata.delete("Certificate", "Idp_2026"), { fullName: "Idp_2026", success: true } as never);
    clock = new Date("2026-12-02T10:00:00Z");
    await deploy(admin, { ...certificateSource("Idp_2026", { keySize: 4096 }), ...certificateSource("Other") });
    const soql =
      "SELECT Id, DeveloperName, MasterLabel, ExpirationDate, KeySize, OptionsIsCaSigned, OptionsIsPrivateKeyExportable, OptionsIsUnusable, CreatedDate FROM Certificate WHERE DeveloperName = 'Idp_2026' ORDER BY CreatedDate DESC";
    const result = await admin.tooling.query<Record<string, unknown>>(soql);
    t.like(result, { totalSize: 2, done: true });
    const raw = (await admin.request(
      `/services/data/v${version}/tooling/query?q=${encodeURIComponent(soql)}`,
    )) as Record<string, unknown>;
    t.like(
      raw,
      { size: 2, totalSize: 2, done: true, queryLocator: null, entityTypeName: "Certificate" },
      "the Tooling envelope",
    );
    t.deepEqual(
      result.records.map((r) => [
        r["DeveloperName"],
        r["KeySize"],
        r["ExpirationDate"],
        r["CreatedDate"],
        r["OptionsIsCaSigned"],
        r["OptionsIsUnusable"],
      ]),
      [
        ["Idp_2026", 4096, "2028-12-01T00:00:00.000+0000", "2026-12-02T10:00:00.000+0000", false, false],
        ["Idp_2026", 2048, "2027-11-29T00:00:00.000+0000", "2026-11-29T10:00:00.000+0000", false, false],
      ],
      "the deleted one too, older",
    );
    const live = org.state.certificate("Idp_2026")!;
    t.deepEqual(result.records[0]!["attributes"], {
      type: "Certificate",
      url: `/services/data/v${version}/tooling/sobjects/Certificate/${live.id}`,
    });
    t.not(result.records[1]!["Id"], live.id);
    const empty = await admin.tooling.query("SELECT Id FROM Certificate WHERE DeveloperName = 'None'");
    t.like(empty, { totalSize: 0, done: true, records: [] });
    await t.throwsAsync(admin.tooling.query("SELECT Id FROM Certificate WHERE MasterLabel LIKE 'x%'"), {
      name: "MALFORMED_QUERY",
    });
    await t.throwsAsync(admin.tooling.query("SELECT Nope FROM Certificate"), {
      name: "INVALID_FIELD",
      message: "No such column 'Nope' on entity 'Certificate'.",
    });
    await t.throwsAsync(admin.tooling.query("SELECT Id FROM ApexClass"), { name: "INVALID_TYPE" });
    const stranger = new jsforce.Connection({
      instanceUrl: org.url,
      accessToken: `${org.orgId.slice(0, 15)}!AQnotissued`,
      version,
    });
    await t.throwsAsync(stranger.tooling.query("SELECT Id FROM Certificate"), { name: "INVALID_SESSION_ID" });
    const versions = (await admin.request("/services/data")) as { label: string; url: string; version: string }[];
    t.deepEqual(
      versions.map((v) => v.version),
      ["59.0", "60.0", "61.0", "62.0", "63.0", "64.0", "65.0", "66.0", "67.0", "68.0"],
    );
    t.deepEqual(versions.at(-1), { label: "Winter '27", url: "/services/data/v68.0", version: "68.0" });
    t.is(versions[7]!.label, "Spring '26");
  });
});

test("the call log has method, path, SOAP operation and status, never bodies, tokens or queries; onCall sees each call", async (t) => {
  const key = clientKey();
  const seen: string[] = [];
  await withOrg({ onCall: (c) => seen.push(`${c.method} ${c.path}`) }, async (org, admin) => {
    await deploy(admin, eca("Greenmoor_CI_A", "GreenmoorCiKeyA", key));
    const token = await new jsforce.OAuth2({ loginUrl: org.url }).requestToken({
      grant_type: jwtBearer,
      assertion: await assertion(key, { iss: "GreenmoorCiKeyA" }),
    });
    await admin.tooling.query("SELECT Id FROM Certificate WHERE DeveloperName = 'Secretive'");
    const log = JSON.stringify(org.calls);
    for (const forbidden of [token.access_token, "Secretive", "assertion", "BEGIN CERTIFICATE", "GreenmoorCiKeyA"])
      t.false(log.includes(forbidden), forbidden);
    t.deepEqual(
      org.calls.map((c) => [c.method, c.path, c.operation]),
      [
        ["POST", `/services/Soap/m/${version}`, "deploy"],
        ["POST", `/services/Soap/m/${version}`, "checkDeployStatus"],
        ["POST", "/services/oauth2/token", undefined],
        ["GET", `/services/data/v${version}/tooling/query`, undefined],
      ],
    );
    t.deepEqual(
      seen,
      org.calls.map((c) => `${c.method} ${c.path}`),
    );
  });
});

test("sign(): the org signs with a certificate's private key without handing the key out", async (t) => {
  await withOrg(
    {
      certificates: [{ fullName: "Idp_Seeded" }],
      identityProvider: { certificateName: "Idp_Seeded", enableIdentityProvider: true },
    },
    async (org, admin) => {
      const record = (await admin.metadata.read("Certificate", "Idp_Seeded")) as unknown as { content: string };
      const pem = Buffer.from(record.content, "base64").toString("utf8");
      const signature = org.sign("Idp_Seeded", "<SignedInfo/>");
      t.true(
        crypto.verify("sha256", Buffer.from("<SignedInfo/>"), new crypto.X509Certificate(pem).publicKey, signature),
      );
      t.deepEqual(org.state.identityProvider, { certificateName: "Idp_Seeded", enableIdentityProvider: true });
      t.false(JSON.stringify(org.state.certificates).includes("PRIVATE KEY"));
    },
  );
});

test("a disabled plug-in refuses JWT logins: isOauthPluginEnabled or isEnabled false gives OAUTH_APP_BLOCKED; enabled again, the same login works", async (t) => {
  const key = clientKey();
  await withOrg({}, async (org, admin) => {
    const files = eca("Greenmoor_CI_A", "GreenmoorCiKeyA", key);
    const policyFile = Object.keys(files).find((f) => f.endsWith(".ecaPlcy-meta.xml"))!;
    const withPolicy = (flag: string, value: boolean) => ({
      ...files,
      [policyFile]: files[policyFile]!.replace(new RegExp(`<${flag}>true</${flag}>`), `<${flag}>${value}</${flag}>`),
    });
    const login = async () =>
      new jsforce.OAuth2({ loginUrl: org.url }).requestToken({
        grant_type: jwtBearer,
        assertion: await assertion(key, { iss: "GreenmoorCiKeyA" }),
      });
    await deploy(admin, files);
    await t.notThrowsAsync(login());

    for (const flag of ["isOauthPluginEnabled", "isEnabled"]) {
      await deploy(admin, withPolicy(flag, false));
      t.is(org.state.apps[0]?.blocked !== undefined, true, `${flag} false blocks the app`);
      await t.throwsAsync(login(), { name: "OAUTH_APP_BLOCKED", message: "this app is blocked by admin" });
      await deploy(admin, files);
      await t.notThrowsAsync(login(), `${flag} true again: logins work`);
    }
  });
});

test("audience per org kind: production takes login.salesforce.com, a sandbox test.salesforce.com; each also its own URL", async (t) => {
  const key = clientKey();
  for (const [kind, accepted, refused] of [
    ["production", "https://login.salesforce.com", "https://test.salesforce.com"],
    ["sandbox", "https://test.salesforce.com", "https://login.salesforce.com"],
  ] as const) {
    await withOrg({ kind }, async (org, admin) => {
      await deploy(admin, eca("Greenmoor_CI_A", "GreenmoorCiKeyA", key));
      const request = async (aud: string) =>
        new jsforce.OAuth2({ loginUrl: org.url }).requestToken({
          grant_type: jwtBearer,
          assertion: await assertion(key, { iss: "GreenmoorCiKeyA", aud }),
        });
      await t.notThrowsAsync(request(accepted), `${kind} takes ${accepted}`);
      await t.notThrowsAsync(request(org.url), `${kind} takes its own URL`);
      await t.throwsAsync(
        request(refused),
        { name: "invalid_grant", message: "audience is invalid" },
        `${kind} refuses ${refused}`,
      );
      await t.throwsAsync(
        request("https://greenmoor.my.salesforce.com"),
        { message: "audience is invalid" },
        "a My Domain audience is not modelled",
      );
    });
  }
});

test("exp may be a JSON string of digits, as in Salesforce's own Java example; any other string is refused", async (t) => {
  const key = clientKey();
  await withOrg({}, async (org, admin) => {
    await deploy(admin, eca("Greenmoor_CI_A", "GreenmoorCiKeyA", key));
    const signed = (exp: number | string) =>
      // A string exp is what the test sends on purpose: jose's types allow only a number.
      new jose.SignJWT({
        iss: "GreenmoorCiKeyA",
        sub: ciUser.username,
        aud: "https://login.salesforce.com",
        exp: exp as number,
      })
        .setProtectedHeader({ alg: "RS256" })
        .sign(key.privateKey);
    const request = async (exp: number | string) =>
      new jsforce.OAuth2({ loginUrl: org.url }).requestToken({ grant_type: jwtBearer, assertion: await signed(exp) });
    const exp = epochSeconds(testNow()) + 120;
    await t.notThrowsAsync(request(exp));
    await t.notThrowsAsync(request(String(exp)));
    await t.throwsAsync(request(new Date((exp + 0) * 1000).toISOString()), {
      name: "invalid_grant",
      message: "expired authorization code",
    });
    await t.throwsAsync(request(String(exp + 3600)), { name: "invalid_grant", message: "expired authorization code" });
  });
});

test("propagation: the token endpoint sees app changes only after the delay (default 5 minutes on the org's clock); metadata reads see them at once", async (t) => {
  let clock = testNow();
  const later = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  const oldKey = clientKey();
  const newKey = clientKey();
  const org = await startStandInOrg({
    now: () => clock,
    users: [{ username: "admin@greenmoor.example", profile: "System Administrator" }, ciUser],
    connectedApps: [
      {
        fullName: "Legacy_CI",
        consumerKey: "LegacyKey1",
        certificatePem: oldKey.certificatePem,
        permissionSets: ["CI_Deployer"],
      },
    ],
  });
  try {
    const admin = new jsforce.Connection({
      instanceUrl: org.url,
      accessToken: org.issueSession("admin@greenmoor.example"),
      version,
    });
    const oauth2 = new jsforce.OAuth2({ loginUrl: org.url });
    const login = async (key: ClientKey, iss: string) =>
      oauth2.requestToken({
        grant_type: jwtBearer,
        assertion: await assertion(key, { iss, exp: epochSeconds(clock) + 120 }),
      });
    const minute = 60_000;
    // A seeded app existed before: known at once.
    await t.notThrowsAsync(login(oldKey, "LegacyKey1"));

    // A new app: unknown to the login servers until the delay has passed, readable at once.
    await deploy(admin, eca("Greenmoor_CI_A", "GreenmoorCiKeyA", oldKey));
    const read = (await admin.metadata.read(
      "ExtlClntAppGlobalOauthSettings" as "ConnectedApp",
      "Greenmoor_CI_A_glbloauth",
    )) as unknown as {
      consumerKey?: string;
    };
    t.is(read.consumerKey, "GreenmoorCiKeyA");
    await t.throwsAsync(login(oldKey, "GreenmoorCiKeyA"), {
      name: "invalid_client_id",
      message: "client identifier invalid",
    });
    later(5 * minute - 1000);
    await t.throwsAsync(login(oldKey, "GreenmoorCiKeyA"), { name: "invalid_client_id" });
    later(1000);
    await t.notThrowsAsync(login(oldKey, "GreenmoorCiKeyA"));

    // A changed certificate: the old one is still accepted and the new one refused until the delay has passed.
    await deploy(admin, eca("Greenmoor_CI_A", "GreenmoorCiKeyA", newKey));
    later(4 * minute);
    await t.notThrowsAsync(login(oldKey, "GreenmoorCiKeyA"));
    await t.throwsAsync(login(newKey, "GreenmoorCiKeyA"), { name: "invalid_grant", message: "invalid assertion" });
    later(minute);
    await t.throwsAsync(login(oldKey, "GreenmoorCiKeyA"), { name: "invalid_grant", message: "invalid assertion" });
    await t.notThrowsAsync(login(newKey, "GreenmoorCiKeyA"));

    // A removed certificate keeps working until the delay has passed.
    const { certificatePem: _pem, ...withoutCertificate } = {
      name: "Greenmoor_CI_A",
      label: "Greenmoor CI",
      contactEmail: "platform@greenmoor.example",
      description: "CI",
      consumerKey: "GreenmoorCiKeyA",
      certificatePem: newKey.certificatePem,
      scopes: ["Api", "RefreshToken"],
      permissionSets: ["CI_Deployer"],
      profiles: [],
    };
    await deploy(admin, externalClientAppFiles(withoutCertificate));
    await t.notThrowsAsync(login(newKey, "GreenmoorCiKeyA"));
    later(5 * minute);
    await t.throwsAsync(login(newKey, "GreenmoorCiKeyA"), { name: "invalid_grant" });

    // A Connected App's oauthConfig lags the same way.
    const xml = `<?xml version="1.0" encoding="UTF-8"?><ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata"><contactEmail>a@b.example</contactEmail><label>Legacy CI</label><oauthConfig><callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl><certificate>${newKey.certificatePem.trim()}</certificate><consumerKey>LegacyKey1</consumerKey><isAdminApproved>true</isAdminApproved><scopes>Api</scopes></oauthConfig><permissionSetName>CI_Deployer</permissionSetName></ConnectedApp>`;
    await deploy(admin, { "connectedApps/Legacy_CI.connectedApp-meta.xml": xml });
    await t.throwsAsync(login(newKey, "LegacyKey1"), { name: "invalid_grant" });
    later(5 * minute);
    await t.notThrowsAsync(login(newKey, "LegacyKey1"));
  } finally {
    await org.close();
  }
});
