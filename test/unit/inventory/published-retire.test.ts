/**
 * The inventory publishes a JWT integration's `retiredSlot` as a plain output of its entry (no key in it),
 * so that report and check can name a retire not proven yet; and an integration with no retire recorded
 * publishes nothing there. The program runs against Pulumi's mock monitor, which gives the integrations
 * the states below (as the provider stores them).
 */
import path from "node:path";
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { declareInventory } from "../../../provider";
import { loadInventory } from "../../../provider/inventory/load-inventory";
import type { InventoryStackOutputs } from "../../../provider/inventory/stack-outputs";
import { modelFromOutputs } from "../../../provider/report/report-model";
import { repoRoot } from "../../helpers/cli";

const pending = {
  slot: "A",
  sha256Fingerprint: "AB:CD:EF",
  retiredAt: "2026-01-31T23:56:00.000Z",
  proof: "pending",
  lastProofError: "the org still accepted the old key at 2026-01-31T23:56:00.000Z",
};

pulumi.runtime.setMocks(
  {
    newResource: (args) => ({
      id: `${args.name}-id`,
      // The example's CI integration records a pending retire; the other resources none.
      state: args.type.endsWith("JwtIntegration") ? { ...args.inputs, retiredSlot: pending } : args.inputs,
    }),
    call: () => ({}),
  },
  "published-retire",
  "test",
  // A preview: outputs the mock does not give stay unknown, so no view is computed from a partial state.
  true,
);

/** An output's value and whether it is secret. */
const settle = async <T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> => ({
  value: await new Promise<T>((resolve) => output.apply(resolve)),
  secret: await pulumi.isSecret(output),
});

test("each JWT integration entry publishes its retiredSlot, plain, and report and check read it from there", async (t) => {
  const loaded = loadInventory(path.join(repoRoot, "examples", "greenmoor", "inventory.yaml"));
  if (!loaded.ok) return t.fail(JSON.stringify(loaded.problems));
  const outputs = declareInventory(loaded.inventory) as unknown as InventoryStackOutputs<true>;
  const names = Object.keys(outputs.jwtIntegrations);
  t.true(names.length > 0, "the example declares a JWT integration");
  for (const name of names) {
    const published = await settle(outputs.jwtIntegrations[name]!.retiredSlot);
    t.deepEqual(published.value, pending as never);
    t.false(published.secret, "plain: the record holds no key");
    t.false(JSON.stringify(published.value).includes("PRIVATE KEY"));
  }
  // The entries as a stack gives them back: the model reads the retire from them.
  const entries = Object.fromEntries(
    await Promise.all(
      names.map(async (name) => [
        name,
        { retiredSlot: (await settle(outputs.jwtIntegrations[name]!.retiredSlot)).value },
      ]),
    ),
  );
  const model = modelFromOutputs({ certificates: {}, jwtIntegrations: entries }, "stack demo");
  t.deepEqual(
    model.jwtRetires.map((r) => [r.name, r.slot, r.proof]),
    names.map((name) => [name, "A", "pending"]),
  );
});
