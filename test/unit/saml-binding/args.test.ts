/**
 * SamlSpBinding's check(): defaults, and one failure per broken rule naming the field.
 */
import test from "ava";
import { samlSpBindingProvider } from "../../../provider";
import { samlApiVersionIssue } from "../../../provider/saml-binding/args";
import { goodSamlArguments } from "../../helpers/check-arguments";

const good = goodSamlArguments;
const check = (news: Record<string, unknown>) => samlSpBindingProvider.check!({} as never, news as never);

test("check fills in defaults", async (t) => {
  const { inputs } = await check(good);
  t.like(inputs as unknown as Record<string, unknown>, {
    nameIdFormat: "unspecified",
    subjectType: "Username",
    signingAlgorithm: "SHA256",
    appType: "ExternalClientApp",
    publishDays: 7,
    overlapDays: 7,
    holdPhase: false,
    preAuthorized: { permissionSets: [], profiles: [] },
  });
  const slo = await check({ ...good, singleLogoutUrl: "https://portal.partner.example/saml/slo" });
  t.is((slo.inputs as unknown as Record<string, unknown>)["singleLogoutBinding"], "HttpPost");
});

const cases: [string, Record<string, unknown>, { property: string; reason: string }][] = [
  [
    "an http ACS URL",
    { acsUrl: "http://portal.partner.example/saml/acs" },
    { property: "acsUrl", reason: 'must be an absolute https URL (got "http://portal.partner.example/saml/acs")' },
  ],
  [
    "a relative entity ID",
    { spEntityId: "/saml/metadata" },
    {
      property: "spEntityId",
      reason:
        'must be an absolute URI (a URL such as https://sp.example.com/saml or a URN), at most 1024 characters (got "/saml/metadata")',
    },
  ],
  [
    "an unknown NameID format",
    { nameIdFormat: "email" },
    {
      property: "nameIdFormat",
      reason: 'must be one of unspecified, emailAddress, persistent, transient (got "email")',
    },
  ],
  [
    "a custom subject without an attribute name",
    { subjectType: "CustomAttribute" },
    {
      property: "subjectCustomAttribute",
      reason: "is required when subjectType is CustomAttribute: name the user field the subject comes from",
    },
  ],
  [
    "SHA-1 without acknowledgement",
    { signingAlgorithm: "SHA1" },
    {
      property: "signingAlgorithm",
      reason:
        "SHA1 is weak: Salesforce recommends SHA256; set acknowledgeSha1: true only if the partner cannot verify SHA-256 signatures",
    },
  ],
  [
    "a My Domain URL with a path",
    { myDomainUrl: "https://greenmoor.my.salesforce.com/home" },
    {
      property: "myDomainUrl",
      reason:
        "must be the org's My Domain URL alone, such as https://greenmoor.my.salesforce.com (got \"https://greenmoor.my.salesforce.com/…)",
    },
  ],
  [
    "a plain http My Domain URL off the loopback",
    { myDomainUrl: "http://greenmoor.my.salesforce.com" },
    {
      property: "myDomainUrl",
      reason:
        'must be an absolute https URL (plain http only for a loopback stand-in) (got "http://greenmoor.my.salesforce.com")',
    },
  ],
  [
    "an SP signing certificate that does not parse",
    { spSigningCertificatePem: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----" },
    {
      property: "spSigningCertificatePem",
      reason: "must be a PEM certificate (-----BEGIN CERTIFICATE-----) that parses",
    },
  ],
  [
    "an unknown encryption type",
    { encryption: { certificateName: "Partner_Encryption", type: "DES" } },
    { property: "encryption.type", reason: 'must be one of AES_128, AES_256 (got "DES")' },
  ],
  [
    "an IdP certificate awaiting its chain",
    { certificateSha256Fingerprint: undefined },
    {
      property: "idpCertificate",
      reason:
        "has no certificate yet (certificateSha256Fingerprint is empty: a CA-signed certificate awaiting its chain cannot sign assertions)",
    },
  ],
];

for (const [title, change, failure] of cases) {
  test(`check rejects ${title}`, async (t) => {
    t.deepEqual(await check({ ...good, ...change }), { failures: [failure] });
  });
}

test("a loopback stand-in's plain http origin passes as the My Domain URL (what discover drafts for it)", async (t) => {
  const result = await check({ ...good, myDomainUrl: "http://127.0.0.1:41011" });
  t.is(result.failures, undefined);
  t.is((result.inputs as unknown as Record<string, unknown>)["myDomainUrl"], "http://127.0.0.1:41011");
});

test("SHA-1 passes when acknowledged", async (t) => {
  const result = await check({ ...good, signingAlgorithm: "SHA1", acknowledgeSha1: true });
  t.is(result.failures, undefined);
});

test("an ExternalClientApp binding needs an org connection at API 63.0 or later; a ConnectedApp does not", (t) => {
  t.like(samlApiVersionIssue({ appType: "ExternalClientApp" }, "62.0"), {
    path: "appType",
    message:
      "ExternalClientApp needs the org connection's apiVersion to be at least 63.0: its SAML policy (ExtlClntAppSamlConfigurablePolicies) exists from API 63.0 (got apiVersion 62.0); raise apiVersion in salesforce-certs:org or the SalesforceOrgProvider",
  });
  t.is(samlApiVersionIssue({ appType: "ExternalClientApp" }, "63.0"), undefined);
  t.is(samlApiVersionIssue({ appType: "ConnectedApp" }, "60.0"), undefined);
});
