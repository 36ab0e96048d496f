/**
 * The stand-in org's fidelity rules, judged through jsforce 3.10.26 (the client org mode uses): names
 * ignore case (org-state.ts cites the sources); API versions are checked inside deploys (deploy.ts). Each
 * test names the behaviour it checks.
 */
import test from "ava";
import * as jsforce from "jsforce";
import {
  certificateSource,
  sourceFormatZip,
  startStandInOrg,
  type StandInOrg,
  type StandInOrgOptions,
} from "../helpers/stand-in-org";
import { testNow } from "../helpers/test-clock";

const version = "66.0";

async function withOrg(
  options: StandInOrgOptions,
  use: (org: StandInOrg, conn: jsforce.Connection) => Promise<void>,
): Promise<void> {
  const org = await startStandInOrg({ now: testNow, ...options });
  try {
    await use(
      org,
      new jsforce.Connection({
        instanceUrl: org.url,
        accessToken: org.issueSession(),
        version,
      }),
    );
  } finally {
    await org.close();
  }
}

const deploy = (conn: jsforce.Connection, zip: Buffer, options: Record<string, unknown> = {}) =>
  conn.metadata.deploy(zip, { singlePackage: true, rollbackOnError: true, ...options }).complete(true);

const eca = (name: string, label: string) => ({
  [`externalClientApps/${name}.eca-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?><ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata"><contactEmail>a@b.example</contactEmail><distributionState>Local</distributionState><label>${label}</label></ExternalClientApplication>`,
});

test("names ignore case: a deploy of ACME_IDP updates acme_idp (new key, stored spelling kept); reads, lists, Tooling and deletes fold case", async (t) => {
  await withOrg({ certificates: [{ fullName: "acme_idp" }] }, async (org, conn) => {
    const first = org.state.certificate("acme_idp")!;
    const result = await deploy(conn, await sourceFormatZip(certificateSource("ACME_IDP")));
    t.is(result.status, "Succeeded");
    t.is(org.state.certificates.length, 1, "two names differing only in case never coexist");
    t.like(org.state.certificate("Acme_IdP"), {
      id: first.id,
      fullName: "acme_idp",
      keyGeneration: 2,
    });

    const record = (await conn.metadata.read("Certificate", "ACME_IDP")) as unknown as { fullName: string };
    t.is(record.fullName, "acme_idp", "readMetadata answers in the stored spelling");
    t.deepEqual(
      asArray(await conn.metadata.list({ type: "Certificate" })).map((p) => p.fullName),
      ["acme_idp"],
    );
    const rows = await conn.tooling.query<{ DeveloperName: string }>(
      "SELECT DeveloperName FROM Certificate WHERE DeveloperName = 'Acme_IDP'",
    );
    t.deepEqual(
      rows.records.map((r) => r.DeveloperName),
      ["acme_idp"],
    );

    await deploy(conn, await sourceFormatZip(eca("Acme_App", "First")));
    await deploy(conn, await sourceFormatZip(eca("ACME_APP", "Second")));
    t.deepEqual(
      org.state.components("ExternalClientApplication").map((c) => [c.fullName, c.record["label"]]),
      [["Acme_App", "Second"]],
    );
    const deleted = (await conn.metadata.delete("ExternalClientApplication" as never, "acme_app")) as unknown as {
      success: boolean;
    };
    t.true(deleted.success);
    t.deepEqual(org.state.components("ExternalClientApplication"), []);
    // A name that matches nothing in any case is still absent.
    const absent = (await conn.metadata.delete("Certificate", "acme_idp_g2")) as unknown as { success: boolean };
    t.false(absent.success);
  });
});

const samlPolicy = (app: string) => ({
  [`extlClntAppSamlConfigurablePolicies/${app}_samlPlcy.ecaSamlPlcy-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?><ExtlClntAppSamlConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata"><externalClientApplication>${app}</externalClientApplication><label>${app}</label></ExtlClntAppSamlConfigurablePolicies>`,
});

test("API versions inside a deploy: a type newer than package.xml's version fails the package on package.xml; a newer field fails its component", async (t) => {
  await withOrg({}, async (org, conn) => {
    const files = { ...eca("Sso", "Sso"), ...samlPolicy("Sso") };
    const old = await deploy(conn, await sourceFormatZip(files, "62.0"));
    t.is(old.status, "Failed");
    t.is(old.numberComponentErrors, 0);
    t.is(old.errorMessage, "Unknown type name 'ExtlClntAppSamlConfigurablePolicies' specified in package.xml");
    t.like(asArray(old.details?.componentFailures)[0], { fileName: "package.xml", componentType: "" });
    t.deepEqual(org.state.components("ExternalClientApplication"), [], "nothing of the package deployed");
    // Not even with rollbackOnError=false: the package cannot be read at that version.
    const partial = await deploy(conn, await sourceFormatZip(files, "62.0"), {
      rollbackOnError: false,
    });
    t.is(partial.status, "Failed");
    t.deepEqual(org.state.components("ExternalClientApplication"), []);

    const current = await deploy(conn, await sourceFormatZip(files, "63.0"));
    t.is(current.status, "Succeeded");
    t.is(org.state.components("ExtlClntAppSamlConfigurablePolicies").length, 1);

    const oauth = {
      ...eca("Jwt", "Jwt"),
      "extlClntAppGlobalOauthSets/Jwt_glbloauth.ecaGlblOauth-meta.xml": `<?xml version="1.0" encoding="UTF-8"?><ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata"><callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl><certificate>irrelevant at this version</certificate><consumerKey>JwtKey123</consumerKey><externalClientApplication>Jwt</externalClientApplication><label>Jwt</label></ExtlClntAppGlobalOauthSettings>`,
    };
    const field = await deploy(conn, await sourceFormatZip(oauth, "59.0"));
    t.is(field.status, "Failed");
    t.like(
      asArray(field.details?.componentFailures).find((f) => f.componentType === "ExtlClntAppGlobalOauthSettings"),
      {
        problem: "Property 'certificate' not valid in version 59.0",
        fileName: "extlClntAppGlobalOauthSets/Jwt_glbloauth.ecaGlblOauth",
      },
    );
  });
});

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

const readEnvelope = (session: string, name: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><SessionHeader xmlns="http://soap.sforce.com/2006/04/metadata"><sessionId>${session}</sessionId></SessionHeader></soapenv:Header><soapenv:Body><readMetadata xmlns="http://soap.sforce.com/2006/04/metadata"><type>Certificate</type><fullNames>${name}</fullNames></readMetadata></soapenv:Body></soapenv:Envelope>`;

test("transport: the metadata URL with the org id (15 or 18 characters) or a further path answers as the bare one; no SOAPAction is needed", async (t) => {
  await withOrg({ certificates: [{ fullName: "Acme_IdP" }] }, async (org) => {
    const session = org.issueSession();
    for (const tail of ["", `/${org.orgId.slice(0, 15)}`, `/${org.orgId}`, "/deployRequest"]) {
      const response = await fetch(`${org.url}/services/Soap/m/66.0${tail}`, {
        method: "POST",
        headers: { "content-type": "text/xml; charset=utf-8" },
        body: readEnvelope(session, "Acme_IdP"),
      });
      t.is(response.status, 200, `…/m/66.0${tail}`);
      t.regex(
        await response.text(),
        /<readMetadataResponse><result><records xsi:type="Certificate"><fullName>Acme_IdP<\/fullName>/,
      );
    }
    // The session is still checked on every form: a bad one is a fault, not an answer.
    const stranger = await fetch(`${org.url}/services/Soap/m/66.0/${org.orgId}`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: readEnvelope(`${org.orgId.slice(0, 15)}!AQnotissued`, "Acme_IdP"),
    });
    t.is(stranger.status, 500);
    t.regex(await stranger.text(), /<faultcode>sf:INVALID_SESSION_ID<\/faultcode>/);
    const elsewhere = await fetch(`${org.url}/services/Soap/x/66.0`, {
      method: "POST",
      body: readEnvelope(session, "Acme_IdP"),
    });
    t.is(elsewhere.status, 404);
  });
});

test("caBrowserCaps: org-made certificates live at most 200 days from 2026-03-15 and 100 from 2027-03-15, on the org's clock", async (t) => {
  const expiry = async (at: string, options: StandInOrgOptions, keySize: 2048 | 4096 = 2048) => {
    const org = await startStandInOrg({
      now: () => new Date(at),
      certificates: [{ fullName: "C", keySize }],
      ...options,
    });
    try {
      return org.state.certificate("C")!.expirationDate!.toISOString();
    } finally {
      await org.close();
    }
  };
  t.is(await expiry("2026-03-14T12:00:00Z", { caBrowserCaps: true }), "2027-03-14T00:00:00.000Z", "before: a year");
  t.is(await expiry("2026-03-15T00:00:00Z", { caBrowserCaps: true }), "2026-10-01T00:00:00.000Z", "200 days");
  t.is(await expiry("2026-03-15T00:00:00Z", { caBrowserCaps: true }, 4096), "2026-10-01T00:00:00.000Z");
  t.is(await expiry("2027-03-15T08:00:00Z", { caBrowserCaps: true }), "2027-06-23T00:00:00.000Z", "100 days");
  t.is(
    await expiry("2027-03-15T08:00:00Z", { caBrowserCaps: true, validityDays: { 2048: 30 } }),
    "2027-04-14T00:00:00.000Z",
  );
  t.is(await expiry("2027-03-15T08:00:00Z", {}), "2028-03-14T00:00:00.000Z", "off by default");
});
