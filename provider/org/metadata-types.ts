/**
 * @module The metadata types org mode deploys, by source folder, as source-deploy-retrieve's registry
 * names them (directory, suffix, type; salesforce.md §6), and how a source-format path becomes its
 * metadata-format path: a type without a content file drops the `-meta.xml` suffix
 * (`externalClientApps/X.eca-meta.xml` → `externalClientApps/X.eca`); a `Certificate` keeps both files
 * (`certs/X.crt` and `certs/X.crt-meta.xml`), which read the same in both formats.
 */

/** One deployable type. */
export interface MetadataTypeEntry {
  /** The Metadata API type name, as package.xml lists it. */
  type: string;
  directory: string;
  suffix: string;
  /** True when the component is a content file plus its `-meta.xml` (Certificate). */
  hasContentFile: boolean;
}

/** The deployable types, keyed by source folder. */
export const deployableTypes: Readonly<Record<string, MetadataTypeEntry>> = Object.fromEntries(
  (
    [
      ["Certificate", "certs", "crt", true],
      ["ConnectedApp", "connectedApps", "connectedApp", false],
      ["ExternalClientApplication", "externalClientApps", "eca", false],
      ["ExtlClntAppGlobalOauthSettings", "extlClntAppGlobalOauthSets", "ecaGlblOauth", false],
      ["ExtlClntAppOauthSettings", "extlClntAppOauthSettings", "ecaOauth", false],
      ["ExtlClntAppOauthConfigurablePolicies", "extlClntAppOauthPolicies", "ecaOauthPlcy", false],
      ["ExtlClntAppConfigurablePolicies", "extlClntAppPolicies", "ecaPlcy", false],
      ["ExtlClntAppSamlConfigurablePolicies", "extlClntAppSamlConfigurablePolicies", "ecaSamlPlcy", false],
      ["SamlSsoConfig", "samlssoconfigs", "samlssoconfig", false],
      // IdentityProviderSettings is deployed as `Settings` named `IdentityProvider` (salesforce.md §4).
      ["Settings", "settings", "settings", false],
    ] as const
  ).map(([type, directory, suffix, hasContentFile]) => [directory, { type, directory, suffix, hasContentFile }]),
);

/** A source file placed in a Metadata API zip. */
export interface MetadataFile {
  /** The path inside the zip (metadata format). */
  zipPath: string;
  type: string;
  fullName: string;
}

/**
 * Where a source-format file goes in a metadata-format zip, or why it cannot be deployed (a message naming
 * the rule). `sourcePath` is relative to the package folder (`force-app/main/default`), as the keys of
 * `salesforceFiles` are.
 */
export function toMetadataFormat(sourcePath: string): MetadataFile | { problem: string } {
  const parts = sourcePath.split("/");
  const known = Object.keys(deployableTypes).join(", ");
  if (parts.length !== 2) return { problem: `must be <folder>/<file> with a folder org mode deploys (${known})` };
  const [directory, file] = parts as [string, string];
  const entry = deployableTypes[directory];
  if (!entry)
    return { problem: `is not in a folder org mode deploys (${known}); files of other channels are never deployed` };
  const meta = `.${entry.suffix}-meta.xml`;
  if (file.endsWith(meta) && file.length > meta.length) {
    const fullName = file.slice(0, -meta.length);
    return {
      zipPath: entry.hasContentFile ? sourcePath : `${directory}/${fullName}.${entry.suffix}`,
      type: entry.type,
      fullName,
    };
  }
  const content = `.${entry.suffix}`;
  if (entry.hasContentFile && file.endsWith(content) && file.length > content.length) {
    return { zipPath: sourcePath, type: entry.type, fullName: file.slice(0, -content.length) };
  }
  return {
    problem: `must be named <Name>${meta}${entry.hasContentFile ? ` or <Name>.${entry.suffix}` : ""} in ${directory}/`,
  };
}
