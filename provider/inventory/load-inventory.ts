/**
 * @module Loads an inventory YAML file and reports every problem at once, each as
 * `file:line:col path: rule` (or `file: rule` when the problem has no position): bytes that are not
 * UTF-8, YAML syntax, nesting and aliases past safe limits, tags outside the core schema, characters XML
 * forbids, the JSON Schema (unknown keys, wrong types), duplicate names, names the provider generates
 * (`<name>_G2`, `<name>_A`), the resources' own rules (the same `check()` rules the engine applies),
 * references to certificates that do not exist, JWT integrations bound to keys that are not exportable,
 * and SAML bindings that disagree on the org's one IdP certificate. Positions come from the `yaml` package.
 */
import fs = require("node:fs");
import path = require("node:path");
import Ajv2020 from "ajv/dist/2020";
import type { ErrorObject } from "ajv";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { shown, xmlText } from "../validate/rules";
import {
  adoptedOnce,
  type BoundSamlBinding,
  jwtKeyInReach,
  oneOrgConnection,
  referencedCertificate,
  samlBindingsAgree,
} from "./cross-entry-rules";
import {
  certificateRules,
  type Entries,
  entryChecks,
  jwtIntegrationRules,
  type Locate,
  samlBindingRules,
} from "./entry-rules";
import { generatedNameCollisions } from "./generated-name-collisions";
import type { Inventory } from "./inventory-types";
import { readInventoryText } from "./inventory-text";
import { dotted, type Key } from "./key-path";
import { firstAliasOffset, maxAliasCount, maxNestingDepth, tooDeepOffset, yamlOptions } from "./yaml-limits";

/** One problem, located in the file (`line` and `col` are absent when it concerns the whole file). */
export interface InventoryProblem {
  file: string;
  line?: number;
  col?: number;
  /** Dotted path, e.g. `samlBindings.Partner_SSO.acsUrl`; `(file)` or `(yaml)` for the file or its syntax. */
  path: string;
  message: string;
}

export type InventoryLoad = { ok: true; inventory: Inventory } | { ok: false; problems: InventoryProblem[] };

/** `file:line:col path: rule`, the one-line form every command prints; `file: rule` without a position. */
export function formatProblem(problem: InventoryProblem): string {
  if (problem.line === undefined) return `${problem.file}: ${problem.message}`;
  return `${problem.file}:${problem.line}:${problem.col ?? 1} ${problem.path}: ${problem.message}`;
}

/** The published JSON Schema of inventory files. */
export const inventorySchemaPath = path.resolve(
  __dirname,
  "..",
  "..",
  "..",
  "provider",
  "inventory",
  "inventory.schema.json",
);

const sections = ["certificates", "jwtIntegrations", "samlBindings"] as const;
/** Tags of the YAML 1.2 core schema; `!` is the non-specific tag (a plain string). */
const coreTags = new Set([
  "!",
  ...["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`),
]);

/** Loads and checks `file`; `displayName` is how messages name it (default: the path as given). */
export function loadInventory(file: string, displayName = file): InventoryLoad {
  const read = readInventoryText(file);
  if (!read.ok) {
    const position = read.line !== undefined ? { line: read.line, col: read.col ?? 1 } : {};
    return { ok: false, problems: [{ file: displayName, ...position, path: "(file)", message: read.message }] };
  }
  const text = read.text;
  const lineCounter = new LineCounter();
  const problems: InventoryProblem[] = [];
  const at = (offset: number, keyPath: Key[] | string, message: string) => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({
      file: displayName,
      line,
      col,
      path: typeof keyPath === "string" ? keyPath : dotted(keyPath),
      message,
    });
  };
  const deep = tooDeepOffset(text);
  if (deep !== undefined) {
    // Positions need the line counter, which parsing fills: count the lines of the text up to there.
    const before = text.slice(0, deep);
    const line = before.split("\n").length;
    const col = deep - before.lastIndexOf("\n");
    return {
      ok: false,
      problems: [
        {
          file: displayName,
          line,
          col,
          path: "(yaml)",
          message: `nests collections more than ${maxNestingDepth} deep: an inventory needs 5; is it the right file?`,
        },
      ],
    };
  }
  const doc = parseDocument(text, { ...yamlOptions, lineCounter });
  for (const error of doc.errors) at(error.pos[0], "(yaml)", yamlMessage(error.code, error.message));
  for (const warning of doc.warnings) {
    // Unknown tags are reported by path below.
    if (warning.code !== "TAG_RESOLVE_FAILED") at(warning.pos[0], "(yaml)", yamlMessage(warning.code, warning.message));
  }
  if (problems.length > 0) return { ok: false, problems: sorted(problems) };

  const textProblems = new Set<string>();
  nodeProblems(doc, at, textProblems);
  // A tag or key the loader cannot read stops here; a string with a forbidden character does not: the
  // other rules still run (and skip that string), so every problem is reported at once.
  if (problems.length > textProblems.size) return { ok: false, problems: sorted(problems) };
  let data: Record<string, unknown>;
  try {
    data = (doc.toJS({ maxAliasCount }) ?? {}) as Record<string, unknown>;
  } catch {
    // yaml throws a ReferenceError past maxAliasCount: a "billion laughs" file, or aliases far too many.
    at(
      firstAliasOffset(doc),
      "(yaml)",
      `aliases here expand to too many values (yaml's maxAliasCount, ${maxAliasCount}): write the values out, or alias them fewer times`,
    );
    return { ok: false, problems };
  }
  const located = (keyPath: Key[], message: string, onKey = false) =>
    at(offsetOf(doc, keyPath, onKey), keyPath, message);

  const bad = new Set<string>();
  // The files entries name, as checked: the inventory carries what was checked, not a second read.
  const filesRead = new Map<string, string>();
  duplicateNames(doc, at, bad);
  for (const error of schemaErrors(data)) {
    const { keyPath, message, onKey } = describeSchemaError(error, data);
    located(keyPath, message, onKey);
    if (keyPath.length >= 2 && typeof keyPath[0] === "string" && (sections as readonly string[]).includes(keyPath[0]))
      bad.add(`${keyPath[0]}.${keyPath[1]}`);
    else bad.add("*");
  }
  if (!bad.has("*") && Object.keys((data["certificates"] ?? {}) as object).length === 0) {
    // Against a stack that holds certificates, an empty inventory would delete every key: never a mistake to let through.
    const rule =
      "declares no certificate: an inventory must declare at least one (to delete a whole stack, run salesforce-certs destroy)";
    if (data["certificates"] === undefined) at(0, "certificates", rule);
    else located(["certificates"], rule);
  }
  if (!bad.has("*")) {
    for (const collision of generatedNameCollisions(data))
      located(collision.keyPath, collision.message, collision.onKey);
    checkEntries(data, path.dirname(file), filesRead, located, bad, textProblems);
  }
  if (problems.length > 0) return { ok: false, problems: sorted(problems) };
  return { ok: true, inventory: toInventory(data, file, filesRead) };
}

function sorted(problems: InventoryProblem[]): InventoryProblem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

/** The `yaml` package's message, first line, reworded where it speaks of its own API. */
function yamlMessage(code: string, message: string): string {
  if (code === "MULTIPLE_DOCS")
    return "must hold one YAML document: remove this second one (or the --- that starts it)";
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

/**
 * What the schema cannot see, node by node: keys that are not plain scalars, tags outside the core schema,
 * an alias inside the collection it names (a cycle), and strings with characters XML 1.0 forbids (their
 * paths go into `textProblems`, so the resources' rules do not report them again).
 */
function nodeProblems(
  doc: Document,
  at: (offset: number, keyPath: Key[] | string, message: string) => void,
  textProblems: Set<string>,
): void {
  const ancestors = new Set<unknown>();
  const walk = (node: unknown, keyPath: Key[]) => {
    if (!node || typeof node !== "object") return;
    const range = (node as Node).range;
    const offset = range ? range[0] : 0;
    const tag = (node as Node).tag;
    if (tag !== undefined && !coreTags.has(tag)) {
      at(
        offset,
        keyPath,
        `has the tag ${tag.replace(/^tag:yaml\.org,2002:/, "!!")}, which an inventory does not use: remove it (only the YAML core schema's tags, such as !!str, are read)`,
      );
      return;
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) at(offset, keyPath, `is the alias *${node.source}, but no anchor &${node.source} comes before it`);
      else if (ancestors.has(target))
        at(
          offset,
          keyPath,
          `is the alias *${node.source} inside the value it names, which would repeat forever: write the value out`,
        );
    } else if (isScalar(node)) {
      const message = xmlText(node.value);
      if (message) {
        at(offset, keyPath, message);
        textProblems.add(dotted(keyPath));
      }
    } else if (isMap(node)) {
      ancestors.add(node);
      for (const pair of node.items) {
        if (pair.key !== null && !isScalar(pair.key)) {
          const keyRange = (pair.key as Node).range;
          at(keyRange ? keyRange[0] : offset, keyPath, "has a key that is a list or mapping: keys must be plain names");
          continue;
        }
        walk(pair.value, [...keyPath, String(isScalar(pair.key) ? pair.key.value : "")]);
      }
      ancestors.delete(node);
    } else if (isSeq(node)) {
      ancestors.add(node);
      for (const [i, item] of node.items.entries()) walk(item, [...keyPath, i]);
      ancestors.delete(node);
    }
  };
  walk(doc.contents, []);
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

/**
 * Keys defined twice, at any depth (YAML would keep the last silently: a second `certificates:` block
 * would drop the first).
 */
function duplicateNames(
  doc: Document,
  at: (offset: number, keyPath: Key[], message: string) => void,
  bad: Set<string>,
): void {
  const walk = (node: unknown, keyPath: Key[]) => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) {
          const where = keyPath.length === 0 ? "the file" : dotted(keyPath);
          const rule =
            (sections as readonly Key[]).includes(keyPath[0] ?? "") && keyPath.length === 1
              ? "names must be unique"
              : "keys must be unique";
          at(pair.key.range?.[0] ?? 0, [...keyPath, key], `is defined twice in ${where}: ${rule}`);
          bad.add(keyPath.length >= 1 ? `${String(keyPath[0])}.${String(keyPath[1] ?? key)}` : "*");
        }
        seen.add(key);
        walk(pair.value, [...keyPath, key]);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...keyPath, i]);
    }
  };
  walk(doc.contents, []);
}

let validateSchema: ReturnType<Ajv2020["compile"]> | undefined;
function schemaErrors(data: unknown): ErrorObject[] {
  if (!validateSchema) {
    // verbose: errors carry their schema, so an unknown-key message can list the known keys.
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    validateSchema = ajv.compile(JSON.parse(fs.readFileSync(inventorySchemaPath, "utf8")) as object);
  }
  return validateSchema(data)
    ? []
    : (validateSchema.errors ?? []).filter((e) => e.keyword !== "propertyNames" && e.keyword !== "if");
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
    const rule =
      error.keyword === "maxLength"
        ? `must be at most ${String(params["limit"])} characters${keyPath[0] === "certificates" ? ", leaving room for the _G2, _G3, … of rotated key pairs" : ""}`
        : "must be a Salesforce unique name: letters, digits and underscores, starting with a letter, with no trailing or double underscore";
    return { keyPath: [...keyPath, name], message: `${rule} (got ${shown(name)})`, onKey: true };
  }
  switch (error.keyword) {
    case "additionalProperties": {
      const known = Object.keys(((error.parentSchema ?? {}) as { properties?: object }).properties ?? {});
      return {
        keyPath: [...keyPath, String(params["additionalProperty"])],
        message: `is not a known field (known: ${known.join(", ")})`,
        onKey: true,
      };
    }
    case "required":
      return { keyPath: [...keyPath, String(params["missingProperty"])], message: "is required", onKey: false };
    case "type": {
      const type = String(params["type"]);
      const word = type === "object" ? "mapping" : type === "array" ? "list" : type;
      const article = /^[aeiou]/.test(word) ? "an" : "a";
      // A field that names where a secret is may hold the secret itself by mistake.
      const got = ["keystorePasswordEnv", "privateKeyEnv"].includes(String(keyPath[keyPath.length - 1]))
        ? "the value is not shown"
        : `got ${shown(value)}`;
      return { keyPath, message: `must be ${article} ${word} (${got})`, onKey: false };
    }
    case "pattern": {
      // The schema's description says the rule in words; its regular expression would not.
      const description = (error.parentSchema as { description?: string } | undefined)?.description;
      const rule = description ? `must be ${description}` : (error.message ?? "is invalid");
      return { keyPath, message: `${rule} (got ${shown(value)})`, onKey: false };
    }
    case "enum":
      return {
        keyPath,
        message: `must be one of ${(params["allowedValues"] as unknown[]).join(", ")} (got ${shown(value)})`,
        onKey: false,
      };
    default:
      return { keyPath, message: `${error.message ?? "is invalid"} (got ${shown(value)})`, onKey: false };
  }
}

/** Each section's own rules on the entries the schema accepted (`bad` names the others), then the rules that span entries. */
function checkEntries(
  data: Record<string, unknown>,
  baseDir: string,
  filesRead: Map<string, string>,
  located: Locate,
  bad: Set<string>,
  textProblems: Set<string>,
): void {
  const checks = entryChecks(data, baseDir, filesRead, located, textProblems);
  const accepted = (section: (typeof sections)[number]) =>
    Object.entries((data[section] ?? {}) as Entries).filter(([name]) => !bad.has(`${section}.${name}`));

  for (const [name, entry] of accepted("certificates")) certificateRules(checks, name, entry);

  for (const [name, entry] of accepted("jwtIntegrations")) {
    const certificate = referencedCertificate(checks, "jwtIntegrations", name, entry["certificate"]);
    if (certificate && jwtKeyInReach(checks, name, entry, certificate))
      jwtIntegrationRules(checks, name, entry, certificate);
  }
  oneOrgConnection(checks, (data["jwtIntegrations"] ?? {}) as Entries);

  const bound: BoundSamlBinding[] = [];
  for (const [name, entry] of accepted("samlBindings")) {
    const certificate = referencedCertificate(checks, "samlBindings", name, entry["certificate"]);
    if (!certificate) continue;
    samlBindingRules(checks, name, entry);
    bound.push({ name, entry, certificate });
  }
  samlBindingsAgree(checks, bound);
  adoptedOnce(checks, Object.fromEntries(accepted("jwtIntegrations")), Object.fromEntries(accepted("samlBindings")));
}

/** The loaded inventory: entries as checked, with the files they name from `filesRead` (not read again). */
function toInventory(data: Record<string, unknown>, file: string, filesRead: ReadonlyMap<string, string>): Inventory {
  const baseDir = path.dirname(file);
  const certificates = structuredClone((data["certificates"] ?? {}) as Inventory["certificates"]);
  for (const entry of Object.values(certificates)) {
    if (entry.signedChainFile) entry.signedChainPem = filesRead.get(path.resolve(baseDir, entry.signedChainFile))!;
  }
  const samlBindings = structuredClone((data["samlBindings"] ?? {}) as Inventory["samlBindings"]);
  for (const entry of Object.values(samlBindings)) {
    if (entry.spSigningCertificateFile)
      entry.spSigningCertificatePem = filesRead.get(path.resolve(baseDir, entry.spSigningCertificateFile))!;
  }
  return {
    file,
    org: (data["org"] ?? {}) as Inventory["org"],
    certificates,
    jwtIntegrations: structuredClone((data["jwtIntegrations"] ?? {}) as Inventory["jwtIntegrations"]),
    samlBindings,
  };
}
