/**
 * @module Writes Salesforce metadata as an SFDX project (`sfdx-project.json` + `force-app/main/default/`),
 * the layout `sf project deploy start` and source-deploy-retrieve read.
 */
import fs = require("node:fs");
import path = require("node:path");

/** The API version written to sfdx-project.json (Spring '26). */
export const sourceApiVersion = "66.0";

/**
 * Merges several path → content maps; the same path twice must carry the same content (for example the
 * org's one IdentityProvider settings file, emitted by every SAML binding).
 * @throws Error naming the path when two contents differ.
 */
export function mergeSalesforceFiles(maps: Iterable<[owner: string, files: Record<string, string>]>): Record<string, string> {
  const merged: Record<string, string> = {};
  const owners: Record<string, string> = {};
  for (const [owner, files] of maps) {
    for (const [file, content] of Object.entries(files)) {
      if (merged[file] !== undefined && merged[file] !== content) {
        throw new Error(`${file} differs between ${owners[file]} and ${owner}: they must agree before the metadata can be exported`);
      }
      merged[file] = content;
      owners[file] = owner;
    }
  }
  return merged;
}

/** Writes `files` into `dir` as an SFDX project; returns the paths written, relative to `dir`. */
export function writeSfdxProject(dir: string, files: Record<string, string>): string[] {
  const written: string[] = [];
  const write = (relative: string, content: string) => {
    const target = path.join(dir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    written.push(relative);
  };
  write("sfdx-project.json", `${JSON.stringify({ packageDirectories: [{ path: "force-app", default: true }], sourceApiVersion }, null, 2)}\n`);
  for (const [file, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) write(path.join("force-app", "main", "default", file), content);
  return written;
}
