/**
 * The inventory program's stack outputs: the sections and each entry's fields in the order the contract
 * gives them (the JSON `pulumi stack output --json` prints follows it), the wiring from the inventory,
 * and secrets in their own outputs. The program runs against Pulumi's mock monitor.
 */
import path from "node:path";
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { declareInventory } from "../../../provider";
import { loadInventory } from "../../../provider/inventory/load-inventory";
import { repoRoot } from "../../helpers/cli";

pulumi.runtime.setMocks(
  { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
  "stack-outputs",
  "test",
  // A preview: outputs the mock does not give stay unknown, so no view is computed from a partial state.
  true,
);

test("the outputs of the example inventory: every section and field in the contract's order", (t) => {
  const loaded = loadInventory(path.join(repoRoot, "examples", "greenmoor", "inventory.yaml"));
  if (!loaded.ok) return t.fail(JSON.stringify(loaded.problems));
  const { inventory } = loaded;
  const outputs = declareInventory(inventory) as Record<string, unknown>;
  t.deepEqual(Object.keys(outputs), [
    "inventory",
    "certificates",
    "jwtIntegrations",
    "samlBindings",
    "jwtLoginKeys",
    "keystores",
    "wiring",
  ]);
  const certificates = outputs["certificates"] as Record<string, Record<string, unknown>>;
  t.deepEqual(Object.keys(certificates), Object.keys(inventory.certificates), "in the inventory's order");
  for (const entry of Object.values(certificates)) {
    t.deepEqual(Object.keys(entry), [
      "label",
      "owner",
      "caSigned",
      "awaitingSignature",
      "certificatePem",
      "sha256Fingerprint",
      "sha1Fingerprint",
      "notBefore",
      "notAfter",
      "nextRotation",
      "previousCertificate",
      "lastRotation",
      "salesforceFiles",
    ]);
  }
  const jwt = outputs["jwtIntegrations"] as Record<string, Record<string, unknown>>;
  t.deepEqual(Object.keys(jwt), Object.keys(inventory.jwtIntegrations));
  for (const [name, entry] of Object.entries(jwt)) {
    t.is(entry["certificate"], inventory.jwtIntegrations[name]!.certificate);
    t.deepEqual(Object.keys(entry), [
      "certificate",
      "owner",
      "appName",
      "consumerKey",
      "activeSlot",
      "phase",
      "publishedAt",
      "lastProofError",
      "retiredSlot",
      "tokenEndpoint",
      "sfLoginJwtCommand",
      "certificateSha256Fingerprint",
      "certificateNotAfter",
      "salesforceFiles",
    ]);
  }
  const saml = outputs["samlBindings"] as Record<string, Record<string, unknown>>;
  t.deepEqual(Object.keys(saml), Object.keys(inventory.samlBindings));
  for (const entry of Object.values(saml)) {
    t.deepEqual(Object.keys(entry), [
      "certificate",
      "owner",
      "partnerContact",
      "spEntityId",
      "phase",
      "nextStep",
      "phaseEndsAt",
      "signingSha256Fingerprint",
      "publishedCertificates",
      "metadataDiscoveryUrl",
      "idpMetadataXml",
      "handoffText",
      "salesforceFiles",
    ]);
  }
  const consumers = Object.values(outputs["wiring"] as Record<string, { kind: string; name: string }[]>).flat();
  t.deepEqual(
    consumers.map((c) => `${c.kind}:${c.name}`).sort(),
    [
      ...Object.keys(inventory.jwtIntegrations).map((n) => `jwt:${n}`),
      ...Object.keys(inventory.samlBindings).map((n) => `saml:${n}`),
    ].sort(),
  );
  t.true(pulumi.Output.isInstance(outputs["jwtLoginKeys"]), "the keys are one secret output");
  t.true(pulumi.Output.isInstance(outputs["keystores"]), "the keystores are one secret output");
});
