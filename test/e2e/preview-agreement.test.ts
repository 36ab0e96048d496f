/**
 * Previews say exactly what `up` then does: the same change counts, and every value a preview shows as
 * known is the value `up` stores (for each resource and each stack output). Walks a certificate bound
 * to a JWT integration and a SAML binding through the moments that used to disagree: adding an integration whose consumer
 * key is generated, a rotation, a certificate update that keeps its key, and a rotation of an expired
 * certificate (which leaves no previous certificate).
 */
import test from "ava";
import { CertificateAndKeyPair, JwtIntegration, SamlSpBinding } from "../../provider";
import {
  canonical,
  openTempStack,
  previewDisagreements,
  recordPreview,
  storedOutputs,
  type TempStack,
} from "../helpers/engine";
import { ciUser } from "../helpers/jwt-fixtures";
import { startSalesforceStandIn } from "../helpers/salesforce-stand-in";
import { myDomainUrl, partner } from "../helpers/saml-fixtures";
import { daysAfter } from "../helpers/test-clock";

/**
 * Previews, then runs `up`, and adds to `problems` every way the two disagreed (change counts, values).
 * Returns the stack outputs after `up`.
 */
async function previewThenUp(env: TempStack, moment: string, problems: string[]): Promise<Record<string, any>> {
  const preview = await recordPreview(env);
  const result = await env.stack.up({ onOutput: env.onOutput });
  const outputs = Object.fromEntries(
    Object.entries(await env.stack.outputs()).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]),
  );
  const counts = canonical(result.summary.resourceChanges);
  if (canonical(preview.changeSummary) !== counts)
    problems.push(`${moment}: preview counted ${JSON.stringify(preview.changeSummary)}, up ${counts}`);
  for (const problem of previewDisagreements(preview, await storedOutputs(env), outputs))
    problems.push(`${moment}: ${problem}`);
  return env.values();
}

test("preview shows what up then does, at every step of a JWT certificate's life", async (t) => {
  const standIn = await startSalesforceStandIn([ciUser]);
  t.teardown(() => standIn.close());
  let withIntegration = false;
  let rotationTrigger = "initial";
  let label = "Preview CI JWT";
  const program = async () => {
    const certificate = new CertificateAndKeyPair("ci-cert", { uniqueName: "Preview_CI_JWT", label, rotationTrigger });
    // A short-lived certificate no integration uses: it expires, and its rotation keeps no previous certificate.
    const shortLived = new CertificateAndKeyPair("short", {
      uniqueName: "Preview_Short",
      label: "Short",
      validityDays: 1,
    });
    const outputs: Record<string, unknown> = {
      certificateFingerprint: certificate.sha256Fingerprint,
      shortFingerprint: shortLived.sha256Fingerprint,
      shortPrevious: shortLived.previousCertificate,
      shortLastRotation: shortLived.lastRotation,
    };
    if (withIntegration) {
      const ci = new JwtIntegration("ci", {
        apiName: "Preview_CI",
        label: "Preview CI",
        contactEmail: "platform@greenmoor.example",
        certificate,
        username: ciUser.username,
        audience: "https://login.salesforce.com",
        loginUrl: standIn.url,
        preAuthorized: { permissionSets: ["CI_Deployer"] },
      });
      const sso = new SamlSpBinding("partner", {
        apiName: "Preview_Partner_SSO",
        label: "Preview partner portal",
        contactEmail: "platform@greenmoor.example",
        spEntityId: partner.entityId,
        acsUrl: partner.acsUrl,
        myDomainUrl,
        idpCertificate: certificate,
        preAuthorized: { permissionSets: ["Partner_Portal_Users"] },
      });
      Object.assign(outputs, {
        consumerKey: ci.consumerKey,
        activeSlot: ci.activeSlot,
        phase: ci.phase,
        integrationFingerprint: ci.certificateSha256Fingerprint,
        retireAt: ci.retireAt,
        samlPhase: sso.phase,
        samlSigning: sso.signingSha256Fingerprint,
        samlPhaseEndsAt: sso.phaseEndsAt,
      });
    }
    return outputs;
  };
  const env = await openTempStack("preview", program);
  t.teardown(() => env.dispose());
  const problems: string[] = [];

  await previewThenUp(env, "first up", problems);

  // An integration with a generated consumer key, bound to a certificate that exists already.
  withIntegration = true;
  const added = await previewThenUp(env, "integration added", problems);
  t.regex(added["consumerKey"], /^[A-Za-z0-9]{64}A$/);

  // The certificate rotates: the integration publishes to slot B; its consumer key stays.
  rotationTrigger = "rotate-1";
  const publishing = await previewThenUp(env, "rotation", problems);
  t.is(publishing["phase"], "publishing");
  t.is(publishing["consumerKey"], added["consumerKey"]);

  // The certificate changes without a new key: preview cannot see that its key stays, so up updates the integration too.
  label = "Preview CI JWT (renamed)";
  const relabelled = await previewThenUp(env, "certificate relabelled", problems);
  t.is(relabelled["certificateFingerprint"], publishing["certificateFingerprint"]);

  // Two days on, the short-lived certificate has expired: it rotates and keeps the expired one (and its
  // key) only through that update, so that bound integrations can take the key over.
  env.setClock(daysAfter(2).toISOString());
  const expired = await previewThenUp(env, "expired certificate rotated", problems);
  t.regex(expired["shortLastRotation"].reason, /^expired on /);
  t.not(expired["shortFingerprint"], relabelled["shortFingerprint"]);
  t.is(expired["shortPrevious"].sha256Fingerprint, relabelled["shortFingerprint"]);

  // The next run drops it; preview says so, and up does it.
  const dropped = await previewThenUp(env, "expired previous certificate dropped", problems);
  t.is(dropped["shortPrevious"], null);
  t.is(dropped["shortFingerprint"], expired["shortFingerprint"]);

  // Nothing is due: preview changes nothing and shows every stack output exactly as it is.
  const quiet = await recordPreview(env);
  const values = Object.fromEntries(
    Object.entries(await env.stack.outputs()).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]),
  );
  for (const [key, shown] of Object.entries(quiet.stackOutputs)) {
    if (canonical(shown) !== canonical(values[key]))
      problems.push(
        `nothing due: stack output ${key}: preview ${JSON.stringify(shown)}, stack ${JSON.stringify(values[key])}`,
      );
  }
  t.deepEqual(problems, []);
  t.deepEqual(quiet.changeSummary, { same: 5 });
  await env.stack.destroy({ onOutput: env.onOutput });
});
