/**
 * The certificate's life in state with a frozen clock: issue, rotation with overlap, the previous
 * certificate dropped after it, and a key that is not exportable kept out of every field.
 */
import test from "ava";
import { applyUpdate, issueCertificate, planChanges, planUpdate } from "../../../provider/certificate/lifecycle";
import { decodeCertificateState, storedCertificateVersion } from "../../../provider/certificate/state";
import { checkCertificateArgs, type CertificateInputs } from "../../../provider/certificate/args";

function inputs(raw: Record<string, unknown>): CertificateInputs {
  const result = checkCertificateArgs({ uniqueName: "Life_Cert", label: "Life", ...raw });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.inputs;
}
const day = 86_400_000;
const t0 = new Date("2027-01-01T00:00:00Z");
const after = (days: number) => new Date(t0.getTime() + days * day);

test("a rotation keeps the previous certificate for the overlap, then drops it", (t) => {
  const args = inputs({ validityDays: 100, renewal: { daysBeforeExpiry: 20 }, overlapDays: 5 });
  const first = issueCertificate(args, t0);
  t.is(first.notAfter, after(100).toISOString());
  t.is(first.nextRotation, after(80).toISOString());

  t.false(planChanges(planUpdate(first, args, after(79))), "nothing to do before the window");
  const plan = planUpdate(first, args, after(80));
  t.deepEqual(plan.rotation.rotate, { kind: "window", since: after(80).toISOString() });

  const second = applyUpdate(first, args, plan, after(80));
  t.not(second.serialNumber, first.serialNumber);
  t.not(second.privateKeyPem, first.privateKeyPem);
  t.is(second.notBefore, after(80).toISOString());
  t.is(first.salesforceName, "Life_Cert");
  t.is(second.generation, 2);
  t.is(second.salesforceName, "Life_Cert_G2");
  t.truthy(second.salesforceFiles["not-for-the-org/Life_Cert_G2.crt"]);
  t.deepEqual(second.previousCertificate, {
    certificatePem: first.certificatePem!,
    salesforceName: "Life_Cert",
    sha1Fingerprint: first.sha1Fingerprint!,
    sha256Fingerprint: first.sha256Fingerprint!,
    serialNumber: first.serialNumber!,
    notBefore: first.notBefore!,
    notAfter: first.notAfter!,
    retainedUntil: after(85).toISOString(),
  });
  t.is(
    second.previousPrivateKeyPem,
    first.privateKeyPem,
    "the previous key stays for the overlap: a bound JWT integration takes it over",
  );
  t.deepEqual(second.lastRotation, {
    at: after(80).toISOString(),
    reason: `inside its renewal window since ${after(80).toISOString()}`,
  });
  t.false(planChanges(planUpdate(second, args, after(84))), "a second look right after the rotation changes nothing");

  const dropPlan = planUpdate(second, args, after(85));
  t.true(dropPlan.rotation.dropPrevious);
  const third = applyUpdate(second, args, dropPlan, after(85));
  t.is(third.previousCertificate, undefined);
  t.is(third.previousPrivateKeyPem, undefined);
  t.is(third.serialNumber, second.serialNumber, "dropping the previous certificate does not rotate");
});

test("the overlap never outlasts the previous certificate", (t) => {
  const args = inputs({ validityDays: 10, renewal: { daysBeforeExpiry: 2 }, overlapDays: 30 });
  const first = issueCertificate(args, t0);
  const second = applyUpdate(first, args, planUpdate(first, args, after(9)), after(9));
  t.is(second.previousCertificate?.retainedUntil, first.notAfter);
});

for (const [what, raw, rotateAt] of [
  ["an expired certificate", { validityDays: 10, renewal: { daysBeforeExpiry: 2 }, overlapDays: 7 }, 12],
  ["a certificate with overlapDays 0", { validityDays: 100, renewal: { daysBeforeExpiry: 20 }, overlapDays: 0 }, 80],
] as const) {
  test(`${what} that rotates keeps its key through that update, for bound integrations, and drops it at the next run`, (t) => {
    const args = inputs(raw);
    const first = issueCertificate(args, t0);
    const second = applyUpdate(first, args, planUpdate(first, args, after(rotateAt)), after(rotateAt));
    t.not(second.privateKeyPem, first.privateKeyPem);
    t.is(
      second.previousPrivateKeyPem,
      first.privateKeyPem,
      "an integration updated in the same run can still take the key its clients use",
    );
    t.is(second.previousCertificate?.retainedUntil, after(rotateAt).toISOString());
    const dropPlan = planUpdate(second, args, after(rotateAt + 1));
    t.true(dropPlan.rotation.dropPrevious);
    t.is(applyUpdate(second, args, dropPlan, after(rotateAt + 1)).previousPrivateKeyPem, undefined);
  });
}

test("a label or policy change updates without rotating", (t) => {
  const args = inputs({});
  const first = issueCertificate(args, t0);
  const changed = inputs({ label: "Renamed", renewal: { daysBeforeExpiry: 10 } });
  const plan = planUpdate(first, changed, after(1));
  t.true(planChanges(plan));
  t.is(plan.rotation.rotate, undefined);
  const second = applyUpdate(first, changed, plan, after(1));
  t.is(second.serialNumber, first.serialNumber);
  t.is(second.label, "Renamed");
  t.is(second.nextRotation, new Date(Date.parse(first.notAfter!) - 10 * day).toISOString());
  t.regex(
    second.salesforceFiles["setup-keystore-import/Life_Cert.crt-meta.xml"]!,
    /<masterLabel>Renamed<\/masterLabel>/,
  );
});

test("a key that is not exportable is in no field of the state", (t) => {
  const args = inputs({ privateKeyExportable: false });
  const first = issueCertificate(args, t0);
  const second = applyUpdate(first, args, planUpdate(first, { ...args, rotationTrigger: "now" }, after(1)), after(1));
  for (const state of [first, second]) {
    t.false(JSON.stringify(state).includes("PRIVATE KEY"));
    t.is(state.privateKeyPem, undefined);
    t.is(state.jksBase64, undefined);
    t.is(state.pkcs12Base64, undefined);
    t.regex(
      state.salesforceFiles[`setup-keystore-import/${state.salesforceName}.crt-meta.xml`]!,
      /<privateKeyExportable>false<\/privateKeyExportable>/,
    );
  }
});

test("state written by the first release is read and upgraded", (t) => {
  const v2 = issueCertificate(inputs({}), t0);
  const v1: Record<string, unknown> = {
    stateVersion: 1,
    uniqueName: v2.uniqueName,
    label: v2.label,
    keySize: v2.keySize,
    validityDays: v2.validityDays,
    subject: v2.subject,
    certificatePem: v2.certificatePem,
    publicKeyPem: v2.publicKeyPem,
    privateKeyPem: v2.privateKeyPem,
    sha1Fingerprint: v2.sha1Fingerprint,
    sha256Fingerprint: v2.sha256Fingerprint,
    serialNumber: v2.serialNumber,
    notBefore: v2.notBefore,
    notAfter: v2.notAfter,
  };
  const upgraded = decodeCertificateState(v1);
  t.is(upgraded.stateVersion, storedCertificateVersion);
  t.is(upgraded.custody, "provider");
  t.is(upgraded.nextRotation, v2.nextRotation);
  t.deepEqual(upgraded.salesforceFiles, v2.salesforceFiles);
  t.false(planUpdate(upgraded, inputs({}), after(1)).rotation.rotate !== undefined);
});

test("turning a key unexportable drops it at once, even while a CA-signed successor awaits its chain", (t) => {
  const first = issueCertificate(inputs({}), t0);
  t.truthy(first.privateKeyPem);
  const news = inputs({ caSigned: true, privateKeyExportable: false });
  const second = applyUpdate(first, news, planUpdate(first, news, after(1)), after(1));
  t.true(second.awaitingSignature);
  t.is(
    second.certificatePem,
    first.certificatePem,
    "the self-signed certificate stays in force until the chain arrives",
  );
  t.false(JSON.stringify(second).includes("PRIVATE KEY"));
});
