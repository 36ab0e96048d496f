/**
 * The stand-in org's Metadata API judged by jsforce 3.10.26 (the client org mode uses), with zips built by
 * source-deploy-retrieve and by hand, and the certificates the org generates judged by openssl. Each test
 * names the documented behaviour it checks (shared/research/org-mode.md, salesforce.md).
 */
import crypto from "node:crypto";
import test from "ava";
import * as jsforce from "jsforce";
import { openssl, x509 } from "../helpers/openssl";
import { createOpensslCa, opensslSelfSigned } from "../helpers/openssl-ca";
import {
  certificateSource,
  certificateTemplatePem,
  identityProviderSource,
  metadataZip,
  packageXml,
  placeholder,
  sourceFormatZip,
  startStandInOrg,
  type StandInOrg,
  type StandInOrgOptions,
} from "../helpers/stand-in-org";

const version = "66.0";
const frozen = new Date("2026-11-29T11:00:52.123Z");

async function withOrg(
  options: StandInOrgOptions,
  use: (org: StandInOrg, conn: jsforce.Connection) => Promise<void>,
): Promise<void> {
  const org = await startStandInOrg({ now: () => frozen, ...options });
  try {
    await use(org, new jsforce.Connection({ instanceUrl: org.url, accessToken: org.issueSession(), version }));
  } finally {
    await org.close();
  }
}

async function deploy(conn: jsforce.Connection, zip: Buffer, options: Record<string, unknown> = {}) {
  return conn.metadata.deploy(zip, { singlePackage: true, rollbackOnError: true, ...options }).complete(true);
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const pemOf = (record: { content?: string }) => Buffer.from(String(record.content), "base64").toString("utf8");

test("deploy of a new Certificate from a template of Setup's shape: the org copies its subject onto a self-signed certificate with a new key (openssl)", async (t) => {
  await withOrg({}, async (org, conn) => {
    const template = certificateTemplatePem({
      masterLabel: "Greenmoor IdP 2026",
      keySize: 2048,
      caSigned: false,
      orgId: org.orgId,
      at: frozen,
    });
    const result = await deploy(
      conn,
      await sourceFormatZip(
        certificateSource("Greenmoor_IdP_2026", { masterLabel: "Greenmoor IdP 2026", content: template }),
      ),
    );
    t.is(result.status, "Succeeded");
    t.true(result.success);
    t.is(result.numberComponentsDeployed, 1);
    const success = asArray(result.details?.componentSuccesses).find((m) => m.componentType === "Certificate")!;
    t.like(success, {
      fullName: "Greenmoor_IdP_2026",
      fileName: "certs/Greenmoor_IdP_2026.crt",
      created: true,
      success: true,
    });
    t.regex(String(success.id), /^0P1\w{15}$/);

    const record = (await conn.metadata.read("Certificate", "Greenmoor_IdP_2026")) as unknown as Record<
      string,
      unknown
    >;
    t.like(record, {
      fullName: "Greenmoor_IdP_2026",
      caSigned: false,
      keySize: 2048,
      masterLabel: "Greenmoor IdP 2026",
      privateKeyExportable: true,
      encryptedWithPlatformEncryption: false,
    });
    const pem = pemOf(record);
    t.regex(pem, /^-----BEGIN CERTIFICATE-----\n/);
    t.false(JSON.stringify(record).includes("PRIVATE KEY"));
    const ou = org.orgId.slice(0, 15);
    const subject = `CN=SelfSignedCert_29Nov2026_110052, OU=${ou}, O=Salesforce.com, L=San Francisco, ST=CA, C=USA`;
    t.is(
      x509(pem, "-subject", "-nameopt", "RFC2253,sep_comma_plus_space").trim(),
      `subject=${subject.split(", ").reverse().join(", ")}`,
    );
    t.is(x509(pem, "-issuer", "-nameopt", "oneline").trim(), `issuer=${subject.replace(/=/g, " = ")}`);
    const key = (certificate: string) =>
      openssl(["x509", "-in", "c.pem", "-noout", "-pubkey"], { "c.pem": certificate });
    t.not(key(pem), key(template), "the org's key pair is its own, not the template's");
    const text = x509(pem, "-text");
    t.regex(text, /X509v3 Basic Constraints: critical\n\s+CA:TRUE/);
    t.regex(text, /Public-Key: \(2048 bit\)/);
    t.regex(text, /Signature Algorithm: sha256WithRSAEncryption/);
    t.is(x509(pem, "-startdate").trim(), "notBefore=Nov 29 11:00:52 2026 GMT");
    t.is(x509(pem, "-enddate").trim(), "notAfter=Nov 29 00:00:00 2027 GMT", "365 days later at 00:00:00Z");
    t.is(record["expirationDate"], "2027-11-29T00:00:00.000Z");
    // The serial starts with the creation time in milliseconds, as a real org's does.
    t.regex(
      x509(pem, "-serial").trim(),
      new RegExp(`^serial=${(frozen.getTime() - 123).toString(16).toUpperCase().padStart(12, "0")}00000000`),
    );
  });
});

test("the org copies the subject of the deployed certificate (CN, OU and string types as given), not its key or dates", async (t) => {
  await withOrg({}, async (_org, conn) => {
    const made = opensslSelfSigned(
      "Copied",
      frozen,
      new Date(frozen.getTime() + 3 * 86_400_000),
      '/CN=Partner\'s \\"cert\\" <&>/OU=Ops',
    );
    const publicKey = crypto.createPublicKey(made.privateKeyPem);
    const given = made.certificatePem;
    await deploy(conn, await sourceFormatZip(certificateSource("Copied", { content: given })));
    const pem = pemOf((await conn.metadata.read("Certificate", "Copied")) as unknown as { content: string });
    t.is(x509(pem, "-subject", "-nameopt", "RFC2253").trim(), x509(given, "-subject", "-nameopt", "RFC2253").trim());
    t.not(
      openssl(["x509", "-in", "c.pem", "-noout", "-pubkey"], { "c.pem": pem }),
      publicKey.export({ type: "spki", format: "pem" }).toString(),
    );
    t.is(
      x509(pem, "-enddate").trim(),
      "notAfter=Nov 29 00:00:00 2027 GMT",
      "the org's lifespan, not the template's 3 days",
    );
  });
});

test("an empty .crt is refused as a componentFailure (what Salesforce does with one is unpublished); so is content that is no certificate", async (t) => {
  await withOrg({}, async (_org, conn) => {
    for (const [content, problem] of [
      ["", /certs\/Blank\.crt is empty: what Salesforce does with an empty certificate file is not published/],
      ["  \n", /is empty/],
      ["<script>alert(1)</script>'; DROP TABLE", /not a PEM RSA certificate or certificate request/],
    ] as const) {
      const result = await deploy(conn, await sourceFormatZip(certificateSource("Blank", { content })));
      t.is(result.status, "Failed");
      const failure = asArray(result.details?.componentFailures).find((m) => m.componentType === "Certificate")!;
      t.true(String(failure.problem).startsWith(placeholder));
      t.regex(String(failure.problem), problem);
    }
    t.deepEqual(await conn.metadata.list({ type: "Certificate" }), []);
  });
});

test("a 4096-bit certificate lives 730 days by default; validity days are configurable", async (t) => {
  await withOrg({ validityDays: { 2048: 200 } }, async (_org, conn) => {
    await deploy(
      conn,
      await sourceFormatZip({ ...certificateSource("Big", { keySize: 4096 }), ...certificateSource("Short") }),
    );
    const [big, short] = (await conn.metadata.read("Certificate", ["Big", "Short"])) as unknown as Record<
      string,
      unknown
    >[];
    t.regex(x509(pemOf(big!), "-text"), /Public-Key: \(4096 bit\)/);
    t.is(x509(pemOf(big!), "-enddate").trim(), "notAfter=Nov 28 00:00:00 2028 GMT", "730 days (2028 is a leap year)");
    t.is(x509(pemOf(short!), "-enddate").trim(), "notAfter=Jun 17 00:00:00 2027 GMT", "200 days");
  });
});

test("a redeploy of an existing certificate makes a new key pair under the same id", async (t) => {
  await withOrg({}, async (org, conn) => {
    const zip = await sourceFormatZip(certificateSource("Renewed"));
    await deploy(conn, zip);
    const first = pemOf((await conn.metadata.read("Certificate", "Renewed")) as unknown as { content: string });
    const id = org.state.certificate("Renewed")!.id;
    const again = await deploy(conn, await sourceFormatZip(certificateSource("Renewed", { content: first })));
    t.like(
      asArray(again.details?.componentSuccesses).find((m) => m.componentType === "Certificate"),
      { created: false, changed: true },
    );
    const second = pemOf((await conn.metadata.read("Certificate", "Renewed")) as unknown as { content: string });
    const key = (pem: string) => openssl(["x509", "-in", "c.pem", "-noout", "-pubkey"], { "c.pem": pem });
    t.not(key(second), key(first));
    t.is(org.state.certificate("Renewed")!.id, id);
    t.is(org.state.certificate("Renewed")!.keyGeneration, 2);
  });
});

test("readMetadata answers nil records for absent names: jsforce gives {caSigned:false, masterLabel:''} and {}", async (t) => {
  await withOrg({}, async (_org, conn) => {
    t.deepEqual(await conn.metadata.read("Certificate", "Nope"), { caSigned: false, masterLabel: "" } as never);
    t.deepEqual(await conn.metadata.read("ExternalClientApplication" as never, "Nope"), {} as never);
    t.deepEqual(await conn.metadata.read("IdentityProviderSettings" as never, "IdentityProvider"), {} as never);
    await deploy(conn, await sourceFormatZip(certificateSource("Here")));
    const both = (await conn.metadata.read("Certificate", ["Here", "Nope"])) as unknown as Record<string, unknown>[];
    t.is(both.length, 2);
    t.is(both[0]!["fullName"], "Here");
    t.is(both[1]!["fullName"], undefined, "absence is detected with fullName");
  });
});

test("listMetadata gives FileProperties with certs/<name>.crt and 0P1 ids; an empty org gives []", async (t) => {
  await withOrg({}, async (_org, conn) => {
    t.deepEqual(await conn.metadata.list({ type: "Certificate" }), []);
    await deploy(conn, await sourceFormatZip({ ...certificateSource("A1"), ...certificateSource("B2") }));
    const listed = (await conn.metadata.list([{ type: "Certificate" }], version)).sort((a, b) =>
      a.fullName.localeCompare(b.fullName),
    );
    t.deepEqual(
      listed.map((p) => [p.type, p.fullName, p.fileName]),
      [
        ["Certificate", "A1", "certs/A1.crt"],
        ["Certificate", "B2", "certs/B2.crt"],
      ],
    );
    for (const p of listed) t.regex(p.id, /^0P1\w{15}$/);
    t.is(listed[0]!.manageableState, "unmanaged");
  });
});

test("deleteMetadata: an absent name gives INVALID_CROSS_REFERENCE_KEY; a certificate the IdP uses is refused until the IdP moves", async (t) => {
  await withOrg({}, async (org, conn) => {
    const absent = await conn.metadata.delete("Certificate", "Nope");
    t.like(absent, {
      fullName: "Nope",
      success: false,
      errors: [
        { statusCode: "INVALID_CROSS_REFERENCE_KEY", message: "In field: fullName - no Certificate named Nope found" },
      ],
    } as never);
    await deploy(
      conn,
      await sourceFormatZip({
        ...certificateSource("Old"),
        ...certificateSource("New"),
        ...identityProviderSource("Old"),
      }),
    );
    t.deepEqual(org.state.identityProvider, { certificateName: "Old", enableIdentityProvider: true });
    const refused = (await conn.metadata.delete("Certificate", ["Old"])) as unknown as Record<string, unknown>[];
    t.is(refused.length, 1);
    t.like(refused[0], {
      fullName: "Old",
      success: false,
      errors: [{ statusCode: "FIELD_INTEGRITY_EXCEPTION" }],
    } as never);
    t.true(String((refused[0]!["errors"] as Record<string, string>[])[0]!["message"]).startsWith(placeholder));
    t.truthy(org.state.certificate("Old"));

    await deploy(conn, await sourceFormatZip(identityProviderSource("New")));
    t.like(await conn.metadata.delete("Certificate", "Old"), { fullName: "Old", success: true } as never);
    t.deepEqual(await conn.metadata.read("Certificate", "Old"), { caSigned: false, masterLabel: "" } as never);
    t.true(
      org.state.certificates.find((c) => c.fullName === "Old")!.deleted,
      "kept as deleted (Tooling still returns it)",
    );
    const idp = (await conn.metadata.read(
      "IdentityProviderSettings" as never,
      "IdentityProvider",
    )) as unknown as Record<string, unknown>;
    t.deepEqual(
      idp,
      { fullName: "IdentityProvider", certificateName: "New", enableIdentityProvider: "true" },
      "untyped: strings",
    );
  });
});

test("SOAP faults: a bad session gives HttpApiError sf:INVALID_SESSION_ID; a type newer than the URL's version gives sf:INVALID_TYPE", async (t) => {
  await withOrg({}, async (org) => {
    const stranger = new jsforce.Connection({
      instanceUrl: org.url,
      accessToken: `${org.orgId.slice(0, 15)}!AQnotissued`,
      version,
    });
    await t.throwsAsync(stranger.metadata.read("Certificate", "X"), {
      name: "sf:INVALID_SESSION_ID",
      message: "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session",
    });
    const old = new jsforce.Connection({ instanceUrl: org.url, accessToken: org.issueSession(), version: "58.0" });
    await t.throwsAsync(old.metadata.read("ExternalClientApplication" as never, "X"), {
      name: "sf:INVALID_TYPE",
      message: "INVALID_TYPE: Cannot use: ExternalClientApplication in this version",
    });
    await t.throwsAsync(old.metadata.list({ type: "ExtlClntAppGlobalOauthSettings" as never }), {
      name: "sf:INVALID_TYPE",
    });
    await t.notThrowsAsync(old.metadata.read("Certificate", "X"));
    t.deepEqual(
      org.calls.filter((c) => c.operation).map((c) => [c.operation, c.status]),
      [
        ["readMetadata", 500],
        ["readMetadata", 500],
        ["listMetadata", 500],
        ["readMetadata", 200],
      ],
    );
  });
});

const badEca = {
  "externalClientApps/Bad.eca-meta.xml": `<?xml version="1.0" encoding="UTF-8"?><ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata"><contactEmail>a@b.example</contactEmail><distributionState>Local</distributionState><label>Bad</label></ExternalClientApplication>`,
  "extlClntAppGlobalOauthSets/Bad_glbloauth.ecaGlblOauth-meta.xml": `<?xml version="1.0" encoding="UTF-8"?><ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata"><callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl><certificate>not a certificate</certificate><consumerKey>BadKey123</consumerKey><externalClientApplication>Bad</externalClientApplication><label>Bad</label></ExtlClntAppGlobalOauthSettings>`,
};

test("rollbackOnError=true with one bad component: Failed, the failure names file and problem, nothing persisted", async (t) => {
  await withOrg({}, async (org, conn) => {
    const zip = await sourceFormatZip({ ...certificateSource("Good"), ...badEca, ...identityProviderSource("Absent") });
    const result = await deploy(conn, zip, { rollbackOnError: true });
    t.is(result.status, "Failed");
    t.false(result.success);
    t.is(result.numberComponentErrors, 2);
    t.is(result.numberComponentsDeployed, 0);
    const failures = asArray(result.details?.componentFailures).map((f) => [
      f.componentType,
      f.fileName,
      f.problemType,
      f.problem,
    ]);
    t.deepEqual(failures, [
      [
        "ExtlClntAppGlobalOauthSettings",
        "extlClntAppGlobalOauthSets/Bad_glbloauth.ecaGlblOauth",
        "Error",
        `${placeholder}certificate: not a valid PEM-encoded X.509 certificate`,
      ],
      [
        "Settings",
        "settings/IdentityProvider.settings",
        "Error",
        `${placeholder}In field: certificateName - no Certificate named Absent found`,
      ],
    ]);
    t.deepEqual(asArray(result.details?.componentSuccesses), []);
    t.deepEqual(await conn.metadata.list({ type: "Certificate" }), []);
    t.deepEqual(await conn.metadata.read("ExternalClientApplication" as never, "Bad"), {} as never);
    t.is(org.state.certificates.length, 0);
  });
});

test("rollbackOnError=false: what can deploy deploys (SucceededPartial); checkOnly=true persists nothing", async (t) => {
  await withOrg({}, async (org, conn) => {
    const checked = await deploy(conn, await sourceFormatZip(certificateSource("Checked")), { checkOnly: true });
    t.is(checked.status, "Succeeded");
    t.true(checked.checkOnly);
    t.is(org.state.certificates.length, 0);
    const partial = await deploy(conn, await sourceFormatZip({ ...certificateSource("Good"), ...badEca }), {
      rollbackOnError: false,
    });
    t.is(partial.status, "SucceededPartial");
    t.is(partial.numberComponentErrors, 1);
    t.is(partial.numberComponentsDeployed, 2, "the certificate and the parent ECA");
    t.is(((await conn.metadata.read("Certificate", "Good")) as unknown as { fullName: string }).fullName, "Good");
    t.deepEqual(await conn.metadata.read("ExtlClntAppGlobalOauthSettings" as never, "Bad_glbloauth"), {} as never);
  });
});

test("checkOnly=true on an org that holds components: a passing validation and a failing one both report checkOnly and change nothing", async (t) => {
  await withOrg(
    {
      certificates: [{ fullName: "Held" }],
      identityProvider: { certificateName: "Held", enableIdentityProvider: true },
    },
    async (org, conn) => {
      const snapshot = () =>
        JSON.stringify({
          certificates: org.state.certificates.map((c) => [
            c.id,
            c.fullName,
            c.contentPem,
            c.keyGeneration,
            c.keyId,
            c.deleted,
            c.lastModifiedDate,
          ]),
          components: [...org.state.componentRecords.values()].map((c) => [
            c.type,
            c.fullName,
            c.id,
            c.record,
            c.lastModifiedDate,
          ]),
        });
      const before = snapshot();
      // A redeploy of a held certificate makes a new key pair, and the IdP off: both would change the org.
      const passed = await deploy(
        conn,
        await sourceFormatZip({ ...certificateSource("Held"), ...identityProviderSource("Held", false) }),
        { checkOnly: true },
      );
      t.is(passed.status, "Succeeded");
      t.true(passed.checkOnly);
      t.true(passed.success);
      t.deepEqual(
        asArray(passed.details?.componentSuccesses)
          .filter((s) => s.componentType !== "")
          .map((s) => [s.componentType, s.fullName]),
        [
          ["Certificate", "Held"],
          ["Settings", "IdentityProvider"],
        ],
      );
      t.is(snapshot(), before, "a passed validation persists nothing");
      const failed = await deploy(conn, await sourceFormatZip({ ...certificateSource("New"), ...badEca }), {
        checkOnly: true,
      });
      t.is(failed.status, "Failed");
      t.true(failed.checkOnly);
      t.deepEqual(
        asArray(failed.details?.componentFailures).map((f) => [f.componentType, f.fullName]),
        [["ExtlClntAppGlobalOauthSettings", "Bad_glbloauth"]],
      );
      t.is(snapshot(), before, "a failed validation persists nothing");
      t.deepEqual(await conn.metadata.list({ type: "Certificate" }).then((l) => asArray(l).map((c) => c.fullName)), [
        "Held",
      ]);
    },
  );
});

test("ConnectedApp: creating a new one is refused with the configured message; a seeded one can be updated", async (t) => {
  const message = "Connected app creation is blocked in this org";
  await withOrg(
    {
      connectedAppCreationBlockedMessage: message,
      connectedApps: [{ fullName: "Legacy_CI", consumerKey: "LegacyKey1" }],
    },
    async (_org, conn) => {
      const app = (name: string, label: string) => ({
        [`connectedApps/${name}.connectedApp-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?><ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata"><contactEmail>a@b.example</contactEmail><label>${label}</label><oauthConfig><callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl><consumerKey>${name}Key1</consumerKey><isAdminApproved>true</isAdminApproved><scopes>Api</scopes></oauthConfig><permissionSetName>CI_Deployer</permissionSetName></ConnectedApp>`,
      });
      const created = await deploy(conn, await sourceFormatZip(app("Fresh", "Fresh")));
      t.is(created.status, "Failed");
      t.like(asArray(created.details?.componentFailures)[0], {
        componentType: "ConnectedApp",
        fullName: "Fresh",
        fileName: "connectedApps/Fresh.connectedApp",
        problem: message,
      });
      const keyChange = await deploy(conn, await sourceFormatZip(app("Legacy_CI", "Legacy CI")));
      t.is(keyChange.status, "Failed", "the consumer key is settable at create only");
      const sameKey = {
        "connectedApps/Legacy_CI.connectedApp-meta.xml": app("Legacy_CI", "Legacy CI 2")[
          "connectedApps/Legacy_CI.connectedApp-meta.xml"
        ]!.replace("Legacy_CIKey1", "LegacyKey1"),
      };
      const updated = await deploy(conn, await sourceFormatZip(sameKey));
      t.is(updated.status, "Succeeded");
      const read = (await conn.metadata.read("ConnectedApp", "Legacy_CI")) as unknown as Record<string, unknown>;
      t.is(read["label"], "Legacy CI 2");
      t.deepEqual(read["permissionSetName"], ["CI_Deployer"]);
    },
  );
});

test("hand-built zips: package.xml at the root with singlePackage, a top folder without it (fileName keeps the folder), a top folder with it fails", async (t) => {
  await withOrg({}, async (_org, conn) => {
    const files = {
      "package.xml": packageXml(["Certificate:Hand1"]),
      "certs/Hand1.crt": certificateSource("Hand1")["certs/Hand1.crt"]!,
      "certs/Hand1.crt-meta.xml": certificateSource("Hand1")["certs/Hand1.crt-meta.xml"]!,
    };
    const root = await deploy(conn, await metadataZip(files), { singlePackage: true });
    t.is(root.status, "Succeeded");
    const folder = await deploy(conn, await metadataZip(files, "unpackaged"), { singlePackage: false });
    t.is(folder.status, "Succeeded");
    t.deepEqual(
      asArray(folder.details?.componentSuccesses).map((m) => m.fileName),
      ["unpackaged/package.xml", "unpackaged/certs/Hand1.crt"],
    );
    const wrong = await deploy(conn, await metadataZip(files, "unpackaged"), { singlePackage: true });
    t.is(wrong.status, "Failed");
    t.is(wrong.numberComponentErrors, 0);
    t.like(asArray(wrong.details?.componentFailures)[0], {
      fileName: "package.xml",
      problem: "No package.xml found",
      problemType: "Error",
    });
    const missing = await deploy(
      conn,
      await metadataZip({ ...files, "package.xml": packageXml(["Certificate:Hand1", "Certificate:Ghost"]) }),
    );
    t.is(missing.status, "Failed");
    t.is(
      asArray(missing.details?.componentFailures)[0]!.problem,
      "An object 'Ghost' of type Certificate was named in package.xml, but was not found in zipped directory",
    );
  });
});

test("CA-signed certificate: the content is a CSR until a signed chain for its key is uploaded by a redeploy", async (t) => {
  const ca = createOpensslCa(frozen);
  try {
    await withOrg({}, async (org, conn) => {
      await deploy(
        conn,
        await sourceFormatZip(certificateSource("Partner_Mtls", { caSigned: true, orgId: org.orgId })),
      );
      const pending = (await conn.metadata.read("Certificate", "Partner_Mtls")) as unknown as Record<string, unknown>;
      t.true(pending["caSigned"]);
      t.is(pending["expirationDate"], undefined);
      const csr = pemOf(pending);
      t.regex(csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
      t.regex(
        openssl(["req", "-in", "r.pem", "-noout", "-verify", "-subject"], { "r.pem": csr }, true),
        new RegExp(
          `^subject=CN = Partner_Mtls, OU = ${org.orgId.slice(0, 15)}, O = Salesforce.com, L = San Francisco, ST = CA, C = USA\\n[\\s\\S]*verify OK`,
        ),
      );
      const leaf = ca.sign(csr, 90);
      const chain = `${leaf.trim()}\n${ca.intermediatePem.trim()}\n`;
      const foreign = ca.sign(
        openssl(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-subj", "/CN=other"]),
        90,
      );
      const refused = await deploy(
        conn,
        await sourceFormatZip(certificateSource("Partner_Mtls", { caSigned: true, content: foreign })),
      );
      t.is(refused.status, "Failed");
      const uploaded = await deploy(
        conn,
        await sourceFormatZip(certificateSource("Partner_Mtls", { caSigned: true, content: chain })),
      );
      t.is(uploaded.status, "Succeeded");
      const signed = (await conn.metadata.read("Certificate", "Partner_Mtls")) as unknown as Record<string, unknown>;
      t.is(pemOf(signed), chain);
      t.is(signed["expirationDate"], new Date(new crypto.X509Certificate(leaf).validTo).toISOString());
      t.false(org.state.certificate("Partner_Mtls")!.awaitingChain);
    });
  } finally {
    ca.dispose();
  }
});

test("checkDeployStatus answers Pending, then InProgress, for the configured polls; a slow deploy times jsforce's polling out, persists nothing meanwhile, and lands once the org's clock passes its duration", async (t) => {
  let clock = frozen;
  await withOrg({ deployPolls: 2, now: () => clock }, async (org, conn) => {
    const { id } = await conn.metadata.deploy(await sourceFormatZip(certificateSource("Slow")), {
      singlePackage: true,
    });
    t.regex(id, /^0Af\w{15}$/);
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await conn.metadata.checkDeployStatus(id, true)) as unknown as Record<string, unknown>);
    t.deepEqual(
      statuses.map((s) => [s["status"], s["done"]]),
      [
        ["Pending", false],
        ["InProgress", false],
        ["Succeeded", true],
      ],
    );
    t.deepEqual(
      statuses[0]!["details"],
      { componentFailures: [], componentSuccesses: [] },
      "no details while polling (jsforce casts the absent element so)",
    );
    t.is(asArray((statuses[2]!["details"] as { componentSuccesses: unknown }).componentSuccesses).length, 2);
    org.faults.deploysTakeSeconds = 600;
    conn.metadata.pollInterval = 50;
    conn.metadata.pollTimeout = 400;
    const locator = conn.metadata.deploy(await sourceFormatZip(certificateSource("Slow")), { singlePackage: true });
    // jsforce 3.10.26 emits 'error' before rejecting: without a listener the emit throws and complete() never settles.
    locator.on("error", () => undefined);
    await t.throwsAsync(locator.complete(true), { message: /^Polling time out/ });
    const slowId = [...org.deploys.keys()].at(-1)!;
    t.is(org.state.certificate("Slow")?.deleted, false, "the first deploy's certificate, not the slow one's");
    const firstKey = org.state.certificate("Slow")?.keyId;
    clock = new Date(frozen.getTime() + 599_000);
    t.deepEqual(org.landDueDeploys(), [], "not yet: one second before its duration ends");
    clock = new Date(frozen.getTime() + 600_000);
    const late = (await conn.metadata.checkDeployStatus(slowId, true)) as unknown as Record<string, unknown>;
    t.deepEqual([late["status"], late["done"]], ["Succeeded", true], "landed without anyone polling in between");
    t.is(late["completedDate"], clock.toISOString(), "completed when it landed, on the org's clock");
    t.not(
      org.state.certificate("Slow")?.keyId,
      firstKey,
      "the late deploy applied (a redeployed name gets a new key pair)",
    );
  });
});

test("injected component failures fail that component in every deploy while set", async (t) => {
  await withOrg({}, async (org, conn) => {
    org.faults.failingComponents.set("Certificate:Flaky", "Injected failure");
    const result = await deploy(conn, await sourceFormatZip(certificateSource("Flaky")));
    t.is(result.status, "Failed");
    t.like(asArray(result.details?.componentFailures)[0], {
      fullName: "Flaky",
      fileName: "certs/Flaky.crt",
      problem: "Injected failure",
    });
    org.faults.failingComponents.clear();
    t.is((await deploy(conn, await sourceFormatZip(certificateSource("Flaky")))).status, "Succeeded");
  });
});

test("two deploys that overlap in time both land, each applied to the org as it is then (Salesforce queues them)", async (t) => {
  await withOrg({}, async (org, conn) => {
    const zips = await Promise.all([
      sourceFormatZip(certificateSource("Overlap_One")),
      sourceFormatZip(certificateSource("Overlap_Two")),
    ]);
    const results = await Promise.all(zips.map((zip) => deploy(conn, zip)));
    t.deepEqual(
      results.map((r) => r.status),
      ["Succeeded", "Succeeded"],
    );
    t.truthy(org.state.certificate("Overlap_One"), "the first deploy persisted");
    t.truthy(org.state.certificate("Overlap_Two"), "the second deploy persisted");
  });
});
