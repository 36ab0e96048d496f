/**
 * The org connection from stack config: defaults, one issue per broken rule naming the config key, and
 * the private key never quoted.
 */
import test from "ava";
import { ValidationError } from "../../../provider/errors";
import { generateRsaKeyPair } from "../../../provider/crypto/rsa-key-pair";
import { defaultAudience, orgConnectionFromConfig, parseOrgConnection } from "../../../provider/org/org-config";

const key = generateRsaKeyPair(2048).privateKeyPem;
const good = {
  loginUrl: "https://greenmoor.my.salesforce.com",
  username: "deploy@greenmoor.example",
  consumerKey: "3MVG9greenmoorConsumerKey",
};
/** A stack's configuration as `configure()` receives it: objects as JSON text, secrets decrypted. */
const config = (values: Record<string, unknown>) => ({
  get: (k: string) =>
    values[k] === undefined
      ? undefined
      : typeof values[k] === "string"
        ? (values[k] as string)
        : JSON.stringify(values[k]),
});

test("no org config means artefact mode: no connection", (t) => {
  t.is(orgConnectionFromConfig(config({ "aws:region": "eu-west-1" })), undefined);
});

test("the connection from config gets Salesforce's defaults", (t) => {
  t.deepEqual(
    orgConnectionFromConfig(config({ "salesforce-certs:org": good, "salesforce-certs:orgPrivateKey": key })),
    {
      ...good,
      audience: "https://login.salesforce.com",
      apiVersion: "66.0",
      pollIntervalSeconds: 2,
      pollTimeoutSeconds: 600,
      privateKeyPem: key,
      validateDeploys: false,
    },
  );
  const sandbox = parseOrgConnection(
    {
      ...good,
      loginUrl: "https://greenmoor--uat.sandbox.my.salesforce.com/",
      apiVersion: 68,
      pollIntervalSeconds: "5",
      pollTimeoutSeconds: 30,
    },
    key,
  );
  t.is(sandbox.loginUrl, "https://greenmoor--uat.sandbox.my.salesforce.com");
  t.is(sandbox.audience, "https://test.salesforce.com");
  t.is(sandbox.apiVersion, "68.0");
  t.is(sandbox.pollIntervalSeconds, 5);
  t.is(defaultAudience("https://test.salesforce.com"), "https://test.salesforce.com");
  t.is(parseOrgConnection({ ...good, loginUrl: "http://127.0.0.1:4321" }, key).loginUrl, "http://127.0.0.1:4321");
  t.true(parseOrgConnection({ ...good, validateDeploys: true }, key).validateDeploys);
  t.true(
    parseOrgConnection({ ...good, validateDeploys: "true" }, key).validateDeploys,
    "as pulumi config set --path may store it",
  );
  t.false(parseOrgConnection({ ...good, validateDeploys: false }, key).validateDeploys);
});

const dsaKey = (() => {
  const crypto = require("node:crypto") as typeof import("node:crypto");
  return crypto
    .generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ format: "pem", type: "pkcs8" })
    .toString();
})();
const smallKey = (() => {
  const crypto = require("node:crypto") as typeof import("node:crypto");
  return crypto
    .generateKeyPairSync("rsa", { modulusLength: 1024 })
    .privateKey.export({ format: "pem", type: "pkcs8" })
    .toString();
})();

const cases: [string, Record<string, unknown>, string][] = [
  [
    "org without the key",
    { "salesforce-certs:orgPrivateKey": undefined },
    " - salesforce-certs:orgPrivateKey: must be set, as a secret, to the PEM private key whose certificate the app holds (pulumi config set --secret salesforce-certs:orgPrivateKey < key.pem)",
  ],
  [
    "key without the org",
    { "salesforce-certs:org": undefined },
    " - salesforce-certs:org: must be set when salesforce-certs:orgPrivateKey is: an object with loginUrl, username, consumerKey (pulumi config set --path 'salesforce-certs:org.loginUrl' https://…)",
  ],
  [
    "org as a plain string",
    { "salesforce-certs:org": "https://login.salesforce.com", "salesforce-certs:orgPrivateKey": key },
    " - salesforce-certs:org: must be an object with loginUrl, username, consumerKey; set each field with pulumi config set --path 'salesforce-certs:org.<field>' (got a string)",
  ],
  [
    "missing username",
    { "salesforce-certs:org": { ...good, username: undefined } },
    " - salesforce-certs:org.username: is required",
  ],
  [
    "http login URL",
    { "salesforce-certs:org": { ...good, loginUrl: "http://login.salesforce.com" } },
    ' - salesforce-certs:org.loginUrl: must use https (plain http only for a loopback stand-in) (got "http://login.salesforce.com")',
  ],
  [
    "login URL with a path",
    { "salesforce-certs:org": { ...good, loginUrl: "https://login.salesforce.com/services/oauth2/token" } },
    ' - salesforce-certs:org.loginUrl: must be an origin only, with no path, query or credentials, such as https://login.salesforce.com (got "https://login.salesforce.com/service…)',
  ],
  [
    "login URL not a URL",
    { "salesforce-certs:org": { ...good, loginUrl: "greenmoor" } },
    ' - salesforce-certs:org.loginUrl: must be a login URL such as https://login.salesforce.com, https://test.salesforce.com or your My Domain https://<name>.my.salesforce.com (got "greenmoor")',
  ],
  [
    "username not e-mail shaped",
    { "salesforce-certs:org": { ...good, username: "deploy" } },
    ' - salesforce-certs:org.username: must be a Salesforce username, which has the form of an e-mail address (got "deploy")',
  ],
  [
    "a private key pasted as the username",
    { "salesforce-certs:org": { ...good, username: key } },
    " - salesforce-certs:org.username: must be a Salesforce username, which has the form of an e-mail address (got a PEM block, not shown)",
  ],
  [
    "consumer key with a space",
    { "salesforce-certs:org": { ...good, consumerKey: "3MVG9 abc def" } },
    ' - salesforce-certs:org.consumerKey: must be the app\'s consumer key: 8 to 256 visible ASCII characters, no spaces (got "3MVG9 abc def")',
  ],
  [
    "API version 59",
    { "salesforce-certs:org": { ...good, apiVersion: "59.0" } },
    ' - salesforce-certs:org.apiVersion: must be at least 60.0: External Client App certificates need it (got "59.0")',
  ],
  [
    "API version v66",
    { "salesforce-certs:org": { ...good, apiVersion: "v66" } },
    ' - salesforce-certs:org.apiVersion: must be an API version such as "66.0" (got "v66")',
  ],
  [
    "poll interval 0",
    { "salesforce-certs:org": { ...good, pollIntervalSeconds: 0 } },
    " - salesforce-certs:org.pollIntervalSeconds: must be a whole number of seconds from 1 to 60 (got 0)",
  ],
  [
    "poll timeout below the interval",
    { "salesforce-certs:org": { ...good, pollIntervalSeconds: 30, pollTimeoutSeconds: 10 } },
    " - salesforce-certs:org.pollTimeoutSeconds: must be at least pollIntervalSeconds (30) (got 10)",
  ],
  [
    "unknown field",
    { "salesforce-certs:org": { ...good, instanceUrl: "https://x" } },
    " - salesforce-certs:org.instanceUrl: is not a connection field (known: loginUrl, username, consumerKey, audience, apiVersion, pollIntervalSeconds, pollTimeoutSeconds, validateDeploys)",
  ],
  [
    "validateDeploys not a boolean",
    { "salesforce-certs:org": { ...good, validateDeploys: "yes" } },
    ' - salesforce-certs:org.validateDeploys: must be true or false: true validates every deploy with a check-only deploy in preview and before up applies it (got "yes")',
  ],
  [
    "private key inside the org object",
    { "salesforce-certs:org": { ...good, privateKey: key } },
    " - salesforce-certs:org.privateKey: must not be here: the private key goes in salesforce-certs:orgPrivateKey, as a secret (its value is not shown)",
  ],
  [
    "key not PEM",
    { "salesforce-certs:orgPrivateKey": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" },
    ' - salesforce-certs:orgPrivateKey: must be a PEM private key (PKCS #8 "BEGIN PRIVATE KEY" or PKCS #1 "BEGIN RSA PRIVATE KEY"); the value given is not one and is not shown',
  ],
  [
    "key PEM but garbled",
    { "salesforce-certs:orgPrivateKey": key.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!") },
    " - salesforce-certs:orgPrivateKey: must be a readable PEM private key; it could not be parsed (the value is not shown)",
  ],
  [
    "EC key",
    { "salesforce-certs:orgPrivateKey": dsaKey },
    " - salesforce-certs:orgPrivateKey: must be an RSA key: Salesforce signs the JWT Bearer Flow with RS256 (got a ec key)",
  ],
  [
    "1024-bit key",
    { "salesforce-certs:orgPrivateKey": smallKey },
    " - salesforce-certs:orgPrivateKey: must be an RSA key of at least 2048 bits (got 1024)",
  ],
];

for (const [title, values, line] of cases) {
  test(`org config: ${title}`, (t) => {
    const error = t.throws(
      () =>
        orgConnectionFromConfig(
          config({ "salesforce-certs:org": good, "salesforce-certs:orgPrivateKey": key, ...values }),
        ),
      { instanceOf: ValidationError },
    );
    t.is(error!.code, "ERR_VALIDATION");
    t.is(error!.message, `Invalid org connection:\n${line}`);
  });
}

test("org config reports every broken rule at once and never quotes a private key", (t) => {
  const error = t.throws(
    () =>
      orgConnectionFromConfig(
        config({
          "salesforce-certs:org": { loginUrl: "ftp://x", privateKey: key },
          "salesforce-certs:orgPrivateKey": key.slice(0, 200),
        }),
      ),
    { instanceOf: ValidationError },
  )!;
  t.deepEqual(
    error.issues.map((i) => i.path),
    [
      "salesforce-certs:org.privateKey",
      "salesforce-certs:org.username",
      "salesforce-certs:org.consumerKey",
      "salesforce-certs:org.loginUrl",
      "salesforce-certs:orgPrivateKey",
    ],
  );
  for (const line of key.split("\n").filter((l) => l && !l.startsWith("-----"))) t.false(error.message.includes(line));
});
