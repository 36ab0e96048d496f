/**
 * @module `salesforce-certs report`: the Markdown report of which integration uses which certificate and
 * when each expires, from the stack (default), its outputs as JSON, or the inventory alone.
 */
import fs = require("node:fs");
import { renderReport } from "../report/render-report";
import { nowFrom, parse, reportModel, stackOptions, stackOptionsHelp } from "./options";
import { exitTwoOnInputError } from "./outputs-file";

export const reportHelp = `usage: salesforce-certs report [--inventory FILE | --outputs FILE] [--now ISO] [--out FILE]

Markdown for a pull request: certificates with expiry, days left, next rotation and consumers; a Mermaid
graph of the wiring; a Mermaid Gantt chart of validity and overlap windows.

  --inventory FILE   from the inventory alone (before any pulumi up: no dates)
  --outputs FILE     from stack outputs as JSON (pulumi stack output --json)
  --now ISO          report as of this time (default: now)
  --out FILE         write the report there instead of printing it
${stackOptionsHelp}`;

export const reportOptions = { ...stackOptions, inventory: { type: "string" }, outputs: { type: "string" }, now: { type: "string" }, out: { type: "string" } } as const;

/** Runs `report`; exits 2 when the outputs cannot be read or are not a stack's outputs. */
export async function reportCommand(argv: readonly string[]): Promise<number> {
  return exitTwoOnInputError(() => runReport(argv));
}

async function runReport(argv: readonly string[]): Promise<number> {
  const { values } = parse("report", argv, reportOptions);
  if (values.help) {
    console.log(reportHelp);
    return 0;
  }
  const markdown = renderReport(await reportModel(values), nowFrom(values.now));
  if (values.out) {
    fs.writeFileSync(values.out, markdown);
    console.log(`report written to ${values.out}`);
  } else process.stdout.write(markdown);
  return 0;
}
