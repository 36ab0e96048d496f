/**
 * @module Which org objects a stack's checkpoint records, which ones an inventory adopts, and whether an
 * adoption would take over an object another stack already manages (both stacks would then rotate and
 * delete it). Pure: the caller reads the files (adopted-elsewhere.ts).
 *
 * What a checkpoint records, read from the plain outputs of our resources (secret outputs are never read:
 * only non-secret fields are, and a field stored as a secret is skipped):
 *  - `CertificateAndKeyPair` with custody org: the certificate `salesforceName`, and during an overlap the
 *    previous one (`previousCertificate.salesforceName`);
 *  - `JwtIntegration` made in an org (`orgId` recorded): the app of each slot, the adopted app, `appName`;
 *  - `SamlSpBinding` made in an org: its app, `appName` (an adopted app) else `apiName`.
 * Each with the org the resource records (`orgId`, `orgInstanceUrl`, see org/org-identity.ts).
 *
 * Names compare as Salesforce compares them (salesforce/names.ts). Whether the other stack's object is in
 * the adopting stack's org is decided, before any login, from the evidence there is (see {@link sameOrg}):
 *  1. both org ids known (this stack's from its own checkpoint): they decide;
 *  2. else a URL of this stack's org (its recorded instance URL, its configured login URL, the
 *     inventory's My Domain URL) equal to the instance URL the other resource recorded: the same org;
 *  3. else this stack logs in through a My Domain URL (its recorded instance URL or configured login URL,
 *     not the inventory's My Domain URL, which is only a SAML setting) and the other resource recorded
 *     another My Domain URL: another org. A My Domain is an "org-specific subdomain"
 *     (https://help.salesforce.com/apex/HTViewHelpDoc?id=domain_name_overview.htm). Every other host proves
 *     nothing: login.salesforce.com and test.salesforce.com take any org's logins, and so does an instance
 *     URL such as https://eu55.salesforce.com, which many orgs share ("users can also log in using their
 *     instance Salesforce URL", MyDomainSettings.canOnlyLoginWithMyDomainUrl,
 *     https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_mydomainsettings.htm).
 *     An org whose My Domain was renamed answers on its previous URL too (Manage My Domain Redirections):
 *     a stack configured with the previous name is taken for another org than one that recorded the new.
 *     Rename the configured URL with the org's;
 *  4. else nothing tells the orgs apart before a login, and the adoption is refused by name alone, the
 *     other stack's org named, so that a takeover never happens by accident.
 */
import { sameSalesforceName } from "../salesforce/names";

/** The kinds of org object a resource owns; apps of the two types are different components. */
export type OrgObjectKind = "Certificate" | "ExternalClientApp" | "ConnectedApp";

/** An org object a stack's checkpoint records. */
export interface RecordedOrgObject {
  kind: OrgObjectKind;
  /** As the resource stores it (the org's spelling). */
  name: string;
  /** The resource that owns it: its type and name (shown as {@link shownName} shows it), and its URN (for `pulumi state delete`). */
  resource: string;
  urn: string;
  /** The org it was made in, when recorded (18 characters). */
  orgId?: string;
  orgInstanceUrl?: string;
}

/** What a checkpoint records, or why it cannot be read. */
export type CheckpointReading = { ok: true; objects: RecordedOrgObject[] } | { ok: false; problem: string };

/** An org object an inventory adopts, and the entry that adopts it. */
export interface AdoptedOrgObject {
  kind: OrgObjectKind;
  name: string;
  /** The inventory entry, as a key path (`certificates.Acme_IdP`). */
  entry: string;
}

/** What is known of the adopting stack's org before a login. */
export interface KnownOrg {
  /** From the stack's own checkpoint: the org its resources were made in. */
  orgId?: string;
  /** URLs the stack logs in to its org through: its recorded instance URL, its configured login URL. */
  loginUrls: string[];
  /** URLs that name its org without being where it logs in (the inventory's My Domain URL): they only show the same org. */
  namedUrls: string[];
}

/** Another stack's checkpoint, as read. */
export interface OtherStack {
  /** The stack's name as the user passes it to `--stack` (with its project when it is another project). */
  stack: string;
  file: string;
  reading: CheckpointReading;
}

/** An adopted object another stack records, and how sure it is the same org. */
export interface AdoptionConflict {
  adopted: AdoptedOrgObject;
  stack: string;
  recorded: RecordedOrgObject;
  /** `same`: the org ids or URLs say so; `unknown`: nothing tells the orgs apart before a login. */
  org: "same" | "unknown";
}

const ourTypePrefix = "pulumi-nodejs:dynamic/salesforce:";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A plain string output; a secret (stored as an encrypted object) or any other value is none. */
function text(outputs: Record<string, unknown>, key: string): string | undefined {
  const value = outputs[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function appKind(appType: string | undefined): OrgObjectKind {
  return appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApp";
}

/** The org objects one of our resources records (empty for a resource that owns none in an org). */
function objectsOf(type: string, urn: string, outputs: Record<string, unknown>): RecordedOrgObject[] {
  const name = urn.slice(urn.lastIndexOf("::") + 2);
  const resource = `${type} ${shownName(name)}`;
  const orgId = text(outputs, "orgId");
  const orgInstanceUrl = text(outputs, "orgInstanceUrl");
  const org = { ...(orgId ? { orgId } : {}), ...(orgInstanceUrl ? { orgInstanceUrl } : {}) };
  const names: { kind: OrgObjectKind; name: string | undefined }[] = [];
  if (type === "CertificateAndKeyPair") {
    if (outputs["custody"] !== "org") return [];
    names.push({ kind: "Certificate", name: text(outputs, "salesforceName") });
    const previous = outputs["previousCertificate"];
    if (isObject(previous)) names.push({ kind: "Certificate", name: text(previous, "salesforceName") });
  } else if (type === "JwtIntegration") {
    if (!orgId) return [];
    const kind = appKind(text(outputs, "appType"));
    names.push({ kind, name: text(outputs, "appName") });
    const slots = outputs["slots"];
    if (isObject(slots))
      for (const slot of Object.values(slots)) if (isObject(slot)) names.push({ kind, name: text(slot, "appName") });
    const adopted = outputs["adopted"];
    if (isObject(adopted)) names.push({ kind, name: text(adopted, "appName") });
  } else if (type === "SamlSpBinding") {
    if (!orgId) return [];
    names.push({ kind: appKind(text(outputs, "appType")), name: text(outputs, "appName") ?? text(outputs, "apiName") });
  }
  const seen: RecordedOrgObject[] = [];
  for (const n of names) {
    if (n.name === undefined) continue;
    if (seen.some((s) => s.kind === n.kind && sameSalesforceName(s.name, n.name!))) continue;
    seen.push({ kind: n.kind, name: n.name, resource, urn, ...org });
  }
  return seen;
}

/**
 * The org objects the checkpoint `text` records, from the live resources of its latest deployment.
 * A checkpoint that does not parse or has not the engine's shape is a problem, in words that never quote
 * its content (it holds ciphertexts).
 */
export function recordedOrgObjects(text: string): CheckpointReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: text.trim() === "" ? "is empty" : "is not valid JSON" };
  }
  if (!isObject(value) || typeof value["version"] !== "number")
    return { ok: false, problem: "is not a Pulumi checkpoint (no version)" };
  if (value["version"] !== 3)
    return { ok: false, problem: `is a checkpoint of version ${value["version"]}, which this release does not read` };
  const checkpoint = value["checkpoint"];
  if (!isObject(checkpoint)) return { ok: false, problem: "is not a Pulumi checkpoint (no checkpoint)" };
  const latest = checkpoint["latest"];
  if (latest === undefined || latest === null) return { ok: true, objects: [] };
  if (!isObject(latest)) return { ok: false, problem: "has a latest deployment that is not an object" };
  const resources = latest["resources"] ?? [];
  if (!Array.isArray(resources)) return { ok: false, problem: "has resources that are not a list" };
  const objects: RecordedOrgObject[] = [];
  for (const resource of resources) {
    if (!isObject(resource) || typeof resource["urn"] !== "string" || typeof resource["type"] !== "string")
      return { ok: false, problem: "has a resource without URN or type" };
    const type = resource["type"];
    if (!type.startsWith(ourTypePrefix) || resource["delete"] === true) continue;
    const outputs = resource["outputs"];
    if (!isObject(outputs)) continue;
    objects.push(...objectsOf(type.slice(ourTypePrefix.length), resource["urn"], outputs));
  }
  return { ok: true, objects };
}

/** The org objects the inventory entries `adopt` (kinds and names as the entries give them). */
export function adoptedOrgObjects(inventory: {
  certificates: Record<string, { adopt?: unknown }>;
  jwtIntegrations: Record<string, { adopt?: { app: string }; appType?: string }>;
  samlBindings: Record<string, { adopt?: { app: string }; appType?: string }>;
}): AdoptedOrgObject[] {
  return [
    ...Object.entries(inventory.certificates).flatMap(([name, entry]) =>
      entry.adopt ? [{ kind: "Certificate" as const, name, entry: `certificates.${name}` }] : [],
    ),
    ...Object.entries(inventory.jwtIntegrations).flatMap(([name, entry]) =>
      entry.adopt ? [{ kind: appKind(entry.appType), name: entry.adopt.app, entry: `jwtIntegrations.${name}` }] : [],
    ),
    ...Object.entries(inventory.samlBindings).flatMap(([name, entry]) =>
      entry.adopt ? [{ kind: appKind(entry.appType), name: entry.adopt.app, entry: `samlBindings.${name}` }] : [],
    ),
  ];
}

/** The origin of `url` in lower case, or undefined when it is not a URL. */
export function urlOrigin(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.origin === "null" ? undefined : parsed.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/** True for a My Domain host (`<name>.my.salesforce.com`, a sandbox's `<name>--<sandbox>.sandbox.my.salesforce.com`…): one org's own. */
function isMyDomain(origin: string): boolean {
  return new URL(origin).hostname.endsWith(".my.salesforce.com");
}

/**
 * Whether `recorded` is in the adopting stack's org (`own`), by the rules of this module's doc: `same`,
 * `other`, or `unknown` when nothing tells them apart before a login.
 */
export function sameOrg(
  own: KnownOrg,
  recorded: Pick<RecordedOrgObject, "orgId" | "orgInstanceUrl">,
): "same" | "other" | "unknown" {
  if (own.orgId && recorded.orgId) return own.orgId.slice(0, 15) === recorded.orgId.slice(0, 15) ? "same" : "other";
  const theirs = urlOrigin(recorded.orgInstanceUrl);
  if (theirs === undefined) return "unknown";
  const origins = (urls: readonly string[]) => urls.map(urlOrigin).filter((u): u is string => u !== undefined);
  const logins = origins(own.loginUrls);
  if ([...logins, ...origins(own.namedUrls)].includes(theirs)) return "same";
  return isMyDomain(theirs) && logins.some(isMyDomain) ? "other" : "unknown";
}

/** Each adopted object another stack records in the same org (or in an org nothing tells apart from it). */
export function adoptionConflicts(
  adopted: readonly AdoptedOrgObject[],
  own: KnownOrg,
  others: readonly OtherStack[],
): AdoptionConflict[] {
  const conflicts: AdoptionConflict[] = [];
  for (const object of adopted) {
    for (const other of others) {
      if (!other.reading.ok) continue;
      for (const recorded of other.reading.objects) {
        if (recorded.kind !== object.kind || !sameSalesforceName(recorded.name, object.name)) continue;
        const org = sameOrg(own, recorded);
        if (org !== "other") conflicts.push({ adopted: object, stack: other.stack, recorded, org });
      }
    }
  }
  return conflicts;
}

/** A value for a message: as is when it is a plain name or URL, else quoted with its control characters escaped. */
export function shownName(value: string): string {
  return /^[A-Za-z0-9_.:/@-]+$/.test(value) ? value : JSON.stringify(value);
}

/** A word quoted for a POSIX shell, for a command the user pastes. */
function shellWord(value: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(value)) return value;
  if (!/[\x00-\x1f\x7f]/.test(value)) return `'${value.replace(/'/g, "'\\''")}'`;
  return `$'${value.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)}'`;
}

/** The org of `recorded`, in words. */
function orgOf(recorded: RecordedOrgObject): string {
  const id = recorded.orgId ? `org ${shownName(recorded.orgId)}` : "an org whose id it does not record";
  return recorded.orgInstanceUrl ? `${id} (${shownName(recorded.orgInstanceUrl)})` : id;
}

/** The refusal for `conflicts` (one paragraph each), with what to do. */
export function conflictMessage(command: string, conflicts: readonly AdoptionConflict[]): string {
  const lines = conflicts.map((c) => {
    const what = `${c.adopted.entry} adopts ${c.adopted.kind} ${shownName(c.adopted.name)}`;
    const where =
      c.org === "same"
        ? `which stack '${shownName(c.stack)}' already manages in the same org, ${orgOf(c.recorded)}`
        : `which stack '${shownName(c.stack)}' already manages in ${orgOf(c.recorded)}; this stack's org is known only after a login, so it is taken for the same org`;
    return [
      `${command}: refused: ${what}, ${where}, as ${shownName(c.recorded.name)} of ${c.recorded.resource}. Both stacks would then rotate and delete it.`,
      `  To move it to this stack, remove it from stack '${shownName(c.stack)}' first: drop its entry from that stack's inventory and run`,
      `    pulumi state delete --stack ${shellWord(c.stack)} ${shellWord(c.recorded.urn)}`,
      `  (with that stack's state folder; add --force if it is protected). Or adopt another object.`,
      ...(c.org === "unknown"
        ? [
            `  If this stack's org is another org, configure its connection (salesforce-certs:org loginUrl) with that org's My Domain URL (https://NAME.my.salesforce.com): orgs are told apart by My Domain before a login, and by org id once this stack has one recorded.`,
          ]
        : []),
    ].join("\n");
  });
  return `${lines.join("\n")}\nNothing was run.`;
}
