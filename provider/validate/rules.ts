/**
 * @module Small path-aware validation rules shared by resource `check()`s and, later, the inventory loader.
 * Each rule returns `undefined` when the value passes, else a message naming the rule (never a secret).
 */

/** A rule over one value; the message says what the value must be, and what it was. */
export type Rule = (value: unknown) => string | undefined;

/** Quotes a value for an error message, shortened so a long input does not flood the output. */
export function shown(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
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
