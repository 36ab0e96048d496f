/**
 * @module The rules for `JwtIntegration` arguments. Pure; used by the resource's `check()`.
 */
import crypto = require("node:crypto");
import type { ValidationIssue } from "../errors";
import type { RotationStrategy } from "../rotation/jwt-slots";
import type { RenewalPolicy } from "../rotation/renewal-policy";
import { checkPreAuthorized, type PreAuthorized } from "../validate/pre-authorized";
import { appApiName, jwtSlotAppName, slotAppNamesFit } from "../validate/generated-names";
import { sameSalesforceName } from "../salesforce/names";
import { unknownValue } from "../dynamic/unknown-value";
import {
  canonicalUrl,
  characterShown,
  emailAddress,
  integerBetween,
  oneOf,
  salesforceUniqueName,
  shown,
  stringOfLength,
  withXmlTextIssues,
  type Rule,
} from "../validate/rules";

/** The app type whose metadata is emitted. */
export type JwtAppType = "ExternalClientApp" | "ConnectedApp";

/**
 * OAuth scopes Salesforce accepts in both Connected App metadata (`ConnectedAppOauthAccessScope`) and
 * External Client App OAuth settings (`commaSeparatedOauthScopes`), by the same names.
 */
export const oauthScopes = [
  "Basic",
  "Api",
  "Web",
  "Full",
  "Chatter",
  "CustomApplications",
  "RefreshToken",
  "OpenID",
  "Profile",
  "Email",
  "Address",
  "Phone",
  "OfflineAccess",
  "CustomPermissions",
  "Wave",
  "Eclair",
  "Pardot",
  "Lightning",
  "Content",
  "CDPIngest",
  "Chatbot",
  "ForgotPassword",
  "UserRegistration",
  "PwdlessLogin",
] as const;

/** The arguments of a `JwtIntegration` once checked, defaults filled in. */
export interface JwtIntegrationInputs {
  apiName: string;
  label: string;
  contactEmail: string;
  username: string;
  audience: string;
  loginUrl: string;
  scopes: string[];
  preAuthorized: PreAuthorized;
  /** Base of the consumer keys: the key itself in place, suffixed A and B with two slots. */
  consumerKey: string;
  appType: JwtAppType;
  rotationStrategy: RotationStrategy;
  overlapDays: number;
  certificateSha256Fingerprint: string;
  certificateNotAfter: string;
  privateKeyExportable: boolean;
  /**
   * The bound certificate's PEM and key, and its previous certificate's, given only while the certificate
   * hands them over: during its overlap after a rotation, or always when it keeps no previous certificate
   * (`overlapDays: 0`). The integration stores a copy only of what it needs later and the certificate
   * will not hold. Keys are secrets.
   */
  certificatePem?: string;
  privateKeyPem?: string;
  previousCertificatePem?: string;
  previousPrivateKeyPem?: string;
  /** The bound certificate's PEM on every run, given in org mode only: the provider deploys it in the app's OAuth settings. */
  boundCertificatePem?: string;
  /**
   * This integration is the stack's own connection to the org (own-connection.ts): created with the
   * bootstrap connection of the stack configuration, then the provider logs in as its active slot.
   */
  orgConnection?: boolean;
  /**
   * Org mode: the existing app this integration takes over at create, with the certificate it holds now
   * (`sha256Fingerprint`) and, when given, the key its clients use (a secret). Read at create only.
   */
  adopt?: JwtAdoption;
  /**
   * The bound certificate's renewal policy, given only with `adopt`: the adopted certificate is renewed
   * (the managed one takes over) when this policy says the bound certificate would be.
   */
  certificateRenewal?: RenewalPolicy;
}

/** What a `JwtIntegration` adopts: an app of its `appType`, the certificate it holds, the key its clients use. */
export interface JwtAdoption {
  app: string;
  sha256Fingerprint: string;
  /** Secret; never shown in a message. */
  privateKeyPem?: string;
}

/** An https URL (plain http only for a loopback stand-in), with no query or fragment, in canonical form. */
const httpsUrl: Rule = canonicalUrl({
  schemes: "httpsOrLoopbackHttp",
  notUrl: "must be an absolute https URL such as https://login.salesforce.com",
  scheme: "must be an https URL",
  shape: { only: "noQueryOrFragment", message: "must not have a query or fragment" },
});

/**
 * A character a username may hold: RFC 5322's dot-atom `atext` (and, as RFC 6532 allows, letters, marks and
 * digits beyond ASCII) except `$`, backquote, `&` and `|`, which e-mail allows but shells act on (the
 * username goes into `sfLoginJwtCommand`, quoted; refusing them keeps a mistyped or hostile value out of CI
 * scripts that do not quote), and the `.` and `@` that separate its parts.
 */
const usernameCharacter = /[\p{L}\p{M}\p{N}!#%'*+\-/=?^_{}~.@]/u;
const localAtom = "[\\p{L}\\p{M}\\p{N}!#%'*+\\-/=?^_{}~]+";
const domainLabel = "[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]*[\\p{L}\\p{M}\\p{N}])?";
/** `local@domain`: a dot-atom before the @, two or more host-name labels after it. */
const usernameShape = new RegExp(`^${localAtom}(?:\\.${localAtom})*@${domainLabel}(?:\\.${domainLabel})+$`, "u");

/**
 * A Salesforce username: in the form of an e-mail address (it need not be a mailbox), at most 80
 * characters; a character no username may hold is named with its position.
 */
const username: Rule = (value) => {
  const rule =
    "must be a Salesforce username, shaped like an e-mail address (name@example.com.prod), at most 80 characters";
  if (typeof value !== "string" || value.length > 80) return `${rule} (got ${shown(value)})`;
  if (usernameShape.test(value)) return undefined;
  const characters = [...value];
  const index = characters.findIndex((c) => !usernameCharacter.test(c));
  if (index < 0) return `${rule} (got ${shown(value)})`;
  return `${rule}: ${characterShown(characters[index]!)} at character ${index + 1} is not allowed in one (got ${shown(value)})`;
};

const consumerKey: Rule = (value) =>
  typeof value === "string" && /^[A-Za-z0-9]{8,256}$/.test(value)
    ? undefined
    : `must be 8 to 256 letters and digits (got ${typeof value === "string" ? `${value.length} characters` : shown(value)})`;

const rules: Record<string, Rule> = {
  apiName: appApiName,
  label: stringOfLength(1, 255),
  contactEmail: emailAddress,
  username,
  audience: httpsUrl,
  loginUrl: httpsUrl,
  consumerKey,
  appType: oneOf(["ExternalClientApp", "ConnectedApp"]),
  rotationStrategy: oneOf(["twoSlots", "inPlace"]),
  overlapDays: integerBetween(0, 365),
  orgConnection: (value) => (typeof value === "boolean" ? undefined : `must be true or false (got ${shown(value)})`),
};

/** Arguments that may be absent (no "is required"). */
const optionalArgs = ["orgConnection"];

/** A SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` writes it (`AB:CD:…`), or as plain hex; any case. */
const sha256FingerprintForm = /^(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){31}|[0-9A-Fa-f]{64})$/;

/** A SHA-256 fingerprint in the one form compared: upper-case hex without separators. */
export function comparableFingerprint(fingerprint: string): string {
  return fingerprint.replace(/:/g, "").toUpperCase();
}

/** Outcome of checking raw arguments. */
export type JwtIntegrationArgsCheck =
  | { ok: true; inputs: JwtIntegrationInputs }
  | { ok: false; issues: ValidationIssue[] };

/**
 * Checks raw `JwtIntegration` arguments. `previousConsumerKey` (from the stored inputs) keeps a
 * generated consumer key stable; a new one is generated only on the first check.
 */
export function checkJwtIntegrationArgs(
  raw: Record<string, unknown>,
  previousConsumerKey?: string,
): JwtIntegrationArgsCheck {
  let issues: ValidationIssue[] = [];
  const appType = raw["appType"] ?? "ExternalClientApp";
  const values: Record<string, unknown> = {
    ...raw,
    appType,
    loginUrl: raw["loginUrl"] ?? raw["audience"],
    scopes: raw["scopes"] ?? ["Api"],
    rotationStrategy: raw["rotationStrategy"] ?? (appType === "ConnectedApp" ? "inPlace" : "twoSlots"),
    overlapDays: raw["overlapDays"] ?? 7,
    consumerKey: raw["consumerKey"] ?? previousConsumerKey ?? generatedConsumerKey(),
  };
  for (const key of Object.keys(raw)) {
    if (!key.startsWith("__") && !knownArgs.includes(key) && raw[key] !== undefined) {
      issues.push({
        path: key,
        message: `is not a JwtIntegration argument (known: ${knownArgs.filter((k) => !certificateFields.includes(k)).join(", ")}, certificate)`,
      });
    }
  }
  for (const [field, rule] of Object.entries(rules)) {
    const value = values[field];
    // loginUrl defaults to the audience: a bad audience is reported once, as the audience.
    if (value === unknownValue || (field === "loginUrl" && raw["loginUrl"] === undefined)) continue;
    if (value === undefined && optionalArgs.includes(field)) continue;
    const message = value === undefined ? "is required" : rule(value);
    if (message) issues.push({ path: field, message });
  }
  checkScopes(values["scopes"], issues);
  const preAuthorized = checkJwtPreAuthorized(raw["preAuthorized"], issues);
  checkCertificate(values, issues);
  checkAdopt(values, issues);
  if (values["appType"] === "ConnectedApp" && values["rotationStrategy"] === "twoSlots") {
    issues.push({
      path: "rotationStrategy",
      message:
        "twoSlots needs External Client Apps: since Spring '26 no new Connected App can be created for the second slot; use inPlace, or appType ExternalClientApp",
    });
  }
  if (
    values["orgConnection"] === true &&
    values["rotationStrategy"] !== "twoSlots" &&
    values["rotationStrategy"] !== unknownValue
  ) {
    issues.push({
      path: "rotationStrategy",
      message:
        "must be twoSlots for the stack's org connection (orgConnection: true): the provider proves the new slot with a login before it stops using the old one; rotated in place, a failed deploy would lock the stack out of the org",
    });
  }
  const slotNames = issues.some((i) => i.path === "apiName")
    ? undefined
    : slotAppNamesFit(values["apiName"], values["rotationStrategy"]);
  if (slotNames) issues.push({ path: "apiName", message: slotNames });
  if (
    values["rotationStrategy"] === "twoSlots" &&
    typeof values["consumerKey"] === "string" &&
    values["consumerKey"].length > 255
  ) {
    issues.push({
      path: "consumerKey",
      message: "must be at most 255 characters with two slots (each slot adds A or B)",
    });
  }
  // Every other string lands in the app's metadata XML; the key and the certificate fields are not text.
  // `adopt` names an app and holds a fingerprint and a key: none of it is written into metadata.
  issues = withXmlTextIssues(raw, ["consumerKey", "adopt", "certificateRenewal", ...certificateFields], issues);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, inputs: { ...(values as unknown as JwtIntegrationInputs), preAuthorized } };
}

const certificateFields = [
  "certificatePem",
  "certificateSha256Fingerprint",
  "certificateNotAfter",
  "privateKeyPem",
  "privateKeyExportable",
  "previousCertificatePem",
  "previousPrivateKeyPem",
  "boundCertificatePem",
];
const knownArgs = [
  ...Object.keys(rules),
  "scopes",
  "preAuthorized",
  "adopt",
  "certificateRenewal",
  ...certificateFields,
];

/**
 * `adopt`: an object of `app` (a Salesforce API name other than the slot app this integration generates
 * for the next certificate), `sha256Fingerprint` (colon or plain hex) and, optionally, `privateKeyPem` (an
 * RSA private key in PEM form, the only kind a JWT Bearer login is signed with, RS256). A key is never
 * quoted: a message says only which rule it fails. Not for the stack's own connection, which the provider
 * must log in as from its first run.
 */
function checkAdopt(values: Record<string, unknown>, issues: ValidationIssue[]): void {
  const adopt = values["adopt"];
  if (adopt === undefined || adopt === null || adopt === unknownValue) return;
  if (typeof adopt !== "object" || Array.isArray(adopt)) {
    issues.push({
      path: "adopt",
      message: `must be an object { app, sha256Fingerprint, privateKeyPem? } (got ${shown(adopt)})`,
    });
    return;
  }
  const given = adopt as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!["app", "sha256Fingerprint", "privateKeyPem"].includes(key) && given[key] !== undefined)
      issues.push({
        path: `adopt.${key}`,
        message: "is not a field of adopt (known: app, sha256Fingerprint, privateKeyPem)",
      });
  }
  const app = given["app"];
  if (app !== unknownValue) {
    const problem = app === undefined ? "is required: the API name of the app to take over" : salesforceUniqueName(app);
    if (problem) issues.push({ path: "adopt.app", message: problem });
    else if (
      values["rotationStrategy"] === "twoSlots" &&
      typeof values["apiName"] === "string" &&
      sameSalesforceName(app as string, jwtSlotAppName(values["apiName"], "B"))
    )
      issues.push({
        path: "adopt.app",
        message: `must not be ${jwtSlotAppName(values["apiName"], "B")}: that is the slot app this integration makes for the next certificate (got ${shown(app)})`,
      });
  }
  const fingerprint = given["sha256Fingerprint"];
  if (fingerprint !== unknownValue && (typeof fingerprint !== "string" || !sha256FingerprintForm.test(fingerprint)))
    issues.push({
      path: "adopt.sha256Fingerprint",
      message: `must be the SHA-256 fingerprint of the app's certificate: 32 hex pairs joined by ":" (as openssl x509 -fingerprint -sha256 prints it) or 64 hex digits (got ${shown(fingerprint)})`,
    });
  const key = given["privateKeyPem"];
  if (key !== undefined && key !== null && key !== unknownValue) {
    const problem = rsaPrivateKeyProblem(key);
    if (problem) issues.push({ path: "adopt.privateKeyPem", message: `${problem} (the value is not shown)` });
  }
  if (values["orgConnection"] === true)
    issues.push({
      path: "adopt",
      message:
        "cannot be used with orgConnection: true: the stack's own connection logs in with a key this stack made from its first run; adopt the app with a separate JwtIntegration",
    });
}

/** Why `value` is not an RSA private key in PEM form; undefined when it is. Never quotes the value. */
function rsaPrivateKeyProblem(value: unknown): string | undefined {
  const rule = "must be an RSA private key in PEM form (PKCS #8 or PKCS #1)";
  if (typeof value !== "string" || !/-----BEGIN (?:RSA )?PRIVATE KEY-----/.test(value)) return rule;
  try {
    const key = crypto.createPrivateKey(value);
    return key.asymmetricKeyType === "rsa"
      ? undefined
      : `${rule}: it is a ${key.asymmetricKeyType} key, and a JWT Bearer login is signed with RS256`;
  } catch {
    return `${rule}: it does not parse as one`;
  }
}

function checkScopes(scopes: unknown, issues: ValidationIssue[]): void {
  if (scopes === unknownValue) return;
  if (!Array.isArray(scopes) || scopes.length === 0) {
    issues.push({ path: "scopes", message: `must be a non-empty list of OAuth scopes (got ${shown(scopes)})` });
    return;
  }
  scopes.forEach((scope, i) => {
    if (!(oauthScopes as readonly unknown[]).includes(scope)) {
      issues.push({
        path: `scopes[${i}]`,
        message: `is not an OAuth scope Salesforce knows (known: ${oauthScopes.join(", ")}) (got ${shown(scope)})`,
      });
    }
  });
}

/** The JWT flow has no approval step: some permission set or profile must be pre-authorized. */
function checkJwtPreAuthorized(raw: unknown, issues: ValidationIssue[]): PreAuthorized {
  if (raw === undefined) {
    issues.push({
      path: "preAuthorized",
      message:
        "is required: the JWT flow has no approval step, so name the permission sets or profiles whose users are pre-authorized",
    });
    return { permissionSets: [], profiles: [] };
  }
  const before = issues.length;
  const result = checkPreAuthorized(raw, issues);
  if (issues.length === before && result.permissionSets.length + result.profiles.length === 0) {
    issues.push({
      path: "preAuthorized",
      message: "must name at least one permission set or profile: the JWT flow has no approval step",
    });
  }
  return result;
}

function checkCertificate(values: Record<string, unknown>, issues: ValidationIssue[]): void {
  if (values["privateKeyExportable"] === false) {
    issues.push({
      path: "certificate",
      message:
        "is not exportable (privateKeyExportable: false): a JWT integration signs with the private key, so its key must be exportable",
    });
    return;
  }
  for (const field of ["certificateSha256Fingerprint", "certificateNotAfter"]) {
    if (values[field] === undefined || values[field] === "") {
      issues.push({
        path: "certificate",
        message: `has no ${field} yet (a CA-signed certificate awaiting its chain cannot sign logins)`,
      });
      return;
    }
  }
}

/** 64 random letters and digits: a consumer key nobody else has. */
function generatedConsumerKey(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.randomBytes(64), (b) => alphabet[b % 62]).join("");
}
