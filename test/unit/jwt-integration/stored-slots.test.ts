/**
 * Where a JWT integration keeps the bound certificate's PEM and key: nowhere in the steady state (the
 * certificate holds them); during a rotation, only what it needs once the certificate no longer does.
 */
import test from "ava";
import { issueCertificate } from "../../../provider/certificate/lifecycle";
import {
  applyJwtUpdate,
  createJwtIntegration,
  planJwtUpdate,
  storedSlots,
} from "../../../provider/jwt-integration/lifecycle";
import { checkCertificateArgs } from "../../../provider/certificate/args";
import { checkJwtIntegrationArgs, type JwtIntegrationInputs } from "../../../provider/jwt-integration/args";

/** These plans publish or change settings only: they ask for no login, and a probe that is called fails the test. */
const noLogin = async (): Promise<string | undefined> => {
  throw new Error("this plan needs no login");
};

const now = new Date("2027-01-01T00:00:00Z");
const certificateInputs = checkCertificateArgs({ uniqueName: "Slots_JWT", label: "Slots" }, { now });
if (!certificateInputs.ok) throw new Error("bad certificate arguments");
const first = issueCertificate(certificateInputs.inputs, now);
const second = issueCertificate(certificateInputs.inputs, now);

function inputs(bound: typeof first, handover: Partial<JwtIntegrationInputs>): JwtIntegrationInputs {
  const result = checkJwtIntegrationArgs({
    apiName: "Slots_CI",
    label: "Slots CI",
    contactEmail: "ci@example.com",
    username: "ci@example.com",
    audience: "https://login.salesforce.com",
    preAuthorized: { permissionSets: ["CI"] },
    consumerKey: "SlotsConsumerKey1",
    privateKeyExportable: true,
    certificateSha256Fingerprint: bound.sha256Fingerprint,
    certificateNotAfter: bound.notAfter,
    ...handover,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.inputs;
}

test("in the steady state the integration stores no PEM and no key; during a rotation the ones it needs later", async (t) => {
  const created = createJwtIntegration(inputs(first, {}));
  t.deepEqual(created.slotKeys, {});
  t.is(created.slots.A!.certificatePem, undefined);
  t.is(created.slots.A!.sha256Fingerprint, first.sha256Fingerprint);

  // The certificate rotates and hands over its new and previous PEM and key during its overlap.
  const handover = inputs(second, {
    certificatePem: second.certificatePem!,
    privateKeyPem: second.privateKeyPem!,
    previousCertificatePem: first.certificatePem!,
    previousPrivateKeyPem: first.privateKeyPem!,
  });
  const plan = await planJwtUpdate(created, handover, now, noLogin);
  t.deepEqual(plan.step, { kind: "publish", to: "B" });
  const publishing = applyJwtUpdate(created, handover, plan, now);
  t.is(
    publishing.slots.A!.certificatePem,
    first.certificatePem,
    "slot A keeps the old certificate: clients still log in with it",
  );
  t.is(
    publishing.slots.B!.certificatePem,
    undefined,
    "slot B holds the bound certificate: its PEM is the certificate's",
  );
  t.deepEqual(publishing.slotKeys, { A: first.privateKeyPem, B: second.privateKeyPem });

  // Once slot B logs in, clients switch: the integration keeps only slot A's old key (its retire is proven
  // by a login the org refuses, after the certificate's own overlap may have ended); slot A keeps its PEM
  // for the overlap, though the certificate no longer hands anything over.
  const switched = storedSlots(
    {
      strategy: "twoSlots",
      active: "B",
      phase: "switched",
      slots: { A: { ...publishing.slots.A! }, B: { ...publishing.slots.B! } },
    },
    inputs(second, {}),
    publishing,
  );
  t.deepEqual(switched.slotKeys, { A: first.privateKeyPem });
  t.is(switched.slots.A!.certificatePem, first.certificatePem);
  t.is(switched.slots.B!.certificatePem, undefined);
});

test("a certificate that keeps no previous certificate hands over on every run, and the integration keeps the active slot's PEM and key", (t) => {
  const created = createJwtIntegration(
    inputs(first, { certificatePem: first.certificatePem!, privateKeyPem: first.privateKeyPem! }),
  );
  t.deepEqual(created.slotKeys, { A: first.privateKeyPem });
  t.is(created.slots.A!.certificatePem, first.certificatePem);
});

test("the stack's org connection keeps its active key (and no PEM) at every step; turning it on is an update", async (t) => {
  const own = (bound: typeof first, handover: Partial<JwtIntegrationInputs>) => ({
    ...inputs(bound, handover),
    orgConnection: true,
  });
  const created = createJwtIntegration(
    own(first, { certificatePem: first.certificatePem!, privateKeyPem: first.privateKeyPem! }),
  );
  t.deepEqual(
    created.slotKeys,
    { A: first.privateKeyPem },
    "its active key: the provider logs in as it on refresh and destroy",
  );
  t.is(created.slots.A!.certificatePem, undefined, "the PEM stays the certificate's");

  const handover = own(second, {
    certificatePem: second.certificatePem!,
    privateKeyPem: second.privateKeyPem!,
    previousCertificatePem: first.certificatePem!,
    previousPrivateKeyPem: first.privateKeyPem!,
  });
  const publishing = applyJwtUpdate(created, handover, await planJwtUpdate(created, handover, now, noLogin), now);
  t.deepEqual(publishing.slotKeys, { A: first.privateKeyPem, B: second.privateKeyPem });
  const switched = storedSlots(
    {
      strategy: "twoSlots",
      active: "B",
      phase: "switched",
      slots: { A: { ...publishing.slots.A! }, B: { ...publishing.slots.B! } },
    },
    own(second, { certificatePem: second.certificatePem!, privateKeyPem: second.privateKeyPem! }),
    publishing,
  );
  t.deepEqual(
    switched.slotKeys,
    { A: first.privateKeyPem, B: second.privateKeyPem },
    "after the switch: slot B's key, the one it logs in with, and slot A's old key for the retire's proof",
  );

  // An integration made without orgConnection: declaring it the connection changes it (its key is stored).
  const plain = createJwtIntegration(inputs(first, {}));
  const plan = await planJwtUpdate(
    plain,
    own(first, { certificatePem: first.certificatePem!, privateKeyPem: first.privateKeyPem! }),
    now,
    noLogin,
  );
  t.deepEqual(plan.settingsChanged, ["orgConnection"]);
  t.deepEqual(
    (await planJwtUpdate(plain, { ...inputs(first, {}), orgConnection: false }, now, noLogin)).settingsChanged,
    [],
    "false is the default",
  );
});
