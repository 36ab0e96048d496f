/**
 * @module Reads `--outputs FILE` (stack outputs as `pulumi stack output --json` writes them) for
 * `check`, `report` and `export-sfdx`, and turns bad input into one line that names the file and the
 * problem. The file holds secrets (keystores, JWT keys), so no message quotes its content.
 */
import {
  ExportPathError,
  NoInventoryOutputsError,
  NoStackError,
  OutputsError,
  OutputsFileError,
  ReportOutError,
  SalesforceCertsError,
} from "../errors";
import { readRegularTextFile, tooLargeWords } from "../inventory/read-regular-file";

/** Codes of errors that mean "the input could not be used": the commands exit 2 on them, not 1. */
export const inputErrorCodes: ReadonlySet<string> = new Set([
  OutputsFileError.code,
  OutputsError.code,
  NoStackError.code,
  NoInventoryOutputsError.code,
  ExportPathError.code,
  ReportOutError.code,
]);

/**
 * Largest outputs file read. A certificate's outputs (PEM, keystore, Salesforce files) are tens of
 * kilobytes, so a stack of a thousand fits many times over; past this it is some other file.
 */
export const maxOutputsBytes = 64 * 1024 * 1024;

const hint = "give the output of pulumi stack output --json (or omit --outputs to read the stack)";

/**
 * The JSON object in `file`.
 * @throws OutputsFileError `ERR_OUTPUTS_FILE` when the file cannot be read (missing, a folder, a device
 * or pipe, past {@link maxOutputsBytes}), is empty, is not JSON, or is not a JSON object; the message names
 * the file and the problem, never the content.
 */
export function readOutputsFile(file: string): Record<string, unknown> {
  const fail = (problem: string) => new OutputsFileError(`--outputs ${file}: ${problem}`);
  const read = readRegularTextFile(file, maxOutputsBytes);
  if (!read.ok) {
    const { problem } = read;
    if (problem.kind === "too-large") throw fail(tooLargeWords(problem, "stack outputs"));
    const why =
      problem.kind === "missing"
        ? "no such file"
        : problem.kind === "folder"
          ? "is a directory, not a file"
          : problem.kind === "denied"
            ? "permission denied"
            : problem.kind === "special"
              ? `is ${problem.what}, not a regular file`
              : problem.code;
    throw fail(`cannot be read (${why})`);
  }
  let text = read.text;
  // A UTF-8 byte order mark is not JSON, but editors add it; it carries nothing.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw fail(`is empty: ${hint}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Node's message quotes the text around the error, which may be key material: report the place only.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw fail(
      `is not valid JSON${position === undefined ? "" : ` (${lineAndColumn(text, Number(position))})`}: ${hint}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw fail(
      `must hold a JSON object of stack outputs (got ${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`}): ${hint}`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Runs a command; an input error (see {@link inputErrorCodes}) is printed as one `error:` line and the
 * command exits 2, so that a CI job tells "the gate could not look" (2) from "the gate failed" (1).
 */
export async function exitTwoOnInputError(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SalesforceCertsError && inputErrorCodes.has(error.code)) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split("\n");
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}
