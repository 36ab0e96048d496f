/**
 * @module Prints stack outputs for a person: secrets as `[secret]`, never their value; objects as
 * indented keys; multi-line text (PEM, XML) as an indented block below its name.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";

/** Prints outputs sorted by name, through `write` (one call per line). */
export function printOutputs(outputs: OutputMap, write: (line: string) => void = console.log): void {
  write("\nStack outputs (secrets hidden):");
  for (const [name, { value, secret }] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
    printValue(name, secret ? "[secret]" : value, "  ", write);
  }
}

function printValue(name: string, value: unknown, indent: string, write: (line: string) => void): void {
  if (typeof value === "string" && value.includes("\n")) {
    write(`${indent}${name}:`);
    for (const line of value.trimEnd().split("\n")) write(`${indent}  ${line}`);
  } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    write(`${indent}${name}:`);
    for (const [key, inner] of Object.entries(value)) printValue(key, inner, `${indent}  `, write);
  } else {
    write(`${indent}${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
}
