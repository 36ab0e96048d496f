/**
 * @module Each section's own rules, entry by entry, on entries the schema accepted: the resources' own
 * `check()` rules (the same the engine applies), with their issues placed at the inventory's paths, and
 * the files entries name, read once. Rules that look at more than one entry are in cross-entry-rules.ts.
 */
import path = require("node:path");
import { checkCertificateArgs, keystorePasswordEnvIssues } from "../certificate/args";
import type { ValidationIssue } from "../errors";
import { checkJwtIntegrationArgs } from "../jwt-integration/args";
import { checkSamlSpBindingArgs } from "../saml-binding/args";
import { shown } from "../validate/rules";
import { dotted, type Key } from "./key-path";
import { fileProblemWords, readRegularTextFile } from "./read-regular-file";

/** Largest chain or certificate file an entry may name: a PEM chain of a few certificates is a few kilobytes. */
export const maxPemFileBytes = 1024 * 1024;

/** Entries of one section, by name. */
export type Entries = Record<string, Record<string, unknown>>;

/** Reports a problem at `keyPath` (at its key when `onKey`). */
export type Locate = (keyPath: Key[], message: string, onKey?: boolean) => void;

/** What the rules of every section share: where problems go, the org's defaults, and the files read. */
export interface EntryChecks {
  org: Record<string, unknown>;
  certificates: Entries;
  located: Locate;
  /** Reports `issues` of a resource's rules at `section.name.<issue path>` (see {@link entryChecks}). */
  report(
    section: string,
    name: string,
    issues: ValidationIssue[],
    rename?: Record<string, string>,
    entry?: Record<string, unknown>,
  ): void;
  /** The text of the file `relative` (to the inventory) that `section.name.field` names; a problem there when unreadable. */
  readFile(section: string, name: string, field: string, relative: string): string | undefined;
}

/**
 * The shared part of the rules for inventory `data` in `baseDir`. Files read go into `filesRead` (the
 * inventory carries what was checked, not a second read); paths in `textProblems` had a forbidden
 * character reported where it is, so the rules do not restate it.
 */
export function entryChecks(
  data: Record<string, unknown>,
  baseDir: string,
  filesRead: Map<string, string>,
  located: Locate,
  textProblems: ReadonlySet<string>,
): EntryChecks {
  const org = (data["org"] ?? {}) as Record<string, unknown>;
  const reportedOrgFields = new Set<string>();
  return {
    org,
    certificates: (data["certificates"] ?? {}) as Entries,
    located,
    report(section, name, issues, rename = {}, entry = {}) {
      for (const issue of issues) {
        if (orgDefaultIssue(issue, entry, org)) {
          // A value the entry inherits from `org` is wrong at org.<field>: say so there, once.
          if (!reportedOrgFields.has(issue.path) && !textProblems.has(`org.${issue.path}`))
            located(["org", issue.path], issue.message);
          reportedOrgFields.add(issue.path);
          continue;
        }
        const fieldPath = (rename[issue.path.split(/[.[]/)[0]!] ?? issue.path).split(".").flatMap((part) => {
          const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
          return m ? [m[1]!, ...[...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))] : [part];
        });
        // A forbidden character was reported where it is; the rules would only restate it.
        if (!textProblems.has(dotted([section, name, ...fieldPath])))
          located([section, name, ...fieldPath], issue.message);
      }
    },
    readFile(section, name, field, relative) {
      const file = path.resolve(baseDir, relative);
      const read = readRegularTextFile(file, maxPemFileBytes);
      if (read.ok) {
        filesRead.set(file, read.text);
        return read.text;
      }
      const why =
        read.problem.kind === "missing"
          ? " (paths are relative to the inventory file)"
          : `: ${fileProblemWords(read.problem, "a PEM file of certificates")}`;
      located([section, name, field], `cannot read ${shown(relative)}${why}`);
      return undefined;
    },
  };
}

/** The org section: an issue with a field the entry does not set but inherits from `org`. */
function orgDefaultIssue(
  issue: ValidationIssue,
  entry: Record<string, unknown>,
  org: Record<string, unknown>,
): boolean {
  return (
    (issue.path === "contactEmail" || issue.path === "myDomainUrl") &&
    entry[issue.path] === undefined &&
    org[issue.path] !== undefined
  );
}

/** Stand-ins for what the certificate resource will output: only its exportability matters to these rules. */
const published = { certificatePem: "-", certificateSha256Fingerprint: "-", certificateNotAfter: "-" };

/** A certificate's rules: its keystore password variable, its signed chain file, its arguments. */
export function certificateRules(checks: EntryChecks, name: string, entry: Record<string, unknown>): void {
  // `adopt` goes to the resource's rules as it is: only with custody org, and its fingerprint's form.
  const { owner: _o, keystorePasswordEnv, signedChainFile, ...args } = entry;
  for (const message of keystorePasswordEnvIssues(keystorePasswordEnv, args))
    checks.located(["certificates", name, "keystorePasswordEnv"], message);
  const chain =
    typeof signedChainFile === "string"
      ? checks.readFile("certificates", name, "signedChainFile", signedChainFile)
      : undefined;
  const result = checkCertificateArgs({
    ...args,
    uniqueName: name,
    ...(chain !== undefined ? { signedChainPem: chain } : {}),
  });
  if (!result.ok)
    checks.report(
      "certificates",
      name,
      result.issues.filter((i) => i.path !== "uniqueName"),
      { signedChainPem: "signedChainFile" },
    );
}

/** A JWT integration's arguments, with `certificate` the one it names (only its exportability is used). */
export function jwtIntegrationRules(
  checks: EntryChecks,
  name: string,
  entry: Record<string, unknown>,
  certificate: Record<string, unknown>,
): void {
  const { owner: _o, certificate: _c, adopt, ...args } = entry;
  privateKeyEnvRule(checks, name, adopt);
  // The resource's rules see `adopt` without the variable's name: the key is read only when declaring.
  const { privateKeyEnv: _k, ...adoptArgs } = (adopt ?? {}) as Record<string, unknown>;
  const exportable = certificate["privateKeyExportable"] !== false;
  const result = checkJwtIntegrationArgs(
    {
      contactEmail: checks.org["contactEmail"],
      ...args,
      ...(adopt !== undefined ? { adopt: adoptArgs } : {}),
      apiName: name,
      ...published,
      privateKeyExportable: exportable,
      ...(exportable ? { privateKeyPem: "-" } : {}),
    },
    "PlaceholderConsumerKey",
  );
  if (!result.ok)
    checks.report(
      "jwtIntegrations",
      name,
      result.issues.filter((i) => i.path !== "apiName"),
      {},
      entry,
    );
}

/**
 * `adopt.privateKeyEnv` names an environment variable, never holds the key: a PEM (or anything else that is
 * not a name) put there by mistake is not shown. The variable itself is read when the inventory is declared.
 */
function privateKeyEnvRule(checks: EntryChecks, name: string, adopt: unknown): void {
  const variable = (adopt as Record<string, unknown> | undefined)?.["privateKeyEnv"];
  if (variable === undefined || privateKeyEnvName(variable)) return;
  checks.located(["jwtIntegrations", name, "adopt", "privateKeyEnv"], privateKeyEnvWords);
}

/** True when `value` is an environment variable's name. */
export function privateKeyEnvName(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value);
}

/** The rule for `adopt.privateKeyEnv`, in words that never show its value. */
export const privateKeyEnvWords =
  "must be the name of an environment variable holding the PEM private key (letters, digits and underscores, not starting with a digit, such as CI_JWT_PRIVATE_KEY), never the key itself; the value is not shown";

/** A SAML binding's arguments and its SP signing certificate file. */
export function samlBindingRules(checks: EntryChecks, name: string, entry: Record<string, unknown>): void {
  const { owner: _o, partnerContact: _p, certificate: reference, spSigningCertificateFile, ...args } = entry;
  const spCert =
    typeof spSigningCertificateFile === "string"
      ? checks.readFile("samlBindings", name, "spSigningCertificateFile", spSigningCertificateFile)
      : undefined;
  const result = checkSamlSpBindingArgs({
    contactEmail: checks.org["contactEmail"],
    myDomainUrl: checks.org["myDomainUrl"],
    ...args,
    apiName: name,
    idpCertificateName: reference,
    ...published,
    certificateSha1Fingerprint: "-",
    ...(spCert !== undefined ? { spSigningCertificatePem: spCert } : {}),
  });
  if (!result.ok)
    checks.report(
      "samlBindings",
      name,
      result.issues.filter((i) => i.path !== "apiName" && !i.path.startsWith("certificate")),
      { spSigningCertificatePem: "spSigningCertificateFile" },
      entry,
    );
}
