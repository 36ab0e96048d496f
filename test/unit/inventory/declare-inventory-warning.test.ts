/**
 * declareInventory is public: a program may give it an inventory that never went through loadInventory,
 * with a password put in `keystorePasswordEnv` by mistake. Its warning names the variable it found unset,
 * and never prints a value that is not a variable's name. The program runs against Pulumi's mock monitor.
 */
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { declareInventory } from "../../../provider";
import type { Inventory } from "../../../provider/inventory/inventory-types";

pulumi.runtime.setMocks(
  { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
  "declare-warning",
  "test",
  false,
);

test("the keystorePasswordEnv warning names an unset variable, and never shows a password put there", async (t) => {
  const password = "Tr0ub4dor&3 horse";
  const variable = "SFC_TEST_UNSET_KEYSTORE_PASSWORD";
  delete process.env[variable];
  const inventory: Inventory = {
    file: "inventory.yaml",
    org: {},
    certificates: {
      Named: { label: "Named", keystorePasswordEnv: variable },
      Mistaken: { label: "Mistaken", keystorePasswordEnv: password },
    },
    jwtIntegrations: {},
    samlBindings: {},
  };
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...parts: unknown[]) => void warnings.push(parts.join(" "));
  try {
    declareInventory(inventory);
  } finally {
    console.warn = warn;
  }
  t.deepEqual(warnings, [
    `warning: [runtime] certificates.Named.keystorePasswordEnv: ${variable} is not set, so no keystore is produced`,
    "warning: [runtime] certificates.Mistaken.keystorePasswordEnv: must be the name of an environment variable (letters, digits and underscores, not starting with a digit, such as ACME_KEYSTORE_PASSWORD), never the password itself; the value is not shown, so no keystore is produced",
  ]);
  t.false(warnings.join("\n").includes("Tr0ub4dor"));
});
