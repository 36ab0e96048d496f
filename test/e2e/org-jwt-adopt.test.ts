/**
 * Org mode, a JwtIntegration that adopts an External Client App a person made years ago, through the engine
 * against the stand-in org (its propagation delay at its default, 5 minutes on its clock: the handover must
 * hold with the org's login servers lagging behind its metadata). The app's certificate and key are made
 * by openssl for the test, and the app is deployed the way a person in Setup would, before the stack
 * exists. A fingerprint that differs or a key that is not the certificate's is refused naming the field,
 * with nothing deployed and the org unchanged; the first `up` adopts with 0 deploys and leaves the org as it
 * was; `preview --expect-no-changes` passes; on the test clock, at the adopted certificate's renewal point
 * the managed certificate goes to the generated slot app, clients switch once it logs in, and after the
 * overlap the adopted app's certificate is cleared, a client logging in at every step (the old key until
 * the switch, the new key after); no key is in the state but as a secret; destroy deletes the adopted app
 * with the resource (Pulumi's import semantics).
 */
import test from "ava";
import * as jsforce from "jsforce";
import * as pulumi from "@pulumi/pulumi";
import { CertificateAndKeyPair, JwtIntegration } from "../../provider";
import { describeCertificate } from "../../provider/crypto/certificate-facts";
import { externalClientAppFiles } from "../../provider/salesforce/oauth-apps";
import { jwtBearerGrantType, signJwtAssertion } from "../../provider/salesforce/jwt-bearer";
import { keyMaterial, openTempStack } from "../helpers/engine";
import { opensslSelfSigned } from "../helpers/openssl-ca";
import { acmeCiArguments, ciUser, startOrgForProvider } from "../helpers/org-mode";
import { sourceFormatZip } from "../helpers/stand-in-org";

const day = 86_400_000;
const start = "2026-12-01T09:00:00.000Z";
const at = (days: number) => new Date(Date.parse(start) + days * day).toISOString();
/** Past the stand-in's default propagation delay (5 minutes). */
const propagated = 6 * 60_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const legacyConsumerKey = "LegacyCiConsumerKey20211201";

test("org mode JwtIntegration adopt: refused when it does not match, adopts with 0 deploys, hands over to the managed certificate with a valid credential at every step", async (t) => {
  const { org, setClock, configure, admin } = await startOrgForProvider(start, { users: [ciUser] });
  t.teardown(() => org.close());
  let clock = start;
  const tick = (iso: string) => {
    clock = iso;
    setClock(iso);
  };
  // The app a person made 300 days ago with a one-year certificate: its renewal point, 30 days before
  // expiry under the managed certificate's policy, is day 35 of the test.
  const legacy = opensslSelfSigned("legacy-ci", new Date(at(-300)), new Date(at(65)));
  const legacyFacts = describeCertificate(legacy.certificatePem);
  const other = opensslSelfSigned("someone-else", new Date(at(-10)), new Date(at(355)));
  const files = externalClientAppFiles({
    name: "Legacy_CI",
    label: "Legacy CI",
    contactEmail: "it@acme.example",
    description: "Made by hand in Setup",
    consumerKey: legacyConsumerKey,
    certificatePem: legacy.certificatePem,
    scopes: ["Api"],
    permissionSets: ["CI_Deployer"],
    profiles: [],
  });
  await admin()
    .metadata.deploy(await sourceFormatZip(files), { singlePackage: true, rollbackOnError: true })
    .complete(true);
  tick(plus(start, propagated));

  const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;
  const before = deploys();
  const snapshot = () =>
    JSON.stringify({
      components: [...org.state.componentRecords.entries()],
      certificates: org.state.certificateRecords,
    });
  const seeded = snapshot();
  const app = (name: string) => org.state.apps.find((a) => a.name === name);
  const logsIn = async (credential: { consumerKey: string; privateKeyPem: string }) => {
    try {
      const assertion = signJwtAssertion(
        { ...credential, username: ciUser.username, audience: "https://login.salesforce.com" },
        new Date(clock),
      );
      const token = await new jsforce.OAuth2({ loginUrl: org.url }).requestToken({
        grant_type: jwtBearerGrantType,
        assertion,
      });
      return token.access_token ? "ok" : "no token";
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };
  const legacyCredential = { consumerKey: legacyConsumerKey, privateKeyPem: legacy.privateKeyPem };
  t.is(await logsIn(legacyCredential), "ok", "the adopted app's clients log in before the stack exists");

  // Lower case and plain hex: names are matched without case, fingerprints in either form.
  let adopt = {
    app: "legacy_ci",
    sha256Fingerprint: describeCertificate(other.certificatePem).sha256Fingerprint,
    privateKeyPem: legacy.privateKeyPem,
  };
  let label = "Acme CI JWT";
  const env = await openTempStack("org-jwt-adopt", async () => {
    const certificate = new CertificateAndKeyPair("ci-cert", {
      uniqueName: "Acme_CI_JWT",
      label,
      renewal: { daysBeforeExpiry: 30 },
    });
    const ci = new JwtIntegration("ci", {
      ...acmeCiArguments(org.url),
      certificate,
      adopt: { ...adopt, privateKeyPem: pulumi.secret(adopt.privateKeyPem) },
    });
    return {
      appName: ci.appName,
      consumerKey: ci.consumerKey,
      privateKeyPem: ci.privateKeyPem,
      activeSlot: ci.activeSlot,
      phase: ci.phase,
      managedKey: certificate.privateKeyPem,
      managedCertificatePem: certificate.certificatePem,
    };
  });
  t.teardown(() => env.dispose());
  await configure(env.stack);

  // Refused: the app holds another certificate than the one given.
  let error = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
  t.regex(
    error!.message,
    new RegExp(
      `adopt\\.sha256Fingerprint: ExternalClientApplication Legacy_CI holds certificate ${legacyFacts.sha256Fingerprint}, not ${adopt.sha256Fingerprint}`,
    ),
  );
  t.regex(error!.message, /nothing was deployed or recorded/);
  t.is(deploys(), before);
  t.is(snapshot(), seeded, "the org is unchanged");

  // Refused: the key given is not the certificate's; the message quotes no key.
  adopt = {
    ...adopt,
    sha256Fingerprint: legacyFacts.sha256Fingerprint.replace(/:/g, "").toLowerCase(),
    privateKeyPem: other.privateKeyPem,
  };
  error = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
  t.regex(error!.message, /adopt\.privateKeyPem: the key given is not the key of the certificate/);
  for (const needle of keyMaterial(other.privateKeyPem)) t.false(error!.message.includes(needle));
  t.is(deploys(), before);
  t.is(snapshot(), seeded, "the org is unchanged");
  t.false(env.readState().includes("Legacy_CI"), "nothing recorded");

  // Preview says what is adopted and that nothing is deployed; up adopts with 0 deploys and the org as it was.
  adopt = { ...adopt, privateKeyPem: legacy.privateKeyPem };
  let mark = env.log.length;
  await env.stack.preview({ onOutput: env.onOutput });
  t.regex(
    env.logSince(mark),
    new RegExp(`adopts ExternalClientApplication legacy_ci from ${org.url.replace(/\./g, "\\.")}; deploys nothing`),
  );
  await env.stack.up({ onOutput: env.onOutput });
  t.is(deploys(), before, "0 deploys");
  t.is(snapshot(), seeded, "the org is unchanged by the adoption");
  let outputs = await env.values();
  t.is(outputs["appName"], "Legacy_CI", "as the org spells it");
  t.is(outputs["consumerKey"], legacyConsumerKey);
  t.is(outputs["activeSlot"], "A");
  t.is(outputs["privateKeyPem"], legacy.privateKeyPem, "the key given, as the secret output");
  t.is(await logsIn(outputs as never), "ok");
  await env.stack.preview({ onOutput: env.onOutput, expectNoChanges: true });
  // A refresh reads the adopted app as it is, and the slot app not made yet is no drift.
  mark = env.log.length;
  await env.stack.refresh({ onOutput: env.onOutput });
  t.notRegex(env.logSince(mark), /is not in the org|instead of/);
  await env.stack.preview({ onOutput: env.onOutput, expectNoChanges: true });
  t.is(deploys(), before);

  // Before the renewal point nothing changes; preview says when the managed certificate takes over.
  tick(at(34));
  mark = env.log.length;
  await env.stack.preview({ onOutput: env.onOutput, expectNoChanges: true });
  t.regex(
    env.logSince(mark),
    /clients on the adopted ExternalClientApplication Legacy_CI .*the managed certificate goes to slot B \(Acme_CI_B\) through the two-slot flow at 2027-01-05T09:00:00\.000Z/,
  );
  t.is(deploys(), before);
  // The managed certificate updated without a new key: the integration records its revision, and deploys
  // nothing (the adopted app stays as it is, and the generated slot app is made only when needed).
  label = "Acme CI JWT (managed)";
  mark = env.log.length;
  await env.stack.preview({ onOutput: env.onOutput });
  t.regex(env.logSince(mark), /clients on the adopted ExternalClientApplication Legacy_CI /);
  t.notRegex(env.logSince(mark), /rotated since the adoption/);
  mark = env.log.length;
  await env.stack.up({ onOutput: env.onOutput });
  t.regex(env.logSince(mark), /in the org: deploys nothing \(the adopted app serves clients/);
  t.is(deploys(), before);
  t.is(app("Acme_CI_B"), undefined);
  await env.stack.preview({ onOutput: env.onOutput, expectNoChanges: true });

  // At the renewal point: the managed certificate goes to slot B; its proof fails until the org's login
  // servers know it, so clients stay on the adopted app, which still logs in.
  tick(at(35));
  mark = env.log.length;
  await env.stack.preview({ onOutput: env.onOutput });
  t.regex(
    env.logSince(mark),
    /publishes the new certificate to slot B .*; in the org: deploys ExternalClientApplication Acme_CI_B to /,
    "the adopted app is not in the deploy",
  );
  mark = env.log.length;
  await env.stack.up({ onOutput: env.onOutput });
  t.regex(env.logSince(mark), /the managed certificate takes over from the adopted app Legacy_CI/);
  outputs = await env.values();
  t.is(outputs["activeSlot"], "A");
  t.is(outputs["phase"], "publishing");
  t.is(app("Acme_CI_B")?.certificatePem?.trim(), (await env.values())["managedCertificatePem"]?.trim());
  t.is(app("Legacy_CI")?.certificatePem?.trim(), legacy.certificatePem.trim(), "the adopted app is not redeployed");
  t.is(await logsIn(outputs as never), "ok", "clients on the adopted app still log in");

  // Past the delay: up proves slot B and switches; both keys log in through the overlap.
  tick(plus(at(35), propagated));
  await env.stack.up({ onOutput: env.onOutput });
  outputs = await env.values();
  t.is(outputs["activeSlot"], "B");
  t.is(outputs["appName"], "Acme_CI_B");
  t.is(outputs["privateKeyPem"], outputs["managedKey"]);
  t.is(await logsIn(outputs as never), "ok", "the new credential logs in");
  t.is(await logsIn(legacyCredential), "ok", "the old credential still logs in through the overlap");

  // After the overlap the adopted app's certificate is cleared; the app stays; the old key stops once the
  // org's login servers know, the new one keeps working.
  tick(at(43));
  mark = env.log.length;
  await env.stack.up({ onOutput: env.onOutput });
  t.regex(env.logSince(mark), /deployed ExternalClientApplication Legacy_CI, Acme_CI_B to /);
  outputs = await env.values();
  t.is(outputs["phase"], "stable");
  t.truthy(app("Legacy_CI"), "the adopted app stays, without a certificate");
  t.is(app("Legacy_CI")?.certificatePem, undefined);
  t.is(app("Legacy_CI")?.consumerKey, legacyConsumerKey);
  t.is(await logsIn(legacyCredential), "ok", "a retired certificate keeps working until the delay has passed");
  tick(plus(at(43), propagated));
  t.regex(await logsIn(legacyCredential), /invalid_grant/);
  t.is(await logsIn(outputs as never), "ok");

  // No key in the state or the log but as a secret.
  const state = env.readState();
  for (const key of [legacy.privateKeyPem, outputs["managedKey"] as string]) {
    for (const needle of keyMaterial(key)) {
      t.false(state.includes(needle), "no key in the state");
      t.false(env.log.join("").includes(needle), "no key in the log");
    }
  }

  // Destroy deletes the adopted app with the resource, as any app the stack owns.
  await env.stack.destroy({ onOutput: env.onOutput });
  t.is(app("Legacy_CI"), undefined);
  t.is(org.state.component("ExternalClientApplication", "Legacy_CI"), undefined);
  t.is(app("Acme_CI_B"), undefined);
});
