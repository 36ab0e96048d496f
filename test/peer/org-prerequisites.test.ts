/**
 * The External Client App prerequisites: the stand-in org refuses, as Salesforce's docs say it does, what
 * needs a setting that is off (its texts are placeholders: none is published), and the provider's
 * metadata client refuses first, naming the Setup page and the setting, from the settings it reads, never
 * from those texts. An org that does not report a setting (the consumer-secret field is deprecated in the
 * v66 docs) or refuses the settings read is not guessed at: the call goes ahead.
 */
import test from "ava";
import * as jsforce from "jsforce";
import { orgCertificateDeploy } from "../../provider/certificate/in-org";
import { OrgApiError, OrgPrerequisiteError } from "../../provider/errors";
import { OrgMetadataClient } from "../../provider/org/metadata-client";
import { assertPrerequisites } from "../../provider/org/prerequisites";
import {
  placeholder,
  sourceFormatZip,
  startStandInOrg,
  type StandInOrg,
  type StandInPrerequisites,
} from "../helpers/stand-in-org";
import { testNow } from "../helpers/test-clock";

const version = "66.0";

async function withOrg(
  prerequisites: Partial<StandInPrerequisites>,
  use: (org: StandInOrg, conn: jsforce.Connection, client: OrgMetadataClient) => Promise<void>,
): Promise<void> {
  const org = await startStandInOrg({ now: testNow, prerequisites });
  try {
    const conn = new jsforce.Connection({ instanceUrl: org.url, accessToken: org.issueSession(), version });
    const session = {
      connection: conn,
      instanceUrl: org.url,
      orgId: org.orgId,
      userId: "",
      settings: { apiVersion: version, pollIntervalSeconds: 1, pollTimeoutSeconds: 10 },
    } as unknown as ConstructorParameters<typeof OrgMetadataClient>[0];
    await use(org, conn, new OrgMetadataClient(session, async () => undefined));
  } finally {
    await org.close();
  }
}

/** An External Client App with global OAuth settings (source format), as a hand-made deploy sends it. */
function ecaSource(name: string): Record<string, string> {
  const xml = (type: string, body: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<${type} xmlns="http://soap.sforce.com/2006/04/metadata">${body}</${type}>`;
  return {
    [`externalClientApps/${name}.eca-meta.xml`]: xml(
      "ExternalClientApplication",
      `<contactEmail>a@example.com</contactEmail><distributionState>Local</distributionState><isProtected>false</isProtected><label>${name}</label>`,
    ),
    [`extlClntAppGlobalOauthSets/${name}_glbloauth.ecaGlblOauth-meta.xml`]: xml(
      "ExtlClntAppGlobalOauthSettings",
      `<callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl><consumerKey>${name}Key0123456789</consumerKey><externalClientApplication>${name}</externalClientApplication><isConsumerSecretOptional>true</isConsumerSecretOptional><label>${name}</label>`,
    ),
  };
}

async function deploy(conn: jsforce.Connection, files: Record<string, string>) {
  return conn.metadata
    .deploy(await sourceFormatZip(files), { singlePackage: true, rollbackOnError: true })
    .complete(true);
}

const problems = (result: { details?: { componentFailures?: unknown } }) =>
  [result.details?.componentFailures ?? []].flat().map((f) => String((f as { problem: string }).problem));

test("stand-in: with the opt-in off, every External Client App component of a deploy fails; the settings read says so", async (t) => {
  await withOrg({ externalClientApps: false }, async (org, conn) => {
    const result = await deploy(conn, ecaSource("Acme_Off"));
    t.is(result.status, "Failed");
    t.true(problems(result).length >= 2);
    for (const problem of problems(result)) t.true(problem.startsWith(placeholder), "a placeholder text");
    t.deepEqual(org.state.components("ExternalClientApplication"), []);
    const settings = (await conn.metadata.read("ExternalClientAppSettings" as never, ["ExternalClientApp"])) as unknown;
    t.like([settings].flat()[0] as object, { fullName: "ExternalClientApp", enableExternalClientApps: "false" });
  });
});

test("stand-in: with consumer-secret access off, OAuth settings fail to deploy and their read faults; on, the same deploy succeeds", async (t) => {
  await withOrg({ consumerSecretsViaMetadataApi: false }, async (org, conn) => {
    const result = await deploy(conn, ecaSource("Acme_Secrets"));
    t.is(result.status, "Failed");
    t.regex(problems(result).join("\n"), /consumer secrets via Metadata API is not allowed/);
    await t.throwsAsync(conn.metadata.read("ExtlClntAppGlobalOauthSettings" as never, ["Acme_Secrets_glbloauth"]), {
      message: /^INSUFFICIENT_ACCESS: /,
    });
    org.prerequisites.consumerSecretsViaMetadataApi = true;
    t.is((await deploy(conn, ecaSource("Acme_Secrets"))).status, "Succeeded");
  });
});

test("provider: the metadata client refuses an ECA deploy and a global OAuth settings read before sending them, naming the Setup page and the setting", async (t) => {
  await withOrg({ consumerSecretsViaMetadataApi: false }, async (org, _conn, client) => {
    const deploysBefore = org.calls.filter((c) => c.operation === "deploy").length;
    const error = await t.throwsAsync(client.deploy({ files: ecaSource("Acme_Client") }), {
      instanceOf: OrgPrerequisiteError,
    });
    t.is(error?.code, "ERR_ORG_PREREQUISITE");
    t.is(error?.setting, "ExternalClientAppSettings.enableConsumerSecretApiAccess");
    t.regex(
      error?.message ?? "",
      /so it would refuse to deploy ExternalClientApplication Acme_Client\. An admin turns it on once: Setup › External Client Apps › External Client App Settings, "Allow access to OAuth consumer secrets via Metadata API"/,
    );
    t.is(org.calls.filter((c) => c.operation === "deploy").length, deploysBefore, "nothing sent");
    await t.throwsAsync(client.read("ExtlClntAppGlobalOauthSettings", ["Acme_Client_glbloauth"]), {
      instanceOf: OrgPrerequisiteError,
      message: /would refuse to read ExtlClntAppGlobalOauthSettings/,
    });
    // A Certificate needs neither setting: it deploys.
    t.true(
      (
        await client.deploy({
          files: (
            await orgCertificateDeploy(
              "Acme_Plain",
              { label: "Acme Plain", keySize: 2048, privateKeyExportable: true },
              client.session.orgId,
            )
          ).files,
        })
      ).id.startsWith("0Af"),
    );
  });
});

test("provider: a setting the org does not report, or a settings read it refuses, is not guessed at", async (t) => {
  const needs = { optIn: true, consumerSecrets: true };
  await t.notThrowsAsync(
    assertPrerequisites(async () => ({ fullName: "ExternalClientApp" }), needs, "https://x.example", "deploy"),
  );
  await t.notThrowsAsync(
    assertPrerequisites(
      async () => {
        throw new OrgApiError("INSUFFICIENT_ACCESS", "refused");
      },
      needs,
      "https://x.example",
      "deploy",
    ),
  );
  await t.throwsAsync(
    assertPrerequisites(async () => ({ enableExternalClientApps: "false" }), needs, "https://x.example", "deploy"),
    { instanceOf: OrgPrerequisiteError, message: /has not opted in to External Client Apps/ },
  );
  // Consumer-secret access off does not matter to a deploy without OAuth settings (a SAML app).
  await t.notThrowsAsync(
    assertPrerequisites(
      async () => ({ enableExternalClientApps: "true", enableConsumerSecretApiAccess: "false" }),
      { optIn: true, consumerSecrets: false },
      "https://x.example",
      "deploy",
    ),
  );
});
