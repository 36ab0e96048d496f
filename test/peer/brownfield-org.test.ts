/**
 * The brownfield stand-in org (test/helpers/brownfield.ts) answers its seeded truth through its public APIs,
 * read by an independent client: plain fetch for the Tooling query and hand-written SOAP for the Metadata
 * API (neither jsforce nor discover), every SOAP answer judged by the Metadata API WSDL, every fingerprint
 * taken by openssl from what the org returned. It refuses two certificate names differing only in case,
 * the sandbox copy differs from production exactly as seeded, and the comparison is shown once catching an
 * org that no longer matches its truth.
 */
import crypto from "node:crypto";
import test from "ava";
import * as jose from "jose";
import { connectedAppFiles } from "../../provider/salesforce/oauth-apps";
import { XMLParser } from "fast-xml-parser";
import {
  brownfieldAuditor,
  brownfieldTruth,
  emptySeed,
  greenmoorSandboxSeed,
  greenmoorSeed,
  opensslCertificateFacts,
  opensslRequestFacts,
  startBrownfieldOrg,
  startEmptyOrg,
  type BrownfieldOrg,
  type BrownfieldTruth,
} from "../helpers/brownfield";
import { judgeWithWsdl } from "../helpers/metadata-wsdl";
import { certificateSource, sourceFormatZip } from "../helpers/stand-in-org";
import { daysAfter, epochSeconds, testInstant, testNow } from "../helpers/test-clock";

const version = "66.0";
const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: false });

type Row = Record<string, unknown>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A Metadata API client written for this test: one SOAP call, its raw answer kept for the WSDL judge. */
function soapClient(url: string, sessionId: string, answers: { body: string; expect: string }[]) {
  return async (operation: string, inner: string): Promise<Row> => {
    const response = await fetch(`${url}/services/Soap/m/${version}`, {
      method: "POST",
      headers: { "content-type": "text/xml;charset=UTF-8", soapaction: '""' },
      body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>${sessionId}</sessionId></SessionHeader></soapenv:Header><soapenv:Body><${operation}>${inner}</${operation}></soapenv:Body></soapenv:Envelope>`,
    });
    const body = await response.text();
    answers.push({ body, expect: response.status === 200 ? `${operation}Response` : "Fault" });
    const envelope = parser.parse(body) as { Envelope: { Body: Row } };
    return envelope.Envelope.Body;
  };
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** What the org answers, read without jsforce: the Tooling rows and the Metadata API records. */
async function readOrg(brownfield: BrownfieldOrg, answers: { body: string; expect: string }[]) {
  const { org } = brownfield;
  const session = org.issueSession(brownfield.deployer.username);
  const q = encodeURIComponent(
    "SELECT Id, DeveloperName, MasterLabel, ExpirationDate, KeySize, OptionsIsCaSigned, OptionsIsPrivateKeyExportable, OptionsIsUnusable, CreatedDate FROM Certificate ORDER BY CreatedDate",
  );
  const tooling = await fetch(`${org.url}/services/data/v${version}/tooling/query?q=${q}`, {
    headers: { authorization: `Bearer ${session}` },
  });
  const rows = ((await tooling.json()) as { records: Row[] }).records;
  const call = soapClient(org.url, session, answers);
  const listed = async (type: string) =>
    list(
      ((await call("listMetadata", `<queries><type>${type}</type></queries>`))["listMetadataResponse"] as Row)?.[
        "result"
      ] as Row[],
    );
  const read = async (type: string, names: string[]) =>
    list(
      (
        (
          await call(
            "readMetadata",
            `<type>${type}</type>${names.map((n) => `<fullNames>${escapeXml(n)}</fullNames>`).join("")}`,
          )
        )["readMetadataResponse"] as Row
      )["result"] as Row | Row[],
    )
      .flatMap((r: Row) => list(r["records"] as Row[]))
      // A name the org lacks answers `<records xsi:nil="true"/>`.
      .filter((r) => typeof r === "object" && r !== null && r["@_nil"] !== "true");
  const names = async (type: string) => (await listed(type)).map((p) => String(p["fullName"]));
  const certificateNames = await names("Certificate");
  return {
    rows,
    certificateNames,
    certificates: await read("Certificate", certificateNames),
    connectedApps: await read("ConnectedApp", await names("ConnectedApp")),
    globalOauth: await read("ExtlClntAppGlobalOauthSettings", await names("ExtlClntAppGlobalOauthSettings")),
    samlPolicies: await read("ExtlClntAppSamlConfigurablePolicies", await names("ExtlClntAppSamlConfigurablePolicies")),
    samlSso: await read("SamlSsoConfig", await names("SamlSsoConfig")),
    namedCredentials: await read("NamedCredential", await names("NamedCredential")),
    idp: await read("IdentityProviderSettings", ["IdentityProvider"]),
    readAbsent: await read(
      "Certificate",
      [...new Set(rows.map((r) => String(r["DeveloperName"])))].filter((n) => !certificateNames.includes(n)),
    ),
  };
}

const pem = (base64: string, kind = "CERTIFICATE") =>
  `-----BEGIN ${kind}-----\n${base64.match(/.{1,64}/g)!.join("\n")}\n-----END ${kind}-----\n`;

/** Every difference between what the org answers and the truth (empty: the org holds its seed). */
function differences(truth: BrownfieldTruth, seen: Awaited<ReturnType<typeof readOrg>>): string[] {
  const found: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      found.push(`${what}: org ${JSON.stringify(actual)}, truth ${JSON.stringify(expected)}`);
  };
  // Tooling: live rows (the newest per name) equal the truth; deleted ones are there too.
  const newest = new Map<string, Row>();
  for (const row of seen.rows) newest.set(String(row["DeveloperName"]).toLowerCase(), row);
  const liveIds = new Set(truth.certificates.map((c) => c.id));
  expect(
    "Tooling ids",
    seen.rows.map((r) => String(r["Id"])).sort(),
    [...truth.certificates.map((c) => c.id), ...truth.deletedCertificates.map((c) => c.id)].sort(),
  );
  for (const c of truth.certificates) {
    const row = newest.get(c.name.toLowerCase());
    if (!row) {
      found.push(`Tooling: no row ${c.name}`);
      continue;
    }
    expect(
      `Tooling ${c.name}`,
      {
        Id: row["Id"],
        MasterLabel: row["MasterLabel"],
        KeySize: row["KeySize"],
        CaSigned: row["OptionsIsCaSigned"],
        Exportable: row["OptionsIsPrivateKeyExportable"],
        Unusable: row["OptionsIsUnusable"],
        Expires:
          row["ExpirationDate"] === null
            ? undefined
            : new Date(String(row["ExpirationDate"]).replace("+0000", "Z")).toISOString(),
      },
      {
        Id: c.id,
        MasterLabel: c.label,
        KeySize: c.keySize,
        CaSigned: c.caSigned,
        Exportable: c.exportable,
        Unusable: c.awaitingChain,
        Expires: c.expiresAt,
      },
    );
  }
  // Metadata API: only live certificates, content fingerprinted by openssl.
  expect("listMetadata Certificate", [...seen.certificateNames].sort(), truth.certificates.map((c) => c.name).sort());
  expect("readMetadata of deleted names", seen.readAbsent.length, 0);
  for (const record of seen.certificates) {
    const name = String(record["fullName"]);
    const c = truth.certificates.find((t) => t.name === name);
    if (!c) {
      found.push(`readMetadata: ${name} is not in the truth`);
      continue;
    }
    const content = Buffer.from(String(record["content"]), "base64").toString("utf8");
    const facts = c.awaitingChain ? opensslRequestFacts(content) : opensslCertificateFacts(content);
    expect(`content of ${name}`, facts.sha256Fingerprint, c.sha256Fingerprint);
    expect(`masterLabel of ${name}`, record["masterLabel"], c.label);
    expect(`privateKeyExportable of ${name}`, record["privateKeyExportable"], String(c.exportable));
    if (!liveIds.has(c.id)) found.push(`${name}: id not live`);
  }
  // Apps' JWT certificates.
  const appPems = new Map<string, string>();
  for (const app of seen.connectedApps) {
    const oauth = app["oauthConfig"] as Row | undefined;
    if (oauth?.["certificate"]) appPems.set(String(app["fullName"]), String(oauth["certificate"]));
  }
  for (const g of seen.globalOauth) appPems.set(String(g["externalClientApplication"]), String(g["certificate"]));
  expect("apps with JWT certificates", [...appPems.keys()].sort(), truth.appCertificates.map((a) => a.app).sort());
  for (const a of truth.appCertificates) {
    const held = appPems.get(a.app);
    if (held)
      expect(`JWT certificate of ${a.app}`, opensslCertificateFacts(held), {
        sha256Fingerprint: a.sha256Fingerprint,
        subject: a.subject,
        expiresAt: a.expiresAt,
      });
  }
  // SAML: the org as SP trusts the partner certificate; its ids and names point at seeded certificates.
  expect(
    "trusted partner certificates",
    seen.samlSso.map((s) => ({
      samlSsoConfig: s["fullName"],
      issuer: s["issuer"],
      ...opensslCertificateFacts(pem(String(s["validationCert"]))),
    })),
    truth.trustedCertificates,
  );
  for (const s of seen.samlSso) {
    const signer = truth.certificates.find((c) => c.id.slice(0, 15) === String(s["requestSigningCertId"]));
    const decryption = truth.certificates.find((c) => c.name === s["decryptionCertificate"]);
    expect(
      `request signer of ${String(s["fullName"])}`,
      signer?.uses.some((u) => u.kind === "samlSsoRequestSigning"),
      true,
    );
    expect(
      `decryption certificate of ${String(s["fullName"])}`,
      decryption?.uses.some((u) => u.kind === "samlSsoDecryption"),
      true,
    );
  }
  const idp = seen.idp.find((r) => r["fullName"] !== undefined);
  expect(
    "IdP settings",
    idp && { enabled: idp["enableIdentityProvider"] === "true", certificateName: idp["certificateName"] },
    truth.identityProvider,
  );
  const samlApps = [
    ...seen.connectedApps
      .filter((a) => a["samlConfig"])
      .map((a) => {
        const s = a["samlConfig"] as Row;
        return {
          app: a["fullName"],
          spEntityId: s["entityUrl"],
          acsUrl: s["acsUrl"],
          nameIdFormat: s["samlNameIdFormat"],
          subjectType: s["samlSubjectType"],
          signingAlgorithm: s["samlSigningAlgoType"],
        };
      }),
    ...seen.samlPolicies.map((p) => ({
      app: p["externalClientApplication"],
      spEntityId: p["entityUrl"],
      acsUrl: p["acsUrl"],
      nameIdFormat: p["nameIdFormat"],
      subjectType: p["subjectType"],
      signingAlgorithm: p["signingAlgorithmType"],
    })),
  ].sort((a, b) => String(a.app).localeCompare(String(b.app)));
  expect(
    "SAML apps",
    samlApps,
    truth.samlApps
      .map(({ app, spEntityId, acsUrl, nameIdFormat, subjectType, signingAlgorithm }) => ({
        app,
        spEntityId,
        acsUrl,
        nameIdFormat,
        subjectType,
        signingAlgorithm,
      }))
      .sort((a, b) => a.app.localeCompare(b.app)),
  );
  const credentialCertificates = seen.namedCredentials
    .flatMap((n) => [
      ...(n["certificate"] ? [`${String(n["fullName"])}:${String(n["certificate"])}`] : []),
      ...list(n["namedCredentialParameters"] as Row[])
        .filter((p) => p["parameterType"] === "ClientCertificate")
        .map((p) => `${String(n["fullName"])}:${String(p["certificate"])}`),
    ])
    .sort();
  expect(
    "Named Credential client certificates",
    credentialCertificates,
    truth.certificates
      .flatMap((c) => c.uses.filter((u) => u.kind === "namedCredential").map((u) => `${u.by}:${c.name}`))
      .sort(),
  );
  return found;
}

test("the brownfield org answers its seeded truth through Tooling and the Metadata API, every SOAP answer valid by the WSDL", async (t) => {
  const brownfield = await startBrownfieldOrg({ now: testInstant });
  try {
    const { truth } = brownfield;
    // The seed is what the brief asks for.
    t.true(truth.certificates.length >= 12);
    t.true(truth.certificates.some((c) => c.keySize === 4096));
    t.true(truth.certificates.some((c) => c.awaitingChain && c.expiresAt === undefined));
    t.true(truth.certificates.some((c) => !c.exportable));
    t.true(truth.certificates.some((c) => c.expiresAt !== undefined && new Date(c.expiresAt) < testNow()));
    t.true(
      truth.certificates.some(
        (c) => c.expiresAt !== undefined && new Date(c.expiresAt) > testNow() && new Date(c.expiresAt) <= daysAfter(30),
      ),
    );
    t.true(truth.certificates.some((c) => c.uses.some((u) => u.kind === "identityProvider")));
    t.true(truth.certificates.some((c) => c.uses.some((u) => u.kind === "namedCredential")));
    t.true(
      truth.certificates.some((c) => /[|]/.test(c.label)) &&
        truth.certificates.some((c) => c.label.includes("<script>")),
    );
    t.true(
      truth.certificates.some((c) => c.label.includes("`")) && truth.certificates.some((c) => c.label.includes("-->")),
    );
    t.true(truth.deletedCertificates.length >= 1);
    t.true(truth.appCertificates.length >= 5);
    t.true(truth.appCertificates.some((a) => new Date(a.expiresAt) < testNow()));
    t.true(truth.appCertificates.some((a) => a.sharesKeyWith.length > 0 && a.appType === "ConnectedApp"));
    t.true(truth.appCertificates.some((a) => a.appType === "ExternalClientApplication"));
    t.is(truth.trustedCertificates.length, 1);
    t.true(
      truth.samlApps.some((a) => a.appType === "ConnectedApp") &&
        truth.samlApps.some((a) => a.appType === "ExternalClientApplication"),
    );
    t.deepEqual(truth.expiringWithin(30), [
      "app:Legacy_Ci",
      "app:Mulesoft_Sync",
      "certificate:Greenmoor_IdP_2021",
      "certificate:Reporting_Exp_Soon",
      "certificate:Sso_Request_Signing",
      "certificate:Unused_Expired_2022",
    ]);

    const answers: { body: string; expect: string }[] = [];
    const seen = await readOrg(brownfield, answers);
    t.deepEqual(differences(truth, seen), []);
    // Deleted certificates: in Tooling, absent from list and read (the read of their names answered nil).
    for (const deleted of truth.deletedCertificates) t.true(seen.rows.some((r) => r["Id"] === deleted.id));
    t.false(seen.certificateNames.includes("Old_Partner_Sso"));
    t.true(seen.rows.some((r) => r["DeveloperName"] === "Old_Partner_Sso"));
    const judged = judgeWithWsdl(answers.map((a) => ({ kind: "response" as const, xml: a.body, expect: a.expect })));
    for (const [i, j] of judged.entries())
      t.deepEqual(j.errors, [], `${answers[i]!.expect}: ${answers[i]!.body.slice(0, 400)}`);

    // The auditor, without View Setup and Configuration, is refused both ways.
    const auditor = brownfield.org.issueSession(brownfieldAuditor);
    const refused = await fetch(
      `${brownfield.org.url}/services/data/v${version}/tooling/query?q=${encodeURIComponent("SELECT Id FROM Certificate")}`,
      { headers: { authorization: `Bearer ${auditor}` } },
    );
    t.is(refused.status, 403);
    const faults: { body: string; expect: string }[] = [];
    await soapClient(
      brownfield.org.url,
      auditor,
      faults,
    )("listMetadata", "<queries><type>Certificate</type></queries>");
    t.is(faults[0]!.expect, "Fault");
    t.regex(faults[0]!.body, /sf:INSUFFICIENT_ACCESS/);
  } finally {
    await brownfield.org.close();
  }
});

test("negative control: the comparison catches an org that drifted from its truth (a label, a pasted certificate)", async (t) => {
  const brownfield = await startBrownfieldOrg({ now: testInstant });
  try {
    const state = brownfield.org.state;
    state.certificate("Payments_Mtls_4096")!.masterLabel = "Payments";
    const other = brownfield.truth.appCertificates.find((a) => a.app === "Backup_Service")!;
    const legacy = state.component("ConnectedApp", "Legacy_Ci")!;
    const backupPem = String(
      state.component("ExtlClntAppGlobalOauthSettings", "Backup_Service_glbloauth")!.record["certificate"],
    );
    (legacy.record["oauthConfig"] as Record<string, unknown>)["certificate"] = backupPem;
    const found = differences(brownfield.truth, await readOrg(brownfield, []));
    t.true(
      found.some((d) => d.startsWith("Tooling Payments_Mtls_4096") && d.includes('"MasterLabel":"Payments"')),
      found.join("\n"),
    );
    t.true(
      found.some((d) => d.startsWith("JWT certificate of Legacy_Ci") && d.includes(other.sha256Fingerprint)),
      found.join("\n"),
    );
  } finally {
    await brownfield.org.close();
  }
});

test("two certificate names differing only in case are refused: by the seed, and a deploy of the other case updates the one record", async (t) => {
  const seed = greenmoorSeed();
  seed.certificates.push({ ...seed.certificates[0]!, name: "GREENMOOR_IDP_2026", label: "Shadow" });
  await t.throwsAsync(startBrownfieldOrg({ now: testInstant, seed }), {
    message: /Greenmoor_IdP_2026 and GREENMOOR_IDP_2026 differ only in case/,
  });
  t.throws(() => brownfieldTruth(seed, testNow()), { message: /differ only in case/ });

  const brownfield = await startBrownfieldOrg({ now: testInstant, seed: emptySeed() });
  try {
    const conn = brownfield.admin();
    for (const name of ["Shared_Name", "SHARED_NAME"]) {
      const zip = await sourceFormatZip(certificateSource(name, { masterLabel: `Label of ${name}` }));
      const result = await conn.metadata
        .deploy(zip.toString("base64"), { singlePackage: true, rollbackOnError: true })
        .complete(true);
      t.is(result.status, "Succeeded");
    }
    const live = brownfield.org.state.certificates.filter((c) => !c.deleted);
    t.deepEqual(
      live.map((c) => [c.fullName, c.masterLabel]),
      [["Shared_Name", "Label of SHARED_NAME"]],
    );
  } finally {
    await brownfield.org.close();
  }
});

test("the sandbox copy: its own org id and URL, production's records, one certificate added and one app's certificate replaced", async (t) => {
  const productionSeed = greenmoorSeed();
  const production = await startBrownfieldOrg({ now: testInstant, seed: productionSeed });
  const sandbox = await startBrownfieldOrg({ now: testInstant, seed: greenmoorSandboxSeed(productionSeed) });
  try {
    t.not(sandbox.org.orgId, production.org.orgId);
    t.not(sandbox.org.url, production.org.url);
    t.is(sandbox.truth.kind, "sandbox");
    const fingerprints = (truth: BrownfieldTruth) =>
      new Map(truth.certificates.map((c) => [c.name, c.sha256Fingerprint]));
    const prod = fingerprints(production.truth);
    const copy = fingerprints(sandbox.truth);
    t.deepEqual(
      [...copy.keys()].filter((n) => !prod.has(n)),
      ["Sandbox_Only_Test"],
    );
    for (const [name, fingerprint] of prod) t.is(copy.get(name), fingerprint, name);
    const changedApps = sandbox.truth.appCertificates
      .filter(
        (a) => production.truth.appCertificates.find((p) => p.app === a.app)!.sha256Fingerprint !== a.sha256Fingerprint,
      )
      .map((a) => a.app);
    t.deepEqual(changedApps, ["Mulesoft_Sync"]);
    t.deepEqual(sandbox.truth.deletedCertificates, []);
    // Each org answers its own truth.
    t.deepEqual(differences(sandbox.truth, await readOrg(sandbox, [])), []);
    t.deepEqual(differences(production.truth, await readOrg(production, [])), []);
  } finally {
    await production.org.close();
    await sandbox.org.close();
  }
});

test("seeded apps take JWT logins from the start (two apps, one key); a deleted seeded Connected App cannot be created again", async (t) => {
  const brownfield = await startBrownfieldOrg({ now: testInstant });
  try {
    const login = async (app: string, consumerKey: string, username: string) => {
      const assertion = await new jose.SignJWT({
        iss: consumerKey,
        sub: username,
        aud: "https://login.salesforce.com",
        exp: epochSeconds(testNow()) + 120,
      })
        .setProtectedHeader({ alg: "RS256" })
        .sign(crypto.createPrivateKey(brownfield.appPrivateKeyPem(app)));
      const response = await fetch(`${brownfield.org.url}/services/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    const seed = brownfield.seed;
    const app = (name: string) => seed.jwtApps.find((a) => a.name === name)!;
    t.is(
      (await login("Pulumi_Deployer", app("Pulumi_Deployer").consumerKey, brownfield.deployer.username)).status,
      200,
    );
    t.is(brownfield.appPrivateKeyPem("Etl_Nightly"), brownfield.appPrivateKeyPem("Data_Loader_Jwt"));
    t.is((await login("Etl_Nightly", app("Etl_Nightly").consumerKey, "ci@greenmoor.example")).status, 200);
    t.is((await login("Data_Loader_Jwt", app("Data_Loader_Jwt").consumerKey, "ci@greenmoor.example")).status, 200);
    // Legacy_Ci's certificate expired, and still its login works: Salesforce does not enforce an app
    // certificate's expiry (salesforce.md §0), which is why discover must report it.
    t.true(brownfield.truth.appCertificates.some((c) => c.app === "Legacy_Ci" && new Date(c.expiresAt) < testNow()));
    t.is((await login("Legacy_Ci", app("Legacy_Ci").consumerKey, "ci@greenmoor.example")).status, 200);
    // A user the app does not pre-authorize is refused (the login is judged, not waved through).
    t.is((await login("Legacy_Ci", app("Legacy_Ci").consumerKey, brownfieldAuditor)).status, 400);

    const conn = brownfield.admin();
    const deleted = await conn.metadata.delete("ConnectedApp" as "Certificate", ["Data_Loader_Jwt"]);
    t.true((Array.isArray(deleted) ? deleted[0]! : deleted).success);
    const files = connectedAppFiles({
      name: "Data_Loader_Jwt",
      label: "Data Loader JWT",
      contactEmail: "platform@greenmoor.example",
      description: "again",
      consumerKey: app("Data_Loader_Jwt").consumerKey,
      scopes: ["Api"],
      permissionSets: ["Etl_Jobs"],
      profiles: [],
    });
    const again = await conn.metadata
      .deploy((await sourceFormatZip(files)).toString("base64"), { singlePackage: true, rollbackOnError: true })
      .complete(true);
    t.is(again.status, "Failed");
    t.regex(JSON.stringify(again.details), /no longer create connected apps/);
    t.is(brownfield.org.state.component("ConnectedApp", "Data_Loader_Jwt"), undefined);
  } finally {
    await brownfield.org.close();
  }
});

test("the empty org holds nothing to find but the deployer's login app", async (t) => {
  const empty = await startEmptyOrg({ now: testInstant });
  try {
    t.deepEqual(empty.truth.certificates, []);
    t.deepEqual(
      empty.truth.appCertificates.map((a) => a.app),
      ["Pulumi_Deployer"],
    );
    t.deepEqual(empty.truth.expiringWithin(30), []);
    t.deepEqual(differences(empty.truth, await readOrg(empty, [])), []);
  } finally {
    await empty.org.close();
  }
});
