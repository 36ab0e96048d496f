/**
 * Salesforce's own Metadata API WSDL (API 63.0, from the simple-salesforce wheel on PyPI) as a strict judge of
 * metadata files and SOAP responses: test/helpers/metadata-wsdl-judge.py validates with lxml (libxml2), so
 * element names, namespaces, `xsd:sequence` order, enumerations and types are all checked.
 * scripts/setup-test-tools.sh fetches the WSDL (SHA-256 pinned) and installs lxml.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** What the WSDL says of one document: the root element judged and every validation error (none = valid). */
export interface WsdlJudgement {
  root: string | null;
  errors: string[];
}

/** One document to judge: a metadata file (root = type name) or a SOAP response envelope. */
export interface WsdlItem {
  kind: "metadata" | "response";
  xml: string;
  /** The root element (metadata) or Body child (response) the document must have. */
  expect?: string;
}

/** The Metadata API WSDL scripts/setup-test-tools.sh fetched. */
export function metadataWsdlPath(): string {
  const cache =
    process.env["PULUMI_SFC_CACHE"] ??
    path.join(process.env["XDG_CACHE_HOME"] ?? path.join(os.homedir(), ".cache"), "pulumi-salesforce-certs");
  return path.join(cache, "metadata-wsdl-1.12.10", "metadata.wsdl");
}

const judgeScript = path.join(__dirname, "..", "..", "..", "test", "helpers", "metadata-wsdl-judge.py");

/** Judges every item in one python run (the 1.5 MB schema compiles once); results in the items' order. */
export function judgeWithWsdl(items: WsdlItem[]): WsdlJudgement[] {
  const wsdl = metadataWsdlPath();
  if (!fs.existsSync(wsdl)) throw new Error(`${wsdl} is missing: run bash scripts/setup-test-tools.sh`);
  const run = spawnSync("python3", [judgeScript], {
    input: JSON.stringify({ wsdl, items }),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`the WSDL judge failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as WsdlJudgement[];
}
