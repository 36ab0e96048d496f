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
  const text =
    typeof value === "string"
      ? JSON.stringify(value)
      : typeof value === "number" && !Number.isFinite(value)
        ? String(value)
        : String(JSON.stringify(value) ?? value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** A string of `min`..`max` characters. */
export function stringOfLength(min: number, max: number): Rule {
  return (value) => {
    if (typeof value !== "string") return `must be a string (got ${shown(value)})`;
    if (value.length < min)
      return min === 1 ? "must not be empty" : `must be at least ${min} characters (got ${value.length})`;
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
    allowed.includes(value as string | number)
      ? undefined
      : `must be one of ${allowed.join(", ")} (got ${shown(value)})`;
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

/** True for a loopback host (a local stand-in): the only place plain `http:` is allowed. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** What a URL field accepts, and what its messages say (each message is completed with ` (got …)`). */
export interface UrlRuleOptions {
  /** Schemes allowed: `https` only, `https` or plain `http` on a loopback host, or either (an identifier, never fetched). */
  schemes: "https" | "httpsOrLoopbackHttp" | "httpOrHttps";
  /** What the value must be, when it is not a string or not an absolute URL. */
  notUrl: string;
  /** Said when the scheme is not allowed. */
  scheme: string;
  /** `origin`: nothing but the origin (a `/` path at most); `noQueryOrFragment`: a path but no `?` or `#`. */
  shape?: { only: "origin" | "noQueryOrFragment"; message: string };
  /** How the field shows a value (default {@link shown}); credentials are taken out first. */
  show?: (value: unknown) => string;
}

/**
 * The one rule of every URL field: `value` must be an absolute URL, with an allowed scheme and shape, and
 * written exactly in its canonical form: `new URL(value).href`, or for a bare origin that without its
 * trailing `/` (`https://login.salesforce.com`). The URL parser quietly drops leading and trailing spaces,
 * tabs and line breaks, lower-cases the host and drops a default port, so a value checked on its parsed
 * copy and then used as written would carry them into JWT audiences, SAML metadata, shell commands and
 * state; a value that is its canonical form is used the same everywhere. Credentials (`user:pass@`) are
 * refused in every URL, and never shown.
 */
export function canonicalUrl(options: UrlRuleOptions): Rule {
  const show = (value: unknown) =>
    (options.show ?? shown)(typeof value === "string" ? withoutCredentials(value) : value);
  return (value) => {
    if (typeof value !== "string") return `${options.notUrl} (got ${show(value)})`;
    const characters = [...value];
    const blank = characters.findIndex((c) => /[\s\p{C}]/u.test(c));
    if (blank >= 0) {
      return `must not hold spaces, tabs, line breaks or other control characters, not even at either end: ${characterShown(characters[blank]!)} at character ${blank + 1} (got ${show(value)})`;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return `${options.notUrl} (got ${show(value)})`;
    }
    if (url.username || url.password)
      return "must not hold a user name or password (user:pass@): a URL here ends up in metadata, outputs and logs (the value is not shown)";
    const httpAllowed =
      options.schemes === "httpOrHttps" || (options.schemes === "httpsOrLoopbackHttp" && isLoopbackHost(url.hostname));
    if (url.protocol !== "https:" && !(url.protocol === "http:" && httpAllowed))
      return `${options.scheme} (got ${show(value)})`;
    const bareOrigin = url.pathname === "/" && !url.search && !url.hash;
    if (options.shape?.only === "origin" && !bareOrigin) return `${options.shape.message} (got ${show(value)})`;
    if (options.shape?.only === "noQueryOrFragment" && (url.search || url.hash))
      return `${options.shape.message} (got ${show(value)})`;
    const canonical = bareOrigin && !value.endsWith("/") ? url.origin : url.href;
    if (value !== canonical) {
      return `must be written in its canonical form ${show(canonical)}: host in lower case, no default port, no . or .. segments, characters a URL cannot hold percent-encoded (got ${show(value)})`;
    }
    return undefined;
  };
}

/**
 * One character (code point) for a message: a space, a control or another invisible one as its code point
 * (`U+0009 (a tab)`), any other quoted (`"$"`).
 */
export function characterShown(c: string): string {
  if (!/[\s\p{C}]/u.test(c)) return JSON.stringify(c);
  const name = (
    { " ": "a space", "\t": "a tab", "\n": "a line feed", "\r": "a carriage return" } as Record<string, string>
  )[c];
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}${name ? ` (${name})` : ""}`;
}

/** `text` with the user name and password of a URL's authority replaced by `…`, so that no message shows them. */
function withoutCredentials(text: string): string {
  return text.replace(/^(\s*[A-Za-z][A-Za-z0-9+.-]*:[/\\]*)[^/\\?#]*@/, "$1…@");
}

/**
 * The name of an environment variable as POSIX shells and CI systems write it: letters, digits and
 * underscores, not starting with a digit. The value is never shown: a field that names a variable holding a
 * secret gets the secret itself by mistake.
 */
export const environmentVariableName: Rule = (value) =>
  typeof value === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)
    ? undefined
    : "must be the name of an environment variable (letters, digits and underscores, not starting with a digit, such as ACME_KEYSTORE_PASSWORD), never the password itself; the value is not shown";

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
export function withXmlTextIssues(
  raw: Record<string, unknown>,
  skip: readonly string[],
  issues: readonly ValidationIssue[],
): ValidationIssue[] {
  const found: ValidationIssue[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") {
      const message = xmlText(value);
      if (message) found.push({ path, message });
    } else if (Array.isArray(value)) for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`);
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
