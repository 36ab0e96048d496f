/** A field table lists each field once; the lists a resource needs are derived from it in the table's order. */
import test from "ava";
import { type FieldTable, fieldsOfKind } from "../../../provider/dynamic/field-table";
import { certificateKeySourceFields } from "../../../provider/certificate/fields";

const table = {
  a: "stored",
  b: ["stored", "secret", "optional"],
  c: "view",
  d: ["stored", "view"],
} as const satisfies FieldTable;

test("fieldsOfKind keeps the table's order and reads single and several kinds", (t) => {
  t.deepEqual(fieldsOfKind(table, "stored"), ["a", "b", "d"]);
  t.deepEqual(fieldsOfKind(table, "secret"), ["b"]);
  t.deepEqual(fieldsOfKind(table, "optional"), ["b"]);
  t.deepEqual(fieldsOfKind(table, "view"), ["c", "d"]);
  // The type of the derived list names exactly those fields.
  const views: readonly ("c" | "d")[] = fieldsOfKind(table, "view");
  t.is(views.length, 2);
});

test("a certificate's key views read the key fields of every shape, the shape, and what decides a key's presence", (t) => {
  t.deepEqual([...certificateKeySourceFields].sort(), [
    "certificateChainPem",
    "custody",
    "previousCertificate",
    "previousPrivateKey",
    "previousPrivateKeyPem",
    "privateKey",
    "privateKeyExportable",
    "privateKeyPem",
    "stateVersion",
  ]);
});
