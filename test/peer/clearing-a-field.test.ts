/**
 * Retiring a JWT slot clears its app's certificate the way Salesforce's pages give for clearing a value:
 * an explicitly empty element (org-mode.md §7 "Clearing a field"), not an omitted one. The stand-in models
 * both readings of an omitted field (replaced record: cleared; merged record: kept), and the apps the
 * provider builds hold no certificate after the retire under both, read back with jsforce's readMetadata.
 */
import test from "ava";
import * as jsforce from "jsforce";
import { observeJwtApps } from "../../provider/jwt-integration/in-org";
import type { JwtIntegrationState } from "../../provider/jwt-integration/lifecycle";
import { OrgMetadataClient } from "../../provider/org/metadata-client";
import type { OrgSession } from "../../provider/org/org-login";
import { connectedAppFiles, externalClientAppFiles, type OAuthAppSpec } from "../../provider/salesforce/oauth-apps";
import { opensslSelfSigned } from "../helpers/openssl-ca";
import { sourceFormatZip, startStandInOrg, type StandInOrg } from "../helpers/stand-in-org";
import { daysAfter, testNow, pinProviderClock } from "../helpers/test-clock";

pinProviderClock();

const version = "66.0";

function spec(name: string, consumerKey: string, certificatePem: string | undefined): OAuthAppSpec {
  return {
    name,
    label: name,
    contactEmail: "platform@greenmoor.example",
    description: `CI <&> "slot" '`,
    consumerKey,
    ...(certificatePem ? { certificatePem } : {}),
    scopes: ["Api", "RefreshToken"],
    permissionSets: ["CI_Deployer"],
    profiles: [],
  };
}

async function withOrg(
  omittedFields: "cleared" | "kept",
  certificatePem: string,
  use: (org: StandInOrg, admin: jsforce.Connection) => Promise<void>,
): Promise<void> {
  const org = await startStandInOrg({
    omittedFields,
    users: [
      { username: "admin@greenmoor.example", profile: "System Administrator" },
      { username: "ci@greenmoor.example", profile: "Standard User", permissionSets: ["CI_Deployer"] },
    ],
    connectedApps: [{ fullName: "Legacy_CI", consumerKey: "LegacyKey1", certificatePem, permissionSets: [] }],
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

async function deploy(conn: jsforce.Connection, files: Record<string, string>): Promise<void> {
  const result = await conn.metadata
    .deploy(await sourceFormatZip(files), { singlePackage: true, rollbackOnError: true })
    .complete(true);
  if (result.status !== "Succeeded")
    throw new Error(`deploy ${result.status}: ${JSON.stringify(result.details?.componentFailures)}`);
}

/** What the provider reads back (observeJwtApps) for slot A of an integration of `appType` on app `appName`. */
async function observed(org: StandInOrg, admin: jsforce.Connection, appType: string, appName: string) {
  const session = { connection: admin, instanceUrl: org.url, orgId: org.orgId, userId: "", settings: {} };
  const client = new OrgMetadataClient(session as unknown as OrgSession);
  const state = { apiName: "Greenmoor_CI", appType, slots: { A: { appName } } } as unknown as JwtIntegrationState;
  return (await observeJwtApps(client, state))["A"];
}

const ecaCertificate = async (conn: jsforce.Connection) =>
  (
    (await conn.metadata.read("ExtlClntAppGlobalOauthSettings" as never, "Greenmoor_CI_A_glbloauth")) as unknown as {
      certificate?: string;
    }
  ).certificate;
const connectedAppCertificate = async (conn: jsforce.Connection) =>
  ((await conn.metadata.read("ConnectedApp", "Legacy_CI")) as unknown as { oauthConfig: { certificate?: string } })
    .oauthConfig.certificate;

test("a retired slot's files carry an explicitly empty <certificate> element (ECA global OAuth settings, Connected App oauthConfig)", (t) => {
  const eca = externalClientAppFiles(spec("Greenmoor_CI_A", "KeyA", undefined));
  t.regex(
    eca["extlClntAppGlobalOauthSets/Greenmoor_CI_A_glbloauth.ecaGlblOauth-meta.xml"]!,
    /\n {4}<certificate><\/certificate>\n/,
  );
  const connected = connectedAppFiles(spec("Legacy_CI", "LegacyKey1", undefined));
  t.regex(connected["connectedApps/Legacy_CI.connectedApp-meta.xml"]!, /\n {8}<certificate><\/certificate>\n/);
});

for (const reading of ["cleared", "kept"] as const) {
  test(`omitted fields ${reading}: after the retire the org holds no certificate on either kind of app`, async (t) => {
    const { certificatePem } = opensslSelfSigned("Greenmoor CI", testNow(), daysAfter(30));
    await withOrg(reading, certificatePem, async (org, admin) => {
      await deploy(admin, externalClientAppFiles(spec("Greenmoor_CI_A", "KeyA", certificatePem)));
      t.is((await ecaCertificate(admin))?.trim(), certificatePem.trim());
      t.regex(
        String((await observed(org, admin, "ExternalClientApp", "Greenmoor_CI_A"))?.["sha256Fingerprint" as never]),
        /^[0-9A-F:]{95}$/,
      );
      t.is((await connectedAppCertificate(admin))?.trim(), certificatePem.trim());

      await deploy(admin, externalClientAppFiles(spec("Greenmoor_CI_A", "KeyA", undefined)));
      await deploy(admin, connectedAppFiles(spec("Legacy_CI", "LegacyKey1", undefined)));
      t.is(await ecaCertificate(admin), undefined);
      t.is(await connectedAppCertificate(admin), undefined);
      const none = { app: "present", sha256Fingerprint: undefined };
      t.deepEqual(await observed(org, admin, "ExternalClientApp", "Greenmoor_CI_A"), none);
      t.deepEqual(await observed(org, admin, "ConnectedApp", "Legacy_CI"), none);
    });
  });
}

test("omitted fields kept: a file that leaves <certificate> out does NOT clear it, which is why the provider writes it empty", async (t) => {
  const { certificatePem } = opensslSelfSigned("Greenmoor CI", testNow(), daysAfter(30));
  await withOrg("kept", certificatePem, async (_org, admin) => {
    await deploy(admin, externalClientAppFiles(spec("Greenmoor_CI_A", "KeyA", certificatePem)));
    const files = externalClientAppFiles(spec("Greenmoor_CI_A", "KeyA", undefined));
    const path = "extlClntAppGlobalOauthSets/Greenmoor_CI_A_glbloauth.ecaGlblOauth-meta.xml";
    await deploy(admin, { ...files, [path]: files[path]!.replace(/\n {4}<certificate><\/certificate>/, "") });
    t.is((await ecaCertificate(admin))?.trim(), certificatePem.trim());
  });
});
