/**
 * @module `salesforce-certs report`: the Markdown report of which integration uses which certificate and
 * when each expires, from the stack (default), its outputs as JSON, or the inventory alone.
 */
import fs = require("node:fs");
import path = require("node:path");
import { ReportOutError, UsageError } from "../errors";
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

export const reportOptions = {
  ...stackOptions,
  inventory: { type: "string" },
  outputs: { type: "string" },
  now: { type: "string" },
  out: { type: "string" },
} as const;

/** Runs `report`; exits 2 when the outputs cannot be read or are not a stack's outputs, or --out cannot be written. */
export async function reportCommand(argv: readonly string[]): Promise<number> {
  return exitTwoOnInputError(() => runReport(argv));
}

async function runReport(argv: readonly string[]): Promise<number> {
  const { values } = parse("report", argv, reportOptions);
  if (values.help) {
    console.log(reportHelp);
    return 0;
  }
  checkReportOptions(values);
  const markdown = renderReport(await reportModel(values), nowFrom(values.now));
  if (values.out) {
    writeReport(values.out, markdown);
    console.log(`report written to ${values.out}`);
  } else process.stdout.write(markdown);
  return 0;
}

/**
 * Options that would be ignored or mean nothing: two sources at once (one would be dropped silently),
 * an empty --inventory (read as "no inventory": the stack), an empty --out (read as "print it").
 * @throws UsageError `ERR_USAGE` naming the option and what to do instead.
 */
function checkReportOptions(values: { inventory?: string; outputs?: string; out?: string }): void {
  const usage = (message: string) => new UsageError(`report: ${message} (see salesforce-certs report --help)`);
  if (values.inventory !== undefined && values.outputs !== undefined) {
    throw usage("give --inventory FILE or --outputs FILE, not both: the report is made from one source");
  }
  if (values.inventory === "")
    throw usage('--inventory FILE must name a file (got ""); omit --inventory to report on the stack');
  if (values.out === "") throw usage('--out FILE must name a file (got ""); omit --out to print the report');
}

/**
 * Writes the report to `file`.
 * @throws ReportOutError `ERR_REPORT_OUT` (exit 2) naming the path and what is wrong with it: a
 * folder, a folder that does not exist, a file where a folder should be, no permission, a read-only or
 * full file system.
 */
function writeReport(file: string, markdown: string): void {
  try {
    fs.writeFileSync(file, markdown);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const folder = path.dirname(file);
    const problem =
      code === "EISDIR"
        ? `is a folder: name a file, such as ${path.join(file, "report.md")}`
        : code === "ENOENT"
          ? `the folder ${folder} does not exist: create it first`
          : code === "ENOTDIR"
            ? `a part of ${folder} is a file, not a folder`
            : code === "EACCES" || code === "EPERM"
              ? "permission denied"
              : code === "EROFS"
                ? "the file system is read-only"
                : code === "ENOSPC"
                  ? "no space left on the device"
                  : `cannot be written (${code ?? (error as Error).message})`;
    throw new ReportOutError(`report: --out ${file}: ${problem}`);
  }
}
