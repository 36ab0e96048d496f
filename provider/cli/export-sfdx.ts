/**
 * @module `salesforce-certs export-sfdx --out DIR`: writes the stack's `salesforceFiles` into DIR, each
 * file by its channel (see `salesforce/file-channels.ts`): the metadata to deploy as an SFDX project
 * (External Client Apps / Connected Apps, SAML policies, IdP settings), the certificates whose key pairs
 * reach the org only by a keystore import in Setup apart from it, and what is for the partner or the CA
 * apart again. The summary names each file's channel.
 */
import { NoMetadataError, OutputsError, UsageError } from "../errors";
import { channelFolders, channelTitles, type FileChannel } from "../salesforce/file-channels";
import { mergeSalesforceFiles, writeSfdxProject, type WrittenFile } from "../salesforce/sfdx-project";
import { StackOutputsReader } from "../inventory/stack-outputs";
import { inventoryOutputs, parse, stackOptions, stackOptionsHelp } from "./options";
import { exitTwoOnInputError } from "./outputs-file";

export const exportSfdxHelp = `usage: salesforce-certs export-sfdx --out DIR [--outputs FILE]

Writes the stack's Salesforce files into DIR, by the channel each takes:
  DIR/force-app/main/default/...   deploy with the Metadata API: sf project deploy start --source-dir DIR/force-app
                                   (apps, policies, IdP settings; sfdx-project.json names only force-app)
  DIR/${channelFolders["keystore-import"]}/...    import the keystore in Setup (Certificate and Key Management ›
                                   Import from Keystore); never deploy: a deployed certs/*.crt makes
                                   Salesforce generate a new key pair
  DIR/${channelFolders["not-for-the-org"]}/...          for the partner (public certificates) or your CA (CSRs)
Each folder that is not deployed has a README.md; the summary names each file's channel.

  --out DIR        the folder to write (created; existing files of the same names are replaced; nothing
                   is written when a file's path would leave DIR)
  --outputs FILE   from stack outputs as JSON (pulumi stack output --json)
${stackOptionsHelp}`;

/** Runs `export-sfdx`; exits 2 when the outputs cannot be read or hold a path that would leave DIR. */
export async function exportSfdxCommand(argv: readonly string[]): Promise<number> {
  return exitTwoOnInputError(() => runExportSfdx(argv));
}

async function runExportSfdx(argv: readonly string[]): Promise<number> {
  const { values } = parse("export-sfdx", argv, {
    ...stackOptions,
    out: { type: "string" },
    outputs: { type: "string" },
  });
  if (values.help) {
    console.log(exportSfdxHelp);
    return 0;
  }
  if (!values.out) throw new UsageError("export-sfdx: --out DIR is required (see salesforce-certs export-sfdx --help)");
  const { outputs, source } = await inventoryOutputs(values);
  const read = new StackOutputsReader(outputs);
  const sources = read.salesforceFileSources();
  if (read.problems.length > 0) throw new OutputsError(read.problems.map((p) => `${source}: ${p}`).join("\n"));
  if (sources.length === 0)
    throw new NoMetadataError(
      "export-sfdx: the stack has no Salesforce metadata in its outputs (run up with an inventory first)",
    );
  const written = writeSfdxProject(values.out, mergeSalesforceFiles(sources));
  console.log(`wrote ${written.length} files to ${values.out}, by channel:`);
  for (const channel of ["deploy", "keystore-import", "not-for-the-org"] as const satisfies FileChannel[]) {
    const files = written.filter((f) => f.channel === channel);
    if (files.length === 0) continue;
    console.log(`\n${channelTitles[channel]}:`);
    for (const file of files) console.log(`  ${file.target}${noteFor(file, sources, read)}`);
  }
  return 0;
}

/**
 * The note printed after a file: what this file needs, and for a keystore whether the wiring needs it
 * and where the keystore is, or, when the stack made none, how to have one made.
 */
function noteFor(file: WrittenFile, sources: [string, Record<string, unknown>][], read: StackOutputsReader): string {
  if (file.channel !== "keystore-import" || file.key.endsWith("README.md")) return file.note ? ` (${file.note})` : "";
  const [owner, files] = sources.find(([, files]) => file.key in files) ?? ["", {}];
  const certificate = owner.startsWith("certificates.") ? owner.slice("certificates.".length) : "<certificate>";
  const kinds = read.consumerKinds(certificate);
  const need = kinds.includes("saml")
    ? "needed: the org signs SAML assertions with it"
    : kinds.includes("jwt")
      ? "not needed for JWT: the certificate travels in the app's OAuth settings"
      : "needed only if the org itself uses this key";
  const note = file.note.replace("<certificate>", certificate);
  if (!read.keystoreMissing(certificate)) return ` (${need}; ${note})`;
  // The channel's note ends by naming the keystore output; this stack has none to name, so say why and how to get one.
  const what = note.split("; its key pair is")[0];
  // The settings file is the one certificate-metadata.ts writes: one element per line, no attributes.
  if (/<privateKeyExportable>false<\/privateKeyExportable>/.test(String(files[file.key]))) {
    return ` (${need}; ${what}; no keystore can be made: the key is not exportable (privateKeyExportable: false), so it was discarded after signing and no keystore can carry it to the org)`;
  }
  return (
    ` (${need}; ${what}; no keystore was made, so keystores.${certificate}.jksBase64 is empty: a keystore needs a password: ` +
    `set certificates.${certificate}.keystorePasswordEnv in the inventory to the name of an environment variable, set that variable, ` +
    `and run salesforce-certs up; the keystore is then the secret output keystores.${certificate}.jksBase64 (alias ${certificate.toLowerCase()}))`
  );
}
