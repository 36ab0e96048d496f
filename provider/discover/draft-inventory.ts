/**
 * @module The draft inventory `discover --write-inventory` writes: what discover found in one org, as
 * inventory entries that `validate` accepts and that adopt the existing objects, for a reviewer to read in
 * a pull request before the first `up`. One inventory per org: an inventory drives one stack, and a stack
 * has one org connection, so a production org and its sandbox get one draft each (`options.org` picks it).
 *
 * What is adopted, and why the rest is not (each reason is written next to it as a YAML comment):
 * - A Certificate record is adopted (custody org, its label, key size, CA signing, exportability and the
 *   fingerprint discover read) when its content was read, it is not expired and not awaiting its chain,
 *   and every user discover found is one the project switches at rotation (the IdP settings and the SAML
 *   apps it signs for, through a SAML binding) or there is none. A certificate that a Named or External Credential or
 *   a SAML SSO setting uses is reported only: a rotation makes a new certificate that nothing in this
 *   project moves those users to, so adopting it would leave them on a certificate about to be retired.
 *   An expired one would be adopted past its renewal point, and one awaiting its chain has no certificate
 *   for adoption to compare yet.
 * - A SAML app signed with the IdP certificate becomes a SAML binding adopting it, when that certificate is
 *   adopted, the IdP settings are enabled, and its settings map onto a binding's inputs.
 * - A JWT app certificate is written commented out: the username that logs in, the key its clients hold
 *   (an environment variable), and the managed certificate for the next key are not in the org.
 * Values are quoted by the `yaml` package, never by concatenating text; values in comments have their line
 * breaks and control characters escaped, so no value can end a comment and start a YAML line.
 */
import { Document, isMap, isScalar, type Scalar, type YAMLMap } from "yaml";
import { UsageError } from "../errors";
import {
  type Entries,
  type EntryChecks,
  certificateRules,
  entryChecks,
  samlBindingRules,
} from "../inventory/entry-rules";
import { generatedNameCollisions } from "../inventory/generated-name-collisions";
import type { CertificateEntry, JwtIntegrationEntry, SamlBindingEntry } from "../inventory/inventory-types";
import type { Key } from "../inventory/key-path";
import { nameIdFormats } from "../salesforce/saml-idp-metadata";
import { salesforceUniqueName } from "../validate/rules";
import type {
  DiscoveredAppCertificate,
  DiscoveredCertificate,
  DiscoveredOrg,
  DiscoveredSamlApp,
  DiscoveryDocument,
} from "./model";

export interface DraftInventoryOptions {
  /** The org (its label in the document) to draft; default: the document's first. */
  org?: string;
  /** `org.contactEmail`, which the org's apps carry and discover cannot read; without it SAML bindings stay commented out. */
  contactEmail?: string;
  /** Where the inventory will be written relative to the schema, for editors (`# yaml-language-server: $schema=…`). */
  schemaUrl?: string;
}

/** `value` for a comment line: line breaks and control characters as `\uXXXX`, so that it cannot end the comment. */
export function commentText(value: string): string {
  return value.replace(
    /[\p{Cc}\u2028\u2029]/gu,
    (ch) => `\\u${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
  );
}

/** Lines of a YAML comment (the `yaml` package writes `#` before each). */
const comment = (...lines: string[]) => lines.map((line) => (line === "" ? "" : ` ${line}`)).join("\n");

const day = (iso: string | undefined) => (iso ? commentText(iso.slice(0, 10)) : "—");

/** The YAML text of the draft inventory for one org of `document`. */
export function draftInventory(document: DiscoveryDocument, options: DraftInventoryOptions = {}): string {
  const org = options.org === undefined ? document.orgs[0] : document.orgs.find((o) => o.label === options.org);
  if (!org)
    throw new UsageError(
      options.org === undefined
        ? "the discovery holds no org to draft an inventory for"
        : `the discovery holds no org ${JSON.stringify(options.org)} (it holds: ${document.orgs.map((o) => JSON.stringify(o.label)).join(", ")})`,
    );
  return new Draft(org, options).text();
}

type Notes = Map<string, string[]>;

class Draft {
  private readonly certificates: Record<string, CertificateEntry> = {};
  private readonly samlBindings: Record<string, SamlBindingEntry> = {};
  /** Why each certificate or SAML app is not adopted, by section. */
  private readonly skipped = { certificates: [] as string[], samlBindings: [] as string[] };
  /** Comments above the entries, by section and name. */
  private readonly notes: Record<"certificates" | "samlBindings", Notes> = {
    certificates: new Map(),
    samlBindings: new Map(),
  };
  private readonly orgSection: { myDomainUrl?: string; contactEmail?: string };

  constructor(
    private readonly org: DiscoveredOrg,
    private readonly options: DraftInventoryOptions,
  ) {
    this.orgSection = {
      ...(org.instanceUrl ? { myDomainUrl: org.instanceUrl } : {}),
      ...(options.contactEmail ? { contactEmail: options.contactEmail } : {}),
    };
    for (const c of org.certificates) this.certificate(c);
    this.keepValid("certificates");
    for (const app of org.samlApps) this.samlApp(app);
    this.keepValid("samlBindings");
  }

  private certificate(c: DiscoveredCertificate): void {
    const name = commentText(c.name);
    const users = c.uses.map((u) => `${u.type} ${commentText(u.by)}${u.detail ? ` (${commentText(u.detail)})` : ""}`);
    const why = this.notAdopted(c);
    if (why) {
      this.skipped.certificates.push(`${name}: ${why}`);
      return;
    }
    this.certificates[c.name] = {
      label: c.label,
      custody: "org",
      keySize: c.keySize === 4096 ? 4096 : 2048,
      caSigned: c.caSigned,
      privateKeyExportable: c.privateKeyExportable,
      adopt: { sha256Fingerprint: c.sha256Fingerprint! },
    };
    this.notes.certificates.set(c.name, [
      `Expires ${day(c.expiresAt)}; ${users.length > 0 ? `used by ${users.join(", ")}` : "no user found: discover sees the IdP settings, SAML apps and SSO settings, and Named and External Credentials; Apex or other settings may name it: check before its first rotation"}.`,
    ]);
  }

  /** Why certificate `c` is reported and not adopted, or undefined when it is adopted. */
  private notAdopted(c: DiscoveredCertificate): string | undefined {
    if (c.keySize !== 2048 && c.keySize !== 4096)
      return `its key size ${c.keySize} is not one the project issues (2048 or 4096), so its rotation could not keep it.`;
    if (c.awaitingChain)
      return "CA-signed and awaiting its chain: there is no certificate for adoption to compare yet; upload the chain in Setup, then run discover again.";
    if (!c.sha256Fingerprint)
      return "the org did not return its content, so adoption has no fingerprint to check it against.";
    if (c.expiresAt && Date.parse(c.expiresAt) <= Date.parse(this.org.readAt))
      return `expired on ${day(c.expiresAt)}: adopted, it would be past its renewal point at once; replace it with a new entry and move its users, or delete it in Setup.`;
    // A SAML app's signature follows the IdP certificate through its binding; a certificate an app names
    // for encryption (or as its own) stays named there when the org's certificate is rotated.
    const unmanaged = c.uses.filter(
      (u) => u.kind !== "identityProvider" && !(u.kind === "samlApp" && u.detail === "signing"),
    );
    if (unmanaged.length > 0)
      return `used by ${unmanaged.map((u) => `${u.type} ${commentText(u.by)}${u.detail ? ` (${commentText(u.detail)})` : ""}`).join(", ")}, which no resource of this project moves to a rotated certificate: reported by discover (and its --within gate), not managed.`;
    return undefined;
  }

  private samlApp(app: DiscoveredSamlApp): void {
    const binding = this.samlBinding(app);
    if (typeof binding === "string") {
      this.skipped.samlBindings.push(`${commentText(app.app)}: ${binding}`);
      return;
    }
    this.samlBindings[app.app] = binding;
    this.notes.samlBindings.set(app.app, [
      "Add preAuthorized (the app's profiles and permission sets, from Setup) before its first rotation: discover",
      "does not read them, and a rotation deploys the app with what this entry says.",
      ...(binding.signingAlgorithm === "SHA1"
        ? ["The app signs with SHA1, as the org has it: adoption requires the same; move to SHA256 with the partner."]
        : []),
    ]);
  }

  /** The binding adopting SAML app `app`, or why there is none. */
  private samlBinding(app: DiscoveredSamlApp): SamlBindingEntry | string {
    const idp = this.org.identityProvider;
    if (!idp?.enabled) return "the org's IdP settings are not enabled, and a binding adopts them with the app.";
    if (app.certificate !== undefined && app.certificate.toLowerCase() !== idp.certificateName.toLowerCase())
      return `signed with ${commentText(app.certificate)}, not the IdP certificate: a binding signs with the org's IdP certificate.`;
    const certificate = Object.keys(this.certificates).find(
      (n) => n.toLowerCase() === idp.certificateName.toLowerCase(),
    );
    if (!certificate)
      return `its IdP certificate ${commentText(idp.certificateName)} is not adopted (see certificates above).`;
    if (!this.orgSection.contactEmail)
      return "org.contactEmail is not known (discover cannot read it): draft again with the contact e-mail of the org's apps.";
    const nameIdFormat = nameIdFormatOf(app.nameIdFormat);
    if (app.nameIdFormat !== undefined && !nameIdFormat)
      return `its NameID format ${commentText(app.nameIdFormat)} is not one a binding declares.`;
    const subjectType = oneOf(app.subjectType, ["Username", "FederationId", "UserId", "PersistentId"] as const);
    if (app.subjectType !== undefined && !subjectType)
      return `its subject type ${commentText(app.subjectType)} is not one a drafted binding declares (a custom attribute's field is not read).`;
    const signingAlgorithm = oneOf(app.signingAlgorithm?.replace("-", ""), ["SHA256", "SHA1"] as const);
    if (app.signingAlgorithm !== undefined && !signingAlgorithm)
      return `its signing algorithm ${commentText(app.signingAlgorithm)} is not SHA256 or SHA1.`;
    return {
      label: app.app,
      certificate,
      spEntityId: app.spEntityId,
      acsUrl: app.acsUrl,
      appType: app.appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApp",
      ...(nameIdFormat ? { nameIdFormat } : {}),
      ...(subjectType ? { subjectType } : {}),
      ...(signingAlgorithm ? { signingAlgorithm } : {}),
      ...(signingAlgorithm === "SHA1" ? { acknowledgeSha1: true } : {}),
      adopt: { app: app.app },
    };
  }

  /**
   * Drops the entries of `section` that the inventory's own rules refuse (the same rules `validate`
   * applies), each with its reasons: an org name longer than an entry's, a label too long, a name the
   * provider generates for rotated key pairs, a URL a binding refuses.
   */
  private keepValid(section: "certificates" | "samlBindings"): void {
    const entries = section === "certificates" ? this.certificates : this.samlBindings;
    const problems = new Map<string, string[]>();
    const located = (keyPath: Key[], message: string) => {
      const name = String(keyPath[1] ?? "");
      const field = keyPath.slice(2).join(".");
      problems.set(name, [...(problems.get(name) ?? []), `${field ? `${field} ` : ""}${commentText(message)}`]);
    };
    const data = {
      org: this.orgSection,
      certificates: this.certificates as unknown as Entries,
      samlBindings: this.samlBindings as unknown as Entries,
    };
    const checks: EntryChecks = entryChecks(data, ".", new Map(), located, new Set());
    for (const [name, entry] of Object.entries(entries)) {
      if (section === "certificates") certificateRules(checks, name, entry as unknown as Record<string, unknown>);
      else samlBindingRules(checks, name, entry as unknown as Record<string, unknown>);
    }
    // The entry's name is its key, which the schema checks (the rules above leave it out).
    for (const name of Object.keys(entries)) {
      const rule =
        salesforceUniqueName(name) ??
        (section === "certificates" && name.length > 75
          ? "must be at most 75 characters, leaving room for the _G2, _G3, … of rotated key pairs"
          : undefined);
      if (rule) located([section, name], `its name ${rule}`);
    }
    for (const collision of generatedNameCollisions(data))
      if (collision.keyPath[0] === section) located(collision.keyPath, collision.message);
    for (const [name, reasons] of problems) {
      if (!Object.hasOwn(entries, name)) continue;
      delete entries[name];
      this.skipped[section].push(`${commentText(name)}: an entry would be refused: ${reasons.join("; ")}.`);
    }
  }

  text(): string {
    const org = this.org;
    const data: Record<string, unknown> = {};
    if (Object.keys(this.orgSection).length > 0) data["org"] = this.orgSection;
    data["certificates"] = this.certificates;
    if (Object.keys(this.samlBindings).length > 0) data["samlBindings"] = this.samlBindings;
    const doc = new Document(data);
    doc.commentBefore = comment(
      ...(this.options.schemaUrl ? [`yaml-language-server: $schema=${commentText(this.options.schemaUrl)}`, ""] : []),
      `Draft inventory of org ${commentText(org.label)} (${commentText(org.orgId)}, ${commentText(org.instanceUrl)}),`,
      `from salesforce-certs discover on ${day(org.readAt)}. Every entry adopts what the org holds now: the first`,
      "pulumi up deploys nothing, and is refused if the org changed since. Review it in a pull request, run",
      "salesforce-certs validate, then up. Comments say what was not adopted and why.",
      ...(Object.keys(this.certificates).length === 0
        ? ["", "No certificate could be adopted: validate refuses an inventory without one; see the reasons below."]
        : []),
    );
    const section = (key: "certificates" | "samlBindings") => doc.get(key, true) as YAMLMap | undefined;
    for (const key of ["certificates", "samlBindings"] as const) {
      const map = section(key);
      if (!isMap(map)) continue;
      for (const pair of map.items) {
        const lines = isScalar(pair.key) ? this.notes[key].get(String((pair.key as Scalar).value)) : undefined;
        if (lines && isScalar(pair.key)) (pair.key as Scalar).commentBefore = comment(...lines);
      }
    }
    const trailing: string[] = [];
    const notAdopted = (key: "certificates" | "samlBindings", title: string) => {
      if (this.skipped[key].length === 0) return;
      const lines = [title, ...this.skipped[key].map((line) => `- ${line}`)];
      const map = section(key);
      if (isMap(map) && map.items.length > 0) map.comment = comment("", ...lines);
      else trailing.push("", ...lines);
    };
    notAdopted("certificates", "Certificates not adopted:");
    notAdopted("samlBindings", "SAML apps not adopted:");
    trailing.push(...this.jwtSuggestions());
    if (trailing.length > 0) doc.comment = comment(...trailing.slice(trailing[0] === "" ? 1 : 0));
    return doc.toString({ lineWidth: 0 });
  }

  /**
   * The JWT apps, commented out: what discover read goes in, with what to fill in. The username that logs
   * in is in no app's metadata, the key its clients hold is not in the org, and the next key needs a managed
   * certificate entry: an entry left to guess them would not validate or would adopt the wrong thing.
   */
  private jwtSuggestions(): string[] {
    const apps = this.org.appCertificates;
    if (apps.length === 0) return [];
    const integrations: Record<string, JwtIntegrationEntry> = {};
    const nextKeys: Record<string, CertificateEntry> = {};
    const notes: string[] = [];
    for (const a of apps) {
      const next = nextKeyName(a.app);
      nextKeys[next] = { label: `${a.app} next key`.slice(0, 64) };
      const preAuthorized = {
        ...(a.preAuthorized.permissionSets.length > 0 ? { permissionSets: a.preAuthorized.permissionSets } : {}),
        ...(a.preAuthorized.profiles.length > 0 ? { profiles: a.preAuthorized.profiles } : {}),
      };
      integrations[a.app] = {
        label: a.app,
        certificate: next,
        username: "FILL_IN_the_username_that_logs_in",
        audience: "https://login.salesforce.com",
        preAuthorized,
        appType: a.appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApp",
        adopt: { app: a.app, sha256Fingerprint: a.sha256Fingerprint, privateKeyEnv: envName(a) },
      };
      notes.push(...jwtNote(a, this.org.readAt));
    }
    const yamlText = new Document({ certificates: nextKeys, jwtIntegrations: integrations })
      .toString({ lineWidth: 0 })
      .trimEnd()
      .split("\n");
    return [
      "",
      "JWT integrations: not adopted yet, because the org does not hold what an entry needs. For each app, fill in",
      "username (the user that logs in with the JWT Bearer Flow: it is in the clients' configuration, not the app),",
      "privateKeyEnv (the environment variable holding the key the clients use now, or remove it to record that",
      "the key is held elsewhere), and keep the managed certificate entry for the next key (custody provider): the",
      "first rotation moves the clients to it, when the adopted certificate reaches its renewal point. Use",
      "https://test.salesforce.com as the audience in a sandbox. Then move the entries into their sections above",
      "and uncomment them.",
      ...notes,
      "",
      ...yamlText,
    ];
  }
}

/** What to know about one JWT app before adopting it. */
function jwtNote(a: DiscoveredAppCertificate, readAt: string): string[] {
  const lines: string[] = [];
  if (Date.parse(a.expiresAt) <= Date.parse(readAt))
    lines.push(
      `- ${commentText(a.app)}: its certificate expired on ${day(a.expiresAt)}: its clients cannot log in now.`,
    );
  if (a.sharesKeyWith.length > 0)
    lines.push(
      `- ${commentText(a.app)}: shares its key with ${a.sharesKeyWith.map(commentText).join(", ")}: give each the same privateKeyEnv; after their rotations each has its own key.`,
    );
  if (a.preAuthorized.permissionSets.length + a.preAuthorized.profiles.length === 0)
    lines.push(
      `- ${commentText(a.app)}: no profile or permission set is pre-authorized: add the ones its user needs (the JWT flow has no approval step).`,
    );
  return lines;
}

/** A certificate name for an app's next key: the app's name, made a unique name, with room for `_Next`. */
function nextKeyName(app: string): string {
  const base =
    app
      .replace(/[^A-Za-z0-9_]/g, "_")
      .replace(/_+/g, "_")
      .replace(/^_|_$/g, "") || "App";
  const named = /^[A-Za-z]/.test(base) ? base : `App_${base}`;
  return `${named.slice(0, 70).replace(/_$/, "")}_Next`;
}

/** An environment variable name for an app's current key. */
function envName(a: DiscoveredAppCertificate): string {
  return `${a.app.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}_PRIVATE_KEY`.replace(/^(?=\d)/, "_");
}

/** The binding's NameID format for the org's (Salesforce's `EmailAddress`, or the SAML URN). */
function nameIdFormatOf(value: string | undefined): SamlBindingEntry["nameIdFormat"] | undefined {
  if (value === undefined) return undefined;
  for (const [key, urn] of Object.entries(nameIdFormats))
    if (key.toLowerCase() === value.toLowerCase() || urn === value) return key as SamlBindingEntry["nameIdFormat"];
  return undefined;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a.toLowerCase() === value?.toLowerCase());
}
