/**
 * @module Prints stack outputs for a person: secrets as `[secret]`, never their value; objects as
 * indented keys; multi-line text (PEM, XML) as an indented block below its name.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";

/**
 * Prints outputs sorted by name, through `write` (one call per line). `brief` shortens multi-line text
 * (PEM, XML) to its first line and a count; `salesforce-certs outputs` prints everything.
 */
export function printOutputs(outputs: OutputMap, write: (line: string) => void = console.log, brief = false): void {
  write(`\nStack outputs (secrets hidden${brief ? "; long values shortened, salesforce-certs outputs prints them in full" : ""}):`);
  for (const [name, { value, secret }] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
    printValue(name, secret ? "[secret]" : value, "  ", write, brief);
  }
}

function printValue(name: string, value: unknown, indent: string, write: (line: string) => void, brief: boolean): void {
  if (typeof value === "string" && value.includes("\n")) {
    const lines = value.trimEnd().split("\n");
    if (brief && lines.length > 3) {
      write(`${indent}${name}: ${lines[0]} … (${lines.length} lines)`);
      return;
    }
    write(`${indent}${name}:`);
    for (const line of lines) write(`${indent}  ${line}`);
  } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    write(`${indent}${name}:`);
    for (const [key, inner] of Object.entries(value)) printValue(key, inner, `${indent}  `, write, brief);
  } else {
    write(`${indent}${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
}
