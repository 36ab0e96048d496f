/**
 * @module Prints stack outputs for a person, from the masked values `pulumi stack output --json` gives
 * (every secret, at any depth, is already "[secret]"): objects as indented keys; multi-line text (PEM,
 * XML) as an indented block below its name.
 */

/**
 * Prints outputs sorted by name, through `write` (one call per line). `brief` shortens multi-line text
 * (PEM, XML) to its first line and a count; `salesforce-certs outputs` prints everything.
 */
export function printOutputs(
  outputs: Record<string, unknown>,
  write: (line: string) => void = console.log,
  brief = false,
): void {
  write(
    `\nStack outputs (secrets hidden${brief ? "; long values shortened, salesforce-certs outputs prints them in full" : ""}):`,
  );
  for (const [name, value] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
    printValue(name, value, "  ", write, brief);
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
  } else if (Array.isArray(value)) {
    write(`${indent}${name}:`);
    for (const [index, inner] of value.entries()) printValue(`[${index}]`, inner, `${indent}  `, write, brief);
  } else if (value !== null && typeof value === "object") {
    write(`${indent}${name}:`);
    for (const [key, inner] of Object.entries(value)) printValue(key, inner, `${indent}  `, write, brief);
  } else {
    write(`${indent}${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
}
