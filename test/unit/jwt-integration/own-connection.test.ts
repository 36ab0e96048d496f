/**
 * The stack's own connection in the provider process: a `SalesforceOrgProvider` configured with values a
 * preview cannot know yet stays in org mode without logging in; an integration that is the stack's
 * connection logs in as its active slot, with the tuning of the stack configuration.
 */
import test from "ava";
import { generateRsaKeyPair } from "../../../provider/crypto/rsa-key-pair";
import { configureOrg, configuredOrg, orgClient, orgConfigurationProblem } from "../../../provider/org/configured-org";
import { ownConnectionSettings, type ConnectionState } from "../../../provider/jwt-integration/own-connection";
import { pinProviderClock } from "../../helpers/test-clock";

// The provider reads its clock in this process: the tests' clock, not the machine's.
pinProviderClock();

const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const key = generateRsaKeyPair(2048).privateKeyPem;
const config = (values: Record<string, string>) => ({ get: (k: string) => values[k] });

test.serial("a provider whose connection changes in this run: org mode in preview, its login waits for up", (t) => {
  configureOrg(
    config({
      "salesforce-certs:org": unknown,
      "salesforce-certs:orgPrivateKey": unknown,
      "salesforce-certs:orgSource": "JwtIntegration deployer",
    }),
  );
  t.is(orgConfigurationProblem(), undefined, "not a configuration error");
  t.is(configuredOrg()?.loginUrl, "the org of JwtIntegration deployer");
  t.throws(() => orgClient(), {
    message:
      /cannot log in to the org of JwtIntegration deployer yet: JwtIntegration deployer changes in this run, so its credential is known only during pulumi up/,
  });
  // A known login URL is kept for the preview's lines.
  configureOrg(
    config({
      "salesforce-certs:org": JSON.stringify({
        loginUrl: "https://greenmoor.my.salesforce.com",
        username: "d@greenmoor.example",
        consumerKey: unknown,
      }),
      "salesforce-certs:orgPrivateKey": unknown,
    }),
  );
  t.is(configuredOrg()?.loginUrl, "https://greenmoor.my.salesforce.com");
  // A bad connection built from an integration names where it came from.
  configureOrg(
    config({
      "salesforce-certs:org": JSON.stringify({
        loginUrl: "ftp://x",
        username: "d@greenmoor.example",
        consumerKey: "3MVG9consumerKey",
      }),
      "salesforce-certs:orgPrivateKey": key,
      "salesforce-certs:orgSource": "JwtIntegration deployer",
    }),
  );
  t.regex(
    orgConfigurationProblem() ?? "",
    /^the connection from JwtIntegration deployer: .*salesforce-certs:org\.loginUrl: must use https/s,
  );
  configureOrg(config({}));
  t.is(configuredOrg(), undefined);
});

const state = (overrides: Partial<ConnectionState> = {}): ConnectionState => ({
  apiName: "Pulumi_Stack",
  orgConnection: true,
  loginUrl: "https://greenmoor.my.salesforce.com/",
  username: "deployer@greenmoor.example",
  audience: "https://login.salesforce.com",
  activeSlot: "B",
  slots: {
    A: { appName: "Pulumi_Stack_A", consumerKey: "KeyA" },
    B: { appName: "Pulumi_Stack_B", consumerKey: "KeyB" },
  },
  slotKeys: { B: key },
  ...overrides,
});

test.serial("the stack's connection logs in as its active slot, tuned by the stack configuration", (t) => {
  configureOrg(config({}));
  t.deepEqual(ownConnectionSettings(state()), {
    apiVersion: "66.0",
    pollIntervalSeconds: 2,
    pollTimeoutSeconds: 600,
    validateDeploys: false,
    loginUrl: "https://greenmoor.my.salesforce.com",
    audience: "https://login.salesforce.com",
    username: "deployer@greenmoor.example",
    consumerKey: "KeyB",
    privateKeyPem: key,
  });
  configureOrg(
    config({
      "salesforce-certs:org": JSON.stringify({
        loginUrl: "https://greenmoor.my.salesforce.com",
        username: "boot@greenmoor.example",
        consumerKey: "3MVG9bootstrap",
        apiVersion: 68,
        pollIntervalSeconds: 5,
      }),
      "salesforce-certs:orgPrivateKey": key,
    }),
  );
  const tuned = ownConnectionSettings(state())!;
  t.deepEqual(
    [tuned.apiVersion, tuned.pollIntervalSeconds, tuned.consumerKey, tuned.username],
    ["68.0", 5, "KeyB", "deployer@greenmoor.example"],
  );
  t.is(ownConnectionSettings(state({ slotKeys: {} })), undefined, "no stored key: the configured connection is used");
  t.is(ownConnectionSettings(state({ orgConnection: undefined })), undefined, "not the stack's connection");
  configureOrg(config({}));
});
