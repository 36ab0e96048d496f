/**
 * @module The rules for `CertificateAndKeyPair` arguments, and the defaults Salesforce applies.
 * Used by the resource's `check()`; pure, so it tests without an engine.
 */
import type { DistinguishedName } from "../crypto/distinguished-name";
import type { RsaKeySize } from "../crypto/rsa-key-pair";
import type { ValidationIssue } from "../errors";
import {
  countryCode,
  emailAddress,
  integerBetween,
  oneOf,
  salesforceUniqueName,
  shown,
  stringOfLength,
  type Rule,
} from "./rules";

/** The arguments of a `CertificateAndKeyPair` once checked, with every default filled in. */
export interface CertificateInputs {
  uniqueName: string;
  label: string;
  keySize: RsaKeySize;
  validityDays: number;
  subject: DistinguishedName;
}

/** Salesforce's validity of a self-signed certificate: 1 year at 2048 bits, 2 years at 4096. */
export function defaultValidityDays(keySize: RsaKeySize): number {
  return keySize === 4096 ? 730 : 365;
}

/** Longest validity we issue: ten years. */
export const maxValidityDays = 3650;

const topLevelRules: Record<string, Rule> = {
  uniqueName: salesforceUniqueName,
  label: stringOfLength(1, 64),
  keySize: oneOf([2048, 4096]),
  validityDays: integerBetween(1, maxValidityDays),
};

// Upper bounds from RFC 5280's ub-* constants (ub-common-name 64, ub-organization-name 64, …).
const subjectRules: Record<keyof DistinguishedName, Rule> = {
  commonName: stringOfLength(1, 64),
  email: emailAddress,
  company: stringOfLength(1, 64),
  department: stringOfLength(1, 64),
  city: stringOfLength(1, 128),
  state: stringOfLength(1, 128),
  country: countryCode,
};

/** Outcome of checking raw arguments: normalised inputs when there is no issue, else every issue. */
export type CertificateArgsCheck =
  | { ok: true; inputs: CertificateInputs }
  | { ok: false; issues: ValidationIssue[] };

/**
 * Checks raw `CertificateAndKeyPair` arguments against Salesforce's rules and fills in defaults
 * (`keySize` 2048, `validityDays` per key size, `subject.commonName` = `uniqueName`).
 * Keys starting with `__` (Pulumi's own, such as `__provider`) are ignored.
 */
export function checkCertificateArgs(raw: Record<string, unknown>): CertificateArgsCheck {
  const issues: ValidationIssue[] = [];
  const known = new Set([...Object.keys(topLevelRules), "subject"]);
  for (const key of Object.keys(raw)) {
    if (!key.startsWith("__") && !known.has(key)) {
      issues.push({ path: key, message: `is not a CertificateAndKeyPair argument (known: ${[...known].join(", ")})` });
    }
  }

  const keySize = raw["keySize"] ?? 2048;
  const values: Record<string, unknown> = {
    uniqueName: raw["uniqueName"],
    label: raw["label"],
    keySize,
    validityDays: raw["validityDays"] ?? (keySize === 4096 ? defaultValidityDays(4096) : defaultValidityDays(2048)),
  };
  for (const [field, rule] of Object.entries(topLevelRules)) {
    const message = values[field] === undefined ? "is required" : rule(values[field]);
    if (message) issues.push({ path: field, message });
  }

  const subject = checkSubject(raw["subject"], values["uniqueName"], issues);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, inputs: { ...(values as Omit<CertificateInputs, "subject">), subject } };
}

function checkSubject(raw: unknown, uniqueName: unknown, issues: ValidationIssue[]): DistinguishedName {
  if (raw !== undefined && (typeof raw !== "object" || raw === null || Array.isArray(raw))) {
    issues.push({ path: "subject", message: `must be an object of distinguished-name fields (got ${shown(raw)})` });
    return { commonName: String(uniqueName) };
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  const subject: Record<string, unknown> = { ...given, commonName: given["commonName"] ?? uniqueName };
  for (const key of Object.keys(given)) {
    if (!(key in subjectRules)) {
      issues.push({ path: `subject.${key}`, message: `is not a subject field (known: ${Object.keys(subjectRules).join(", ")})` });
    }
  }
  for (const [field, rule] of Object.entries(subjectRules)) {
    if (subject[field] === undefined) continue;
    const message = rule(subject[field]);
    if (message) issues.push({ path: `subject.${field}`, message });
  }
  return subject as unknown as DistinguishedName;
}
