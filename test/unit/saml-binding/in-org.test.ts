/**
 * Org mode of SamlSpBinding without an org: what a binding deploys (the IdP settings only naming a
 * certificate the org lists), and the switch that waits while the org does not list the next certificate
 * (update's plan and preview's clock step say the same).
 */
import test from "ava";
import { samlOrgDeploy } from "../../../provider/saml-binding/in-org";
import { applySamlUpdate, describeClockStep, planSamlUpdate } from "../../../provider/saml-binding/lifecycle";
import { rotated, samlFixture, samlInputs } from "../../helpers/saml-fixtures";

const day = 86_400_000;
const idpSettings = "settings/IdentityProvider.settings-meta.xml";

test("samlOrgDeploy: the IdP settings go with the app only when the org lists the signing certificate", (t) => {
  const { binding } = samlFixture(new Date("2027-01-01T00:00:00Z"));
  const listed = samlOrgDeploy(binding, new Set(["Greenmoor_IdP_Signing"]));
  t.is(listed.idpCertificate, "Greenmoor_IdP_Signing");
  t.regex(
    listed.files[idpSettings] ?? "",
    /<certificateName>Greenmoor_IdP_Signing<\/certificateName>\s*<enableIdentityProvider>true<\/enableIdentityProvider>/,
  );
  t.truthy(listed.files["extlClntAppSamlConfigurablePolicies/Partner_Portal_SSO_samlPlcy.ecaSamlPlcy-meta.xml"]);
  const unlisted = samlOrgDeploy(binding, new Set());
  t.is(unlisted.unlisted, "Greenmoor_IdP_Signing");
  t.false(idpSettings in unlisted.files);
  t.not(unlisted.digest, listed.digest, "a later import changes what is deployed, so preview shows it");
  t.is(samlOrgDeploy(binding, new Set(["Greenmoor_IdP_Signing"])).digest, listed.digest);
});

test("planSamlUpdate in org mode: a due switch waits while the org does not list the next certificate, and preview's clock step agrees", (t) => {
  const t0 = new Date("2027-01-01T00:00:00Z");
  const { certificate: oldCert, binding: stable } = samlFixture(t0);
  const newCert = rotated(oldCert, new Date(t0.getTime() + day));
  const news = samlInputs(newCert);
  const publishAt = new Date(t0.getTime() + day);
  const without = { listedCertificates: new Set([oldCert.salesforceName]) };
  const publishing = applySamlUpdate(
    stable,
    news,
    planSamlUpdate(stable, news, publishAt, without),
    publishAt,
    without,
  );
  t.regex(publishing.nextStep, new RegExp(`the org does not list ${newCert.salesforceName}: import its key pair`));
  const due = new Date(publishAt.getTime() + 7 * day);

  const waiting = planSamlUpdate(publishing, news, due, without);
  t.is(waiting.step.kind, "none");
  t.is(waiting.waitsFor, newCert.salesforceName);
  t.regex(waiting.message, /does not switch yet \(the switch is due, but the org does not list/);
  t.is(`SamlSpBinding ${news.apiName}: ${describeClockStep(publishing, news, due, without)}`, waiting.message);

  const withIt = { listedCertificates: new Set([oldCert.salesforceName, newCert.salesforceName]) };
  t.is(planSamlUpdate(publishing, news, due, withIt).step.kind, "switch");
  t.is(planSamlUpdate(publishing, news, due).step.kind, "switch", "artefact mode: the clock alone decides");
});
