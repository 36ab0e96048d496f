/**
 * @module `salesforce-certs export-sfdx --out DIR`: writes the stack's Salesforce metadata (certificates,
 * External Client Apps / Connected Apps, SAML policies, IdP settings) as an SFDX project to deploy.
 */
import fs = require("node:fs");
import { SalesforceCertsError } from "../errors";
import { mergeSalesforceFiles, writeSfdxProject } from "../salesforce/sfdx-project";
import { parse, readStackOutputs, stackOptions, stackOptionsHelp } from "./options";

export const exportSfdxHelp = `usage: salesforce-certs export-sfdx --out DIR [--outputs FILE]

Writes the Salesforce metadata of the stack in SFDX source format (sfdx-project.json and
force-app/main/default/...), ready for: sf project deploy start --source-dir DIR/force-app

  --out DIR        the folder to write (created; existing files of the same names are replaced)
  --outputs FILE   from stack outputs as JSON (pulumi stack output --json)
${stackOptionsHelp}`;

export async function exportSfdxCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse("export-sfdx", argv, { ...stackOptions, out: { type: "string" }, outputs: { type: "string" } });
  if (values.help) {
    console.log(exportSfdxHelp);
    return 0;
  }
  if (!values.out) throw new SalesforceCertsError("ERR_USAGE", "export-sfdx: --out DIR is required (see salesforce-certs export-sfdx --help)");
  const outputs = values.outputs ? (JSON.parse(fs.readFileSync(values.outputs, "utf8")) as Record<string, unknown>) : await readStackOutputs(values);
  const sources: [string, Record<string, string>][] = [];
  for (const section of ["certificates", "jwtIntegrations", "samlBindings"]) {
    for (const [name, entry] of Object.entries((outputs[section] ?? {}) as Record<string, { salesforceFiles?: Record<string, string> }>)) {
      if (entry.salesforceFiles) sources.push([`${section}.${name}`, entry.salesforceFiles]);
    }
  }
  if (sources.length === 0) throw new SalesforceCertsError("ERR_NO_METADATA", "export-sfdx: the stack has no Salesforce metadata in its outputs (run up with an inventory first)");
  const written = writeSfdxProject(values.out, mergeSalesforceFiles(sources));
  console.log(`wrote ${written.length} files to ${values.out}:`);
  for (const file of written) console.log(`  ${file}`);
  return 0;
}
