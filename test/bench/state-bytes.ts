/**
 * @module What a resource's state bytes are made of: its inputs and outputs as compact JSON, split into
 * categories that add up exactly to `JSON.stringify(inputs)` + `JSON.stringify(outputs)` (UTF-8 bytes).
 *
 * Each top-level property's value goes to one category, checked in this order:
 * 1. `shell`: the serialised dynamic provider (`__provider`), both copies (the SDK stores it in inputs and
 *    outputs);
 * 2. `secrets`: every Pulumi secret ciphertext object (the one with the secret signature key), wherever it
 *    is nested; the rest of the value that holds it goes on down this list;
 * 3. `chain`: a certificate's chain PEM (`certificateChainPem`);
 * 4. `echoed`: a property present in inputs and outputs with equal JSON, both copies (a dynamic provider's
 *    diff, update and read see only the old outputs, so a setting it compares is stored twice);
 * 5. `inputsRest` / `outputsRest`: everything else, by side.
 * `names` holds the top-level objects' framing: each property's quoted name and colon, the commas and the
 * braces (framing inside a value stays with the value).
 */

/** The categories of {@link StateBytes}, in the order they are printed. */
export const stateByteCategories = [
  "shell",
  "secrets",
  "chain",
  "echoed",
  "inputsRest",
  "outputsRest",
  "names",
] as const;

/** One category of state bytes. */
export type StateByteCategory = (typeof stateByteCategories)[number];

/** Bytes by category: one resource's, or a sum over resources. */
export type StateBytes = Record<StateByteCategory, number>;

/** The key that marks a Pulumi secret in state; its value is the signature below. */
const secretSignatureKey = "4dabf18193072939515e22adb298388d";

/** The property the dynamic-provider SDK stores the serialised provider under. */
const shellKey = "__provider";

/** The property a certificate's chain PEM is stored under. */
const chainKey = "certificateChainPem";

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "");

/** No bytes in any category. */
export function emptyStateBytes(): StateBytes {
  return { shell: 0, secrets: 0, chain: 0, echoed: 0, inputsRest: 0, outputsRest: 0, names: 0 };
}

/** The sum over categories: the compact JSON bytes of inputs plus outputs. */
export function stateBytesTotal(bytes: StateBytes): number {
  return stateByteCategories.reduce((sum, category) => sum + bytes[category], 0);
}

/** `a` + `b`, category by category. */
export function addStateBytes(a: StateBytes, b: StateBytes): StateBytes {
  const sum = emptyStateBytes();
  for (const category of stateByteCategories) sum[category] = a[category] + b[category];
  return sum;
}

/** The compact JSON bytes of every secret ciphertext object inside `value` (or `value` itself). */
function secretBytesIn(value: unknown): number {
  if (!value || typeof value !== "object") return 0;
  if (!Array.isArray(value) && secretSignatureKey in value) return byteLength(value);
  return Object.values(value).reduce<number>((sum, child) => sum + secretBytesIn(child), 0);
}

/** JSON with object keys sorted, so that equal values compare equal whatever order their keys were stored in. */
function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? "undefined"
  );
}

/** The framing of an object's compact JSON: braces, commas, and each property's quoted name and colon. */
function framingBytes(record: Record<string, unknown>): number {
  const keys = Object.keys(record).filter((key) => JSON.stringify(record[key]) !== undefined);
  const separators = Math.max(keys.length - 1, 0);
  return 2 + separators + keys.reduce((sum, key) => sum + byteLength(key) + 1, 0);
}

/**
 * Splits one resource's inputs + outputs into categories (see the module comment); their sum is exactly
 * `Buffer.byteLength(JSON.stringify(inputs ?? {})) + Buffer.byteLength(JSON.stringify(outputs ?? {}))`.
 */
export function stateBytesOf(
  inputs: Record<string, unknown> | undefined,
  outputs: Record<string, unknown> | undefined,
): StateBytes {
  const sides = { inputs: inputs ?? {}, outputs: outputs ?? {} };
  const bytes = emptyStateBytes();
  bytes.names = framingBytes(sides.inputs) + framingBytes(sides.outputs);
  for (const side of ["inputs", "outputs"] as const) {
    const record = sides[side];
    const other = sides[side === "inputs" ? "outputs" : "inputs"];
    for (const [key, value] of Object.entries(record)) {
      if (JSON.stringify(value) === undefined) continue; // JSON.stringify drops it: no bytes
      const size = byteLength(value);
      if (key === shellKey) {
        bytes.shell += size;
        continue;
      }
      const secrets = secretBytesIn(value);
      bytes.secrets += secrets;
      const rest = size - secrets;
      if (key === chainKey) bytes.chain += rest;
      else if (key in other && canonicalJson(other[key]) === canonicalJson(value)) bytes.echoed += rest;
      else bytes[side === "inputs" ? "inputsRest" : "outputsRest"] += rest;
    }
  }
  return bytes;
}
