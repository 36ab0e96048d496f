/**
 * Salesforce's own Metadata API WSDL (API 63.0) as a strict peer (libxml2 through lxml, see
 * test/helpers/metadata-wsdl.ts): every kind of zip org mode deploys, built by the provider's own builders
 * with hostile-but-valid values, and every SOAP response the stand-in org sends to jsforce, validate with
 * element order, enumerations and types checked. Negative controls show the judge refusing each kind of
 * mistake it is trusted to catch.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import test from "ava";
import { unzipSync, strFromU8 } from "fflate";
import * as jsforce from "jsforce";
import { orgCertificateDeploy } from "../../provider/certificate/in-org";
import { disableIdentityProvider } from "../../provider/org/idp-settings";
import type { OrgMetadataClient } from "../../provider/org/metadata-client";
import { buildDeployZip } from "../../provider/org/metadata-zip";
import { orgChainUploadFiles } from "../../provider/salesforce/certificate-metadata";
import { channelOf } from "../../provider/salesforce/file-channels";
import { identityProviderSettingsFiles } from "../../provider/salesforce/saml-apps";
import { issueCertificate } from "../../provider/certificate/lifecycle";
import { createSamlSpBinding } from "../../provider/saml-binding/lifecycle";
import { samlOrgDeploy } from "../../provider/saml-binding/in-org";
import { jwtIntegrationFixture } from "../helpers/jwt-fixtures";
import { judgeWithWsdl, type WsdlItem } from "../helpers/metadata-wsdl";
import { idpCertificateInputs, samlInputs } from "../helpers/saml-fixtures";
import { metadataZip, newId, startStandInOrg, type OrgComponent } from "../helpers/stand-in-org";
import { testNow } from "../helpers/test-clock";

const apiVersion = "63.0";
// Valid everywhere it goes, hostile where text crosses into XML: markup characters, a CDATA end, quotes,
// non-ASCII letters, an astral-plane character.
const hostileLabel = `Greenmoor <CI> & "ops" 'R&D' ]]> Ünïcødé 𝄞`;

function deployChannel(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).filter(([key, content]) => channelOf(key, content).channel === "deploy"),
  );
}

/** The files `disableIdentityProvider` deploys, taken from the call it makes. */
async function disabledIdpFiles(certificateName: string): Promise<Record<string, string>> {
  let files: Record<string, string> = {};
  const client = {
    deploy: async (request: { files: Record<string, string> }) => {
      files = request.files;
      return {};
    },
  } as unknown as OrgMetadataClient;
  await disableIdentityProvider(client, certificateName);
  return files;
}

/** Every kind of zip org mode deploys: name → zip (base64), each built as the provider builds it. */
async function deployZips(): Promise<Record<string, string>> {
  const now = testNow();
  const certificateSettings = {
    label: hostileLabel,
    keySize: 4096 as const,
    privateKeyExportable: false,
  };
  const chainHolder = issueCertificate(idpCertificateInputs({ uniqueName: "Greenmoor_Chain_1" }), now);
  const eca = jwtIntegrationFixture({
    label: hostileLabel,
    contactEmail: "ops+ci@greenmoor.example",
  });
  const connectedApp = jwtIntegrationFixture({
    appType: "ConnectedApp",
    label: hostileLabel,
  });
  const idpCertificate = issueCertificate(idpCertificateInputs(), now);
  const samlBinding = (raw: Record<string, unknown>) =>
    createSamlSpBinding(
      samlInputs(idpCertificate, {
        label: hostileLabel,
        acsUrl: "https://portal.partner.example/saml/acs?tenant=a&b=%3Cc%3E",
        singleLogoutUrl: "https://portal.partner.example/saml/slo",
        singleLogoutBinding: "HttpRedirect",
        preAuthorized: {
          permissionSets: ["Partner_Portal_Users", "Partner_Admins"],
          profiles: ["Partner Community User"],
        },
        ...raw,
      }),
      now,
    );
  const listed = new Set([idpCertificate.salesforceName]);
  const ecaSaml = samlOrgDeploy(samlBinding({}), listed);
  const connectedSaml = samlOrgDeploy(
    samlBinding({
      appType: "ConnectedApp",
      nameIdFormat: "persistent",
      subjectType: "FederationId",
    }),
    listed,
  );
  const zip = (files: Record<string, string>, deletions: { type: string; fullName: string }[] = []) =>
    buildDeployZip(files, apiVersion, deletions).base64;
  return {
    "org-generated certificate": zip(
      (await orgCertificateDeploy("Greenmoor_IdP_2026", certificateSettings, "00D5g000001XyZaEAK")).files,
    ),
    "org-generated CA-signed certificate": zip(
      (await orgCertificateDeploy("Greenmoor_Mtls_1", { ...certificateSettings, caSigned: true }, "00D5g000001XyZaEAK"))
        .files,
    ),
    "certificate with its CA-signed chain": zip(
      orgChainUploadFiles({
        uniqueName: "Greenmoor_Chain_1",
        label: hostileLabel,
        keySize: 2048,
        privateKeyExportable: true,
        content: chainHolder.certificatePem!,
      }),
    ),
    "IdP settings": zip(identityProviderSettingsFiles("Greenmoor_IdP_2026")),
    "IdP settings turned off": zip(await disabledIdpFiles("Greenmoor_IdP_2026")),
    "External Client App with OAuth (JWT)": zip(deployChannel(eca.state.salesforceFiles)),
    "Connected App with OAuth (JWT)": zip(deployChannel(connectedApp.state.salesforceFiles)),
    "External Client App with its SAML policy and IdP settings": zip(ecaSaml.files),
    "SAML Connected App and IdP settings": zip(connectedSaml.files),
    "deletions (destructiveChangesPost.xml)": zip(identityProviderSettingsFiles("Greenmoor_IdP_2027"), [
      { type: "Certificate", fullName: "Greenmoor_IdP_2026" },
      { type: "ExternalClientApplication", fullName: "Greenmoor_CI_A" },
    ]),
  };
}

/** The XML entries of a zip (a certificate's `.crt` content is PEM, not XML). */
function xmlEntries(base64: string): [string, string][] {
  return Object.entries(unzipSync(Buffer.from(base64, "base64")))
    .filter(([name]) => !name.endsWith(".crt"))
    .map(([name, data]) => [name, strFromU8(data)]);
}

test("every kind of zip org mode deploys validates against the Metadata API WSDL, file by file", async (t) => {
  const zips = await deployZips();
  const files = Object.entries(zips).flatMap(([kind, base64]) =>
    xmlEntries(base64).map(([name, xml]) => ({ kind, name, xml })),
  );
  const judged = judgeWithWsdl(files.map(({ xml }): WsdlItem => ({ kind: "metadata", xml })));
  const roots = new Set<string>();
  files.forEach(({ kind, name }, i) => {
    t.deepEqual(judged[i]!.errors, [], `${kind}: ${name}`);
    roots.add(String(judged[i]!.root));
  });
  for (const type of [
    "Package",
    "Certificate",
    "IdentityProviderSettings",
    "ExternalClientApplication",
    "ExtlClntAppGlobalOauthSettings",
    "ExtlClntAppOauthSettings",
    "ExtlClntAppOauthConfigurablePolicies",
    "ExtlClntAppConfigurablePolicies",
    "ExtlClntAppSamlConfigurablePolicies",
    "ConnectedApp",
  ])
    t.true(roots.has(type), `some deployed file is a ${type}`);
  const withHostileText = files.filter(({ xml }) => xml.includes("&lt;CI&gt; &amp; ") && xml.includes("]]&gt;"));
  t.true(withHostileText.length >= 6, "the hostile label reaches the files, escaped");
  t.true(
    xmlEntries(zips["deletions (destructiveChangesPost.xml)"]!).some(([name]) => name === "destructiveChangesPost.xml"),
  );
});

test("negative controls: two elements swapped, a bad enumeration value and a wrong type are each refused", async (t) => {
  const zips = await deployZips();
  const policy = xmlEntries(zips["External Client App with its SAML policy and IdP settings"]!).find(([name]) =>
    name.endsWith(".ecaSamlPlcy"),
  )![1];
  const settings = xmlEntries(zips["IdP settings"]!).find(([name]) => name.endsWith(".settings"))![1];
  const certificate = xmlEntries(zips["org-generated certificate"]!).find(([name]) => name.endsWith("-meta.xml"))![1];
  const swapped = settings.replace(
    /(<certificateName>.*<\/certificateName>)(\s*)(<enableIdentityProvider>.*<\/enableIdentityProvider>)/s,
    "$3$2$1",
  );
  const badEnumeration = policy.replace("<signingAlgorithmType>SHA256<", "<signingAlgorithmType>SHA512<");
  const badType = certificate.replace("<keySize>4096<", "<keySize>four thousand<");
  t.not(swapped, settings);
  t.not(badEnumeration, policy);
  t.not(badType, certificate);
  const [s, e, b, wrongRoot] = judgeWithWsdl([
    { kind: "metadata", xml: swapped },
    { kind: "metadata", xml: badEnumeration },
    { kind: "metadata", xml: badType },
    { kind: "metadata", xml: settings, expect: "Certificate" },
  ]);
  t.regex(
    s!.errors.join("\n"),
    /enableIdentityProvider': This element is not expected\. Expected is one of \( \{http:\/\/soap\.sforce\.com\/2006\/04\/metadata\}fullName, \{http:\/\/soap\.sforce\.com\/2006\/04\/metadata\}certificateName \)/,
  );
  t.regex(e!.errors.join("\n"), /signingAlgorithmType'.*'SHA512' is not an element of the set/s);
  t.regex(b!.errors.join("\n"), /keySize'.*'four thousand' is not a valid value of the atomic type 'xs:int'/s);
  t.regex(wrongRoot!.errors.join("\n"), /root element is IdentityProviderSettings, expected Certificate/);
});

/** A proxy in front of the stand-in that keeps the raw body of every SOAP response, with its status. */
async function recordingProxy(target: string): Promise<{
  url: string;
  responses: { status: number; body: string }[];
  close: () => Promise<void>;
}> {
  const responses: { status: number; body: string }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const forward = http.request(
        `${target}${request.url}`,
        { method: request.method, headers: request.headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => body.push(chunk));
          answer.on("end", () => {
            const text = Buffer.concat(body).toString("utf8");
            if (request.url?.startsWith("/services/Soap/"))
              responses.push({ status: answer.statusCode ?? 0, body: text });
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            response.end(text);
          });
        },
      );
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    responses,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Components that name or hold a certificate (salesforce.md "Who uses a certificate"), as an org holds them
 * before the test, their fields in the WSDL's order, with hostile text where the type takes free text.
 */
function certificateUsers(): OrgComponent[] {
  const at = testNow();
  const component = (type: string, fullName: string, record: OrgComponent["record"]): OrgComponent => ({
    type,
    fullName,
    id: newId("0Ab"),
    record,
    createdDate: at,
    lastModifiedDate: at,
  });
  return [
    component("SamlSsoConfig", "Partner_IdP", {
      decryptionCertificate: "Greenmoor_SP_Decrypt",
      identityLocation: "SubjectNameId",
      identityMapping: "FederationId",
      issuer: "https://idp.partner.example/saml",
      loginUrl: "https://idp.partner.example/sso",
      name: hostileLabel,
      redirectBinding: "false",
      requestSignatureMethod: "RSA-SHA256",
      requestSigningCertId: "0P1000000000001",
      samlEntityId: "https://greenmoor.my.salesforce.com",
      samlVersion: "SAML2_0",
      userProvisioning: "false",
      validationCert: "MIIBszCCAVmgAwIBAgIUfakeButWellFormedBase64ForTheSchemaOnly=",
    }),
    component("NamedCredential", "Legacy_Mtls", {
      allowMergeFieldsInBody: "false",
      allowMergeFieldsInHeader: "false",
      certificate: "Greenmoor_Mtls_1",
      endpoint: "https://api.partner.example",
      generateAuthorizationHeader: "false",
      label: hostileLabel,
      principalType: "Anonymous",
      protocol: "NoAuthentication",
    }),
    component("NamedCredential", "Partner_Api", {
      allowMergeFieldsInBody: "false",
      allowMergeFieldsInHeader: "false",
      generateAuthorizationHeader: "true",
      label: "Partner API",
      namedCredentialParameters: [
        { parameterName: "Url", parameterType: "Url", parameterValue: "https://api.partner.example" },
        { certificate: "Greenmoor_Mtls_1", parameterName: "ClientCertificate", parameterType: "ClientCertificate" },
      ],
      namedCredentialType: "SecuredEndpoint",
    }),
    component("ExternalCredential", "Partner_Jwt", {
      authenticationProtocol: "Custom",
      externalCredentialParameters: [
        {
          certificate: "Greenmoor_Jwt_Signer",
          parameterName: "SigningCertificate",
          parameterType: "SigningCertificate",
        },
      ],
      label: hostileLabel,
    }),
    component("ConnectedApp", "Partner_Portal_SSO", {
      contactEmail: "ops@greenmoor.example",
      label: hostileLabel,
      samlConfig: {
        acsUrl: "https://portal.partner.example/saml/acs?tenant=a&b=%3Cc%3E",
        certificate: "Greenmoor_IdP_2026",
        encryptionCertificate: "Greenmoor_SP_Decrypt",
        encryptionType: "AES_256",
        entityUrl: "https://portal.partner.example",
        samlNameIdFormat: "Persistent",
        samlSigningAlgoType: "SHA256",
        samlSubjectType: "FederationId",
      },
    }),
  ];
}

test("every SOAP response the stand-in org sends jsforce validates against the WSDL (and SOAP 1.1 for faults)", async (t) => {
  // The org holds the permission sets and profiles the apps pre-authorize (it refuses names it lacks).
  const org = await startStandInOrg({
    deployPolls: 2,
    existing: { components: certificateUsers() },
    users: [
      { username: "admin@stand-in.example", profile: "System Administrator" },
      { username: "ci@greenmoor.example", profile: "Partner Community User", permissionSets: ["CI_Deployer"] },
      {
        username: "partner@greenmoor.example",
        profile: "Partner Community User",
        permissionSets: ["Partner_Portal_Users", "Partner_Admins"],
      },
      { username: "auditor@greenmoor.example", profile: "Read Only", viewSetupAndConfiguration: false },
    ],
  });
  const proxy = await recordingProxy(org.url);
  try {
    const accessToken = org.issueSession();
    const conn = new jsforce.Connection({
      instanceUrl: proxy.url,
      accessToken,
      version: "66.0",
    });
    const zips = await deployZips();
    const expected: string[] = [];
    const deployAndPoll = async (base64: string) => {
      const result = await conn.metadata.deploy(base64, { singlePackage: true, rollbackOnError: true }).complete(true);
      expected.push(
        "deployResponse",
        "checkDeployStatusResponse",
        "checkDeployStatusResponse",
        "checkDeployStatusResponse",
      );
      return result;
    };
    // Pending, InProgress, then the result with details: a created certificate, settings, a new ECA.
    t.is((await deployAndPoll(zips["org-generated certificate"]!)).status, "Succeeded");
    t.is((await deployAndPoll(zips["IdP settings"]!)).status, "Succeeded");
    t.is((await deployAndPoll(zips["External Client App with OAuth (JWT)"]!)).status, "Succeeded");
    // A Connected App the org does not have fails (component failure); a zip without package.xml fails whole.
    t.is((await deployAndPoll(zips["Connected App with OAuth (JWT)"]!)).status, "Failed");
    const noManifest = await metadataZip({
      "settings/IdentityProvider.settings":
        identityProviderSettingsFiles("X")["settings/IdentityProvider.settings-meta.xml"]!,
    });
    t.is((await deployAndPoll(noManifest.toString("base64"))).status, "Failed");
    // The status without details.
    const started = await conn.metadata.deploy(zips["IdP settings"]!, {
      singlePackage: true,
      rollbackOnError: true,
    });
    for (let i = 0; i < 3; i++) await conn.metadata.checkDeployStatus(started.id, false);
    expected.push(
      "deployResponse",
      "checkDeployStatusResponse",
      "checkDeployStatusResponse",
      "checkDeployStatusResponse",
    );

    await conn.metadata.read("Certificate" as "Certificate", ["Greenmoor_IdP_2026", "Absent_Certificate"]);
    await conn.metadata.read("IdentityProviderSettings" as "Certificate", ["IdentityProvider"]);
    await conn.metadata.read("ExternalClientApplication" as "Certificate", ["Greenmoor_CI_A"]);
    await conn.metadata.read("ExtlClntAppGlobalOauthSettings" as "Certificate", ["Greenmoor_CI_A_glbloauth"]);
    await conn.metadata.read("ExtlClntAppOauthConfigurablePolicies" as "Certificate", ["Greenmoor_CI_A_oauthPlcy"]);
    expected.push(...Array(5).fill("readMetadataResponse"));
    // The users of certificates discover reads, names in another case than the org's.
    const saml = (await conn.metadata.read("SamlSsoConfig" as "Certificate", "partner_idp")) as unknown as Record<
      string,
      unknown
    >;
    t.is(saml["fullName"], "Partner_IdP");
    t.is(saml["requestSigningCertId"], "0P1000000000001");
    await conn.metadata.read("NamedCredential" as "Certificate", ["Legacy_Mtls", "Partner_Api"]);
    await conn.metadata.read("ExternalCredential" as "Certificate", ["Partner_Jwt"]);
    await conn.metadata.read("ConnectedApp" as "Certificate", ["Partner_Portal_SSO"]);
    expected.push(...Array(4).fill("readMetadataResponse"));
    await conn.metadata.list([{ type: "Certificate" }, { type: "ExternalClientApplication" }]);
    await conn.metadata.list([{ type: "ConnectedApp" }]);
    const listed = await conn.metadata.list([
      { type: "SamlSsoConfig" },
      { type: "NamedCredential" },
      { type: "ExternalCredential" },
    ]);
    t.deepEqual(
      (Array.isArray(listed) ? listed : [listed]).map((p) => `${p.type}:${p.fullName}:${p.fileName}`).sort(),
      [
        "ExternalCredential:Partner_Jwt:externalCredentials/Partner_Jwt.externalCredential",
        "NamedCredential:Legacy_Mtls:namedCredentials/Legacy_Mtls.namedCredential",
        "NamedCredential:Partner_Api:namedCredentials/Partner_Api.namedCredential",
        "SamlSsoConfig:Partner_IdP:samlssoconfigs/Partner_IdP.samlssoconfig",
      ],
    );
    expected.push("listMetadataResponse", "listMetadataResponse", "listMetadataResponse");
    await conn.metadata.delete("Certificate" as "Certificate", ["Greenmoor_IdP_2026", "Absent_Certificate"]);
    await conn.metadata.delete("ExternalClientApplication" as "Certificate", ["Greenmoor_CI_A"]);
    expected.push("deleteMetadataResponse", "deleteMetadataResponse");
    // Faults: a type newer than the URL's version, and a session the org does not know.
    const old = new jsforce.Connection({
      instanceUrl: proxy.url,
      accessToken,
      version: "60.0",
    });
    await t.throwsAsync(
      old.metadata.read("ExtlClntAppSamlConfigurablePolicies" as "Certificate", ["Partner_Portal_SSO_samlPlcy"]),
    );
    const stranger = new jsforce.Connection({
      instanceUrl: proxy.url,
      accessToken: "00Dfake!session",
      version: "66.0",
    });
    await t.throwsAsync(stranger.metadata.list([{ type: "Certificate" }]));
    // A user who cannot see Setup: the Metadata API's refusal.
    const auditor = new jsforce.Connection({
      instanceUrl: proxy.url,
      accessToken: org.issueSession("auditor@greenmoor.example"),
      version: "66.0",
    });
    const refused = await t.throwsAsync(auditor.metadata.read("NamedCredential" as "Certificate", ["Legacy_Mtls"]));
    t.regex(String(refused?.message), /use of the Metadata API requires a user with the ModifyAllData/);
    expected.push("Fault", "Fault", "Fault");

    t.deepEqual(
      proxy.responses.map((r) => r.status),
      expected.map((name) => (name === "Fault" ? 500 : 200)),
    );
    const judged = judgeWithWsdl(
      proxy.responses.map(
        (r, i): WsdlItem => ({
          kind: "response",
          xml: r.body,
          expect: expected[i]!,
        }),
      ),
    );
    for (const [i, j] of judged.entries())
      t.deepEqual(j.errors, [], `response ${i} (${expected[i]}): ${proxy.responses[i]!.body.slice(0, 2000)}`);
    t.deepEqual(
      judged.map((j) => j.root),
      expected,
    );
  } finally {
    await proxy.close();
    await org.close();
  }
});

test("negative control: a response with a misplaced element, or one the WSDL does not know, is refused", (t) => {
  const envelope = (body: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
  const listed = (first: string, second: string) =>
    envelope(
      `<listMetadataResponse><result><createdById>005000000000001AAA</createdById><createdByName>a</createdByName><createdDate>2026-12-01T09:00:00.000Z</createdDate><fileName>certs/A.crt</fileName>${first}${second}<lastModifiedById>005000000000001AAA</lastModifiedById><lastModifiedByName>a</lastModifiedByName><lastModifiedDate>2026-12-01T09:00:00.000Z</lastModifiedDate><manageableState>unmanaged</manageableState><type>Certificate</type></result></listMetadataResponse>`,
    );
  const [good, misplaced, unknown, badFault, nilElsewhere] = judgeWithWsdl([
    {
      kind: "response",
      xml: listed("<fullName>A</fullName>", "<id>0P1000000000001AAA</id>"),
    },
    {
      kind: "response",
      xml: listed("<id>0P1000000000001AAA</id>", "<fullName>A</fullName>"),
    },
    { kind: "response", xml: envelope("<describeEverythingResponse/>") },
    {
      kind: "response",
      xml: envelope("<soapenv:Fault><faultstring>x</faultstring><faultcode>sf:X</faultcode></soapenv:Fault>"),
    },
    // Only readMetadata's records may be nil (Salesforce's documented deviation); nowhere else.
    { kind: "response", xml: envelope('<listMetadataResponse><result xsi:nil="true"/></listMetadataResponse>') },
  ]);
  t.deepEqual(good!.errors, []);
  t.regex(
    misplaced!.errors.join("\n"),
    /'\{http:\/\/soap.sforce.com\/2006\/04\/metadata\}id': This element is not expected/,
  );
  t.regex(unknown!.errors.join("\n"), /describeEverythingResponse, which is not a response this judge knows/);
  t.regex(
    nilElsewhere!.errors.join("\n"),
    /'\{http:\/\/soap.sforce.com\/2006\/04\/metadata\}result': The element is not 'nillable'/,
  );
  t.regex(badFault!.errors.join("\n"), /faultstring': This element is not expected. Expected is \( faultcode \)/);
});
