/**
 * @module The Metadata and Tooling API calls org mode makes, over a logged-in jsforce session
 * (`conn.metadata`, `conn.tooling`), with the rules of shared/research/org-mode.md applied in one place:
 *  - deploys are zips of source files (metadata-zip.ts), sent with `rollbackOnError: true` and
 *    `singlePackage: true`, polled with `checkDeployStatus(id, includeDetails=true)` every
 *    `pollIntervalSeconds` until done or `pollTimeoutSeconds` (own loop, not jsforce's 10-second default);
 *    past it the deploy goes on in Salesforce and may land later: the error says to wait for it and how to
 *    take over what it made (adoption.ts), never to deploy it again;
 *  - `readMetadata` answers a record for every name asked, and an absent name's record has no `fullName`
 *    (§0.6): absence is detected by `fullName`, never by a thrown error;
 *  - CRUD calls take at most 10 names per call (salesforce.md §6): longer lists are split;
 *  - deleting an absent name is reported as `absent`, not as an error (INVALID_CROSS_REFERENCE_KEY);
 *  - the Tooling `Certificate` object returns deleted certificates too (salesforce.md §7): a certificate
 *    exists only if `listMetadata` lists it, and its Tooling row is the one with the listed id.
 * SOAP faults and REST errors become {@link OrgApiError}s naming the call.
 */
import { salesforceUniqueName } from "../validate/rules";
import {
  assertDeploySucceeded,
  componentSuccesses,
  type ComponentSuccess,
  type DeployResultLike,
} from "./deploy-result";
import { buildDeployZip, type ComponentName } from "./metadata-zip";
import { OrgApiError, OrgDeployTimeoutError } from "../errors";
import { findSalesforceName, sameSalesforceName } from "../salesforce/names";
import type { OrgSession } from "./org-login";
import { assertPrerequisites, prerequisitesOf } from "./prerequisites";

/** What to deploy. */
export interface DeployRequest {
  /** Source-format files, path → content, relative to the package folder (as `salesforceFiles`). */
  files: Record<string, string>;
  /** Components to delete after the deploy, in the same all-or-nothing transaction. */
  deletions?: readonly ComponentName[];
  /** Validate only: Salesforce runs the deploy and rolls it back (preview's opt-in check). */
  checkOnly?: boolean;
  /** Let warnings pass (needed by ECA `shouldRotateConsumerKey`); off by default. */
  ignoreWarnings?: boolean;
}

/** A deploy that succeeded. */
export interface DeployOutcome {
  /** The deploy's id (`0Af…`). */
  id: string;
  checkOnly: boolean;
  /** The components package.xml listed. */
  components: ComponentName[];
  /** The components destructiveChangesPost.xml listed. */
  deletions: ComponentName[];
  /** What Salesforce reports it applied (created/changed/deleted per component). */
  successes: ComponentSuccess[];
}

/** A component listed by `listMetadata` (FileProperties). */
export interface ListedComponent {
  type: string;
  fullName: string;
  fileName: string;
  /** The record id (`0P1…` for a Certificate). */
  id: string;
  lastModifiedDate: string;
}

/** What became of one name in {@link OrgMetadataClient.delete}. */
export interface DeleteOutcome {
  fullName: string;
  outcome: "deleted" | "absent";
}

/** A certificate as the Tooling API describes it (no key, no PEM). */
export interface CertificateRecord {
  id: string;
  developerName: string;
  masterLabel: string;
  /** ISO 8601, as Salesforce gives it. */
  expirationDate: string;
  keySize: number;
  caSigned: boolean;
  privateKeyExportable: boolean;
}

/** Most names one CRUD call takes. */
export const namesPerCall = 10;

/** Metadata and Tooling API calls on one org; see the module comment for the rules applied. */
export class OrgMetadataClient {
  readonly session: OrgSession;
  /** Pauses between polls; a parameter only so that a caller can bound it (`setTimeout` by default). */
  private readonly sleep: (ms: number) => Promise<void>;
  /** The org's External Client App settings, read at the first call that needs them. */
  private settingsRead: Promise<Record<string, unknown> | undefined> | undefined;

  constructor(
    session: OrgSession,
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.session = session;
    this.sleep = sleep;
  }

  /**
   * Deploys `request.files` (and deletions) as one zip with `rollbackOnError`, and waits for the result.
   * @throws DeployFilesError `ERR_DEPLOY_FILES` for files that are not deployable (nothing is sent);
   * OrgDeployError `ERR_ORG_DEPLOY` listing each component failure; OrgDeployTimeoutError
   * `ERR_ORG_DEPLOY_TIMEOUT` when not done within `pollTimeoutSeconds`; OrgApiError `ERR_ORG_API` for a fault.
   */
  async deploy(request: DeployRequest): Promise<DeployOutcome> {
    const { settings, connection, instanceUrl } = this.session;
    const zip = buildDeployZip(request.files, settings.apiVersion, request.deletions ?? []);
    const options = {
      rollbackOnError: true,
      singlePackage: true,
      checkOnly: request.checkOnly === true,
      ignoreWarnings: request.ignoreWarnings === true,
    };
    const apps = zip.components.filter((c) => c.type === "ExternalClientApplication").map((c) => c.fullName);
    await this.assertPrerequisites(
      zip.components.map((c) => c.type),
      apps.length > 0
        ? `deploy ExternalClientApplication ${apps.join(", ")}`
        : `deploy ${zip.components.map((c) => `${c.type} ${c.fullName}`).join(", ")}`,
    );
    const started = (await this.call("deploy", () => connection.metadata.deploy(zip.base64, options))) as unknown as {
      id: string;
    };
    const deadline = Date.now() + settings.pollTimeoutSeconds * 1000;
    let result: DeployResultLike;
    for (;;) {
      result = (await this.call("checkDeployStatus", () =>
        connection.metadata.checkDeployStatus(started.id, true),
      )) as unknown as DeployResultLike;
      if (result.done === true || String(result.done) === "true") break;
      if (Date.now() + settings.pollIntervalSeconds * 1000 > deadline) {
        const progress = result.numberComponentsTotal
          ? ` (${result.numberComponentsDeployed ?? 0}/${result.numberComponentsTotal} components)`
          : "";
        throw new OrgDeployTimeoutError(
          started.id,
          `deploy ${started.id} to ${instanceUrl} was not done after ${settings.pollTimeoutSeconds} s (salesforce-certs:org.pollTimeoutSeconds); last status ${result.status ?? "unknown"}${progress}. ${lateLandingAdvice(started.id, zip.components, request.checkOnly === true)}`,
        );
      }
      await this.sleep(settings.pollIntervalSeconds * 1000);
    }
    assertDeploySucceeded({ ...result, checkOnly: result.checkOnly ?? options.checkOnly }, instanceUrl);
    return {
      id: started.id,
      checkOnly: options.checkOnly,
      components: zip.components,
      deletions: zip.deletions,
      successes: componentSuccesses(result),
    };
  }

  /** {@link deploy} with `checkOnly`: validates the files against the org and applies nothing. */
  validate(request: Omit<DeployRequest, "checkOnly">): Promise<DeployOutcome> {
    return this.deploy({ ...request, checkOnly: true });
  }

  /**
   * Reads `fullNames` of `type`; each name maps to its record (as jsforce casts it: untyped types such as
   * `ExternalClientApplication` or `IdentityProviderSettings` come back as strings, a lone child as an
   * object) or to `undefined` when the org has no such component.
   * @throws OrgApiError `ERR_ORG_API` for a fault (e.g. `INVALID_TYPE` for a type newer than the API version).
   */
  async read(type: string, fullNames: readonly string[]): Promise<Map<string, Record<string, unknown> | undefined>> {
    if (prerequisitesOf([type]).consumerSecrets) await this.assertPrerequisites([type], `read ${type}`);
    const found = new Map<string, Record<string, unknown> | undefined>();
    for (const names of chunks(fullNames)) {
      const records = (await this.call(`readMetadata ${type}`, () =>
        this.session.connection.metadata.read(type as never, [...names]),
      )) as unknown;
      const list = (Array.isArray(records) ? records : [records]) as Record<string, unknown>[];
      // Keyed by the name asked: the org answers in the spelling it holds, which may differ in case (names.ts).
      for (const name of names) found.set(name, undefined);
      for (const record of list) {
        const held = record?.["fullName"];
        if (typeof held !== "string" || held === "") continue;
        const asked = findSalesforceName(names, held);
        if (asked !== undefined) found.set(asked, record);
      }
    }
    return found;
  }

  /**
   * The PEM text of certificate `name` (readMetadata's `content` is the base64 of the PEM), or undefined
   * when the org has no such certificate. For a CA-signed certificate before its chain, the CSR.
   */
  async readCertificatePem(name: string): Promise<string | undefined> {
    const record = (await this.read("Certificate", [name])).get(name);
    if (!record) return undefined;
    const content = String(record["content"] ?? "");
    return content === "" ? "" : Buffer.from(content, "base64").toString("utf8");
  }

  /** Every component of `type` in the org (`listMetadata`). */
  async list(type: string): Promise<ListedComponent[]> {
    const { connection, settings } = this.session;
    const listed = (await this.call(`listMetadata ${type}`, () =>
      connection.metadata.list([{ type }], settings.apiVersion),
    )) as unknown;
    const items = (Array.isArray(listed) ? listed : listed ? [listed] : []) as Record<string, unknown>[];
    return items.map((p) => ({
      type: String(p["type"] ?? type),
      fullName: String(p["fullName"]),
      fileName: String(p["fileName"] ?? ""),
      id: String(p["id"] ?? ""),
      lastModifiedDate: String(p["lastModifiedDate"] ?? ""),
    }));
  }

  /**
   * Deletes `fullNames` of `type` (`deleteMetadata`); a name the org does not have is `absent`, not an error.
   * @throws OrgApiError `ERR_ORG_API` naming each name the org refused to delete and why (e.g. a
   * certificate still in use); names listed before it in the same call may have been deleted.
   */
  async delete(type: string, fullNames: readonly string[]): Promise<DeleteOutcome[]> {
    const outcomes: DeleteOutcome[] = [];
    const refused: string[] = [];
    let code = "";
    for (const names of chunks(fullNames)) {
      const results = (await this.call(`deleteMetadata ${type}`, () =>
        this.session.connection.metadata.delete(type, [...names]),
      )) as unknown;
      const list = (Array.isArray(results) ? results : [results]) as Record<string, unknown>[];
      names.forEach((name, i) => {
        const result = list.find((r) => sameSalesforceName(String(r?.["fullName"] ?? ""), name)) ?? list[i] ?? {};
        const errors = (
          Array.isArray(result["errors"]) ? result["errors"] : result["errors"] ? [result["errors"]] : []
        ) as Record<string, unknown>[];
        if (result["success"] === true || String(result["success"]) === "true")
          outcomes.push({ fullName: name, outcome: "deleted" });
        else if (errors.length > 0 && errors.every((e) => e["statusCode"] === "INVALID_CROSS_REFERENCE_KEY"))
          outcomes.push({ fullName: name, outcome: "absent" });
        else {
          code ||= String(errors[0]?.["statusCode"] ?? "DELETE_FAILED");
          refused.push(
            ` - ${type}:${name}: ${errors.map((e) => `${String(e["statusCode"] ?? "")}: ${String(e["message"] ?? "")}`).join("; ") || "Salesforce gave no reason"}`,
          );
        }
      });
    }
    if (refused.length > 0)
      throw new OrgApiError(code, `the org at ${this.session.instanceUrl} refused to delete:\n${refused.join("\n")}`);
    return outcomes;
  }

  /**
   * The live certificate `developerName` as the Tooling API describes it, or undefined when the org has
   * none. Tooling returns deleted certificates too, so existence comes from `listMetadata`, and the row
   * is the one whose id it lists (else the newest by CreatedDate).
   * @throws OrgApiError `ERR_ORG_API` for a malformed name or a refused query.
   */
  async certificate(developerName: string): Promise<CertificateRecord | undefined> {
    const bad = salesforceUniqueName(developerName);
    if (bad) throw new OrgApiError("INVALID_NAME", `certificate name ${bad}`);
    const listed = (await this.list("Certificate")).find((c) => sameSalesforceName(c.fullName, developerName));
    if (!listed) return undefined;
    const soql = `SELECT Id, DeveloperName, MasterLabel, ExpirationDate, KeySize, OptionsIsCaSigned, OptionsIsPrivateKeyExportable, CreatedDate FROM Certificate WHERE DeveloperName = '${developerName}' ORDER BY CreatedDate DESC`;
    const rows: Record<string, unknown>[] = [];
    let page = (await this.call("Tooling query Certificate", () =>
      this.session.connection.tooling.query<Record<string, unknown>>(soql),
    )) as { records: Record<string, unknown>[]; done: boolean; nextRecordsUrl?: string };
    rows.push(...page.records);
    while (!page.done && page.nextRecordsUrl) {
      const locator = page.nextRecordsUrl;
      page = (await this.call("Tooling queryMore Certificate", () =>
        this.session.connection.tooling.queryMore<Record<string, unknown>>(locator),
      )) as typeof page;
      rows.push(...page.records);
    }
    const id15 = (id: unknown) => String(id ?? "").slice(0, 15);
    const row = rows.find((r) => listed.id !== "" && id15(r["Id"]) === id15(listed.id)) ?? rows[0];
    if (!row) return undefined;
    return {
      id: String(row["Id"]),
      developerName: String(row["DeveloperName"]),
      masterLabel: String(row["MasterLabel"] ?? ""),
      expirationDate: String(row["ExpirationDate"] ?? ""),
      keySize: Number(row["KeySize"] ?? 0),
      caSigned: row["OptionsIsCaSigned"] === true,
      privateKeyExportable: row["OptionsIsPrivateKeyExportable"] === true,
    };
  }

  /**
   * Refuses, before anything is sent, a deploy or read of External Client App types the org's settings
   * would refuse (prerequisites.ts). The settings are read once per client.
   */
  private async assertPrerequisites(types: readonly string[], doing: string): Promise<void> {
    const needs = prerequisitesOf(types);
    if (!needs.optIn && !needs.consumerSecrets) return;
    this.settingsRead ??= this.read("ExternalClientAppSettings", ["ExternalClientApp"]).then((m) =>
      m.get("ExternalClientApp"),
    );
    const settings = this.settingsRead;
    await assertPrerequisites(() => settings, needs, this.session.instanceUrl, doing);
  }

  /**
   * The ids of the permission sets or profiles named `names` (Tooling query on `Name`; Salesforce compares
   * names without case), keyed by the name as given.
   * @throws OrgApiError `ERR_ORG_API` (`NOT_FOUND`) naming what the org has none of; for a refused query.
   */
  async idsByName(object: "PermissionSet" | "Profile", names: readonly string[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    if (names.length === 0) return ids;
    // SOQL string literals escape a quote and a backslash with a backslash.
    const literal = (name: string) => `'${name.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
    const soql = `SELECT Id, Name FROM ${object} WHERE Name IN (${names.map(literal).join(", ")})`;
    const page = (await this.call(`Tooling query ${object}`, () =>
      this.session.connection.tooling.query<Record<string, unknown>>(soql),
    )) as { records: Record<string, unknown>[] };
    for (const name of names) {
      const row = page.records.find((r) => String(r["Name"] ?? "").toLowerCase() === name.toLowerCase());
      if (row) ids.set(name, String(row["Id"]));
    }
    const missing = names.filter((name) => !ids.has(name));
    if (missing.length > 0) {
      throw new OrgApiError(
        "NOT_FOUND",
        `the org at ${this.session.instanceUrl} has no ${object} named ${missing.map((n) => JSON.stringify(n)).join(", ")} (Tooling query on Name)`,
      );
    }
    return ids;
  }

  /** Runs one API call; a SOAP fault or REST error becomes an OrgApiError naming the call. */
  private async call<T>(what: string, run: () => Promise<T> | PromiseLike<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof OrgApiError) throw error;
      const e = error as Error & { errorCode?: string };
      const code = String(e.errorCode ?? e.name ?? "ERROR").replace(/^sf:/, "");
      throw new OrgApiError(code, `${what} on ${this.session.instanceUrl} failed: ${e.message}`);
    }
  }
}

/** Names a create refuses when the org already holds them (adoption.ts): certificates and External Client Apps. */
const adoptableTypes = new Set(["Certificate", "ExternalClientApplication"]);

/**
 * What to do after a deploy outlived the polling. Salesforce runs a deploy to its end whoever polls
 * (`deploy()` is asynchronous), so this one may still land. Waiting for it, rather than deploying again,
 * is the safe order: a second deploy of a Certificate name would make another key pair. Once it has
 * landed, a name the stack's state does not record is refused by the next `up` (never deployed twice)
 * until SALESFORCE_CERTS_ADOPT names it.
 */
function lateLandingAdvice(id: string, components: readonly ComponentName[], checkOnly: boolean): string {
  if (checkOnly) return "A validation never applies anything; raise pollTimeoutSeconds for slow orgs.";
  const names = components.filter((c) => adoptableTypes.has(c.type)).map((c) => c.fullName);
  const adopt =
    names.length === 0
      ? ""
      : ` If it Succeeded and pulumi up then refuses ${names.join(", ")} as already in the org, that is this deploy's work: run pulumi up with SALESFORCE_CERTS_ADOPT=${names.join(",")} to take ${names.length === 1 ? "it" : "them"} over (a certificate taken over is not deployed again, so no key pair is made again).`;
  return `Salesforce goes on with it: wait until Setup › Deployment Status shows deploy ${id} finished before the next pulumi up (deploying the same names while it runs would deploy them twice).${adopt} If it failed, the next pulumi up deploys again. Raise pollTimeoutSeconds for slow orgs.`;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += namesPerCall) out.push(items.slice(i, i + namesPerCall));
  return out;
}
