import test from "ava";
import {
  derivedConsumerKey,
  fromStoredInputs,
  storedConsumerKey,
  toStoredInputs,
} from "../../../provider/jwt-integration/state";
import { withAbsentOutputs, withoutAbsentOutputs } from "../../../provider/dynamic/absent-outputs";
import { unknownValue } from "../../../provider/dynamic/unknown-value";
import type { JwtIntegrationInputs } from "../../../provider/jwt-integration/args";

const raw = { apiName: "Greenmoor_CI", username: "ci@greenmoor.example", certificateSha256Fingerprint: "AB:CD" };

test("derivedConsumerKey is 64 letters and digits, the same for the same integration and certificate", (t) => {
  const key = derivedConsumerKey(raw);
  t.regex(key, /^[A-Za-z0-9]{64}$/);
  t.is(derivedConsumerKey({ ...raw }), key);
  t.not(derivedConsumerKey({ ...raw, apiName: "Greenmoor_CI2" }), key);
  t.not(derivedConsumerKey({ ...raw, username: "ci@other.example" }), key);
  t.not(derivedConsumerKey({ ...raw, certificateSha256Fingerprint: "AB:CE" }), key);
});

test("derivedConsumerKey is unknown while an ingredient is unknown (preview of a certificate created in the same run)", (t) => {
  t.is(derivedConsumerKey({ ...raw, certificateSha256Fingerprint: unknownValue }), unknownValue);
  t.is(derivedConsumerKey({ ...raw, apiName: unknownValue }), unknownValue);
  t.is(derivedConsumerKey({ ...raw, username: undefined }), unknownValue);
});

test("storedConsumerKey reads this release's consumerKeyBase and an earlier release's consumerKey, never an unknown", (t) => {
  t.is(storedConsumerKey({ consumerKeyBase: "Base12345" }), "Base12345");
  t.is(storedConsumerKey({ consumerKey: "Legacy12345" }), "Legacy12345");
  t.is(storedConsumerKey({ consumerKeyBase: unknownValue }), undefined);
  t.is(storedConsumerKey(undefined), undefined);
});

test("stored inputs name nothing like an output with another meaning, and read back unchanged", (t) => {
  const inputs = {
    apiName: "X",
    consumerKey: "Base12345",
    certificateSha256Fingerprint: "AB",
    certificateNotAfter: "2030-01-01T00:00:00.000Z",
    privateKeyPem: "k",
  } as unknown as JwtIntegrationInputs;
  const stored = toStoredInputs(inputs, 3);
  t.false("consumerKey" in stored);
  t.false("certificateSha256Fingerprint" in stored);
  t.false("certificateNotAfter" in stored);
  t.is(stored.privateKeyPem, "k", "kept by name, so Pulumi keeps it secret");
  t.is(stored.certificateRevision, 3);
  t.deepEqual(fromStoredInputs(stored), inputs);
  t.false("certificateRevision" in toStoredInputs(inputs, undefined));
});

test("absent outputs are stored as null and read back as absent", (t) => {
  const stored = withAbsentOutputs({ a: 1, b: undefined as number | undefined }, ["b", "c"]);
  t.deepEqual(stored, { a: 1, b: null, c: null } as never);
  t.deepEqual(withoutAbsentOutputs(stored), { a: 1 } as never);
});
