/**
 * Our Salesforce files as source-deploy-retrieve (the library behind `sf project deploy`) reads them:
 * written into a temporary SFDX project by the project's own writer, then resolved into components.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ComponentSet, type SourceComponent } from "@salesforce/source-deploy-retrieve";
import { writeSfdxProject } from "../../provider/salesforce/sfdx-project";

/** The components of the SFDX package folder `dir` (e.g. `<project>/force-app`). */
export function componentsIn(dir: string): SourceComponent[] {
  return ComponentSet.fromSource(dir).getSourceComponents().toArray();
}

/** `Type:fullName` of each component, sorted: what a deploy would list. */
export function componentNames(components: readonly SourceComponent[]): string[] {
  return components.map((c) => `${c.type.name}:${c.fullName}`).sort();
}

/**
 * Resolves `files` (path → content, as our `salesforceFiles` outputs) and hands the components to `use`;
 * the files live until it returns. Only the deploy channel lands in force-app (see file-channels.ts), so
 * these are exactly the components `sf project deploy start` would deploy.
 */
export async function withSourceComponents<T>(
  files: Record<string, string>,
  use: (components: SourceComponent[]) => T | Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-sdr-"));
  try {
    writeSfdxProject(dir, files);
    return await use(componentsIn(path.join(dir, "force-app")));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
