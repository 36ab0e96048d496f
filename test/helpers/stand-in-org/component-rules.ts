/**
 * @module What the org does with one deployed component, and why it refuses one (a DeployMessage
 * `problem`). Documented behaviour (salesforce.md §1, §3, §4; org-mode.md §5):
 *  - `Certificate`: the `.crt` content is a certificate (chain), or a CSR for a CA-signed certificate
 *    awaiting its chain; from it the org makes a certificate with a NEW key pair and the same X.509
 *    parameters (Metadata API `Certificate` docs: "Uploading an existing certificate copies its X.509
 *    parameters into a new one, with a new key pair"; salesforce.md §1), for a new name as for a redeploy;
 *    `caSigned=true` keeps a CSR as content until a chain is uploaded; keySize 2048 (1 year) or 4096
 *    (2 years) by default; unique-name rules of MetadataWithContent. An EMPTY `.crt` is refused: what
 *    Salesforce does with one is not published (org-mode.md open question 3, §7 "Certificate creation"),
 *    and a stand-in that accepts what Salesforce may refuse would let the provider depend on a guess
 *    (placeholder text). Content that is neither a certificate nor a CSR is refused too (placeholder).
 *  - `ConnectedApp`: creating a new name is blocked since Spring '26 (configurable text); updates work;
 *    `consumerKey` is settable at create only.
 *  - External Client App family: children name their parent in `externalClientApplication`; the global
 *    OAuth settings' `certificate` must be a PEM certificate.
 *  - `IdentityProviderSettings`: `certificateName` must name a certificate of the org.
 *  - `ExtlClntAppOauthConfigurablePolicies` pre-authorization (`commaSeparatedPermissionSet`,
 *    `commaSeparatedProfile`): the field description says IDs, practitioners (CumulusCI, field notes) say
 *    names work and IDs are refused with `INVALID_FIELD: We couldn't find permission sets called <id>`
 *    (org-mode.md §7). `preAuthorizationBy` picks the form the org takes: "names" (default, the
 *    practitioners' evidence) or "ids"; an entry in the other form (an id-shaped value under "names", or
 *    anything but the id of one of the org's permission sets under "ids"), or a name the org does not
 *    have, fails with that text. The profile text is assumed to read the same (placeholder).
 *  - `ExtlClntAppSamlConfigurablePolicies` pre-authorization (the same two fields): the field description
 *    says IDs too (salesforce.md §3,
 *    https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappsamlconfigurablepolicies.htm),
 *    and nobody has published what an org answers for names. UNKNOWN for SAML: which form the real org
 *    takes and the words it refuses the other with. The stand-in applies the same `preAuthorizationBy` as
 *    for OAuth and answers with the OAuth policy's words marked as placeholder, so the provider's fallback
 *    (names first, IDs on that refusal) is judged under both readings; against a real org that answers in
 *    other words, the provider fails the deploy naming the problem rather than guessing. Under "names" an
 *    id-shaped entry is refused; a name no user of the stand-in holds is taken for SAML, a known leniency
 *    (the stand-in knows only the permission sets and profiles its users hold, and the SAML fixtures
 *    pre-authorize sets no seeded user holds); under "ids" anything but the id of a held one is refused.
 *  - Clearing a field: an explicitly EMPTY element clears it (the ConnectedApp page gives an empty element
 *    as the way to clear a value; org-mode.md §7 "Clearing a field"): an empty `certificate` of the global
 *    OAuth settings or of a Connected App's `oauthConfig` is not checked as a PEM and is stored as absent,
 *    so the app no longer takes the JWT Bearer Flow. An OMITTED field: nothing public says what a write
 *    without it does. By default the stand-in models the field notes' reading (org-mode.md §7: a metadata
 *    write replaces the whole record, omitted fields fall back to their defaults, i.e. are cleared);
 *    `omittedFields: "kept"` models the other reading (the stored value stays), so that a test can show the
 *    provider clears what it means to clear under both.
 * No public text exists for most refusals: those problems start with {@link placeholder}.
 *
 * Chain upload for CA-signed certificates (the documented CA flow: download the CSR, get it signed, put
 * the chain into `.crt`, then deploy again): a redeploy whose `.crt` holds PEM certificates whose first
 * (leaf) carries the org's current key for that name stores the chain (`expirationDate` = leaf notAfter);
 * a `.crt` with certificates for another key is refused as a componentFailure (placeholder text: Salesforce
 * publishes none); a CSR renews (new key, new CSR: an ASSUMPTION, the docs describe a redeploy making a
 * new key pair for a saved certificate, not for one awaiting its chain); a chain for a
 * certificate signed already is not taken as an upload (the redeploy makes a new key pair, as for any saved
 * certificate). Until its chain arrives the
 * certificate is unusable (Tooling `OptionsIsUnusable`, salesforce.md §7) and the IdP refuses it.
 */
import crypto from "node:crypto";
import { newId } from "./ids";
import { nameOfId, namesOf } from "./tooling";
import {
  generateOrgKey,
  leafExpiry,
  leafMatchesKey,
  orgCertificationRequest,
  orgSelfSignedCertificate,
  templateSubject,
} from "./org-certificates";
import type { OrgCertificate, OrgState } from "./org-state";
import type { XmlValue } from "./soap";

/** Marks problem texts Salesforce has not published: the stand-in's own wording. */
export const placeholder = "[stand-in placeholder text] ";

/** A component read from a deploy zip. */
export interface DeployedComponent {
  /** Metadata type as readMetadata names it (`IdentityProviderSettings` for `settings/IdentityProvider.settings`). */
  type: string;
  /** The type as a deploy result names it (`Settings` for settings files). */
  resultType: string;
  fullName: string;
  /** Path in the zip, the top folder included (what DeployMessage.fileName says). */
  fileName: string;
  record: Record<string, XmlValue>;
  /** Certificates: the `.crt` text. */
  content?: string;
}

/** What a deploy's rules need besides the draft state. */
export interface RuleContext {
  draft: OrgState;
  orgId: string;
  now: Date;
  validityDays: (keySize: number) => number;
  connectedAppCreationBlockedMessage: string;
  /** The form of pre-authorized permission sets and profiles the org takes (see the module docs; default "names"). */
  preAuthorizationBy?: "names" | "ids";
  /** What an update does with a field its file leaves out (see the module docs; default "cleared"). */
  omittedFields?: "cleared" | "kept";
}

/** The outcome of one component: created or changed, or a problem. */
export type RuleOutcome = { ok: true; created: boolean; id: string } | { ok: false; problem: string };

const text = (value: XmlValue | undefined) =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
const fail = (problem: string): RuleOutcome => ({ ok: false, problem });

/** Applies `component` to the draft, or says why the org refuses it (the draft is then unchanged). */
export function applyComponent(component: DeployedComponent, context: RuleContext): RuleOutcome {
  switch (component.type) {
    case "Certificate":
      return applyCertificate(component, context);
    case "ConnectedApp":
      return applyConnectedApp(component, context);
    case "IdentityProviderSettings": {
      const name = text(component.record["certificateName"]) ?? "";
      const certificate = context.draft.certificate(name);
      if (!certificate) return fail(`${placeholder}In field: certificateName - no Certificate named ${name} found`);
      if (certificate.awaitingChain)
        return fail(
          `${placeholder}certificateName: the certificate ${name} awaits its signed chain and cannot be used`,
        );
      return putGeneric(component, context);
    }
    case "ExternalClientApplication": {
      // The type's two values (shared/research/salesforce.md §3); an enumeration the WSDL holds.
      const state = text(component.record["distributionState"]);
      if (state !== undefined && state !== "Local" && state !== "Packaged")
        return fail(`${placeholder}distributionState: '${state}' is not a valid value (Local, Packaged)`);
      return putGeneric(component, context);
    }
    case "ExternalClientAppSettings":
      return putGeneric(component, context);
    case "ExtlClntAppOauthSettings":
    case "ExtlClntAppGlobalOauthSettings":
    case "ExtlClntAppOauthConfigurablePolicies":
    case "ExtlClntAppConfigurablePolicies":
    case "ExtlClntAppSamlConfigurablePolicies": {
      const parent = text(component.record["externalClientApplication"]) ?? "";
      if (!context.draft.component("ExternalClientApplication", parent)) {
        return fail(
          `${placeholder}In field: externalClientApplication - no ExternalClientApplication named ${parent} found`,
        );
      }
      if (
        component.type === "ExtlClntAppOauthConfigurablePolicies" ||
        component.type === "ExtlClntAppSamlConfigurablePolicies"
      ) {
        const problem = preAuthorizationProblem(component, context);
        if (problem) return fail(problem);
      }
      if (component.type === "ExtlClntAppGlobalOauthSettings") {
        const problem = oauthProblem(
          component,
          context,
          text(component.record["consumerKey"]),
          text(component.record["certificate"]),
        );
        if (problem) return fail(problem);
      }
      return putGeneric(component, context);
    }
    default:
      return fail(`${placeholder}The stand-in org does not model the type ${component.type}`);
  }
}

/** `record` with its explicitly empty `certificate` (top level, or in `oauthConfig`) left out: cleared. */
function withoutEmptyCertificate(record: Record<string, XmlValue>): Record<string, XmlValue> {
  const out = { ...record };
  if (out["certificate"] === "") delete out["certificate"];
  const oauth = out["oauthConfig"];
  if (
    oauth &&
    typeof oauth === "object" &&
    !Array.isArray(oauth) &&
    (oauth as Record<string, XmlValue>)["certificate"] === ""
  ) {
    const { certificate: _cleared, ...rest } = oauth as Record<string, XmlValue>;
    out["oauthConfig"] = rest;
  }
  return out;
}

/** Fields of `before` that `written` leaves out, kept (one level into child records), for `omittedFields: "kept"`. */
function keepOmitted(before: Record<string, XmlValue>, written: Record<string, XmlValue>): Record<string, XmlValue> {
  const isRecord = (v: XmlValue | undefined): v is Record<string, XmlValue> =>
    !!v && typeof v === "object" && !Array.isArray(v);
  const merged: Record<string, XmlValue> = { ...before, ...written };
  for (const [key, value] of Object.entries(written)) {
    const old = before[key];
    if (isRecord(value) && isRecord(old)) merged[key] = { ...old, ...value };
  }
  return merged;
}

const idShaped = /^(?:0PS|00e)[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

/** Why the org refuses the pre-authorization of an OAuth or SAML policy in the form it was written (see the module docs). */
function preAuthorizationProblem(component: DeployedComponent, context: RuleContext): string | undefined {
  const saml = component.type === "ExtlClntAppSamlConfigurablePolicies";
  const fields = [
    ["commaSeparatedPermissionSet", "PermissionSet", "permission sets", saml ? placeholder : ""],
    ["commaSeparatedProfile", "Profile", "profiles", placeholder],
  ] as const;
  for (const [field, object, words, marker] of fields) {
    const entries = (text(component.record[field]) ?? "")
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    const known = namesOf(object, context.draft.users).map((n) => n.toLowerCase());
    const refused = entries.filter((entry) =>
      context.preAuthorizationBy === "ids"
        ? nameOfId(object, entry, context.draft.users) === undefined || !idShaped.test(entry)
        : idShaped.test(entry) || (!saml && !known.includes(entry.toLowerCase())),
    );
    if (refused.length > 0) return `${marker}INVALID_FIELD: We couldn't find ${words} called ${refused.join(", ")}`;
  }
  return undefined;
}

function putGeneric(component: DeployedComponent, context: RuleContext): RuleOutcome {
  const existing = context.draft.component(component.type, component.fullName);
  const id = existing?.id ?? newId(component.type === "ConnectedApp" ? "0H4" : "0xI");
  const written =
    existing && context.omittedFields === "kept" ? keepOmitted(existing.record, component.record) : component.record;
  context.draft.putComponent({
    type: component.type,
    fullName: component.fullName,
    id,
    record: withoutEmptyCertificate(written),
    createdDate: existing?.createdDate ?? context.now,
    lastModifiedDate: context.now,
  });
  return { ok: true, created: !existing, id };
}

/** A consumer key must be given and unused by other apps; a certificate, when given, must be a PEM certificate. */
function oauthProblem(
  component: DeployedComponent,
  context: RuleContext,
  consumerKey: string | undefined,
  certificate: string | undefined,
): string | undefined {
  if (!consumerKey) return `${placeholder}Required field is missing: consumerKey`;
  const appName =
    component.type === "ConnectedApp" ? component.fullName : text(component.record["externalClientApplication"]);
  const other = context.draft.apps.find((app) => app.consumerKey === consumerKey && app.name !== appName);
  if (other) return `${placeholder}duplicate value found: consumerKey is already used by ${other.type} ${other.name}`;
  if (certificate !== undefined && certificate !== "") {
    try {
      if (!/^\s*-----BEGIN CERTIFICATE-----/.test(certificate)) throw new Error("not PEM");
      new crypto.X509Certificate(certificate);
    } catch {
      return `${placeholder}certificate: not a valid PEM-encoded X.509 certificate`;
    }
  }
  return undefined;
}

function applyConnectedApp(component: DeployedComponent, context: RuleContext): RuleOutcome {
  const existing = context.draft.component("ConnectedApp", component.fullName);
  if (!existing) return fail(context.connectedAppCreationBlockedMessage);
  const oauth = component.record["oauthConfig"] as Record<string, XmlValue> | undefined;
  if (oauth) {
    const before = text((existing.record["oauthConfig"] as Record<string, XmlValue> | undefined)?.["consumerKey"]);
    const consumerKey = text(oauth["consumerKey"]) ?? before;
    if (before && consumerKey !== before)
      return fail(`${placeholder}oauthConfig.consumerKey can be set only when the app is created`);
    const problem = oauthProblem(component, context, consumerKey, text(oauth["certificate"]));
    if (problem) return fail(problem);
  }
  return putGeneric(component, context);
}

const uniqueName = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/;

function applyCertificate(component: DeployedComponent, context: RuleContext): RuleOutcome {
  const { record, fullName } = component;
  if (!uniqueName.test(fullName) || fullName.endsWith("_")) {
    return fail(
      `${placeholder}The unique name ${fullName} must start with a letter and hold only letters, digits and single underscores, not at the end`,
    );
  }
  const masterLabel = text(record["masterLabel"]) ?? "";
  if (masterLabel === "" || masterLabel.length > 64)
    return fail(`${placeholder}masterLabel: required, at most 64 characters`);
  const keySize = Number(text(record["keySize"]) ?? "2048");
  if (keySize !== 2048 && keySize !== 4096)
    return fail(`${placeholder}keySize: must be 2048 or 4096 (got ${text(record["keySize"])})`);
  const caSigned = text(record["caSigned"]) === "true";
  const existing = context.draft.certificate(fullName);
  if (existing && (existing.keySize !== keySize || existing.caSigned !== caSigned)) {
    return fail(`${placeholder}The type and key size of the certificate ${fullName} cannot change after it is saved`);
  }
  const content = component.content ?? "";
  if (content.trim() === "") {
    return fail(
      `${placeholder}certs/${fullName}.crt is empty: what Salesforce does with an empty certificate file is not published, so the stand-in refuses it; deploy a certificate (or a CSR) as the content, as the Certificate type documents`,
    );
  }
  const subject = templateSubject(content);
  if (!subject)
    return fail(`${placeholder}certs/${fullName}.crt: the content is not a PEM RSA certificate or certificate request`);
  const hasCertificates = content.includes("-----BEGIN CERTIFICATE-----");
  const settings = {
    masterLabel,
    privateKeyExportable: text(record["privateKeyExportable"]) !== "false",
    encryptedWithPlatformEncryption: text(record["encryptedWithPlatformEncryption"]) === "true",
    lastModifiedDate: context.now,
  };
  // Only a certificate awaiting its chain takes one (salesforce.md §1: the CA flow); any other deploy of a
  // saved name makes a new key pair ("uploading an existing certificate … with a new key pair").
  if (existing && caSigned && hasCertificates && existing.awaitingChain) {
    if (!leafMatchesKey(content, existing.keyId))
      return fail(`${placeholder}The uploaded certificate chain does not match the key of the certificate ${fullName}`);
    Object.assign(existing, settings, {
      contentPem: content,
      awaitingChain: false,
      expirationDate: leafExpiry(content),
    });
    return { ok: true, created: false, id: existing.id };
  }
  const { keyId, publicKeyPem } = generateOrgKey(keySize);
  const made = caSigned
    ? {
        contentPem: orgCertificationRequest(keyId, publicKeyPem, subject),
        awaitingChain: true,
        expirationDate: undefined,
      }
    : (() => {
        const pem = orgSelfSignedCertificate(keyId, publicKeyPem, subject, context.now, context.validityDays(keySize));
        return {
          contentPem: pem,
          awaitingChain: false,
          expirationDate: new Date(new crypto.X509Certificate(pem).validTo),
        };
      })();
  if (existing) {
    Object.assign(existing, settings, made, { keyId, keyGeneration: existing.keyGeneration + 1 });
    return { ok: true, created: false, id: existing.id };
  }
  const certificate: OrgCertificate = {
    id: newId("0P1"),
    fullName,
    caSigned,
    keySize,
    ...settings,
    ...made,
    createdDate: context.now,
    deleted: false,
    keyGeneration: 1,
    keyId,
  };
  context.draft.certificateRecords.push(certificate);
  return { ok: true, created: true, id: certificate.id };
}
