/**
 * JwtIntegration's check(): defaults, a derived consumer key that stays stable, and one failure per
 * broken rule naming the field.
 */
import test from "ava";
import { jwtIntegrationProvider } from "../../../provider";
import { goodJwtArguments } from "../../helpers/check-arguments";

const good = goodJwtArguments;
const check = (news: Record<string, unknown>, olds: Record<string, unknown> = {}) =>
  jwtIntegrationProvider.check!(olds as never, news as never);

test("check fills in defaults and derives a consumer key that later checks keep", async (t) => {
  const first = await check(good);
  const inputs = first.inputs as unknown as Record<string, unknown>;
  t.is(inputs["loginUrl"], "https://login.salesforce.com");
  t.deepEqual(inputs["scopes"], ["Api"]);
  t.is(inputs["appType"], "ExternalClientApp");
  t.is(inputs["rotationStrategy"], "twoSlots");
  t.regex(inputs["consumerKeyBase"] as string, /^[A-Za-z0-9]{64}$/);
  // The check in `up` after a preview decides the same key as the preview's.
  t.is(
    ((await check(good)).inputs as unknown as Record<string, unknown>)["consumerKeyBase"],
    inputs["consumerKeyBase"],
  );
  const second = await check({ ...good, username: "other@greenmoor.example" }, inputs);
  t.is((second.inputs as unknown as Record<string, unknown>)["consumerKeyBase"], inputs["consumerKeyBase"]);
  const legacy = await check({ ...good, appType: "ConnectedApp" });
  t.is((legacy.inputs as unknown as Record<string, unknown>)["rotationStrategy"], "inPlace");
});

const cases: [string, Record<string, unknown>, { property: string; reason: string }][] = [
  [
    "a username that is not e-mail shaped",
    { username: "ci-user" },
    {
      property: "username",
      reason:
        'must be a Salesforce username, shaped like an e-mail address (name@example.com.prod), at most 80 characters (got "ci-user")',
    },
  ],
  [
    "an http audience",
    { audience: "http://login.salesforce.com" },
    { property: "audience", reason: 'must be an https URL (got "http://login.salesforce.com")' },
  ],
  [
    "a relative audience",
    { audience: "login.salesforce.com" },
    {
      property: "audience",
      reason: 'must be an absolute https URL such as https://login.salesforce.com (got "login.salesforce.com")',
    },
  ],
  [
    "a consumer key with a hyphen",
    { consumerKey: "abc-defgh" },
    { property: "consumerKey", reason: "must be 8 to 256 letters and digits (got 9 characters)" },
  ],
  [
    "a short consumer key",
    { consumerKey: "abc" },
    { property: "consumerKey", reason: "must be 8 to 256 letters and digits (got 3 characters)" },
  ],
  [
    "an unknown scope",
    { scopes: ["Api", "api"] },
    {
      property: "scopes[1]",
      reason:
        'is not an OAuth scope Salesforce knows (known: Basic, Api, Web, Full, Chatter, CustomApplications, RefreshToken, OpenID, Profile, Email, Address, Phone, OfflineAccess, CustomPermissions, Wave, Eclair, Pardot, Lightning, Content, CDPIngest, Chatbot, ForgotPassword, UserRegistration, PwdlessLogin) (got "api")',
    },
  ],
  [
    "a certificate that is not exportable",
    { privateKeyExportable: false, privateKeyPem: undefined },
    {
      property: "certificate",
      reason:
        "is not exportable (privateKeyExportable: false): a JWT integration signs with the private key, so its key must be exportable",
    },
  ],
  [
    "no pre-authorized users",
    { preAuthorized: {} },
    {
      property: "preAuthorized",
      reason: "must name at least one permission set or profile: the JWT flow has no approval step",
    },
  ],
  [
    "a permission set given by its record ID",
    { preAuthorized: { permissionSets: ["CI_Deployer", "0PS5g000000AbCdGAK"] } },
    {
      property: "preAuthorized.permissionSets",
      reason:
        'must be names, not record IDs (got ["0PS5g000000AbCdGAK"]): the org is sent names, and their IDs are looked up only when it asks for IDs',
    },
  ],
  [
    "two slots on a Connected App",
    { appType: "ConnectedApp", rotationStrategy: "twoSlots" },
    {
      property: "rotationStrategy",
      reason:
        "twoSlots needs External Client Apps: since Spring '26 no new Connected App can be created for the second slot; use inPlace, or appType ExternalClientApp",
    },
  ],
  [
    "an unknown app type",
    { appType: "ExternalApp" },
    { property: "appType", reason: 'must be one of ExternalClientApp, ConnectedApp (got "ExternalApp")' },
  ],
];

for (const [title, change, failure] of cases) {
  test(`check rejects ${title}`, async (t) => {
    t.deepEqual(await check({ ...good, ...change }), { failures: [failure] });
  });
}

test("check skips values Pulumi does not know yet during preview", async (t) => {
  const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const result = await check({
    ...good,
    certificatePem: unknown,
    privateKeyPem: unknown,
    certificateSha256Fingerprint: unknown,
    certificateNotAfter: unknown,
    privateKeyExportable: unknown,
  });
  t.is(result.failures, undefined);
});

test("a private key in the arguments never appears in a failure", async (t) => {
  const result = await check({ ...good, username: "bad" });
  t.false(JSON.stringify(result).includes("(the private key"));
});

test("a username may be any RFC 5322 dot-atom address but for what shells act on", async (t) => {
  for (const username of [
    "o'brien@acme.example",
    "first.last+ci@acme.example.prod",
    "a!#%*/=?^_{}~-b@acme-corp.example",
    "jürgen@acme.example",
  ]) {
    t.is((await check({ ...good, username })).failures, undefined, username);
  }
  const rule =
    "must be a Salesforce username, shaped like an e-mail address (name@example.com.prod), at most 80 characters";
  const refused: [string, string][] = [
    ["ci$x@acme.example", '"$" at character 3'],
    ["ci`id`@acme.example", '"`" at character 3'],
    ["ci(x)@acme.example", '"(" at character 3'],
    ["ci;x@acme.example", '";" at character 3'],
    ["ci|x@acme.example", '"|" at character 3'],
    ["ci&x@acme.example", '"&" at character 3'],
    ["ci<x@acme.example", '"<" at character 3'],
    ["ci>x@acme.example", '">" at character 3'],
    ["ci\\x@acme.example", '"\\\\" at character 3'],
    ['ci"x@acme.example', '"\\"" at character 3'],
    ["ci x@acme.example", "U+0020 (a space) at character 3"],
    ["ci\tx@acme.example", "U+0009 (a tab) at character 3"],
    ["ci@acme.example\n", "U+000A (a line feed) at character 16"],
    ["ci@acme,example", '"," at character 8'],
  ];
  for (const [username, what] of refused) {
    t.deepEqual(
      (await check({ ...good, username })).failures,
      [{ property: "username", reason: `${rule}: ${what} is not allowed in one (got ${JSON.stringify(username)})` }],
      username,
    );
  }
  // Characters it may hold, in a shape it may not have: the rule alone.
  for (const username of [
    ".ci@acme.example",
    "ci..x@acme.example",
    "ci@acme",
    "ci@-acme.example",
    "ci@@acme.example",
  ]) {
    t.deepEqual(
      (await check({ ...good, username })).failures,
      [{ property: "username", reason: `${rule} (got ${JSON.stringify(username)})` }],
      username,
    );
  }
});
