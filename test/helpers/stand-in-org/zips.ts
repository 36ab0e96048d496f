/**
 * @module Deploy zips for tests of the stand-in org and of the provider against it: built by
 * source-deploy-retrieve from source-format files (what `sf project deploy` sends: `package.xml` at the
 * root, so deploy with `singlePackage: true`), or by hand in metadata format, optionally under a top
 * folder (a package per folder, for `singlePackage: false`).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ComponentSet, MetadataConverter } from "@salesforce/source-deploy-retrieve";
import JSZip from "jszip";

/**
 * Converts source-format files (path under `force-app/main/default/` → content) into a metadata-format deploy
 * zip with source-deploy-retrieve, its package.xml at `version` (without one, source-deploy-retrieve falls
 * back to 58.0, older than the External Client App types).
 */
export async function sourceFormatZip(files: Record<string, string>, version = "66.0"): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-standin-zip-"));
  try {
    const root = path.join(dir, "force-app", "main", "default");
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), content);
    }
    const components = ComponentSet.fromSource(path.join(dir, "force-app"));
    components.sourceApiVersion = version;
    components.apiVersion = version;
    const result = await new MetadataConverter().convert(components, "metadata", { type: "zip" });
    return result.zipBuffer!;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A package.xml naming `members` (`Type:fullName`) at `version`. */
export function packageXml(members: string[], version = "66.0"): string {
  const byType = new Map<string, string[]>();
  for (const m of members) {
    const [type, name] = m.split(":") as [string, string];
    byType.set(type, [...(byType.get(type) ?? []), name]);
  }
  const types = [...byType]
    .map(
      ([type, names]) => `<types>${names.map((n) => `<members>${n}</members>`).join("")}<name>${type}</name></types>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?><Package xmlns="http://soap.sforce.com/2006/04/metadata">${types}<version>${version}</version></Package>`;
}

/** A metadata-format zip built by hand: `files` (path → content, package.xml included) at the root, or under `topFolder`. */
export async function metadataZip(files: Record<string, string>, topFolder?: string): Promise<Buffer> {
  const zip = new JSZip();
  for (const [file, content] of Object.entries(files)) zip.file(topFolder ? `${topFolder}/${file}` : file, content);
  return zip.generateAsync({ type: "nodebuffer" });
}

/** The source-format files of a `Certificate` the org generates (`.crt` empty: source-deploy-retrieve requires the file). */
export function certificateSource(
  fullName: string,
  settings: { masterLabel?: string; keySize?: number; caSigned?: boolean; content?: string } = {},
): Record<string, string> {
  return {
    [`certs/${fullName}.crt`]: settings.content ?? "",
    [`certs/${fullName}.crt-meta.xml`]:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Certificate xmlns="http://soap.sforce.com/2006/04/metadata">\n    <caSigned>${settings.caSigned ?? false}</caSigned>\n` +
      `    <encryptedWithPlatformEncryption>false</encryptedWithPlatformEncryption>\n    <keySize>${settings.keySize ?? 2048}</keySize>\n` +
      `    <masterLabel>${settings.masterLabel ?? fullName}</masterLabel>\n    <privateKeyExportable>true</privateKeyExportable>\n</Certificate>\n`,
  };
}

/** The source-format file of IdentityProviderSettings. */
export function identityProviderSource(certificateName: string, enableIdentityProvider = true): Record<string, string> {
  return {
    "settings/IdentityProvider.settings-meta.xml":
      `<?xml version="1.0" encoding="UTF-8"?>\n<IdentityProviderSettings xmlns="http://soap.sforce.com/2006/04/metadata">\n` +
      `    <certificateName>${certificateName}</certificateName>\n    <enableIdentityProvider>${enableIdentityProvider}</enableIdentityProvider>\n</IdentityProviderSettings>\n`,
  };
}
