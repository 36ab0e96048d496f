/**
 * @module Small path-aware validation rules shared by resource `check()`s and, later, the inventory loader.
 * Each rule returns `undefined` when the value passes, else a message naming the rule (never a secret).
 */
import type { ValidationIssue } from "../errors";

/** A rule over one value; the message says what the value must be, and what it was. */
export type Rule = (value: unknown) => string | undefined;

/** Quotes a value for an error message, shortened so a long input does not flood the output. */
export function shown(value: unknown): string {
  // JSON has no Infinity or NaN (YAML's .inf, .nan): JSON.stringify would show them as null.
  const text = typeof value === "string" ? JSON.stringify(value) : typeof value === "number" && !Number.isFinite(value) ? String(value) : String(JSON.stringify(value) ?? value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** A string of `min`..`max` characters. */
export function stringOfLength(min: number, max: number): Rule {
  return (value) => {
    if (typeof value !== "string") return `must be a string (got ${shown(value)})`;
    if (value.length < min) return min === 1 ? "must not be empty" : `must be at least ${min} characters (got ${value.length})`;
    if (value.length > max) return `must be at most ${max} characters (got ${value.length})`;
    return undefined;
  };
}

/** An integer between `min` and `max`, inclusive. */
export function integerBetween(min: number, max: number): Rule {
  return (value) =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : `must be a whole number from ${min} to ${max} (got ${shown(value)})`;
}

/** One of the listed values. */
export function oneOf(allowed: readonly (string | number)[]): Rule {
  return (value) =>
    allowed.includes(value as string | number) ? undefined : `must be one of ${allowed.join(", ")} (got ${shown(value)})`;
}

/**
 * A Salesforce unique name (`DeveloperName`/`fullName`): letters, digits and underscores, starting with a
 * letter, with no trailing underscore and no two underscores in a row; at most 80 characters.
 */
export const salesforceUniqueName: Rule = (value) => {
  if (typeof value !== "string" || value.length === 0) return `must be a non-empty string (got ${shown(value)})`;
  if (value.length > 80) return `must be at most 80 characters (got ${value.length})`;
  if (!/^[A-Za-z]/.test(value)) return `must start with a letter (got ${shown(value)})`;
  if (!/^[A-Za-z0-9_]+$/.test(value)) return `may contain only letters, digits and underscores (got ${shown(value)})`;
  if (value.includes("__")) return `must not contain two underscores in a row (got ${shown(value)})`;
  if (value.endsWith("_")) return `must not end with an underscore (got ${shown(value)})`;
  return undefined;
};

/** An e-mail address of the usual `local@domain.tld` shape, at most 255 characters. */
export const emailAddress: Rule = (value) =>
  typeof value === "string" && value.length <= 255 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
    ? undefined
    : `must be an e-mail address like name@example.com (got ${shown(value)})`;

/** An ISO 3166-1 alpha-2 country code, as X.509 requires for `C` (two upper-case letters). */
export const countryCode: Rule = (value) =>
  typeof value === "string" && /^[A-Z]{2}$/.test(value)
    ? undefined
    : `must be a two-letter ISO 3166 country code such as US or DE (got ${shown(value)})`;

/**
 * The first character XML 1.0 forbids in `text` (§2.2 Char: controls other than tab, line feed and carriage
 * return; lone surrogates; U+FFFE and U+FFFF), as its index and a description, or `undefined`.
 */
export function forbiddenXmlCharacter(text: string): { index: number; codePoint: string; kind: string } | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let kind: string | undefined;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) kind = "a control character";
    else if (c === 0xfffe || c === 0xffff) kind = "a noncharacter";
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else kind = "a lone surrogate";
    } else if (c >= 0xdc00 && c <= 0xdfff) kind = "a lone surrogate";
    if (kind) return { index: i, codePoint: `U+${c.toString(16).toUpperCase().padStart(4, "0")}`, kind };
  }
  return undefined;
}

/**
 * Text that can stand in XML 1.0, which every Salesforce metadata file is: a string without the
 * characters XML forbids (an XML parser rejects the whole file otherwise).
 */
export const xmlText: Rule = (value) => {
  if (typeof value !== "string") return undefined;
  const found = forbiddenXmlCharacter(value);
  return found
    ? `must not contain ${found.codePoint} (${found.kind}) at character ${found.index + 1}: Salesforce metadata is XML 1.0, which forbids it (got ${shown(value)})`
    : undefined;
};

/**
 * Applies {@link xmlText} to every string in `raw`, at any depth (`subject.city`, `scopes[1]`), except the
 * top-level fields in `skip` (secrets are never echoed, PEM is parsed by its own rule). A field with such a
 * character gets that one issue: the other rules' issues for the same path are dropped, since they would
 * only restate it. Returns the merged list.
 */
export function withXmlTextIssues(raw: Record<string, unknown>, skip: readonly string[], issues: readonly ValidationIssue[]): ValidationIssue[] {
  const found: ValidationIssue[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") {
      const message = xmlText(value);
      if (message) found.push({ path, message });
    } else if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) walk(inner, `${path}.${key}`);
    }
  };
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith("__") && !skip.includes(key)) walk(value, key);
  }
  const paths = new Set(found.map((i) => i.path));
  return [...found, ...issues.filter((i) => !paths.has(i.path))];
}
