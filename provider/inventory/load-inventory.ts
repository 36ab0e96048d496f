/**
 * @module Loads an inventory YAML file and reports every problem at once, each as
 * `file:line:col path: rule`: YAML syntax, the JSON Schema (unknown keys, wrong types), duplicate names,
 * the resources' own rules (the same `check()` rules the engine applies), references to certificates
 * that do not exist, JWT integrations bound to keys that are not exportable, and SAML bindings that
 * disagree on the org's one IdP certificate. Positions come from the `yaml` package.
 */
import fs = require("node:fs");
import path = require("node:path");
import Ajv2020 from "ajv/dist/2020";
import type { ErrorObject } from "ajv";
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { ValidationIssue } from "../errors";
import { checkCertificateArgs } from "../validate/certificate-args";
import { checkJwtIntegrationArgs } from "../validate/jwt-integration-args";
import { shown } from "../validate/rules";
import { checkSamlSpBindingArgs } from "../validate/saml-binding-args";
import type { Inventory } from "./inventory-types";

/** One problem, located in the file. */
export interface InventoryProblem {
  file: string;
  line: number;
  col: number;
  /** Dotted path, e.g. `samlBindings.Partner_SSO.acsUrl`. */
  path: string;
  message: string;
}

export type InventoryLoad = { ok: true; inventory: Inventory } | { ok: false; problems: InventoryProblem[] };

/** `file:line:col path: rule`, the one-line form every command prints. */
export function formatProblem(problem: InventoryProblem): string {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.path}: ${problem.message}`;
}

/** The published JSON Schema of inventory files. */
export const inventorySchemaPath = path.resolve(__dirname, "..", "..", "..", "provider", "inventory", "inventory.schema.json");

type Key = string | number;
const sections = ["certificates", "jwtIntegrations", "samlBindings"] as const;

/** Loads and checks `file`; `displayName` is how messages name it (default: the path as given). */
export function loadInventory(file: string, displayName = file): InventoryLoad {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    return { ok: false, problems: [{ file: displayName, line: 1, col: 1, path: "(file)", message: `cannot be read: ${(error as Error).message}` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const problems: InventoryProblem[] = [];
  const at = (offset: number, keyPath: Key[], message: string) => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file: displayName, line, col, path: dotted(keyPath), message });
  };
  for (const error of doc.errors) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    problems.push({ file: displayName, line, col, path: "(yaml)", message: error.message.split("\n")[0]! });
  }
  if (problems.length > 0) return { ok: false, problems };

  const data = (doc.toJS() ?? {}) as Record<string, unknown>;
  const located = (keyPath: Key[], message: string, onKey = false) => at(offsetOf(doc, keyPath, onKey), keyPath, message);

  const bad = new Set<string>();
  duplicateNames(doc, at, bad);
  for (const error of schemaErrors(data)) {
    const { keyPath, message, onKey } = describeSchemaError(error, data);
    located(keyPath, message, onKey);
    if (keyPath.length >= 2 && typeof keyPath[0] === "string" && (sections as readonly string[]).includes(keyPath[0])) bad.add(`${keyPath[0]}.${keyPath[1]}`);
    else bad.add("*");
  }
  if (!bad.has("*")) checkEntries(data, path.dirname(file), located, bad);
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line || a.col - b.col);
    return { ok: false, problems };
  }
  return { ok: true, inventory: toInventory(data, file) };
}

function dotted(keyPath: Key[]): string {
  return keyPath.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("") || "(root)";
}

/** Offset of the node at `keyPath` (of its key when `onKey`), else of the nearest ancestor that exists. */
function offsetOf(doc: Document, keyPath: Key[], onKey: boolean): number {
  for (let n = keyPath.length; n >= 0; n--) {
    const prefix = keyPath.slice(0, n);
    if (onKey && n === keyPath.length && n > 0) {
      const parent = prefix.length === 1 ? doc.contents : doc.getIn(prefix.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === prefix[prefix.length - 1]);
        if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
      }
      continue;
    }
    const node = (n === 0 ? doc.contents : doc.getIn(prefix, true)) as Node | undefined;
    if (node && typeof node === "object" && "range" in node && node.range) return node.range[0];
  }
  return 0;
}

function duplicateNames(doc: Document, at: (offset: number, keyPath: Key[], message: string) => void, bad: Set<string>): void {
  const appOwners = new Map<string, string>();
  for (const section of sections) {
    const map = doc.get(section, true);
    if (!isMap(map)) continue;
    const seen = new Set<string>();
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      const report = (message: string) => at(pair.key && isScalar(pair.key) && pair.key.range ? pair.key.range[0] : 0, [section, name], message);
      if (seen.has(name)) {
        report(`is defined twice in ${section}: names must be unique`);
        bad.add(`${section}.${name}`);
      }
      seen.add(name);
      if (section !== "certificates") {
        const other = appOwners.get(name);
        if (other && other !== section) report(`is also the name of ${other}.${name}: app names must be unique in the org`);
        appOwners.set(name, section);
      }
    }
  }
}

let validateSchema: ReturnType<Ajv2020["compile"]> | undefined;
function schemaErrors(data: unknown): ErrorObject[] {
  if (!validateSchema) {
    // verbose: errors carry their schema, so an unknown-key message can list the known keys.
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    validateSchema = ajv.compile(JSON.parse(fs.readFileSync(inventorySchemaPath, "utf8")) as object);
  }
  return validateSchema(data) ? [] : (validateSchema.errors ?? []).filter((e) => e.keyword !== "propertyNames" && e.keyword !== "if");
}

function describeSchemaError(error: ErrorObject, data: unknown): { keyPath: Key[]; message: string; onKey: boolean } {
  const keyPath: Key[] = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const value = keyPath.reduce<unknown>((v, k) => (v as Record<Key, unknown> | undefined)?.[k], data);
  const params = error.params as Record<string, unknown>;
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (typeof propertyName === "string") {
    const name = propertyName;
    const rule = error.keyword === "maxLength" ? "must be at most 80 characters" : "must be a Salesforce unique name: letters, digits and underscores, starting with a letter, with no trailing or double underscore";
    return { keyPath: [...keyPath, name], message: `${rule} (got ${shown(name)})`, onKey: true };
  }
  switch (error.keyword) {
    case "additionalProperties": {
      const known = Object.keys(((error.parentSchema ?? {}) as { properties?: object }).properties ?? {});
      return { keyPath: [...keyPath, String(params["additionalProperty"])], message: `is not a known field (known: ${known.join(", ")})`, onKey: true };
    }
    case "required":
      return { keyPath: [...keyPath, String(params["missingProperty"])], message: "is required", onKey: false };
    case "type": {
      const type = String(params["type"]);
      const article = /^[aeiou]/.test(type) ? "an" : "a";
      return { keyPath, message: `must be ${article} ${type === "object" ? "mapping" : type === "array" ? "list" : type} (got ${shown(value)})`, onKey: false };
    }
    case "enum":
      return { keyPath, message: `must be one of ${(params["allowedValues"] as unknown[]).join(", ")} (got ${shown(value)})`, onKey: false };
    default:
      return { keyPath, message: `${error.message ?? "is invalid"} (got ${shown(value)})`, onKey: false };
  }
}

/** Runs each resource's own rules on entries the schema accepted, and the rules that span entries. */
function checkEntries(data: Record<string, unknown>, baseDir: string, located: (keyPath: Key[], message: string, onKey?: boolean) => void, bad: Set<string>): void {
  const org = (data["org"] ?? {}) as Record<string, unknown>;
  const certificates = (data["certificates"] ?? {}) as Record<string, Record<string, unknown>>;
  const report = (section: string, name: string, issues: ValidationIssue[], rename: Record<string, string> = {}) => {
    for (const issue of issues) {
      const fieldPath = (rename[issue.path.split(/[.[]/)[0]!] ?? issue.path).split(".").flatMap((part) => {
        const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
        return m ? [m[1]!, ...[...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))] : [part];
      });
      located([section, name, ...fieldPath], issue.message);
    }
  };
  const readFile = (section: string, name: string, field: string, relative: string): string | undefined => {
    try {
      return fs.readFileSync(path.resolve(baseDir, relative), "utf8");
    } catch {
      located([section, name, field], `cannot read ${shown(relative)} (paths are relative to the inventory file)`);
      return undefined;
    }
  };

  for (const [name, entry] of Object.entries(certificates)) {
    if (bad.has(`certificates.${name}`)) continue;
    const { owner: _o, keystorePasswordEnv: _k, signedChainFile, ...args } = entry;
    const chain = typeof signedChainFile === "string" ? readFile("certificates", name, "signedChainFile", signedChainFile) : undefined;
    const result = checkCertificateArgs({ ...args, uniqueName: name, ...(chain !== undefined ? { signedChainPem: chain } : {}) });
    if (!result.ok) report("certificates", name, result.issues.filter((i) => i.path !== "uniqueName"), { signedChainPem: "signedChainFile" });
  }

  const certificateReference = (section: string, name: string, reference: unknown): Record<string, unknown> | undefined => {
    const certificate = certificates[reference as string];
    if (!certificate) {
      const known = Object.keys(certificates);
      located([section, name, "certificate"], `names no certificate in this inventory (known: ${known.length > 0 ? known.join(", ") : "none"}) (got ${shown(reference)})`);
    }
    return certificate;
  };
  // Stand-ins for what the certificate resource will output: only its exportability matters to these rules.
  const published = { certificatePem: "-", certificateSha256Fingerprint: "-", certificateNotAfter: "-" };

  for (const [name, entry] of Object.entries((data["jwtIntegrations"] ?? {}) as Record<string, Record<string, unknown>>)) {
    if (bad.has(`jwtIntegrations.${name}`)) continue;
    const certificate = certificateReference("jwtIntegrations", name, entry["certificate"]);
    if (!certificate) continue;
    const { owner: _o, certificate: _c, ...args } = entry;
    const exportable = certificate["privateKeyExportable"] !== false;
    const result = checkJwtIntegrationArgs(
      { contactEmail: org["contactEmail"], ...args, apiName: name, ...published, privateKeyExportable: exportable, ...(exportable ? { privateKeyPem: "-" } : {}) },
      "PlaceholderConsumerKey",
    );
    if (!result.ok) report("jwtIntegrations", name, result.issues.filter((i) => i.path !== "apiName"));
  }

  const idpCertificates = new Map<string, string>();
  for (const [name, entry] of Object.entries((data["samlBindings"] ?? {}) as Record<string, Record<string, unknown>>)) {
    if (bad.has(`samlBindings.${name}`)) continue;
    const certificate = certificateReference("samlBindings", name, entry["certificate"]);
    if (!certificate) continue;
    const { owner: _o, partnerContact: _p, certificate: reference, spSigningCertificateFile, ...args } = entry;
    const spCert = typeof spSigningCertificateFile === "string" ? readFile("samlBindings", name, "spSigningCertificateFile", spSigningCertificateFile) : undefined;
    const result = checkSamlSpBindingArgs({
      contactEmail: org["contactEmail"],
      myDomainUrl: org["myDomainUrl"],
      ...args,
      apiName: name,
      idpCertificateName: reference,
      ...published,
      certificateSha1Fingerprint: "-",
      ...(spCert !== undefined ? { spSigningCertificatePem: spCert } : {}),
    });
    if (!result.ok) report("samlBindings", name, result.issues.filter((i) => i.path !== "apiName" && !i.path.startsWith("certificate")), { spSigningCertificatePem: "spSigningCertificateFile" });
    for (const [other, otherCertificate] of idpCertificates) {
      if (otherCertificate !== reference) {
        located(["samlBindings", name, "certificate"], `must be the same IdP certificate as samlBindings.${other} (${otherCertificate}): the org signs for every SP with one certificate`);
        break;
      }
    }
    idpCertificates.set(name, reference as string);
  }
}

function toInventory(data: Record<string, unknown>, file: string): Inventory {
  const baseDir = path.dirname(file);
  const certificates = structuredClone((data["certificates"] ?? {}) as Inventory["certificates"]);
  for (const entry of Object.values(certificates)) {
    if (entry.signedChainFile) entry.signedChainPem = fs.readFileSync(path.resolve(baseDir, entry.signedChainFile), "utf8");
  }
  const samlBindings = structuredClone((data["samlBindings"] ?? {}) as Inventory["samlBindings"]);
  for (const entry of Object.values(samlBindings)) {
    if (entry.spSigningCertificateFile) entry.spSigningCertificatePem = fs.readFileSync(path.resolve(baseDir, entry.spSigningCertificateFile), "utf8");
  }
  return {
    file,
    org: (data["org"] ?? {}) as Inventory["org"],
    certificates,
    jwtIntegrations: structuredClone((data["jwtIntegrations"] ?? {}) as Inventory["jwtIntegrations"]),
    samlBindings,
  };
}
