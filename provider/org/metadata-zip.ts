/**
 * @module A Metadata API deploy zip built from source-format files (path → content, as the resources'
 * `salesforceFiles`): `package.xml` listing each component, the files in metadata format (see
 * metadata-types.ts), and optionally `destructiveChangesPost.xml` for components to delete in the same
 * atomic deploy. Files sit at the zip's root, for `singlePackage: true`.
 *
 * Zipping uses fflate: zero dependencies, its own TypeScript types, synchronous in-memory zips, and
 * actively maintained; the alternatives either pull a dependency tree (archiver), stream only (yazl), or
 * have not been released since 2022 (jszip). Entries get a fixed timestamp, so the same files give the
 * same bytes on every run.
 */
import { DeployFilesError } from "../errors";
import { unsafePathReason } from "../salesforce/sfdx-project";
import { escapeXml as xmlEscape } from "../salesforce/xml";
import { toMetadataFormat, type MetadataFile } from "./metadata-types";

/** A component to name in a manifest. */
export interface ComponentName {
  type: string;
  fullName: string;
}

/** A deploy zip: the base64 text jsforce's `metadata.deploy` sends, and what it holds. */
export interface DeployZip {
  base64: string;
  /** The components of package.xml, sorted by type then name. */
  components: ComponentName[];
  /** The components of destructiveChangesPost.xml. */
  deletions: ComponentName[];
  /** The zip's entries, sorted. */
  entries: string[];
}

/** Entry timestamps: fixed, so that a zip is a function of its files. */
const fixedTime = new Date("2026-01-01T00:00:00Z");

/**
 * Builds the deploy zip of `files` (source format, relative to the package folder) for API `apiVersion`,
 * deleting `deletions` after the deploy (destructiveChangesPost.xml) when given.
 * @throws DeployFilesError `ERR_DEPLOY_FILES` naming every file that cannot be deployed and why.
 */
export function buildDeployZip(
  files: Record<string, string>,
  apiVersion: string,
  deletions: readonly ComponentName[] = [],
): DeployZip {
  const { zipSync, strToU8 } = require("fflate") as typeof import("fflate");
  const problems: string[] = [];
  const entries: Record<string, Uint8Array> = {};
  const placed: MetadataFile[] = [];
  for (const [path, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const unsafe = unsafePathReason(path);
    const target = unsafe ? { problem: `must be a relative path (${unsafe})` } : toMetadataFormat(path);
    if ("problem" in target) {
      problems.push(`${JSON.stringify(path)}: ${target.problem}`);
      continue;
    }
    if (entries[target.zipPath] !== undefined) {
      problems.push(`${JSON.stringify(path)}: lands on ${target.zipPath}, as another file does`);
      continue;
    }
    entries[target.zipPath] = strToU8(content);
    placed.push(target);
  }
  if (problems.length > 0)
    throw new DeployFilesError(`cannot deploy these files:\n${problems.map((p) => ` - ${p}`).join("\n")}`);
  const components = uniqueSorted(placed);
  entries["package.xml"] = strToU8(manifestXml(components, apiVersion));
  const deleted = uniqueSorted(deletions);
  // The WSDL's Package type requires `version` in every manifest, destructive ones too (sf CLI writes it).
  if (deleted.length > 0) entries["destructiveChangesPost.xml"] = strToU8(manifestXml(deleted, apiVersion));
  const zip = zipSync(
    Object.fromEntries(Object.entries(entries).map(([name, data]) => [name, [data, { mtime: fixedTime }]])),
    { level: 6 },
  );
  return {
    base64: Buffer.from(zip).toString("base64"),
    components,
    deletions: deleted,
    entries: Object.keys(entries).sort(),
  };
}

/** A `package.xml` (or destructive changes manifest) listing `components`, for API `apiVersion`. */
export function manifestXml(components: readonly ComponentName[], apiVersion: string): string {
  const byType = new Map<string, string[]>();
  for (const c of uniqueSorted(components)) byType.set(c.type, [...(byType.get(c.type) ?? []), c.fullName]);
  const types = [...byType].map(
    ([type, names]) =>
      `    <types>\n${names.map((n) => `        <members>${xmlEscape(n)}</members>\n`).join("")}        <name>${xmlEscape(type)}</name>\n    </types>\n`,
  );
  const version = `    <version>${xmlEscape(apiVersion)}</version>\n`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n${types.join("")}${version}</Package>\n`;
}

function uniqueSorted(components: readonly ComponentName[]): ComponentName[] {
  const seen = new Map<string, ComponentName>();
  for (const { type, fullName } of components) seen.set(`${type}\u0000${fullName}`, { type, fullName });
  return [...seen.values()].sort((a, b) =>
    a.type === b.type ? compare(a.fullName, b.fullName) : compare(a.type, b.type),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
