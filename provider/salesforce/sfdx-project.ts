/**
 * @module Writes `salesforceFiles` as an export folder: an SFDX project (`sfdx-project.json` +
 * `force-app/main/default/`, the layout `sf project deploy start` and source-deploy-retrieve read) holding
 * only the files to deploy, and beside it one folder per channel that must not be deployed
 * (`setup-keystore-import/`, `not-for-the-org/`, each with a README), see `file-channels.ts`.
 *
 * The file keys come from stack outputs, which a user can hand in as a file: every key is checked to be a
 * plain relative path before anything is written, and no file is written through a symbolic link, so
 * nothing lands outside the export folder.
 */
import fs = require("node:fs");
import path = require("node:path");
import { ExportPathError, ExportWriteError, OutputsError } from "../errors";
import { channelOf, channelReadme, type ChannelledFile } from "./file-channels";

/** The API version written to sfdx-project.json (Spring '26). */
export const sourceApiVersion = "66.0";

/**
 * Why `key` cannot name a file inside an export folder, or undefined when it can: it must be a relative
 * path of plain names joined by `/` (no absolute path, drive letter, backslash, empty, `.` or `..`
 * segment, NUL or other control character).
 */
export function unsafePathReason(key: string): string | undefined {
  if (key === "") return "is empty";
  if (key.includes("\0")) return "contains a NUL byte";
  // eslint-disable-next-line no-control-regex
  if (/[\x01-\x1f\x7f]/.test(key)) return "contains a control character";
  if (key.includes("\\")) return "contains a backslash (folders are separated by /)";
  if (key.startsWith("/") || /^[A-Za-z]:/.test(key)) return "is an absolute path";
  const segments = key.split("/");
  if (segments.includes("..")) return 'has a ".." segment';
  if (segments.some((s) => s === "" || s === ".")) return 'has an empty or "." segment';
  return undefined;
}

/**
 * Merges several path → content maps; the same path twice must carry the same content (for example the
 * org's one IdentityProvider settings file, emitted by every SAML binding). Every key is checked with
 * {@link unsafePathReason} first; all problems are reported together.
 * @throws ExportPathError `ERR_EXPORT_PATH` naming each unsafe key as `<owner>.salesforceFiles[<key>]`;
 * `ERR_OUTPUTS` when a content is not a string or two contents of one path differ.
 */
export function mergeSalesforceFiles(
  maps: Iterable<[owner: string, files: Record<string, unknown>]>,
): Record<string, string> {
  const merged: Record<string, string> = {};
  const owners: Record<string, string> = {};
  const unsafe: string[] = [];
  const wrong: string[] = [];
  for (const [owner, files] of maps) {
    for (const [file, content] of Object.entries(files)) {
      const at = `${owner}.salesforceFiles[${JSON.stringify(file)}]`;
      const reason = unsafePathReason(file);
      if (reason) unsafe.push(`${at}: must be a relative path inside the export folder (${reason})`);
      else if (typeof content !== "string") wrong.push(`${at}: must be a string (the file's content)`);
      else if (merged[file] !== undefined && merged[file] !== content) {
        wrong.push(
          `${file} differs between ${owners[file]} and ${owner}: they must agree before the metadata can be exported`,
        );
      } else {
        merged[file] = content;
        owners[file] = owner;
      }
    }
  }
  if (unsafe.length > 0) throw new ExportPathError(`${unsafe.join("\n")}\nnothing was written`);
  if (wrong.length > 0) throw new OutputsError(wrong.join("\n"));
  return merged;
}

/** A file an export wrote: its channel, and its path relative to the export folder. */
export type WrittenFile = ChannelledFile;

/**
 * Writes `files` into `dir`: the deploy channel into an SFDX project, the others into their folders with
 * a README each. Checks every path first and writes nothing when one is unsafe, would pass through a
 * symbolic link, or two keys would land on one file.
 * @throws ExportPathError `ERR_EXPORT_PATH` naming the key; `ERR_EXPORT_WRITE` when the file system
 * refuses a write (e.g. `dir` is a file).
 */
export function writeSfdxProject(dir: string, files: Record<string, string>): WrittenFile[] {
  const planned: { file: WrittenFile; content: string }[] = [];
  const problems: string[] = [];
  for (const [key, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const reason = unsafePathReason(key);
    if (reason)
      problems.push(
        `salesforceFiles[${JSON.stringify(key)}]: must be a relative path inside the export folder (${reason})`,
      );
    else planned.push({ file: channelOf(key, content), content });
  }
  const byTarget = new Map<string, string>();
  for (const { file } of planned) {
    const other = byTarget.get(file.target);
    if (other !== undefined)
      problems.push(
        `salesforceFiles[${JSON.stringify(file.key)}]: lands on ${file.target}, as salesforceFiles[${JSON.stringify(other)}] does`,
      );
    byTarget.set(file.target, file.key);
  }
  const project: { file: WrittenFile; content: string }[] = [
    {
      file: {
        key: "sfdx-project.json",
        channel: "deploy",
        target: "sfdx-project.json",
        note: "the SFDX project: its only package folder is force-app",
      },
      content: `${JSON.stringify({ packageDirectories: [{ path: "force-app", default: true }], sourceApiVersion }, null, 2)}\n`,
    },
  ];
  for (const channel of ["keystore-import", "not-for-the-org"] as const) {
    const folder = planned.find((p) => p.file.channel === channel)?.file.target.split("/")[0];
    if (folder)
      project.push({
        file: {
          key: `${folder}/README.md`,
          channel,
          target: `${folder}/README.md`,
          note: "what to do with the files here",
        },
        content: channelReadme(channel),
      });
  }
  for (const { file } of project) {
    if (byTarget.has(file.target))
      problems.push(
        `salesforceFiles[${JSON.stringify(byTarget.get(file.target))}]: lands on ${file.target}, which the export writes itself`,
      );
  }
  const all = [...project, ...planned];
  for (const { file } of all) {
    const link = symbolicLinkOnTheWay(dir, file.target);
    if (link)
      problems.push(
        `${file.key === file.target ? file.target : `salesforceFiles[${JSON.stringify(file.key)}]`}: would be written through the symbolic link ${link}, which may point outside the export folder`,
      );
  }
  if (problems.length > 0) throw new ExportPathError(`${problems.join("\n")}\nnothing was written`);
  for (const { file, content } of all) {
    const target = path.join(dir, ...file.target.split("/"));
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    } catch (error) {
      throw new ExportWriteError(
        `${dir}: cannot write ${file.target} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }
  return all.map(({ file }) => file);
}

/** The first existing symbolic link among `dir/target`'s folders and the file itself, relative to `dir`. */
function symbolicLinkOnTheWay(dir: string, target: string): string | undefined {
  const segments = target.split("/");
  for (let i = 1; i <= segments.length; i++) {
    const relative = segments.slice(0, i).join("/");
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(path.join(dir, ...segments.slice(0, i)));
    } catch {
      return undefined; // nothing exists from here on: mkdir and write create plain folders and files
    }
    if (stat.isSymbolicLink()) return relative;
  }
  return undefined;
}
