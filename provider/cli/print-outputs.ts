/**
 * @module Prints stack outputs for a person: secrets as `[secret]`, never their value.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";

/** Prints outputs one per line, sorted; multi-line values (PEM) indented below their name. */
export function printOutputs(outputs: OutputMap, write: (line: string) => void = console.log): void {
  write("\nStack outputs (secrets hidden):");
  for (const [name, { value, secret }] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
    const text = secret ? "[secret]" : typeof value === "string" ? value : JSON.stringify(value);
    write(text.includes("\n") ? `  ${name}:\n    ${text.trimEnd().replace(/\n/g, "\n    ")}` : `  ${name}: ${text}`);
  }
}
