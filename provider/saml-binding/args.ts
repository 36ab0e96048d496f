/**
 * @module The rules for `SamlSpBinding` arguments. Pure; used by the resource's `check()`.
 */
import crypto = require("node:crypto");
import type { ValidationIssue } from "../errors";
import type { SamlSubjectType } from "../salesforce/saml-apps";
import { nameIdFormats, type NameIdFormat } from "../salesforce/saml-idp-metadata";
import { checkPreAuthorized, type PreAuthorized } from "../validate/pre-authorized";
import { unknownValue } from "../dynamic/unknown-value";
import { appApiName } from "../validate/generated-names";
import {
  canonicalUrl,
  emailAddress,
  integerBetween,
  oneOf,
  salesforceUniqueName,
  shown,
  stringOfLength,
  withXmlTextIssues,
  type Rule,
} from "../validate/rules";

/** The arguments of a `SamlSpBinding` once checked, defaults filled in. */
export interface SamlSpBindingInputs {
  apiName: string;
  label: string;
  contactEmail: string;
  spEntityId: string;
  acsUrl: string;
  singleLogoutUrl?: string;
  singleLogoutBinding?: "HttpPost" | "HttpRedirect";
  nameIdFormat: NameIdFormat;
  subjectType: SamlSubjectType;
  subjectCustomAttribute?: string;
  signingAlgorithm: "SHA256" | "SHA1";
  acknowledgeSha1: boolean;
  spSigningCertificatePem?: string;
  encryption?: { certificateName: string; type: "AES_128" | "AES_256" };
  preAuthorized: PreAuthorized;
  myDomainUrl: string;
  appType: "ExternalClientApp" | "ConnectedApp";
  publishDays: number;
  overlapDays: number;
  holdPhase: boolean;
  advanceTrigger?: string;
  idpCertificateName: string;
  /**
   * The IdP certificate's PEM and its previous certificate's, given only while the certificate hands them
   * over (during its overlap after a rotation; always when it keeps no previous certificate): the binding
   * stores a PEM only while its stages publish a certificate that is no longer the bound one.
   */
  certificatePem?: string;
  previousCertificatePem?: string;
  certificateSha256Fingerprint: string;
  certificateSha1Fingerprint: string;
  certificateNotAfter: string;
  /**
   * Org mode: at create, take over the org's SAML app `app` (of `appType`) and its IdP settings instead of
   * deploying them (see adoption.ts); ignored after create.
   */
  adopt?: SamlAdoption;
}

/** What a binding adopts: the SAML app the org holds now. */
export interface SamlAdoption {
  app: string;
}

/** An https URL in canonical form (an ACS or logout URL: a query is the SP's business). */
const httpsUrl: Rule = canonicalUrl({
  schemes: "https",
  notUrl: "must be an absolute https URL",
  scheme: "must be an absolute https URL",
});

/** The org's My Domain URL: an https origin (plain http only on a loopback host) in canonical form. */
const originUrl: Rule = canonicalUrl({
  // A loopback stand-in org serves plain http, and discover drafts its instance URL as the My Domain URL;
  // every real org's My Domain is https (the same allowance as the org connection's loginUrl).
  schemes: "httpsOrLoopbackHttp",
  notUrl: "must be an absolute https URL",
  scheme: "must be an absolute https URL (plain http only for a loopback stand-in)",
  shape: {
    only: "origin",
    message: "must be the org's My Domain URL alone, such as https://greenmoor.my.salesforce.com",
  },
});

/** An entityID that is an http(s) URL: in canonical form, as the IdP metadata and the SAML policy carry it. */
const entityIdUrl: Rule = canonicalUrl({
  schemes: "httpOrHttps",
  notUrl: "must be an absolute URI (a URL such as https://sp.example.com/saml or a URN)",
  scheme: "must be an absolute URI (a URL such as https://sp.example.com/saml or a URN)",
});

/**
 * A SAML entityID: an absolute URI (a URL or a URN), at most 1024 characters (SAML core §8.3.6); an http or
 * https one is also a URL, held to {@link entityIdUrl}.
 */
const absoluteUri: Rule = (value) => {
  const rule = `must be an absolute URI (a URL such as https://sp.example.com/saml or a URN), at most 1024 characters (got ${shown(value)})`;
  if (typeof value !== "string" || value.length > 1024) return rule;
  if (/^\s*https?:/i.test(value)) return entityIdUrl(value);
  return /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value) ? undefined : rule;
};

const certificatePem: Rule = (value) => {
  if (typeof value !== "string") return `must be a PEM certificate (got ${shown(value)})`;
  try {
    new crypto.X509Certificate(value);
    return undefined;
  } catch {
    return "must be a PEM certificate (-----BEGIN CERTIFICATE-----) that parses";
  }
};

const boolean: Rule = (value) =>
  typeof value === "boolean" ? undefined : `must be true or false (got ${shown(value)})`;

const rules: Record<string, Rule> = {
  apiName: appApiName,
  label: stringOfLength(1, 255),
  contactEmail: emailAddress,
  spEntityId: absoluteUri,
  acsUrl: httpsUrl,
  singleLogoutUrl: httpsUrl,
  singleLogoutBinding: oneOf(["HttpPost", "HttpRedirect"]),
  nameIdFormat: oneOf(Object.keys(nameIdFormats)),
  subjectType: oneOf(["Username", "FederationId", "UserId", "PersistentId", "CustomAttribute"]),
  subjectCustomAttribute: stringOfLength(1, 255),
  signingAlgorithm: oneOf(["SHA256", "SHA1"]),
  acknowledgeSha1: boolean,
  spSigningCertificatePem: certificatePem,
  myDomainUrl: originUrl,
  appType: oneOf(["ExternalClientApp", "ConnectedApp"]),
  publishDays: integerBetween(0, 365),
  overlapDays: integerBetween(0, 365),
  holdPhase: boolean,
  advanceTrigger: stringOfLength(1, 256),
};
const required = ["apiName", "label", "contactEmail", "spEntityId", "acsUrl", "myDomainUrl"];
const certificateFields = [
  "idpCertificateName",
  "certificateSha256Fingerprint",
  "certificateSha1Fingerprint",
  "certificateNotAfter",
];
/** The PEMs the certificate hands over (see `SamlSpBindingInputs.certificatePem`): optional. */
const handedOverFields = ["certificatePem", "previousCertificatePem"];

/** Outcome of checking raw arguments. */
export type SamlSpBindingArgsCheck =
  | { ok: true; inputs: SamlSpBindingInputs }
  | { ok: false; issues: ValidationIssue[] };

/** Checks raw `SamlSpBinding` arguments; every problem is reported. */
export function checkSamlSpBindingArgs(raw: Record<string, unknown>): SamlSpBindingArgsCheck {
  let issues: ValidationIssue[] = [];
  const values: Record<string, unknown> = {
    nameIdFormat: "unspecified",
    subjectType: "Username",
    signingAlgorithm: "SHA256",
    acknowledgeSha1: false,
    appType: "ExternalClientApp",
    publishDays: 7,
    overlapDays: 7,
    holdPhase: false,
    ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
  };
  if (values["singleLogoutUrl"] !== undefined && values["singleLogoutBinding"] === undefined)
    values["singleLogoutBinding"] = "HttpPost";
  const known = [
    ...Object.keys(rules),
    "preAuthorized",
    "encryption",
    "adopt",
    ...certificateFields,
    ...handedOverFields,
  ];
  for (const key of Object.keys(raw)) {
    if (!key.startsWith("__") && !known.includes(key) && raw[key] !== undefined) {
      issues.push({
        path: key,
        message: `is not a SamlSpBinding argument (known: ${known.filter((k) => !certificateFields.includes(k) && !handedOverFields.includes(k)).join(", ")}, idpCertificate)`,
      });
    }
  }
  for (const [field, rule] of Object.entries(rules)) {
    const value = values[field];
    if (value === unknownValue) continue;
    if (value === undefined) {
      if (required.includes(field)) issues.push({ path: field, message: "is required" });
      continue;
    }
    const message = rule(value);
    if (message)
      issues.push({
        path: field,
        message: field === "spSigningCertificatePem" ? message.replace(/ \(got .*\)$/, "") : message,
      });
  }
  if (values["subjectType"] === "CustomAttribute" && values["subjectCustomAttribute"] === undefined) {
    issues.push({
      path: "subjectCustomAttribute",
      message: "is required when subjectType is CustomAttribute: name the user field the subject comes from",
    });
  }
  if (values["subjectType"] !== "CustomAttribute" && values["subjectCustomAttribute"] !== undefined) {
    issues.push({ path: "subjectCustomAttribute", message: "is only for subjectType CustomAttribute" });
  }
  if (values["signingAlgorithm"] === "SHA1" && values["acknowledgeSha1"] !== true) {
    issues.push({
      path: "signingAlgorithm",
      message:
        "SHA1 is weak: Salesforce recommends SHA256; set acknowledgeSha1: true only if the partner cannot verify SHA-256 signatures",
    });
  }
  if (values["singleLogoutBinding"] !== undefined && values["singleLogoutUrl"] === undefined) {
    issues.push({ path: "singleLogoutBinding", message: "needs singleLogoutUrl" });
  }
  const encryption = checkEncryption(raw["encryption"], issues);
  const adopt = checkAdopt(raw["adopt"], issues);
  const preAuthorized = checkPreAuthorized(raw["preAuthorized"], issues);
  for (const field of certificateFields) {
    if (values[field] === undefined || values[field] === "") {
      issues.push({
        path: "idpCertificate",
        message: `has no certificate yet (${field} is empty: a CA-signed certificate awaiting its chain cannot sign assertions)`,
      });
      break;
    }
  }
  // Every other string lands in the app's metadata XML; PEM is checked by parsing it.
  issues = withXmlTextIssues(raw, ["spSigningCertificatePem", ...certificateFields, ...handedOverFields], issues);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    inputs: {
      ...(values as unknown as SamlSpBindingInputs),
      preAuthorized,
      ...(encryption ? { encryption } : {}),
      ...(adopt ? { adopt } : {}),
    },
  };
}

/** `adopt`: an object naming the SAML app to take over by its API name (a value unknown in preview is left to `up`). */
function checkAdopt(raw: unknown, issues: ValidationIssue[]): SamlAdoption | undefined {
  if (raw === undefined) return undefined;
  if (raw === unknownValue) return raw as unknown as SamlAdoption;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    const message = `must be an object with app, the API name of the SAML app (got ${shown(raw)})`;
    issues.push({ path: "adopt", message });
    return undefined;
  }
  const { app, ...rest } = raw as Record<string, unknown>;
  for (const key of Object.keys(rest))
    if (rest[key] !== undefined) issues.push({ path: `adopt.${key}`, message: "is not an adopt field (known: app)" });
  if (app === unknownValue) return { app };
  const problem = app === undefined ? "is required: the API name of the SAML app" : salesforceUniqueName(app);
  if (problem) {
    issues.push({ path: "adopt.app", message: problem });
    return undefined;
  }
  return { app: app as string };
}

function checkEncryption(raw: unknown, issues: ValidationIssue[]): SamlSpBindingInputs["encryption"] {
  if (raw === undefined) return undefined;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    issues.push({ path: "encryption", message: `must be an object with certificateName and type (got ${shown(raw)})` });
    return undefined;
  }
  const { certificateName, type = "AES_256" } = raw as Record<string, unknown>;
  const nameProblem =
    certificateName === undefined
      ? "is required: the unique name of the SP's encryption certificate in the org"
      : salesforceUniqueName(certificateName);
  if (nameProblem) issues.push({ path: "encryption.certificateName", message: nameProblem });
  const typeProblem = oneOf(["AES_128", "AES_256"])(type);
  if (typeProblem) issues.push({ path: "encryption.type", message: typeProblem });
  return { certificateName: certificateName as string, type: type as "AES_128" | "AES_256" };
}

/**
 * The API version the External Client App SAML policy type (`ExtlClntAppSamlConfigurablePolicies`) appeared
 * in (Metadata API docs, shared/research/org-mode.md §5 "External Client Apps"): an org connection at an
 * older version cannot deploy or read the policy an `ExternalClientApp` binding consists of.
 */
export const samlEcaMinimumApiVersion = 63;

/**
 * Why an org connection at `apiVersion` (`NN.0`) cannot take a binding of `appType`, or undefined. Checked in
 * `check()`, before anything is created, for bindings created in org mode.
 */
export function samlApiVersionIssue(
  inputs: Pick<SamlSpBindingInputs, "appType">,
  apiVersion: string,
): ValidationIssue | undefined {
  if (inputs.appType !== "ExternalClientApp" || Number(apiVersion) >= samlEcaMinimumApiVersion) return undefined;
  return {
    path: "appType",
    message: `ExternalClientApp needs the org connection's apiVersion to be at least ${samlEcaMinimumApiVersion}.0: its SAML policy (ExtlClntAppSamlConfigurablePolicies) exists from API ${samlEcaMinimumApiVersion}.0 (got apiVersion ${apiVersion}); raise apiVersion in salesforce-certs:org or the SalesforceOrgProvider`,
  };
}
