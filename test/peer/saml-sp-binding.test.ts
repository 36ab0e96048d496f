/**
 * SamlSpBinding's output judged by SAML peers: the IdP metadata validates against the OASIS SAML 2.0
 * metadata schema (xmllint); a Response whose Assertion is signed with the IdP key (xml-crypto, standing in
 * for the org) is accepted by node-saml configured from our metadata and by `xmlsec1 --verify` with our
 * certificate, and a tampered one is rejected by both; source-deploy-retrieve reads the Salesforce
 * metadata; and through a staged rotation, an SP configured once from the publishing metadata accepts the
 * old key before the switch and the new key after it.
 */
import test from "ava";
import { samlSpBindingImplementation } from "../../provider/saml-binding/provider";
import {
  applySamlUpdate,
  createSamlSpBinding,
  planSamlUpdate,
  samlSpBindingViews,
} from "../../provider/saml-binding/lifecycle";
import { applyUpdate, issueCertificate, planUpdate } from "../../provider/certificate/lifecycle";
import { idpCertificateInputs, myDomainUrl, partner, rotated, samlFixture, samlInputs } from "../helpers/saml-fixtures";
import { readableName, strictlyParsed } from "../helpers/strict-x509";
import { componentNames, withSourceComponents } from "../helpers/source-components";
import {
  serviceProviderFromMetadata,
  signedSamlResponse,
  spAccepts,
  validateMetadataSchema,
  xmlsecVerify,
} from "../helpers/saml";
import { pinProviderClock, testNow } from "../helpers/test-clock";

// The provider reads its clock in this process: the tests' clock, not the machine's.
pinProviderClock();

const day = 86_400_000;
const response = (privateKeyPem: string, certificatePem: string) =>
  signedSamlResponse({
    privateKeyPem,
    certificatePem,
    issuer: myDomainUrl,
    spEntityId: partner.entityId,
    acsUrl: partner.acsUrl,
    nameId: "ada@partner.example",
  });

test("the IdP metadata validates against the OASIS SAML 2.0 metadata schema, and a broken one does not", (t) => {
  const { binding } = samlFixture();
  const valid = validateMetadataSchema(binding.idpMetadataXml);
  t.is(valid.status, 0, valid.output);
  t.regex(valid.output, /metadata\.xml validates/);
  const broken = validateMetadataSchema(binding.idpMetadataXml.replace(/<md:SingleSignOnService[^>]*\/>\n/g, ""));
  t.not(broken.status, 0, "the schema requires a SingleSignOnService");
  t.regex(binding.idpMetadataXml, /entityID="https:\/\/greenmoor\.my\.salesforce\.com"/);
  t.regex(binding.idpMetadataXml, /Location="https:\/\/greenmoor\.my\.salesforce\.com\/idp\/endpoint\/HttpPost"/);
  t.regex(
    binding.idpMetadataXml,
    /<md:NameIDFormat>urn:oasis:names:tc:SAML:1\.1:nameid-format:emailAddress<\/md:NameIDFormat>/,
  );
});

test("node-saml (from our metadata) and xmlsec1 accept an assertion signed with the IdP key, and reject a tampered one", async (t) => {
  const { certificate, binding } = samlFixture();
  const sp = serviceProviderFromMetadata(binding.idpMetadataXml, {
    entityId: partner.entityId,
    acsUrl: partner.acsUrl,
  });
  const signed = response(certificate.privateKeyPem!, certificate.certificatePem!);
  t.is(await spAccepts(sp, signed), "accepted ada@partner.example");
  const verified = xmlsecVerify(signed, binding.signingCertificatePem);
  t.is(verified.status, 0, verified.output);
  t.regex(verified.output, /^OK$/m);

  const tampered = signed.replace("ada@partner.example", "eve@partner.example");
  t.regex(await spAccepts(sp, tampered), /^rejected: /);
  t.not(xmlsecVerify(tampered, binding.signingCertificatePem).status, 0);
});

test("source-deploy-retrieve reads the SAML External Client App and the IdP settings", async (t) => {
  const { binding } = samlFixture();
  await withSourceComponents(binding.salesforceFiles, async (components) => {
    t.deepEqual(componentNames(components), [
      "ExternalClientApplication:Partner_Portal_SSO",
      "ExtlClntAppConfigurablePolicies:Partner_Portal_SSO_plcy",
      "ExtlClntAppSamlConfigurablePolicies:Partner_Portal_SSO_samlPlcy",
      "Settings:IdentityProvider",
    ]);
    const policy = (await components
      .find((c) => c.type.name === "ExtlClntAppSamlConfigurablePolicies")!
      .parseXml()) as Record<string, Record<string, unknown>>;
    t.like(policy["ExtlClntAppSamlConfigurablePolicies"], {
      acsUrl: partner.acsUrl,
      entityUrl: partner.entityId,
      issuer: myDomainUrl,
      nameIdFormat: "EmailAddress",
      signingAlgorithmType: "SHA256",
      subjectType: "Username",
      externalClientApplication: "Partner_Portal_SSO",
    });
    const settings = (await components.find((c) => c.type.name === "Settings")!.parseXml()) as Record<
      string,
      Record<string, unknown>
    >;
    t.like(settings["IdentityProviderSettings"], {
      certificateName: "Greenmoor_IdP_Signing",
      enableIdentityProvider: "true",
    });
  });
});

test("staged IdP rotation: an SP configured once from the publishing metadata accepts the old key before the switch and the new key after", async (t) => {
  const t0 = testNow();
  const { certificate: oldCert, binding: stable } = samlFixture(t0);
  const newCert = rotated(oldCert, new Date(t0.getTime() + day));

  // Publishing: the metadata carries both keys, the org still signs with the old one.
  const publishAt = new Date(t0.getTime() + day);
  const publishPlan = planSamlUpdate(stable, samlInputs(newCert), publishAt);
  t.is(publishPlan.step.kind, "publish");
  const publishing = applySamlUpdate(stable, samlInputs(newCert), publishPlan, publishAt);
  t.is(publishing.phase, "publishing");
  t.is(publishing.signingSha256Fingerprint, oldCert.sha256Fingerprint!);
  t.deepEqual(
    publishing.publishedCertificates.map((c) => c.role),
    ["signing", "next"],
  );
  t.is(validateMetadataSchema(publishing.idpMetadataXml).status, 0);
  t.regex(publishing.handoffText, /a new signing certificate is published in the metadata now/);

  const sp = serviceProviderFromMetadata(publishing.idpMetadataXml, {
    entityId: partner.entityId,
    acsUrl: partner.acsUrl,
  });
  t.is(
    await spAccepts(sp, response(oldCert.privateKeyPem!, oldCert.certificatePem!)),
    "accepted ada@partner.example",
    "before the switch",
  );

  // Not before publishDays (7) have passed; then the org switches.
  t.is(planSamlUpdate(publishing, samlInputs(newCert), new Date(publishAt.getTime() + 7 * day - 1)).step.kind, "none");
  const switchAt = new Date(publishAt.getTime() + 7 * day);
  const switchPlan = planSamlUpdate(publishing, samlInputs(newCert), switchAt);
  t.deepEqual(switchPlan.step, { kind: "switch", why: "time" });
  const switched = applySamlUpdate(publishing, samlInputs(newCert), switchPlan, switchAt);
  t.is(switched.signingSha256Fingerprint, newCert.sha256Fingerprint!);
  t.deepEqual(
    switched.publishedCertificates.map((c) => c.role),
    ["signing", "previous"],
  );
  // Before the switch the org signs with the first key pair; after it, with the second, a certificate of its own in the org.
  t.regex(
    publishing.salesforceFiles["settings/IdentityProvider.settings-meta.xml"]!,
    /<certificateName>Greenmoor_IdP_Signing<\/certificateName>/,
  );
  t.regex(
    switched.salesforceFiles["settings/IdentityProvider.settings-meta.xml"]!,
    /<certificateName>Greenmoor_IdP_Signing_G2<\/certificateName>/,
  );
  t.regex(
    publishing.nextStep,
    /the next key pair must be in the org as Greenmoor_IdP_Signing_G2 \(Import from Keystore\)/,
  );
  t.is(
    await spAccepts(sp, response(newCert.privateKeyPem!, newCert.certificatePem!)),
    "accepted ada@partner.example",
    "after the switch, same SP",
  );

  // Retired after the overlap: only the new key remains.
  const retireAt = new Date(switchAt.getTime() + 7 * day);
  const retired = applySamlUpdate(
    switched,
    samlInputs(newCert),
    planSamlUpdate(switched, samlInputs(newCert), retireAt),
    retireAt,
  );
  t.is(retired.phase, "stable");
  const spAfter = serviceProviderFromMetadata(retired.idpMetadataXml, {
    entityId: partner.entityId,
    acsUrl: partner.acsUrl,
  });
  t.regex(
    await spAccepts(spAfter, response(oldCert.privateKeyPem!, oldCert.certificatePem!)),
    /^rejected: /,
    "the retired key is no longer trusted",
  );
});

test("holdPhase stops the clock; advanceTrigger takes the next step now", (t) => {
  const t0 = testNow();
  const { certificate: oldCert, binding: stable } = samlFixture(t0);
  const newCert = rotated(oldCert, t0);
  const publishing = applySamlUpdate(stable, samlInputs(newCert), planSamlUpdate(stable, samlInputs(newCert), t0), t0);
  const late = new Date(t0.getTime() + 30 * day);
  t.is(planSamlUpdate(publishing, samlInputs(newCert, { holdPhase: true }), late).step.kind, "none");
  t.regex(planSamlUpdate(publishing, samlInputs(newCert, { holdPhase: true }), late).message, /held: holdPhase is set/);
  t.deepEqual(planSamlUpdate(publishing, samlInputs(newCert, { holdPhase: true, advanceTrigger: "go" }), t0).step, {
    kind: "switch",
    why: "advanced",
  });
});

test("an SP request-signing certificate makes the metadata require signed requests and goes into the SAML policy", (t) => {
  const { certificate } = samlFixture();
  const spCertificate = rotated(certificate, testNow()).certificatePem!;
  const binding = createSamlSpBinding(samlInputs(certificate, { spSigningCertificatePem: spCertificate }), testNow());
  t.regex(binding.idpMetadataXml, /<md:IDPSSODescriptor WantAuthnRequestsSigned="true"/);
  t.is(validateMetadataSchema(binding.idpMetadataXml).status, 0);
  const policy =
    binding.salesforceFiles["extlClntAppSamlConfigurablePolicies/Partner_Portal_SSO_samlPlcy.ecaSamlPlcy-meta.xml"]!;
  t.true(policy.includes(`<certificate>${spCertificate.trim()}</certificate>`));
  t.regex(createSamlSpBinding(samlInputs(certificate), testNow()).idpMetadataXml, /WantAuthnRequestsSigned="false"/);
});

test("SHA-1 signing, acknowledged, is emitted and warned about on every create and preview", async (t) => {
  const { certificate } = samlFixture();
  const inputs = samlInputs(certificate, { signingAlgorithm: "SHA1", acknowledgeSha1: true });
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(" "));
  try {
    const outs = (await samlSpBindingImplementation.create(inputs)).outs!;
    await samlSpBindingImplementation.diff!("Partner_Portal_SSO", outs, inputs);
    // State stores settings and stages; the files are computed from them, as the resource class does.
    const views = samlSpBindingViews(outs as never);
    t.regex(
      views.salesforceFiles["extlClntAppSamlConfigurablePolicies/Partner_Portal_SSO_samlPlcy.ecaSamlPlcy-meta.xml"]!,
      /<signingAlgorithmType>SHA1<\/signingAlgorithmType>/,
    );
  } finally {
    console.log = original;
  }
  t.is(
    printed.filter(
      (line) =>
        line ===
        "warning: SamlSpBinding Partner_Portal_SSO: assertions are signed with SHA-1 (acknowledgeSha1 is set); move the partner to SHA-256",
    ).length,
    2,
  );
});

test("removing an optional setting is a change: the single-logout endpoint leaves the metadata files", (t) => {
  const { certificate } = samlFixture();
  const withSlo = createSamlSpBinding(
    samlInputs(certificate, { singleLogoutUrl: "https://portal.partner.example/saml/slo" }),
    testNow(),
  );
  const plan = planSamlUpdate(withSlo, samlInputs(certificate), testNow());
  t.true(plan.settingsChanged);
  const without = applySamlUpdate(withSlo, samlInputs(certificate), plan, testNow());
  t.false(JSON.stringify(without.salesforceFiles).includes("singleLogoutUrl"));
});

test("every certificate in the IdP metadata parses with a strict X.509 parser (Go crypto/x509), as Go and Python SPs parse it", (t) => {
  const subject = {
    commonName: "Greenmoor IdP",
    company: "Grünmoor & Söhne",
    country: "DE",
    email: "idp@greenmoor.example",
  };
  const now = testNow();
  const certificate = issueCertificate(idpCertificateInputs({ subject }), now);
  const next = applyUpdate(
    certificate,
    idpCertificateInputs({ subject, rotationTrigger: "next" }),
    planUpdate(certificate, idpCertificateInputs({ subject, rotationTrigger: "next" }), now),
    now,
  );
  const stable = createSamlSpBinding(samlInputs(certificate), now);
  const publishing = applySamlUpdate(stable, samlInputs(next), planSamlUpdate(stable, samlInputs(next), now), now);
  const published = [...publishing.idpMetadataXml.matchAll(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/g)].map(
    (m) => `-----BEGIN CERTIFICATE-----\n${m[1]!.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`,
  );
  t.is(published.length, 2, "signing and next");
  for (const pem of published) {
    t.deepEqual(readableName(strictlyParsed(pem).subject), [
      ["C", "PrintableString", "DE"],
      ["O", "UTF8String", "Grünmoor & Söhne"],
      ["CN", "UTF8String", "Greenmoor IdP"],
      ["emailAddress", "IA5String", "idp@greenmoor.example"],
    ]);
  }
});
