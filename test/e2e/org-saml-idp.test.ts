/**
 * Org mode, SamlSpBinding with an IdP certificate the org holds (`custody: "org"`), through the engine
 * against the stand-in org, over simulated time: the binding deploys its SAML app and points the org's IdP
 * at the certificate; the rotation runs with no hand step (new certificate in the org, published beside
 * the old one, the IdP switched on the switch day, the old certificate deleted once the IdP no longer signs
 * with it); at every step a node-saml SP configured from that step's metadata accepts an assertion the org
 * signs with the certificate its IdP settings name; an IdP switched back by hand is seen by refresh and
 * repaired by up; destroy turns the IdP off and removes app and certificates. A provider-held IdP key
 * keeps the keystore-import hand step: the IdP is never pointed at a certificate the org does not list.
 */
import test from "ava";
import { CertificateAndKeyPair, SamlSpBinding } from "../../provider";
import { openTempStack } from "../helpers/engine";
import { startOrgForProvider } from "../helpers/org-mode";
import { acmePartnerSsoArguments, orgIdpCertificate, orgSignedSamlResponse } from "../helpers/org-saml";
import { serviceProviderFromMetadata, spAccepts } from "../helpers/saml";
import { partner } from "../helpers/saml-fixtures";
import { certificateSource, identityProviderSource, sourceFormatZip } from "../helpers/stand-in-org";

const day = 86_400_000;
const start = "2026-12-01T09:00:00.000Z";
const at = (days: number) => new Date(Date.parse(start) + days * day).toISOString();
const quoted = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const accepted = "accepted ada@partner.example";

function bindingProgram(
  custody: "org" | "provider",
  names: { certificate: string; app: () => string; appType?: "ConnectedApp" },
  rotationTrigger: () => string,
) {
  return async () => {
    const idp = new CertificateAndKeyPair("idp", {
      uniqueName: names.certificate,
      label: "Acme IdP signing",
      custody,
      overlapDays: 5,
      rotationTrigger: rotationTrigger(),
    });
    const sso = new SamlSpBinding("partner", {
      apiName: names.app(),
      ...(names.appType ? { appType: names.appType } : {}),
      label: "Partner portal",
      ...acmePartnerSsoArguments(),
      idpCertificate: idp,
    });
    return {
      metadata: sso.idpMetadataXml,
      phase: sso.phase,
      nextStep: sso.nextStep,
      published: sso.publishedCertificates,
      salesforceName: idp.salesforceName,
      previous: idp.previousCertificate,
    };
  };
}

test("org mode SamlSpBinding, custody org: the IdP rotation runs end to end with no hand step, the SP accepting the org's assertions at every step", async (t) => {
  const { org, setClock, configure, admin } = await startOrgForProvider(start);
  t.teardown(() => org.close());
  const env = await openTempStack(
    "org-saml-idp",
    bindingProgram("org", { certificate: "Acme_IdP", app: () => "Acme_Partner_SSO" }, () => "initial"),
  );
  t.teardown(() => env.dispose());
  await configure(env.stack);
  const { stack, onOutput } = env;
  const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;
  const url = quoted(org.url);
  // The SP a partner configures from `metadata`, judging an assertion the org signs now (with the
  // certificate its IdP settings name) or with `certificateName`.
  const sp = (metadata: string) => serviceProviderFromMetadata(metadata, partner);
  const signedByOrg = (certificateName = orgIdpCertificate(org)!) =>
    orgSignedSamlResponse(org, certificateName, "Acme_Partner_SSO", { nameId: "ada@partner.example" });

  // Preview names what create deploys; it deploys nothing.
  let mark = env.log.length;
  await stack.preview({ onOutput });
  t.regex(
    env.logSince(mark),
    new RegExp(
      `SamlSpBinding Acme_Partner_SSO: creating deploys ExternalClientApplication Acme_Partner_SSO \\(SAML policy\\) to ${url}, and IdentityProviderSettings naming the bound certificate if the org lists it then`,
    ),
  );
  t.is(deploys(), 0);

  // up: the certificate, then the SAML app and the IdP settings naming it.
  await stack.up({ onOutput });
  let outputs = await env.values();
  t.deepEqual(org.state.identityProvider, { certificateName: "Acme_IdP", enableIdentityProvider: true });
  t.truthy(org.state.component("ExternalClientApplication", "Acme_Partner_SSO"));
  t.is(
    String(
      org.state.component("ExtlClntAppSamlConfigurablePolicies", "Acme_Partner_SSO_samlPlcy")?.record["entityUrl"],
    ),
    partner.entityId,
  );
  t.is(await spAccepts(sp(outputs["metadata"]), signedByOrg()), accepted);
  const stable = outputs["metadata"] as string;
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });
  t.regex(env.logSince(mark), /SamlSpBinding Acme_Partner_SSO: stable: .*; in the org: nothing to deploy/);
  const settled = deploys();

  // Day 300, the renewal window: the org makes Acme_IdP_G2; the metadata publishes both; the IdP stays.
  setClock(at(300));
  await stack.up({ onOutput });
  outputs = await env.values();
  t.is(outputs["phase"], "publishing");
  t.is(outputs["salesforceName"], "Acme_IdP_G2");
  t.truthy(org.state.certificate("Acme_IdP_G2"));
  t.is(orgIdpCertificate(org), "Acme_IdP", "the org keeps signing with the old certificate while publishing");
  t.regex(
    outputs["nextStep"],
    new RegExp(`the org holds Acme_IdP_G2, and its IdP switches to it on ${quoted(at(307))}`),
  );
  const publishing = outputs["metadata"] as string;
  t.is(await spAccepts(sp(publishing), signedByOrg()), accepted, "publishing: the org's assertions");
  t.is(
    await spAccepts(sp(publishing), signedByOrg("Acme_IdP_G2")),
    accepted,
    "publishing: the next key is trusted already",
  );
  t.regex(
    await spAccepts(sp(stable), signedByOrg("Acme_IdP_G2")),
    /^rejected/,
    "an SP with the old metadata only would reject the new key",
  );
  t.is(deploys(), settled + 1, "only the certificate was deployed: the app and IdP settings did not change");

  // Day 305: the certificate's own overlap ends, but the org's IdP still signs with Acme_IdP: preview and
  // up say it stays, and up does not fail on Salesforce's refusal.
  setClock(at(305));
  mark = env.log.length;
  await stack.preview({ onOutput });
  const keeps = new RegExp(
    `CertificateAndKeyPair Acme_IdP: .*in the org: keeps Certificate Acme_IdP in ${url} although its overlap ended: the org's IdP still signs with it`,
  );
  t.regex(env.logSince(mark), keeps);
  mark = env.log.length;
  await stack.up({ onOutput });
  t.regex(env.logSince(mark), keeps);
  t.truthy(org.state.certificate("Acme_IdP"));
  t.is((await env.values())["previous"].salesforceName, "Acme_IdP");
  t.is(await spAccepts(sp(publishing), signedByOrg()), accepted);

  // Day 307, the switch day: preview names the IdP deploy and deploys nothing; up switches the org.
  setClock(at(307));
  mark = env.log.length;
  const before = deploys();
  await stack.preview({ onOutput });
  t.regex(
    env.logSince(mark),
    new RegExp(
      `SamlSpBinding Acme_Partner_SSO: switches the org to the new certificate \\(the publish period ended\\).*; in the org: deploys ExternalClientApplication Acme_Partner_SSO \\(SAML policy\\) and IdentityProviderSettings \\(the org's IdP signs with Acme_IdP_G2\\) to ${url}`,
    ),
  );
  t.is(deploys(), before);
  t.is(orgIdpCertificate(org), "Acme_IdP");
  await stack.up({ onOutput });
  outputs = await env.values();
  t.is(outputs["phase"], "switched");
  t.is(orgIdpCertificate(org), "Acme_IdP_G2", "switched on the switch day");
  t.is(
    await spAccepts(sp(outputs["metadata"]), signedByOrg()),
    accepted,
    "switched: the org's assertions, new metadata",
  );
  t.is(await spAccepts(sp(publishing), signedByOrg()), accepted, "switched: an SP still on the publishing metadata");
  t.truthy(
    org.state.certificate("Acme_IdP"),
    "the old certificate was still the IdP's when the certificate was updated",
  );

  // Drift: the IdP switched back by hand. Refresh sees it, preview names the repair, up repairs it.
  await admin()
    .metadata.deploy(await sourceFormatZip(identityProviderSource("Acme_IdP")), {
      singlePackage: true,
      rollbackOnError: true,
    })
    .complete(true);
  t.is(orgIdpCertificate(org), "Acme_IdP");
  mark = env.log.length;
  await stack.refresh({ onOutput });
  t.regex(
    env.logSince(mark),
    /SamlSpBinding Acme_Partner_SSO: the org differs from the state \(the org's IdP signs with Acme_IdP instead of Acme_IdP_G2\)/,
  );
  mark = env.log.length;
  await stack.preview({ onOutput });
  t.regex(
    env.logSince(mark),
    /IdentityProviderSettings \(the org's IdP signs with Acme_IdP_G2\) to .* \(repairs: the org's IdP signs with Acme_IdP instead of Acme_IdP_G2\)/,
  );
  t.is(orgIdpCertificate(org), "Acme_IdP", "preview repaired nothing");
  await stack.up({ onOutput });
  t.is(orgIdpCertificate(org), "Acme_IdP_G2", "repaired by up");
  t.is(await spAccepts(sp((await env.values())["metadata"]), signedByOrg()), accepted);

  // Day 308: the IdP no longer signs with Acme_IdP: preview says it goes, up deletes it from the org.
  setClock(at(308));
  mark = env.log.length;
  await stack.preview({ onOutput });
  t.regex(env.logSince(mark), new RegExp(`deletes Certificate Acme_IdP from ${url}`));
  await stack.up({ onOutput });
  t.is(org.state.certificate("Acme_IdP"), undefined, "the old certificate left the org");
  outputs = await env.values();
  t.is(outputs["previous"], null);
  t.is(await spAccepts(sp(outputs["metadata"]), signedByOrg()), accepted);

  // Day 314: the binding's overlap ends; the metadata carries the new certificate alone.
  setClock(at(314));
  await stack.up({ onOutput });
  outputs = await env.values();
  t.is(outputs["phase"], "stable");
  t.deepEqual(
    outputs["published"].map((c: { certificateName: string }) => c.certificateName),
    ["Acme_IdP_G2"],
  );
  t.is(await spAccepts(sp(outputs["metadata"]), signedByOrg()), accepted);
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });

  // Destroy: no other SAML app uses the IdP, so it is turned off; then the app and the certificate go.
  mark = env.log.length;
  await stack.destroy({ onOutput });
  t.regex(
    env.logSince(mark),
    /deleted ExternalClientApplication Acme_Partner_SSO; turned the org's IdP off \(no SAML app is left\)/,
  );
  t.deepEqual(org.state.identityProvider, { certificateName: "Acme_IdP_G2", enableIdentityProvider: false });
  t.is(org.state.component("ExternalClientApplication", "Acme_Partner_SSO"), undefined);
  t.is(org.state.component("ExtlClntAppSamlConfigurablePolicies", "Acme_Partner_SSO_samlPlcy"), undefined);
  t.is(org.state.certificate("Acme_IdP_G2"), undefined);
});

test("org mode SamlSpBinding, custody provider: the IdP is pointed only at a certificate the org lists, and the switch waits for the keystore import", async (t) => {
  const { org, setClock, configure, admin } = await startOrgForProvider(start);
  t.teardown(() => org.close());
  let rotationTrigger = "initial";
  const env = await openTempStack(
    "org-saml-provider",
    bindingProgram("provider", { certificate: "Acme_Held_IdP", app: () => "Acme_Held_SSO" }, () => rotationTrigger),
  );
  t.teardown(() => env.dispose());
  await configure(env.stack);
  const { stack, onOutput } = env;
  // The keystore import is a hand step in Setup; the stand-in cannot import a key, so a certificate of
  // that name is made in the org: what the provider sees is the same (the org lists the name).
  const imported = async (name: string) =>
    admin()
      .metadata.deploy(await sourceFormatZip(certificateSource(name)), { singlePackage: true, rollbackOnError: true })
      .complete(true);

  let mark = env.log.length;
  await stack.up({ onOutput });
  t.regex(
    env.logSince(mark),
    /SamlSpBinding Acme_Held_SSO: deployed ExternalClientApplication Acme_Held_SSO \(SAML policy\); not IdentityProviderSettings: the org does not list Acme_Held_IdP \(a provider-held key pair: import its keystore/,
  );
  t.truthy(org.state.component("ExternalClientApplication", "Acme_Held_SSO"));
  t.is(org.state.identityProvider, undefined, "the IdP is not pointed at a certificate the org does not list");
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });
  t.regex(
    env.logSince(mark),
    /in the org: nothing to deploy; the org does not list Acme_Held_IdP, so its IdP is not pointed at it: import its keystore/,
  );

  // After the import, preview names the IdP deploy and up makes it.
  await imported("Acme_Held_IdP");
  mark = env.log.length;
  await stack.preview({ onOutput });
  t.regex(
    env.logSince(mark),
    /in the org: deploys ExternalClientApplication Acme_Held_SSO \(SAML policy\) and IdentityProviderSettings \(the org's IdP signs with Acme_Held_IdP\)/,
  );
  t.is(org.state.identityProvider, undefined);
  await stack.up({ onOutput });
  t.deepEqual(org.state.identityProvider, { certificateName: "Acme_Held_IdP", enableIdentityProvider: true });

  // A rotation: the new key pair is published; the org does not list it, and preview says to import it.
  setClock(at(10));
  rotationTrigger = "rotated";
  await stack.up({ onOutput });
  let outputs = await env.values();
  t.is(outputs["phase"], "publishing");
  t.regex(
    outputs["nextStep"],
    /the org does not list Acme_Held_IdP_G2: import its key pair \(jksBase64, alias acme_held_idp_g2\)/,
  );

  // The switch day without the import: preview and up say the switch waits; the IdP stays.
  setClock(at(17));
  mark = env.log.length;
  await stack.preview({ onOutput });
  const waits =
    /SamlSpBinding Acme_Held_SSO: does not switch yet \(the switch is due, but the org does not list Acme_Held_IdP_G2\)/;
  t.regex(env.logSince(mark), waits);
  mark = env.log.length;
  await stack.up({ onOutput });
  t.regex(env.logSince(mark), waits);
  outputs = await env.values();
  t.is(outputs["phase"], "publishing", "the metadata does not switch to a certificate the org cannot sign with");
  t.is(orgIdpCertificate(org), "Acme_Held_IdP");

  // After the import the next up switches.
  await imported("Acme_Held_IdP_G2");
  mark = env.log.length;
  await stack.preview({ onOutput });
  t.regex(
    env.logSince(mark),
    /switches the org to the new certificate .*IdentityProviderSettings \(the org's IdP signs with Acme_Held_IdP_G2\)/,
  );
  await stack.up({ onOutput });
  t.is((await env.values())["phase"], "switched");
  t.is(orgIdpCertificate(org), "Acme_Held_IdP_G2");
});

test("org mode SamlSpBinding, appType ConnectedApp: a new Connected App is refused before anything of the binding is deployed; an existing one is updated and left by destroy", async (t) => {
  const { org, configure } = await startOrgForProvider(start, {
    connectedApps: [{ fullName: "Acme_Legacy_SSO", consumerKey: "LegacySamlConsumerKey0123456789" }],
  });
  t.teardown(() => org.close());
  let apiName = "Acme_New_SSO";
  const env = await openTempStack(
    "org-saml-legacy",
    bindingProgram(
      "org",
      { certificate: "Acme_Legacy_IdP", app: () => apiName, appType: "ConnectedApp" },
      () => "initial",
    ),
  );
  t.teardown(() => env.dispose());
  await configure(env.stack);
  const { stack, onOutput } = env;

  const error = await t.throwsAsync(stack.up({ onOutput }));
  t.regex(
    error!.message,
    /SamlSpBinding Acme_New_SSO: appType ConnectedApp: the org at .* has no Connected App Acme_New_SSO, and Salesforce no longer creates Connected Apps/,
  );
  t.is(org.state.component("ConnectedApp", "Acme_New_SSO"), undefined);
  t.is(org.state.identityProvider, undefined, "refused before the IdP settings were deployed");

  apiName = "Acme_Legacy_SSO";
  await stack.up({ onOutput });
  const saml = org.state.component("ConnectedApp", "Acme_Legacy_SSO")?.record["samlConfig"] as
    | Record<string, unknown>
    | undefined;
  t.is(String(saml?.["entityUrl"]), partner.entityId);
  t.is(orgIdpCertificate(org), "Acme_Legacy_IdP");
  const metadata = (await env.values())["metadata"] as string;
  t.is(
    await spAccepts(
      serviceProviderFromMetadata(metadata, partner),
      orgSignedSamlResponse(org, orgIdpCertificate(org)!, "Acme_Legacy_SSO", { nameId: "ada@partner.example" }),
    ),
    accepted,
  );

  const mark = env.log.length;
  await stack.destroy({ onOutput });
  t.regex(
    env.logSince(mark),
    /left ConnectedApp Acme_Legacy_SSO in the org \(Salesforce would not let it be created again\)/,
  );
  t.truthy(org.state.component("ConnectedApp", "Acme_Legacy_SSO"));
  t.is(org.state.certificate("Acme_Legacy_IdP"), undefined);
});
