/**
 * SamlSpBinding through the real engine, the clock moved with SALESFORCE_CERTS_NOW: when the IdP
 * certificate rotates, the metadata publishes both keys while the org keeps signing with the old one; an
 * SP configured once from that metadata (node-saml) accepts the old key before the switch and the new key
 * after it; preview names the phase and the next step; the old key is retired after the overlap, and one SP
 * configured from the metadata then accepts the new key and rejects the retired one.
 */
import test from "ava";
import { CertificateAndKeyPair, SamlSpBinding } from "../../provider";
import { keyMaterial, openTempStack } from "../helpers/engine";
import {
  serviceProviderFromMetadata,
  signedSamlResponse,
  spAccepts,
  validateMetadataSchema,
  xmlsecVerify,
} from "../helpers/saml";
import { myDomainUrl, partner } from "../helpers/saml-fixtures";

const day = 86_400_000;
const t0 = Date.parse("2027-01-10T00:00:00Z");
const at = (days: number) => new Date(t0 + days * day).toISOString();

test("staged IdP rotation through the engine: publish both keys, switch, retire", async (t) => {
  let rotationTrigger = "first";
  const program = async () => {
    const idp = new CertificateAndKeyPair("idp", {
      uniqueName: "E2E_IdP_Signing",
      label: "E2E IdP signing",
      rotationTrigger,
    });
    const sso = new SamlSpBinding("partner", {
      apiName: "E2E_Partner_SSO",
      label: "E2E partner portal",
      contactEmail: "platform@greenmoor.example",
      spEntityId: partner.entityId,
      acsUrl: partner.acsUrl,
      nameIdFormat: "emailAddress",
      myDomainUrl,
      idpCertificate: idp,
      preAuthorized: { permissionSets: ["Partner_Portal_Users"] },
      publishDays: 3,
      overlapDays: 5,
    });
    return {
      idpPrivateKeyPem: idp.privateKeyPem,
      idpCertificatePem: idp.certificatePem,
      metadata: sso.idpMetadataXml,
      phase: sso.phase,
      signingCertificatePem: sso.signingCertificatePem,
      signingSha256Fingerprint: sso.signingSha256Fingerprint,
      publishedCertificates: sso.publishedCertificates,
      handoffText: sso.handoffText,
      idpSettings: sso.salesforceFiles.apply((files) => files["settings/IdentityProvider.settings-meta.xml"]),
    };
  };
  const env = await openTempStack("saml", program);
  t.teardown(() => env.dispose());
  const { stack, onOutput } = env;
  const signedBy = (o: Record<string, any>) =>
    signedSamlResponse({
      privateKeyPem: o["idpPrivateKeyPem"],
      certificatePem: o["idpCertificatePem"],
      issuer: myDomainUrl,
      spEntityId: partner.entityId,
      acsUrl: partner.acsUrl,
      nameId: "ada@partner.example",
    });

  env.setClock(at(0));
  await stack.up({ onOutput });
  const first = await env.values();
  t.is(first["phase"], "stable");
  t.is(validateMetadataSchema(first["metadata"]).status, 0);
  let mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });
  t.regex(env.logSince(mark), /SamlSpBinding E2E_Partner_SSO: stable: the org signs with [0-9A-F:]+…/);

  // The IdP certificate rotates: both keys are published; the org still signs with the old one.
  env.setClock(at(1));
  rotationTrigger = "second";
  await stack.up({ onOutput });
  const publishing = await env.values();
  t.is(publishing["phase"], "publishing");
  t.is(publishing["signingSha256Fingerprint"], first["publishedCertificates"][0].sha256Fingerprint);
  t.deepEqual(
    publishing["publishedCertificates"].map((c: { role: string }) => c.role),
    ["signing", "next"],
  );
  t.is(validateMetadataSchema(publishing["metadata"]).status, 0);
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });
  t.regex(
    env.logSince(mark),
    new RegExp(
      `publishing since ${at(1).replace(/[.]/g, "\\.")}: .*the org switches to it on ${at(4).replace(/[.]/g, "\\.")}`,
    ),
  );

  const sp = serviceProviderFromMetadata(publishing["metadata"], {
    entityId: partner.entityId,
    acsUrl: partner.acsUrl,
  });
  t.is(await spAccepts(sp, signedBy(first)), "accepted ada@partner.example", "the old key, before the switch");

  // After publishDays the org switches; the same SP accepts the new key.
  env.setClock(at(4));
  mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2, update: 1 });
  t.regex(env.logSince(mark), /E2E_Partner_SSO: switches the org to the new certificate \(the publish period ended\)/);
  await stack.up({ onOutput });
  const switched = await env.values();
  t.is(switched["phase"], "switched");
  t.is(switched["signingCertificatePem"], switched["idpCertificatePem"]);
  t.regex(publishing["idpSettings"], /<certificateName>E2E_IdP_Signing<\/certificateName>/);
  t.regex(switched["idpSettings"], /<certificateName>E2E_IdP_Signing_G2<\/certificateName>/);
  const signedNew = signedBy(switched);
  t.is(await spAccepts(sp, signedNew), "accepted ada@partner.example", "the new key, after the switch, same SP");
  t.is(xmlsecVerify(signedNew, switched["signingCertificatePem"]).status, 0);
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });

  // After the overlap the old key leaves the metadata.
  env.setClock(at(9.5));
  mark = env.log.length;
  await stack.up({ onOutput });
  t.regex(
    env.logSince(mark),
    /E2E_Partner_SSO: retires the previous certificate from the metadata \(the overlap ended\)/,
  );
  const retired = await env.values();
  t.is(retired["phase"], "stable");
  t.deepEqual(
    retired["publishedCertificates"].map((c: { role: string }) => c.role),
    ["signing"],
  );
  // One SP, configured once from the metadata after retirement: it accepts the key in force and rejects
  // the retired one, for its signature (so the rejection is not a broken SP that rejects everything).
  const spAfter = serviceProviderFromMetadata(retired["metadata"], {
    entityId: partner.entityId,
    acsUrl: partner.acsUrl,
  });
  t.is(
    await spAccepts(spAfter, signedBy(switched)),
    "accepted ada@partner.example",
    "the key in force, after retirement",
  );
  t.regex(await spAccepts(spAfter, signedBy(first)), /^rejected: .*signature/i, "the retired key, by the same SP");
  t.is(
    await spAccepts(spAfter, signedBy(switched)),
    "accepted ada@partner.example",
    "and still the key in force, by the same SP",
  );
  // The SP configured during publishing, never refreshed, keeps accepting the key in force.
  t.is(await spAccepts(sp, signedBy(switched)), "accepted ada@partner.example");
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 3 });

  const state = env.readState();
  t.false(state.includes("PRIVATE KEY"));
  for (const needle of [first, switched].flatMap((o) => keyMaterial(o["idpPrivateKeyPem"])))
    t.false(state.includes(needle), "no key body, no prime");
  await stack.destroy({ onOutput });
});
