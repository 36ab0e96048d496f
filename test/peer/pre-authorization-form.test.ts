/**
 * External Client App pre-authorization: names or IDs (org-mode.md §7). The field description says IDs;
 * practitioners say names work and IDs are refused with `INVALID_FIELD: We couldn't find permission sets
 * called …`. The provider deploys names and, when the org answers that error, resolves the IDs with a
 * Tooling query and deploys again, saying which form the org took. Judged per reading against the stand-in
 * org (`preAuthorizationBy`), through jsforce and the provider's own Metadata client; the pre-authorized
 * user then logs in with the JWT Bearer Flow (jose signs the assertion). The check-only validation
 * (`validateDeploys`) takes the same fallback, so preview says what up does; the SAML policy of a
 * SamlSpBinding's External Client App is pre-authorized the same way, and the org then sends assertions
 * to the pre-authorized user only.
 */
import crypto from "node:crypto";
import test from "ava";
import * as jose from "jose";
import * as jsforce from "jsforce";
import { deployJwtApps } from "../../provider/jwt-integration/in-org";
import { configureOrg } from "../../provider/org/configured-org";
import { validateDeploy } from "../../provider/org/preview-validation";
import { deploySamlOrg } from "../../provider/saml-binding/in-org";
import { identityProviderSettingsFiles, samlExternalClientAppFiles } from "../../provider/salesforce/saml-apps";
import { orgSignedSamlResponse } from "../helpers/org-saml";
import type { JwtIntegrationState } from "../../provider/jwt-integration/lifecycle";
import { OrgApiError, OrgDeployError } from "../../provider/errors";
import { OrgMetadataClient } from "../../provider/org/metadata-client";
import type { OrgSession } from "../../provider/org/org-login";
import type { OrgConnection } from "../../provider/org/org-config";
import { externalClientAppFiles } from "../../provider/salesforce/oauth-apps";
import { opensslSelfSigned } from "../helpers/openssl-ca";
import { startStandInOrg, type StandInOrg } from "../helpers/stand-in-org";
import { recordIdOf } from "../helpers/stand-in-org/tooling";
import { daysAfter, epochSeconds, testNow, pinProviderClock } from "../helpers/test-clock";

pinProviderClock();

const version = "66.0";
// A permission set and a profile whose names cross into SOQL string literals and XML.
const permissionSet = "CI_Deployer's \\ <Set>";
const profile = "Minimum Access - API Only";
const ciUser = { username: "ci@greenmoor.example", profile, permissionSets: [permissionSet] };

async function withOrg(
  preAuthorizationBy: "names" | "ids" | undefined,
  use: (org: StandInOrg, client: OrgMetadataClient) => Promise<void>,
): Promise<void> {
  const org = await startStandInOrg({
    ...(preAuthorizationBy ? { preAuthorizationBy } : {}),
    // The IdP's certificate, for the SAML binding's IdP settings and the assertions the org signs.
    certificates: [{ fullName: "Greenmoor_IdP" }],
    users: [{ username: "admin@greenmoor.example", profile: "System Administrator" }, ciUser],
    // These tests judge which form of pre-authorization the org takes, not propagation: logins see a deploy at once.
    propagationDelayMs: 0,
  });
  try {
    const connection = new jsforce.Connection({
      instanceUrl: org.url,
      accessToken: org.issueSession("admin@greenmoor.example"),
      version,
    });
    const session = {
      connection,
      instanceUrl: org.url,
      orgId: org.orgId,
      userId: "",
      settings: { apiVersion: version, pollIntervalSeconds: 0, pollTimeoutSeconds: 60 } as OrgConnection,
    } as unknown as OrgSession;
    await use(org, new OrgMetadataClient(session, async () => {}));
  } finally {
    await org.close();
  }
}

const key = opensslSelfSigned("Greenmoor CI", testNow(), daysAfter(30));
const files = externalClientAppFiles({
  name: "Greenmoor_CI_A",
  label: "Greenmoor CI A",
  contactEmail: "platform@greenmoor.example",
  description: "CI",
  consumerKey: "GreenmoorCiKeyA",
  certificatePem: key.certificatePem,
  scopes: ["Api"],
  permissionSets: [permissionSet],
  profiles: [profile],
});
const state = { apiName: "Greenmoor_CI", appType: "ExternalClientApp", slots: {} } as unknown as JwtIntegrationState;

/** Deploys through the provider, returning what it logged. */
async function deployLogged(client: OrgMetadataClient): Promise<string[]> {
  const logged: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => logged.push(args.join(" "));
  try {
    await deployJwtApps(client, state, files);
  } finally {
    console.log = log;
  }
  return logged;
}

async function ciLogin(org: StandInOrg): Promise<void> {
  const assertion = await new jose.SignJWT({
    sub: ciUser.username,
    aud: "https://login.salesforce.com",
    exp: epochSeconds(testNow()) + 120,
    iss: "GreenmoorCiKeyA",
  })
    .setProtectedHeader({ alg: "RS256" })
    .sign(crypto.createPrivateKey(key.privateKeyPem));
  await new jsforce.OAuth2({ loginUrl: org.url }).requestToken({
    grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
    assertion,
  });
}

const policy = async (client: OrgMetadataClient) =>
  (await client.read("ExtlClntAppOauthConfigurablePolicies", ["Greenmoor_CI_A_oauthPlcy"])).get(
    "Greenmoor_CI_A_oauthPlcy",
  )!;

test.serial(
  "an org that takes names (the default, practitioners' evidence): one deploy, names kept, nothing logged, the user logs in",
  async (t) => {
    await withOrg(undefined, async (org, client) => {
      t.deepEqual(await deployLogged(client), []);
      t.is(org.deploys.size, 1);
      t.like(await policy(client), { commaSeparatedPermissionSet: permissionSet, commaSeparatedProfile: profile });
      await t.notThrowsAsync(ciLogin(org));
    });
  },
);

test.serial(
  "an org that takes IDs: the names are refused with the field notes' text, the IDs are queried and deployed, the log says so",
  async (t) => {
    await withOrg("ids", async (org, client) => {
      const logged = await deployLogged(client);
      t.is(org.deploys.size, 2);
      const ids = { set: recordIdOf("PermissionSet", permissionSet), profile: recordIdOf("Profile", profile) };
      t.like(await policy(client), { commaSeparatedPermissionSet: ids.set, commaSeparatedProfile: ids.profile });
      t.deepEqual(logged, [
        `JwtIntegration Greenmoor_CI: the org at ${org.url} refused pre-authorization by name (INVALID_FIELD: We couldn't find permission sets called ${permissionSet}); it took the IDs instead (${permissionSet} = ${ids.set}, ${profile} = ${ids.profile})`,
      ]);
      await t.notThrowsAsync(ciLogin(org));
    });
  },
);

test("the stand-in refuses the other form: an ID where it takes names, with the practitioners' error text", async (t) => {
  await withOrg("names", async (_org, client) => {
    const id = recordIdOf("PermissionSet", permissionSet);
    const withId = Object.fromEntries(
      Object.entries(files).map(([path, content]) => [
        path,
        content.replace(/<commaSeparatedPermissionSet>[^<]*</, `<commaSeparatedPermissionSet>${id}<`),
      ]),
    );
    const error = await t.throwsAsync(client.deploy({ files: withId }), { instanceOf: OrgDeployError });
    t.true(
      error.failures.some((f) => f.problem === `INVALID_FIELD: We couldn't find permission sets called ${id}`),
      JSON.stringify(error.failures),
    );
  });
});

test("a name the org does not have is refused in both forms: the ID lookup names what is missing", async (t) => {
  await withOrg("ids", async (org, client) => {
    const error = await t.throwsAsync(client.idsByName("PermissionSet", [permissionSet, "No'Such"]), {
      instanceOf: OrgApiError,
    });
    t.is(error.message, `the org at ${org.url} has no PermissionSet named "No'Such" (Tooling query on Name)`);
    const found = await client.idsByName("Profile", [profile.toUpperCase()]);
    t.is(found.get(profile.toUpperCase()), recordIdOf("Profile", profile), "names compared without case");
  });
});

/** Runs `use` with the stack's org configuration asking for check-only validation (validateDeploys), then clears it. */
async function validating(org: StandInOrg, use: () => Promise<void>): Promise<void> {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const config: Record<string, string> = {
    "salesforce-certs:org": JSON.stringify({
      loginUrl: org.url,
      username: "admin@greenmoor.example",
      consumerKey: "GreenmoorBootstrap",
      validateDeploys: true,
    }),
    "salesforce-certs:orgPrivateKey": privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  };
  configureOrg({ get: (key) => config[key] });
  try {
    await use();
  } finally {
    configureOrg({ get: () => undefined });
  }
}

test.serial(
  "validation (validateDeploys) in an org that takes IDs validates with the IDs, says so, applies nothing; up then deploys the same IDs",
  async (t) => {
    await withOrg("ids", async (org, client) => {
      await validating(org, async () => {
        const words = await validateDeploy("JwtIntegration Greenmoor_CI", { files }, async () => client);
        const ids = { set: recordIdOf("PermissionSet", permissionSet), profile: recordIdOf("Profile", profile) };
        t.regex(
          words,
          /^; validated by a check-only deploy \(deploy 0Af\w+\), pre-authorizing by ID as pulumi up will: /,
        );
        t.true(
          words.endsWith(
            `the org at ${org.url} refused pre-authorization by name (INVALID_FIELD: We couldn't find permission sets called ${permissionSet}); it took the IDs instead (${permissionSet} = ${ids.set}, ${profile} = ${ids.profile})`,
          ),
          words,
        );
        t.is(org.state.components("ExtlClntAppOauthConfigurablePolicies").length, 0, "a validation applies nothing");
        const logged = await deployLogged(client);
        t.is(logged.length, 1);
        t.like(await policy(client), { commaSeparatedPermissionSet: ids.set, commaSeparatedProfile: ids.profile });
      });
    });
  },
);

test.serial("validation in an org that takes names validates with the names and says nothing of IDs", async (t) => {
  await withOrg("names", async (org, client) => {
    await validating(org, async () => {
      const words = await validateDeploy("JwtIntegration Greenmoor_CI", { files }, async () => client);
      t.regex(words, /^; validated by a check-only deploy \(deploy 0Af\w+\)$/);
    });
  });
});

const samlApp = {
  name: "Greenmoor_SSO",
  label: "Greenmoor SSO",
  contactEmail: "platform@greenmoor.example",
  description: "SSO",
  spEntityId: "https://portal.partner.example/saml?tenant=greenmoor&env='prod'",
  acsUrl: "https://portal.partner.example/acs?tenant=greenmoor&env='prod'",
  issuer: "https://greenmoor.my.salesforce.com",
  nameIdFormat: "emailAddress" as const,
  subjectType: "Username" as const,
  signingAlgorithm: "SHA256" as const,
  permissionSets: [permissionSet],
  profiles: [],
};
const samlDeploy = {
  files: { ...samlExternalClientAppFiles(samlApp), ...identityProviderSettingsFiles("Greenmoor_IdP") },
  idpCertificate: "Greenmoor_IdP",
  digest: "",
};
const binding = { apiName: "Greenmoor_SSO", appName: undefined, appType: "ExternalClientApp" as const };
const samlPolicy = async (client: OrgMetadataClient) =>
  (await client.read("ExtlClntAppSamlConfigurablePolicies", ["Greenmoor_SSO_samlPlcy"])).get("Greenmoor_SSO_samlPlcy")!;

/** Deploys the SAML binding through the provider, returning what it logged. */
async function deploySamlLogged(client: OrgMetadataClient): Promise<string[]> {
  const logged: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => logged.push(args.join(" "));
  try {
    await deploySamlOrg(client, binding, samlDeploy);
  } finally {
    console.log = log;
  }
  return logged;
}

test.serial(
  "a SAML binding in an org that takes IDs: its policy's names are refused, the IDs deployed and logged; SSO reaches the pre-authorized user only",
  async (t) => {
    await withOrg("ids", async (org, client) => {
      const logged = await deploySamlLogged(client);
      const id = recordIdOf("PermissionSet", permissionSet);
      t.like(await samlPolicy(client), { commaSeparatedPermissionSet: id });
      t.is(logged.length, 1);
      t.true(
        logged[0]!.endsWith(
          `; the org at ${org.url} refused pre-authorization by name ([stand-in placeholder text] INVALID_FIELD: We couldn't find permission sets called ${permissionSet}); it took the IDs instead (${permissionSet} = ${id})`,
        ),
        logged[0],
      );
      t.deepEqual(org.state.samlPreAuthorization("Greenmoor_SSO"), { profiles: [], permissionSets: [permissionSet] });
      t.notThrows(() =>
        orgSignedSamlResponse(org, "Greenmoor_IdP", "Greenmoor_SSO", {
          nameId: ciUser.username,
          username: ciUser.username,
        }),
      );
      t.throws(
        () =>
          orgSignedSamlResponse(org, "Greenmoor_IdP", "Greenmoor_SSO", {
            nameId: "admin@greenmoor.example",
            username: "admin@greenmoor.example",
          }),
        { message: /refuses SSO through Greenmoor_SSO for admin@greenmoor\.example: not pre-authorized/ },
      );
    });
  },
);

test.serial("a SAML binding in an org that takes names: one deploy, names kept, nothing said of IDs", async (t) => {
  await withOrg("names", async (org, client) => {
    const logged = await deploySamlLogged(client);
    t.like(await samlPolicy(client), { commaSeparatedPermissionSet: permissionSet });
    t.deepEqual(logged, [
      `SamlSpBinding Greenmoor_SSO: deployed ExternalClientApplication Greenmoor_SSO (SAML policy) and IdentityProviderSettings (the org's IdP signs with Greenmoor_IdP) to ${org.url} (deploy ${[...org.deploys.keys()].at(-1)})`,
    ]);
    t.is(org.deploys.size, 1);
  });
});

test("the stand-in refuses a SAML policy in the other form: names where it takes IDs, an ID where it takes names", async (t) => {
  await withOrg("ids", async (_org, client) => {
    const error = await t.throwsAsync(client.deploy({ files: samlDeploy.files }), { instanceOf: OrgDeployError });
    t.true(
      error.failures.some((f) =>
        f.problem.endsWith(`INVALID_FIELD: We couldn't find permission sets called ${permissionSet}`),
      ),
      JSON.stringify(error.failures),
    );
  });
  await withOrg("names", async (_org, client) => {
    const id = recordIdOf("PermissionSet", permissionSet);
    const withId = Object.fromEntries(
      Object.entries(samlDeploy.files).map(([path, content]) => [
        path,
        content.replace(/<commaSeparatedPermissionSet>[^<]*</, `<commaSeparatedPermissionSet>${id}<`),
      ]),
    );
    const error = await t.throwsAsync(client.deploy({ files: withId }), { instanceOf: OrgDeployError });
    t.true(
      error.failures.some((f) => f.problem.endsWith(`INVALID_FIELD: We couldn't find permission sets called ${id}`)),
      JSON.stringify(error.failures),
    );
  });
});
