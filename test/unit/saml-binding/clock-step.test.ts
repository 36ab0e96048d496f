/**
 * When the bound IdP certificate is updated in the same run, preview cannot see whether its key changes;
 * it still says what the clock does to the stages (switch, retire), as `up` then does when the key stays.
 */
import test from "ava";
import { applySamlUpdate, describeClockStep, planSamlUpdate } from "../../../provider/saml-binding/lifecycle";
import { rotated, samlFixture, samlInputs } from "../../helpers/saml-fixtures";

const day = 86_400_000;

test("describeClockStep names the retirement that up makes once the overlap has ended", (t) => {
  const t0 = new Date("2027-01-01T00:00:00Z");
  const { certificate: oldCert, binding: stable } = samlFixture(t0);
  const newCert = rotated(oldCert, new Date(t0.getTime() + day));
  const publishAt = new Date(t0.getTime() + day);
  const publishing = applySamlUpdate(
    stable,
    samlInputs(newCert),
    planSamlUpdate(stable, samlInputs(newCert), publishAt),
    publishAt,
  );
  const switchAt = new Date(publishAt.getTime() + 7 * day);
  const switched = applySamlUpdate(
    publishing,
    samlInputs(newCert),
    planSamlUpdate(publishing, samlInputs(newCert), switchAt),
    switchAt,
  );

  // Inside the overlap: nothing is due, and the line says until when the previous one stays.
  t.regex(describeClockStep(switched, samlInputs(newCert), new Date(switchAt.getTime() + day)), /^switched since /);
  // Past it: the same words as up's plan, which retires the previous certificate.
  const late = new Date(switchAt.getTime() + 8 * day);
  const clock = describeClockStep(switched, samlInputs(newCert), late);
  t.regex(clock, /^retires the previous certificate from the metadata \(the overlap ended\): stable/);
  t.is(
    `SamlSpBinding ${samlInputs(newCert).apiName}: ${clock}`,
    planSamlUpdate(switched, samlInputs(newCert), late).message,
  );
  // While publishing, the switch that is due.
  t.regex(
    describeClockStep(publishing, samlInputs(newCert), switchAt),
    /^switches the org to the new certificate \(the publish period ended\)/,
  );
});
