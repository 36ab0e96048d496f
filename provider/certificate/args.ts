/**
 * @module The rules for `CertificateAndKeyPair` arguments, and the defaults Salesforce applies.
 * Used by the resource's `check()`; pure, so it tests without an engine.
 */
import { chainOrderProblems, splitChain } from "../crypto/certificate-chain";
import { describeCertificate } from "../crypto/certificate-facts";
import { fitsStringType, type DistinguishedName } from "../crypto/distinguished-name";
import type { RsaKeySize } from "../crypto/rsa-key-pair";
import type { ValidationIssue } from "../errors";
import { defaultOverlapDays, defaultRenewalPolicy, type RenewalPolicy } from "../rotation/renewal-policy";
import {
  countryCode,
  emailAddress,
  environmentVariableName,
  integerBetween,
  oneOf,
  salesforceUniqueName,
  shown,
  stringOfLength,
  withXmlTextIssues,
  type Rule,
} from "../validate/rules";
import { notGeneratedCertificateName } from "../validate/generated-names";
import { unknownValue } from "../dynamic/unknown-value";

/** The arguments of a `CertificateAndKeyPair` once checked, with every default filled in. */
export interface CertificateInputs {
  uniqueName: string;
  /** Who generates and holds the key pair: this provider (default), or the Salesforce org (org mode). */
  custody: CertificateCustody;
  label: string;
  keySize: RsaKeySize;
  validityDays: number;
  subject: DistinguishedName;
  caSigned: boolean;
  privateKeyExportable: boolean;
  renewal: RenewalPolicy;
  overlapDays: number;
  rotationTrigger?: string;
  keystorePassword?: string;
  signedChainPem?: string;
  /**
   * Custody org only: take over the org's certificate named `uniqueName` at create, when its content has
   * this SHA-256 fingerprint (see certificate/adoption.ts); ignored after create.
   */
  adopt?: CertificateAdoption;
}

/** What a certificate adopts: the fingerprint the org's certificate must have (as discover read it). */
export interface CertificateAdoption {
  sha256Fingerprint: string;
}

/** Who generates and holds a certificate's key pair. */
export type CertificateCustody = "provider" | "org";

/** Salesforce's validity of a self-signed certificate: 1 year at 2048 bits, 2 years at 4096. */
export function defaultValidityDays(keySize: RsaKeySize): number {
  return keySize === 4096 ? 730 : 365;
}

/** Longest validity we issue: ten years. */
export const maxValidityDays = 3650;

const boolean: Rule = (value) =>
  typeof value === "boolean" ? undefined : `must be true or false (got ${shown(value)})`;
const percent: Rule = (value) =>
  typeof value === "number" && value >= 1 && value <= 99
    ? undefined
    : `must be a number from 1 to 99 (got ${shown(value)})`;

/** A certificate's unique name leaves room for the `_G<n>` its later key pairs get in the org. */
const certificateUniqueName: Rule = (value) =>
  salesforceUniqueName(value) ??
  notGeneratedCertificateName(value) ??
  ((value as string).length > 75
    ? `must be at most 75 characters, leaving room for the _G2, _G3, … of rotated key pairs (got ${(value as string).length})`
    : undefined);

const topLevelRules: Record<string, Rule> = {
  uniqueName: certificateUniqueName,
  custody: oneOf(["provider", "org"]),
  label: stringOfLength(1, 64),
  keySize: oneOf([2048, 4096]),
  validityDays: integerBetween(1, maxValidityDays),
  caSigned: boolean,
  privateKeyExportable: boolean,
  overlapDays: integerBetween(0, 365),
  rotationTrigger: stringOfLength(1, 256),
  // keytool refuses keystore passwords under 6 characters.
  keystorePassword: stringOfLength(6, 128),
  signedChainPem: stringOfLength(1, 65_536),
};

/** A UTF8String attribute: any Unicode text, but no lone UTF-16 surrogate (it has no UTF-8 form). */
function directoryString(min: number, max: number): Rule {
  const length = stringOfLength(min, max);
  return (value) =>
    length(value) ??
    (!/\p{Cs}/u.test(value as string)
      ? undefined
      : `must be well-formed Unicode text: it holds a lone UTF-16 surrogate (got ${shown(value)})`);
}

/** emailAddress is an IA5String (PKCS #9): ASCII only. */
const subjectEmail: Rule = (value) =>
  emailAddress(value) ??
  (fitsStringType(value as string, "IA5String")
    ? undefined
    : `must be ASCII: X.509 writes emailAddress as an IA5String, which cannot hold other characters (got ${shown(value)})`);

// Upper bounds from RFC 5280's ub-* constants (ub-common-name 64, ub-organization-name 64, …). The
// string types (country PrintableString, email IA5String, the rest UTF8String) are in distinguished-name.ts.
const subjectLimits = { commonName: 64 } as const;
const subjectRules: Record<keyof DistinguishedName, Rule> = {
  commonName: directoryString(1, subjectLimits.commonName),
  email: subjectEmail,
  company: directoryString(1, 64),
  department: directoryString(1, 64),
  city: directoryString(1, 128),
  state: directoryString(1, 128),
  country: countryCode,
};

/**
 * Outcome of checking raw arguments: normalised inputs and any warnings (things to tell the user that
 * do not stop the run) when there is no issue, else every issue.
 */
export type CertificateArgsCheck =
  | { ok: true; inputs: CertificateInputs; warnings: ValidationIssue[] }
  | { ok: false; issues: ValidationIssue[] };

/**
 * What the time rules of a CA-signed chain are judged against: the provider clock, and the chain the
 * resource already had (a chain is adopted only when it differs from that one, and only then may an
 * expired leaf be refused: the chain in force expiring is rotation's business, not a bad input).
 */
export interface CertificateCheckContext {
  now: Date;
  previousChainPem?: string;
}

/**
 * Checks raw `CertificateAndKeyPair` arguments against Salesforce's rules and fills in defaults
 * (`keySize` 2048, `validityDays` per key size, `subject.commonName` = `uniqueName` (its first 64
 * characters when longer), self-signed, exportable key, renewal at 80 % of the lifetime, 7 days of overlap).
 * Keys starting with `__` (Pulumi's own, such as `__provider`) are ignored.
 *
 * With `context` (as `check()` passes it), a newly given `signedChainPem` whose leaf has expired is
 * refused, and one whose leaf is not valid yet is accepted with a warning naming the date.
 */
export function checkCertificateArgs(
  raw: Record<string, unknown>,
  context?: CertificateCheckContext,
): CertificateArgsCheck {
  const issues: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const known = new Set([...Object.keys(topLevelRules), "subject", "renewal", "adopt"]);
  for (const key of Object.keys(raw)) {
    if (!key.startsWith("__") && !known.has(key) && raw[key] !== undefined) {
      issues.push({ path: key, message: `is not a CertificateAndKeyPair argument (known: ${[...known].join(", ")})` });
    }
  }

  const keySize = raw["keySize"] ?? 2048;
  const values: Record<string, unknown> = {
    uniqueName: raw["uniqueName"],
    custody: raw["custody"] ?? "provider",
    label: raw["label"],
    keySize,
    validityDays: raw["validityDays"] ?? defaultValidityDays(keySize === 4096 ? 4096 : 2048),
    caSigned: raw["caSigned"] ?? false,
    privateKeyExportable: raw["privateKeyExportable"] ?? true,
    overlapDays: raw["overlapDays"] ?? defaultOverlapDays,
  };
  for (const optional of ["rotationTrigger", "keystorePassword", "signedChainPem"]) {
    if (raw[optional] !== undefined) values[optional] = raw[optional];
  }
  for (const [field, rule] of Object.entries(topLevelRules)) {
    const required = field === "uniqueName" || field === "label";
    if (values[field] === undefined) {
      if (required) issues.push({ path: field, message: "is required" });
      continue;
    }
    const message = rule(values[field]);
    if (message)
      issues.push({
        path: field,
        message: field === "keystorePassword" ? message.replace(/ \(got .*\)$/, "") : message,
      });
  }

  if (values["custody"] === "org") checkOrgCustody(raw, issues);
  const adopt = checkAdopt(raw["adopt"], values["custody"], issues);
  const subject = checkSubject(raw["subject"], values["uniqueName"], issues);
  const renewal = checkRenewal(raw["renewal"], values, issues);
  checkCombinations(values, renewal, issues);
  if (context && typeof values["signedChainPem"] === "string" && issues.every((i) => i.path !== "signedChainPem")) {
    checkLeafValidity(values["signedChainPem"], context, issues, warnings);
  }
  // Labels and subjects land in metadata XML and certificates: no character XML 1.0 forbids.
  const allIssues = withXmlTextIssues(raw, ["keystorePassword", "signedChainPem"], issues);
  if (allIssues.length > 0) return { ok: false, issues: allIssues };
  return {
    ok: true,
    inputs: {
      ...(values as Omit<CertificateInputs, "subject" | "renewal">),
      subject,
      renewal,
      ...(adopt ? { adopt } : {}),
    },
    warnings,
  };
}

function checkSubject(raw: unknown, uniqueName: unknown, issues: ValidationIssue[]): DistinguishedName {
  if (raw !== undefined && !isPlainObject(raw)) {
    issues.push({ path: "subject", message: `must be an object of distinguished-name fields (got ${shown(raw)})` });
    return { commonName: String(uniqueName) };
  }
  const given = dropUndefined((raw ?? {}) as Record<string, unknown>);
  const subject: Record<string, unknown> = {
    ...given,
    commonName: given["commonName"] ?? defaultCommonName(uniqueName),
  };
  for (const key of Object.keys(given)) {
    if (!(key in subjectRules)) {
      issues.push({
        path: `subject.${key}`,
        message: `is not a subject field (known: ${Object.keys(subjectRules).join(", ")})`,
      });
    }
  }
  for (const [field, rule] of Object.entries(subjectRules)) {
    if (subject[field] === undefined) continue;
    const message = rule(subject[field]);
    if (message) issues.push({ path: `subject.${field}`, message });
  }
  return subject as unknown as DistinguishedName;
}

/**
 * The commonName of a certificate whose subject names none: its unique name, cut to X.520's 64 characters
 * (ub-common-name) when longer, since a unique name may have 75 and is valid either way.
 */
function defaultCommonName(uniqueName: unknown): unknown {
  return typeof uniqueName === "string" ? uniqueName.slice(0, subjectLimits.commonName) : uniqueName;
}

function checkRenewal(raw: unknown, values: Record<string, unknown>, issues: ValidationIssue[]): RenewalPolicy {
  if (raw === undefined) return { ...defaultRenewalPolicy };
  if (!isPlainObject(raw)) {
    issues.push({
      path: "renewal",
      message: `must be an object with daysBeforeExpiry and/or percentOfLifetime (got ${shown(raw)})`,
    });
    return {};
  }
  const given = dropUndefined(raw as Record<string, unknown>);
  for (const key of Object.keys(given)) {
    if (key !== "daysBeforeExpiry" && key !== "percentOfLifetime") {
      issues.push({
        path: `renewal.${key}`,
        message: "is not a renewal field (known: daysBeforeExpiry, percentOfLifetime)",
      });
    }
  }
  if (given["daysBeforeExpiry"] === undefined && given["percentOfLifetime"] === undefined)
    return { ...defaultRenewalPolicy };
  const policy: RenewalPolicy = {};
  if (given["percentOfLifetime"] !== undefined) {
    const message = percent(given["percentOfLifetime"]);
    if (message) issues.push({ path: "renewal.percentOfLifetime", message });
    policy.percentOfLifetime = given["percentOfLifetime"] as number;
  }
  if (given["daysBeforeExpiry"] !== undefined) {
    const days = given["daysBeforeExpiry"];
    const message = integerBetween(1, maxValidityDays)(days);
    if (message) issues.push({ path: "renewal.daysBeforeExpiry", message });
    else if (
      values["caSigned"] !== true &&
      typeof values["validityDays"] === "number" &&
      (days as number) >= values["validityDays"]
    ) {
      issues.push({
        path: "renewal.daysBeforeExpiry",
        message: `must be less than validityDays (${values["validityDays"]}): a renewal window as long as the validity would rotate on every run (got ${days})`,
      });
    }
    policy.daysBeforeExpiry = days as number;
  }
  return policy;
}

/** Why a keystore cannot be made for the key `field` asks one for (`keystorePassword`, an inventory's `keystorePasswordEnv`). */
const noKeystore = {
  notExportable: "needs privateKeyExportable: true (a key that is not exportable goes into no keystore)",
  orgCustody: (field: string) =>
    `cannot be set with custody: org: the org keeps the private key: no keystore can hold it; remove ${field}, or use custody: provider`,
};

/**
 * The rules of an inventory certificate's `keystorePasswordEnv`, the name of the variable that holds its
 * keystore password: a variable's name (the value is never shown, in case it is the password), for a key a
 * keystore can hold. Static, so `validate` says what `check()` would refuse once the variable is set.
 */
export function keystorePasswordEnvIssues(value: unknown, entry: Record<string, unknown>): string[] {
  if (value === undefined) return [];
  const name = environmentVariableName(value);
  if (name) return [name];
  if (entry["custody"] === "org") return [noKeystore.orgCustody("keystorePasswordEnv")];
  if (entry["privateKeyExportable"] === false) return [noKeystore.notExportable];
  return [];
}

function checkCombinations(values: Record<string, unknown>, renewal: RenewalPolicy, issues: ValidationIssue[]): void {
  if (values["keystorePassword"] !== undefined && values["privateKeyExportable"] === false) {
    issues.push({ path: "keystorePassword", message: noKeystore.notExportable });
  }
  const chain = values["signedChainPem"];
  if (chain === undefined || typeof chain !== "string") return;
  if (values["caSigned"] !== true) {
    issues.push({ path: "signedChainPem", message: "is only for CA-signed certificates: set caSigned: true" });
    return;
  }
  for (const problem of chainOrderProblems(chain)) issues.push({ path: "signedChainPem", message: problem.message });
  const [leaf] = splitChain(chain);
  if (leaf && renewal.daysBeforeExpiry !== undefined && issues.every((i) => i.path !== "signedChainPem")) {
    const facts = describeCertificate(leaf);
    const lifetimeDays = Math.floor((Date.parse(facts.notAfter) - Date.parse(facts.notBefore)) / 86_400_000);
    if (renewal.daysBeforeExpiry >= lifetimeDays) {
      issues.push({
        path: "renewal.daysBeforeExpiry",
        message: `must be less than the signed certificate's lifetime (${lifetimeDays} days): a longer renewal window would rotate on every run (got ${renewal.daysBeforeExpiry})`,
      });
    }
  }
}

/**
 * What an org-generated certificate cannot have: Salesforce decides its subject and validity, and keeps its
 * key. CA signing is allowed: the org makes the key and the CSR, and the signed chain is uploaded to it
 * (the CA's certificate decides subject and validity).
 */
function checkOrgCustody(raw: Record<string, unknown>, issues: ValidationIssue[]): void {
  const refused: Record<string, string> = {
    subject:
      "Salesforce writes the subject of a certificate it generates (CN=SelfSignedCert_<date>_<time>, O=Salesforce.com, …)",
    validityDays: "Salesforce sets the validity of a certificate it generates (1 year at 2048 bits, 2 at 4096)",
  };
  for (const [field, reason] of Object.entries(refused)) {
    if (raw[field] === undefined) continue;
    issues.push({
      path: field,
      message: `cannot be set with custody: org: ${reason}; remove ${field}, or use custody: provider`,
    });
  }
  if (raw["keystorePassword"] !== undefined)
    issues.push({ path: "keystorePassword", message: noKeystore.orgCustody("keystorePassword") });
}

/**
 * `adopt`: an object holding the SHA-256 fingerprint of the org's certificate to take over, in the form
 * discover writes (upper-case hex pairs joined by `:`) or plain hex, any case; only with custody org (a
 * provider-held key pair is made by this provider, so there is nothing in the org to take over). A value
 * unknown in preview is left to `up`.
 */
function checkAdopt(raw: unknown, custody: unknown, issues: ValidationIssue[]): CertificateAdoption | undefined {
  if (raw === undefined) return undefined;
  if (custody !== "org") {
    issues.push({
      path: "adopt",
      message: `needs custody: org: only a certificate whose key pair the org holds can be taken over (a provider-held key pair is made by this provider); set custody: org, or remove adopt (got custody ${shown(custody)})`,
    });
    return undefined;
  }
  if (raw === unknownValue) return raw as unknown as CertificateAdoption;
  if (!isPlainObject(raw)) {
    issues.push({ path: "adopt", message: `must be an object with sha256Fingerprint (got ${shown(raw)})` });
    return undefined;
  }
  for (const key of Object.keys(dropUndefined(raw))) {
    if (key !== "sha256Fingerprint")
      issues.push({ path: `adopt.${key}`, message: "is not an adopt field (known: sha256Fingerprint)" });
  }
  const fingerprint = raw["sha256Fingerprint"];
  if (fingerprint === unknownValue) return { sha256Fingerprint: fingerprint as string };
  const problem = sha256FingerprintIssue(fingerprint);
  if (problem) {
    issues.push({ path: "adopt.sha256Fingerprint", message: problem });
    return undefined;
  }
  return { sha256Fingerprint: fingerprint as string };
}

/** Why `value` is not a SHA-256 fingerprint (32 bytes as hex, in pairs joined by `:` or not, any case), or undefined. */
export function sha256FingerprintIssue(value: unknown): string | undefined {
  if (value === undefined) return "is required: the certificate's SHA-256 fingerprint, as discover reports it";
  const hex = /^[0-9A-Fa-f]{64}$/;
  const pairs = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){31}$/;
  if (typeof value === "string" && (hex.test(value) || pairs.test(value))) return undefined;
  return `must be a SHA-256 fingerprint: 64 hex digits, plain or in pairs joined by ':' (AB:CD:…), any case (got ${shown(value)})`;
}

/** An expired leaf in a new chain is refused; a leaf not valid yet is adopted, with a warning. */
function checkLeafValidity(
  chainPem: string,
  context: CertificateCheckContext,
  issues: ValidationIssue[],
  warnings: ValidationIssue[],
): void {
  const [leaf] = splitChain(chainPem);
  if (!leaf) return;
  const { notBefore, notAfter } = describeCertificate(leaf);
  const now = context.now.getTime();
  if (now > Date.parse(notAfter) && chainPem !== context.previousChainPem) {
    issues.push({
      path: "signedChainPem",
      message: `holds a leaf certificate that expired at ${notAfter} (now is ${context.now.toISOString()}): have the CA sign the CSR in output csrPem and give that chain, leaf first`,
    });
  } else if (now < Date.parse(notBefore)) {
    warnings.push({
      path: "signedChainPem",
      message: `holds a leaf certificate that is not valid before ${notBefore} (now is ${context.now.toISOString()}); it is adopted, but Salesforce and partners refuse it until then`,
    });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
