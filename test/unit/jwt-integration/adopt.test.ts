/**
 * A JwtIntegration that adopts an existing app: the rules of `adopt` (pure, through checkJwtIntegrationArgs),
 * the state adoption makes (the adopted app is the active slot, nothing else changes), and planJwtUpdate
 * with that state on the test clock: it holds until the adopted certificate's renewal point under the
 * bound certificate's policy (or a rotation of the bound certificate), then publishes to the generated slot
 * and goes through the usual two-slot flow; the adopted app's files are deployed only once its own
 * certificate is gone. The adopted app's certificate and key are made by openssl, not by our code.
 */
import crypto = require("node:crypto");
import test from "ava";
import { issueCertificate } from "../../../provider/certificate/lifecycle";
import { checkCertificateArgs } from "../../../provider/certificate/args";
import {
  checkJwtIntegrationArgs,
  comparableFingerprint,
  type JwtIntegrationInputs,
} from "../../../provider/jwt-integration/args";
import {
  adoptJwtIntegration,
  adoptedRenewal,
  applyJwtUpdate,
  planJwtUpdate,
  type JwtIntegrationState,
} from "../../../provider/jwt-integration/lifecycle";
import { jwtAppDrift, jwtAppFiles, notYetMade } from "../../../provider/jwt-integration/in-org";
import { decodeJwtState, encodeJwtState, toStoredInputs } from "../../../provider/jwt-integration/state";
import { describeCertificate } from "../../../provider/crypto/certificate-facts";
import { jwtIntegrationProvider } from "../../../provider";
import { opensslSelfSigned } from "../../helpers/openssl-ca";
import { daysAfter, testNow } from "../../helpers/test-clock";

const now = testNow();
const day = 86_400_000;
// The app's certificate was made 300 days ago for a year: its renewal point at 80 % of the lifetime is day
// 292 of 365, so 8 days ago under the default policy, and 35 days from now at 30 days before expiry.
const adoptedNotBefore = daysAfter(-300, now);
const existing = opensslSelfSigned("legacy-ci", adoptedNotBefore, daysAfter(365, adoptedNotBefore));
const existingFacts = describeCertificate(existing.certificatePem);
const certificateInputs = checkCertificateArgs({ uniqueName: "Adopt_JWT", label: "Adopt" }, { now });
if (!certificateInputs.ok) throw new Error("bad certificate arguments");
const managed = issueCertificate(certificateInputs.inputs, now);
const rotated = issueCertificate(certificateInputs.inputs, now);

const args = (extra: Record<string, unknown> = {}) => ({
  apiName: "Acme_CI",
  label: "Acme CI",
  contactEmail: "ci@example.com",
  username: "ci@example.com",
  audience: "https://login.salesforce.com",
  preAuthorized: { permissionSets: ["CI"] },
  consumerKey: "AcmeConsumerKey1",
  privateKeyExportable: true,
  certificateSha256Fingerprint: managed.sha256Fingerprint,
  certificateNotAfter: managed.notAfter,
  ...extra,
});

function inputs(extra: Record<string, unknown> = {}): JwtIntegrationInputs {
  const result = checkJwtIntegrationArgs(args(extra));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.inputs;
}

const adopt = {
  app: "Legacy_CI",
  sha256Fingerprint: existingFacts.sha256Fingerprint,
};
const app = {
  appName: "Legacy_CI",
  consumerKey: "LegacyConsumerKey42",
  certificatePem: existing.certificatePem,
};

const issuesOf = (extra: Record<string, unknown>) => {
  const result = checkJwtIntegrationArgs(args(extra));
  return result.ok ? [] : result.issues;
};

test("adopt: app, fingerprint (colon or plain hex, any case) and an optional RSA key pass", (t) => {
  t.deepEqual(issuesOf({ adopt }), []);
  const plain = existingFacts.sha256Fingerprint.replace(/:/g, "").toLowerCase();
  t.deepEqual(issuesOf({ adopt: { ...adopt, sha256Fingerprint: plain } }), []);
  t.is(comparableFingerprint(plain), comparableFingerprint(existingFacts.sha256Fingerprint));
  t.deepEqual(issuesOf({ adopt: { ...adopt, privateKeyPem: existing.privateKeyPem } }), []);
});

test("adopt: each broken rule is named with its field, and a key is never quoted", (t) => {
  t.deepEqual(issuesOf({ adopt: "Legacy_CI" }), [
    {
      path: "adopt",
      message: 'must be an object { app, sha256Fingerprint, privateKeyPem? } (got "Legacy_CI")',
    },
  ]);
  t.deepEqual(issuesOf({ adopt: { ...adopt, app: "Legacy CI'; rm -rf /" } }), [
    {
      path: "adopt.app",
      message: `may contain only letters, digits and underscores (got "Legacy CI'; rm -rf /")`,
    },
  ]);
  t.deepEqual(issuesOf({ adopt: { ...adopt, app: "acme_ci_b" } }), [
    {
      path: "adopt.app",
      message:
        'must not be Acme_CI_B: that is the slot app this integration makes for the next certificate (got "acme_ci_b")',
    },
  ]);
  t.deepEqual(issuesOf({ adopt: { ...adopt, sha256Fingerprint: "AB:CD" } }), [
    {
      path: "adopt.sha256Fingerprint",
      message:
        'must be the SHA-256 fingerprint of the app\'s certificate: 32 hex pairs joined by ":" (as openssl x509 -fingerprint -sha256 prints it) or 64 hex digits (got "AB:CD")',
    },
  ]);
  t.deepEqual(issuesOf({ adopt: { ...adopt, extra: 1 } }), [
    {
      path: "adopt.extra",
      message: "is not a field of adopt (known: app, sha256Fingerprint, privateKeyPem)",
    },
  ]);
  // An EC key: a PEM private key, but not one a JWT Bearer login is signed with; the message quotes none of it.
  const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
    type: "pkcs8",
    format: "pem",
  }) as string;
  const ecIssues = issuesOf({ adopt: { ...adopt, privateKeyPem: ec } });
  t.is(ecIssues.length, 1);
  t.is(ecIssues[0]!.path, "adopt.privateKeyPem");
  t.regex(ecIssues[0]!.message, /must be an RSA private key in PEM form.*it is a ec key.*\(the value is not shown\)/);
  const body = ec.split("\n")[1]!;
  t.false(JSON.stringify(ecIssues).includes(body));
  // Cut short: the PEM armour is there, the key is not.
  const lines = existing.privateKeyPem.trim().split("\n");
  const garbled = [...lines.slice(0, 6), lines[lines.length - 1]].join("\n");
  const garbledIssues = issuesOf({
    adopt: { ...adopt, privateKeyPem: garbled },
  });
  t.is(garbledIssues[0]?.path, "adopt.privateKeyPem");
  t.false(JSON.stringify(garbledIssues).includes(existing.privateKeyPem.split("\n")[1]!));
  t.deepEqual(
    issuesOf({ adopt, orgConnection: true }).map((i) => i.path),
    ["adopt"],
    "the stack's own connection adopts nothing",
  );
});

test("adopting makes the adopted app the active slot and the generated app the next; no key, or the given key only as a secret", (t) => {
  const state = adoptJwtIntegration(inputs({ adopt }), app);
  t.is(state.activeSlot, "A");
  t.is(state.appName, "Legacy_CI");
  t.is(state.consumerKey, "LegacyConsumerKey42");
  t.is(state.certificateSha256Fingerprint, existingFacts.sha256Fingerprint);
  t.deepEqual(state.slots.B, {
    appName: "Acme_CI_B",
    consumerKey: "AcmeConsumerKey1B",
  });
  t.deepEqual(state.slotKeys, {});
  t.is(state.privateKeyPem, "", "the key is held elsewhere");
  t.true(state.adopted!.keyHeldElsewhere);
  t.false("adopt" in state, "the input is not copied into the state");
  const withKey = adoptJwtIntegration(inputs({ adopt: { ...adopt, privateKeyPem: existing.privateKeyPem } }), app);
  t.deepEqual(withKey.slotKeys, { A: existing.privateKeyPem });
  t.false(withKey.adopted!.keyHeldElsewhere);
  const stored = encodeJwtState(withKey, toStoredInputs(inputs({ adopt }), undefined)) as unknown as Record<
    string,
    unknown
  >;
  t.false("privateKeyPem" in stored, "the key output is a view of the secret slotKeys");
  t.false("adopt" in stored);
  const body = existing.privateKeyPem.split("\n")[1]!;
  const { slotKeys: _secret, ...plain } = stored;
  t.false(JSON.stringify(plain).includes(body), "the key is only in the secret slotKeys");
  // Until the managed certificate goes there, the generated slot app is not in the org, and the adopted
  // app is deployed by nothing.
  t.is(notYetMade(decodeJwtState(withKey)), "B");
  const seen = { app: "present" as const, sha256Fingerprint: existingFacts.sha256Fingerprint };
  t.deepEqual(jwtAppDrift(withKey, { A: seen, B: { app: "absent" } }), []);
  t.deepEqual(jwtAppDrift(withKey, { A: { app: "absent" }, B: { app: "absent" } }), ["Legacy_CI is not in the org"]);
  t.deepEqual(
    Object.keys(jwtAppFiles(withKey, { boundCertificatePem: managed.certificatePem })).filter((f) =>
      /Legacy_CI/i.test(f),
    ),
    [],
  );
});

/** The probe of a plan that must not log in. */
const noLogin = async (): Promise<string | undefined> => {
  throw new Error("this plan needs no login");
};

test("planJwtUpdate holds the adopted app until its renewal point, then goes through the two-slot flow", async (t) => {
  const policy = { daysBeforeExpiry: 30 };
  const news = inputs({
    adopt,
    certificateRenewal: policy,
    certificatePem: managed.certificatePem,
    privateKeyPem: managed.privateKeyPem,
  });
  const adopted = adoptJwtIntegration(news, app);
  const point = adoptedRenewal(adopted.adopted!, news, now).at;
  t.is(point.toISOString(), new Date(Date.parse(existingFacts.notAfter) - 30 * day).toISOString());

  // Before the renewal point: nothing to do, and preview says when the managed certificate takes over.
  const before = new Date(point.getTime() - 1000);
  const hold = await planJwtUpdate(adopted, news, before, noLogin, "org");
  t.deepEqual(hold.step, { kind: "none" });
  t.deepEqual(hold.settingsChanged, []);
  t.regex(
    hold.message,
    new RegExp(
      `clients on the adopted ExternalClientApplication Legacy_CI .*its key is held elsewhere .*cannot prove the adopted app's logins.*goes to slot B \\(Acme_CI_B\\) through the two-slot flow at ${point.toISOString()}`,
    ),
  );

  // Under the default policy (80 % of the lifetime) it is past already.
  const byDefault = await planJwtUpdate(adopted, { ...news, certificateRenewal: undefined }, before, noLogin, "org");
  t.deepEqual(byDefault.step, { kind: "publish", to: "B" });

  // At the renewal point: published to slot B; clients stay on the adopted app until slot B logs in.
  const publish = await planJwtUpdate(adopted, news, point, noLogin, "org");
  t.deepEqual(publish.step, { kind: "publish", to: "B" });
  t.regex(publish.message, /the managed certificate takes over from the adopted app Legacy_CI/);
  const publishing = applyJwtUpdate(adopted, news, publish, point);
  t.is(publishing.activeSlot, "A");
  t.is(publishing.consumerKey, "LegacyConsumerKey42");
  t.is(publishing.slotKeys.B, managed.privateKeyPem, "the new slot's key, for its proof");
  t.is(notYetMade(publishing), undefined);
  const files = jwtAppFiles(publishing, {
    boundCertificatePem: managed.certificatePem,
  });
  t.true(Object.keys(files).some((f) => f.includes("Acme_CI_B")));
  t.false(
    Object.keys(files).some((f) => f.includes("Legacy_CI")),
    "the adopted app keeps its certificate and settings",
  );

  // The proof uses the new slot's consumer key and the managed key; failing, clients stay.
  const proofs: { consumerKey: string; privateKeyPem: string }[] = [];
  const failing = async (login: { consumerKey: string; privateKeyPem: string }) => {
    proofs.push(login);
    return "invalid_grant: invalid assertion";
  };
  const waiting = await planJwtUpdate(publishing, news, point, failing, "org");
  t.is(waiting.step.kind, "awaitLogin");
  t.deepEqual(
    proofs.map((p) => [p.consumerKey, p.privateKeyPem === managed.privateKeyPem]),
    [["AcmeConsumerKey1B", true]],
  );
  const switching = await planJwtUpdate(publishing, news, point, async () => undefined, "org");
  t.deepEqual(switching.step, { kind: "switch", to: "B" });
  const switched = applyJwtUpdate(publishing, news, switching, point);
  t.is(switched.activeSlot, "B");
  t.is(switched.consumerKey, "AcmeConsumerKey1B");
  t.deepEqual(switched.slotKeys, {}, "the managed certificate holds the key clients use now");
  t.is(
    switched.slots.A!.certificatePem,
    existing.certificatePem,
    "the adopted app keeps its certificate for the overlap",
  );

  // After the overlap the adopted app's certificate is retired: its files are deployed, without a certificate.
  const later = new Date(point.getTime() + 8 * day);
  const retire = await planJwtUpdate(switched, news, later, noLogin, "org");
  t.deepEqual(retire.step, { kind: "retire", slot: "A" });
  const retired = applyJwtUpdate(switched, news, retire, later);
  t.deepEqual(retired.slots.A, {
    appName: "Legacy_CI",
    consumerKey: "LegacyConsumerKey42",
  });
  const retiredFiles = jwtAppFiles(retired, {
    boundCertificatePem: managed.certificatePem,
  });
  const global = retiredFiles["extlClntAppGlobalOauthSets/Legacy_CI_glbloauth.ecaGlblOauth-meta.xml"];
  t.truthy(global);
  t.regex(global!, /<certificate><\/certificate>/, "an empty certificate turns the JWT Bearer Flow off for it");
  t.regex(global!, /<consumerKey>LegacyConsumerKey42<\/consumerKey>/);
});

test("planJwtUpdate: a rotation of the bound certificate hands over at once; in place, the adopted app takes it", async (t) => {
  const policy = { daysBeforeExpiry: 30 };
  const news = inputs({ adopt, certificateRenewal: policy });
  const adopted = adoptJwtIntegration(news, app);
  const rotatedNews = {
    ...news,
    certificateSha256Fingerprint: rotated.sha256Fingerprint!,
    certificateNotAfter: rotated.notAfter!,
  };
  const plan = await planJwtUpdate(adopted, rotatedNews, now, noLogin, "org");
  t.deepEqual(plan.step, { kind: "publish", to: "B" });
  t.regex(plan.message, /the bound certificate rotated since the adoption/);

  const legacy = inputs({
    adopt,
    certificateRenewal: policy,
    appType: "ConnectedApp",
  });
  t.is(legacy.rotationStrategy, "inPlace");
  const inPlace: JwtIntegrationState = adoptJwtIntegration(legacy, app);
  t.deepEqual(Object.keys(inPlace.slots), ["A"]);
  t.deepEqual((await planJwtUpdate(inPlace, legacy, now, noLogin)).step, {
    kind: "none",
  });
  t.regex(
    (await planJwtUpdate(inPlace, legacy, now, noLogin)).message,
    /adopted ConnectedApp Legacy_CI .*the managed certificate replaces it in place at/,
  );
  const due = new Date(Date.parse(existingFacts.notAfter) - 30 * day);
  t.deepEqual((await planJwtUpdate(inPlace, legacy, due, noLogin)).step, {
    kind: "replaceInPlace",
  });
});

test("check refuses adopt without the org connection, naming adopt", async (t) => {
  const saved = process.env["SALESFORCE_CERTS_NOW"];
  process.env["SALESFORCE_CERTS_NOW"] = now.toISOString();
  try {
    const result = await jwtIntegrationProvider.check!({} as never, args({ adopt }) as never);
    t.is(result.failures?.length, 1);
    t.is(result.failures![0]!.property, "adopt");
    t.regex(result.failures![0]!.reason, /^takes over an app the org holds, so it needs the org connection/);
  } finally {
    if (saved === undefined) delete process.env["SALESFORCE_CERTS_NOW"];
    else process.env["SALESFORCE_CERTS_NOW"] = saved;
  }
});
