/**
 * The assertions the stand-in org signs as SAML IdP are built from the SAML app it holds (the deployed
 * ExtlClntAppSamlConfigurablePolicies or Connected App samlConfig), never from the test's constants: the
 * app is deployed as the provider deploys it (its files and zip), and the partner's SP (node-saml,
 * configured from the IdP metadata, with the ACS URL and entity id it expects) and xmlsec1 judge what the
 * org signs. Negative controls: an app deployed with another ACS URL, entity id or NameID format than the
 * SP's makes the SP refuse the response, though xmlsec1 still finds the signature good. The app's plug-in
 * flags and distributionState are changed one at a time from the provider's files: each change that turns
 * SAML off makes the org refuse SSO, and redeploying the provider's files makes it work again.
 */
import test from "ava";
import * as jsforce from "jsforce";
import { buildDeployZip } from "../../provider/org/metadata-zip";
import { idpMetadataXml, type NameIdFormat } from "../../provider/salesforce/saml-idp-metadata";
import {
  samlConnectedAppFiles,
  samlExternalClientAppFiles,
  type SamlAppSpec,
} from "../../provider/salesforce/saml-apps";
import { deployedSamlPolicy, orgSignedSamlResponse } from "../helpers/org-saml";
import { serviceProviderFromMetadata, spAccepts, xmlsecVerify } from "../helpers/saml";
import { startStandInOrg, type StandInOrg } from "../helpers/stand-in-org";
import { testNow } from "../helpers/test-clock";

const myDomainUrl = "https://acme.my.salesforce.com";
// Hostile in XML: an ampersand and an apostrophe in the ACS URL, markup characters in the user's name.
const partner = {
  entityId: "https://portal.partner.example/saml/metadata?tenant=acme&env='prod'",
  acsUrl: "https://portal.partner.example/saml/acs?tenant=acme&env='prod'",
};
const user = `ada+<b>&"x"@partner.example`;

async function withSamlOrg(
  use: (org: StandInOrg, deploy: (files: Record<string, string>) => Promise<void>) => Promise<void>,
) {
  const org = await startStandInOrg({
    now: testNow,
    users: [
      { username: "admin@stand-in.example", profile: "System Administrator" },
      { username: "ada@partner.example", profile: "Standard User", permissionSets: ["Partner_Portal_Users"] },
    ],
    certificates: [{ fullName: "Acme_IdP" }],
    identityProvider: { certificateName: "Acme_IdP", enableIdentityProvider: true },
  });
  try {
    const conn = new jsforce.Connection({ instanceUrl: org.url, accessToken: org.issueSession(), version: "66.0" });
    const deploy = async (files: Record<string, string>) => {
      const zip = buildDeployZip(files, "66.0");
      const result = await conn.metadata
        .deploy(zip.base64, { singlePackage: true, rollbackOnError: true })
        .complete(true);
      if (result.status !== "Succeeded") throw new Error(`deploy ${result.status}: ${JSON.stringify(result.details)}`);
    };
    await use(org, deploy);
  } finally {
    await org.close();
  }
}

function app(name: string, changes: Partial<SamlAppSpec> = {}): SamlAppSpec {
  return {
    name,
    label: "Partner portal",
    contactEmail: "platform@acme.example",
    description: "SAML SSO to the partner portal",
    spEntityId: partner.entityId,
    acsUrl: partner.acsUrl,
    issuer: myDomainUrl,
    nameIdFormat: "emailAddress",
    subjectType: "Username",
    signingAlgorithm: "SHA256",
    permissionSets: ["Partner_Portal_Users"],
    profiles: [],
    ...changes,
  };
}

/** The partner's SP as it is configured: from the IdP metadata (the org's certificate, `format`) and its own ACS URL and entity id. */
function partnerSp(org: StandInOrg, format: NameIdFormat = "emailAddress") {
  const metadata = idpMetadataXml({
    myDomainUrl,
    nameIdFormat: format,
    wantAuthnRequestsSigned: false,
    signingCertificatePems: [org.state.certificate("Acme_IdP")!.contentPem],
  });
  return serviceProviderFromMetadata(metadata, partner);
}

test("an External Client App's deployed SAML policy shapes the assertion: the partner's SP accepts it, xmlsec1 verifies the org's signature", async (t) => {
  await withSamlOrg(async (org, deploy) => {
    await deploy(samlExternalClientAppFiles(app("Acme_Partner_SSO")));
    t.deepEqual(deployedSamlPolicy(org, "Acme_Partner_SSO"), {
      acsUrl: partner.acsUrl,
      spEntityId: partner.entityId,
      issuer: myDomainUrl,
      nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
      signingAlgorithm: "SHA256",
    });
    const response = orgSignedSamlResponse(org, "Acme_IdP", "Acme_Partner_SSO", { nameId: user });
    t.is(await spAccepts(partnerSp(org), response), `accepted ${user}`);
    t.is(xmlsecVerify(response, org.state.certificate("Acme_IdP")!.contentPem).status, 0);
  });
});

test("negative control: the app deployed with another ACS URL makes the SP refuse the response (xmlsec1 still verifies the signature)", async (t) => {
  await withSamlOrg(async (org, deploy) => {
    const wrongAcs = "https://portal.partner.example/saml/acs-retired";
    await deploy(samlExternalClientAppFiles(app("Acme_Partner_SSO", { acsUrl: wrongAcs })));
    const response = orgSignedSamlResponse(org, "Acme_IdP", "Acme_Partner_SSO", { nameId: user });
    t.is(
      await spAccepts(partnerSp(org), response),
      `rejected: Destination ${wrongAcs} is not this SP's ACS URL ${partner.acsUrl}`,
    );
    t.is(
      xmlsecVerify(response, org.state.certificate("Acme_IdP")!.contentPem).status,
      0,
      "the signature is not what is wrong",
    );
  });
});

test("negative controls: another deployed entity id (node-saml's audience check) or NameID format makes the SP refuse", async (t) => {
  await withSamlOrg(async (org, deploy) => {
    await deploy(
      samlExternalClientAppFiles(app("Acme_Other_Audience", { spEntityId: "https://other.partner.example/saml" })),
    );
    t.regex(
      await spAccepts(partnerSp(org), orgSignedSamlResponse(org, "Acme_IdP", "Acme_Other_Audience", { nameId: user })),
      /^rejected: .*audience/i,
    );
    await deploy(samlExternalClientAppFiles(app("Acme_Persistent", { nameIdFormat: "persistent" })));
    t.is(
      await spAccepts(partnerSp(org), orgSignedSamlResponse(org, "Acme_IdP", "Acme_Persistent", { nameId: user })),
      "rejected: NameID Format urn:oasis:names:tc:SAML:2.0:nameid-format:persistent is not the format urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress the IdP metadata declares",
    );
  });
});

test("a Connected App's samlConfig with SHA1: the org signs with RSA-SHA1 and a SHA-1 digest, as the policy says", async (t) => {
  await withSamlOrg(async (org, deploy) => {
    // Connected Apps cannot be created (Spring '26): the org holds this one already; the deploy updates it.
    org.state.putComponent({
      type: "ConnectedApp",
      fullName: "Acme_Legacy_SSO",
      id: "0H4000000000001AAA",
      record: { contactEmail: "platform@acme.example", label: "Legacy" },
      createdDate: testNow(),
      lastModifiedDate: testNow(),
    });
    await deploy(samlConnectedAppFiles(app("Acme_Legacy_SSO", { signingAlgorithm: "SHA1" })));
    t.is(deployedSamlPolicy(org, "Acme_Legacy_SSO").signingAlgorithm, "SHA1");
    const response = orgSignedSamlResponse(org, "Acme_IdP", "Acme_Legacy_SSO", { nameId: user });
    t.regex(response, /<ds:SignatureMethod Algorithm="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#rsa-sha1"\/>/);
    t.regex(response, /<ds:DigestMethod Algorithm="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#sha1"\/>/);
    t.is(xmlsecVerify(response, org.state.certificate("Acme_IdP")!.contentPem).status, 0);
    t.is(await spAccepts(partnerSp(org), response), `accepted ${user}`);
  });
});

test("an app without a SAML policy in the org: no assertion is made up", async (t) => {
  await withSamlOrg(async (org) => {
    t.throws(() => orgSignedSamlResponse(org, "Acme_IdP", "Acme_Absent_SSO", { nameId: user }), {
      message: "the org has no SAML policy for the app Acme_Absent_SSO",
    });
  });
});

test("plug-in flags at SSO: enabled, the org signs; isSamlPluginEnabled or isEnabled false, or distributionState Packaged, it refuses naming the app and why; enabled again, SSO works", async (t) => {
  await withSamlOrg(async (org, deploy) => {
    const files = samlExternalClientAppFiles(app("Acme_Partner_SSO"));
    const fileOf = (suffix: string) => Object.keys(files).find((f) => f.endsWith(suffix))!;
    const changed = (suffix: string, from: string, to: string) => {
      const path = fileOf(suffix);
      if (!files[path]!.includes(from)) throw new Error(`${path} holds no ${from}`);
      return { ...files, [path]: files[path]!.replace(from, to) };
    };
    const sso = () => orgSignedSamlResponse(org, "Acme_IdP", "Acme_Partner_SSO", { nameId: user });
    await deploy(files);
    t.is(await spAccepts(partnerSp(org), sso()), `accepted ${user}`, "enabled: SSO works");

    const disabled = [
      [
        changed(".ecaPlcy-meta.xml", "<isSamlPluginEnabled>true<", "<isSamlPluginEnabled>false<"),
        "its SAML plug-in is disabled",
      ],
      [
        changed(".ecaPlcy-meta.xml", "<isEnabled>true<", "<isEnabled>false<"),
        "its plug-ins are disabled (isEnabled false)",
      ],
      [
        changed(".eca-meta.xml", "<distributionState>Local<", "<distributionState>Packaged<"),
        "its distributionState is Packaged, not Local",
      ],
    ] as const;
    for (const [bad, reason] of disabled) {
      await deploy(bad);
      t.throws(sso, { message: `the org refuses SSO through Acme_Partner_SSO: ${reason}` });
      await deploy(files);
      t.is(await spAccepts(partnerSp(org), sso()), `accepted ${user}`, `enabled again after "${reason}": SSO works`);
    }
    // The OAuth plug-in is off in a SAML app and stays so: it plays no part in SSO.
    t.regex(files[fileOf(".ecaPlcy-meta.xml")]!, /<isOauthPluginEnabled>false</);
  });
});
