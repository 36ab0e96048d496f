/**
 * @module Reads one org into a {@link DiscoveredOrg}, read-only: Tooling queries, `listMetadata` and
 * `readMetadata`, never a deploy (not even a check-only one) or a delete. What it reads, and where each
 * fact comes from (shared/research/salesforce.md "Who uses a certificate", §3, §4, §7):
 *  - Certificate records: the Tooling `Certificate` query for name, label, key size, CA-signed, awaiting
 *    its chain (`OptionsIsUnusable`), exportable, expiry and LastModifiedDate. Tooling returns deleted
 *    records too, `listMetadata` does not: a record is live when `listMetadata` lists it, and its Tooling
 *    row is the one with the listed id (else the newest of that name). `readMetadata` gives the content
 *    (base64 of the PEM) for fingerprint, subject and the certificate's own notAfter.
 *  - App certificates: `ConnectedApp.oauthConfig.certificate` and `ExtlClntAppGlobalOauthSettings.certificate`
 *    (PEM pasted for the JWT Bearer Flow), with pre-authorization (`isAdminApproved` + profileName /
 *    permissionSetName; an External Client App's `ExtlClntAppOauthConfigurablePolicies`), and which apps
 *    hold a certificate of the same public key.
 *  - Uses: `IdentityProviderSettings.certificateName` while enabled; every SAML app (Connected App
 *    `samlConfig`, `ExtlClntAppSamlConfigurablePolicies`) is signed by that certificate, and names its
 *    `encryptionCertificate`; `SamlSsoConfig.requestSigningCertId` (an id, mapped through the Tooling
 *    rows), `decryptionCertificate` (a name) and `validationCert` (the partner IdP's certificate, kept as a
 *    trusted certificate with its own expiry; a retrieved file holds it as one line of base64 DER and the
 *    id in its 15-character form, so ids are compared on their first 15 characters); legacy
 *    `NamedCredential.certificate` and the newer `namedCredentialParameters` of type `ClientCertificate`;
 *    `ExternalCredential` parameters of type `SigningCertificate` (the WSDL's ExternalCredentialParamType).
 * A SAML app's `certificate` is the SP's request-signing certificate as PEM (the ConnectedApp page); when
 * an org answers a name there instead, and it names a Certificate record, it is counted as a use (the
 * research notes disagree on the field's form, so neither form is relied on).
 * Names are compared without case (salesforce/names.ts). Whatever the org refuses to show (a missing
 * permission, a type the API version lacks, an External Client App setting that is off) is listed in
 * `unreadable` with the org's reason, never left silently empty; only a refusal of the certificates
 * themselves stops discover, with {@link DiscoverAccessError}.
 */
import { DiscoverAccessError, OrgApiError, OrgPrerequisiteError } from "../errors";
import type { OrgMetadataClient } from "../org/metadata-client";
import { findSalesforceName, salesforceNameKey, sameSalesforceName } from "../salesforce/names";
import { readCertificateContent } from "./certificate-content";
import type {
  CertificateUse,
  DiscoveredAppCertificate,
  DiscoveredCertificate,
  DiscoveredOrg,
  DiscoveredSamlApp,
  DiscoveredTrustedCertificate,
  Unreadable,
} from "./model";

/** The permission a user needs to read an org's setup (Certificate, NamedCredential, SamlSsoConfig …). */
export const viewSetupPermission = "View Setup and Configuration";

/** The Tooling query of every Certificate row (deleted ones included: see the module comment). */
export const certificateQuery =
  "SELECT Id, DeveloperName, MasterLabel, ExpirationDate, KeySize, OptionsIsCaSigned, OptionsIsPrivateKeyExportable, OptionsIsUnusable, CreatedDate, LastModifiedDate FROM Certificate ORDER BY CreatedDate DESC";

/** Salesforce codes that mean the user may not see what was asked (REST and SOAP faults). */
const refusalCodes = /INSUFFICIENT_ACCESS|INSUFFICIENT_PRIVILEGES|API_DISABLED_FOR_ORG|API_CURRENTLY_DISABLED/;

type RecordMap = Record<string, unknown>;

/**
 * Reads the org behind `client` as it is at `now` (the CLI's clock: `readAt`), labelled `label`.
 * @throws DiscoverAccessError `ERR_DISCOVER_ACCESS` when the org refuses the Certificate query or list
 * (the user lacks "View Setup and Configuration"); OrgApiError `ERR_ORG_API` when it fails otherwise.
 */
export async function discoverOrg(client: OrgMetadataClient, label: string, now: Date): Promise<DiscoveredOrg> {
  const unreadable: Unreadable[] = [];
  const { rows, listed } = await coreCertificates(client);

  const live: { row: RecordMap; listedDate: string; fullName: string }[] = [];
  for (const item of listed) {
    const row =
      rows.find((r) => item.id !== "" && id15(r["Id"]) === id15(item.id)) ??
      rows.find((r) => sameSalesforceName(String(r["DeveloperName"] ?? ""), item.fullName));
    live.push({ row: row ?? {}, listedDate: item.lastModifiedDate, fullName: item.fullName });
  }

  const contents = new Map<string, string>();
  await attempt(unreadable, "Certificate content (readMetadata Certificate)", async () => {
    const read = await client.read(
      "Certificate",
      live.map((c) => c.fullName),
    );
    for (const [name, record] of read)
      if (record) contents.set(salesforceNameKey(name), String(record["content"] ?? ""));
  });

  const certificates: DiscoveredCertificate[] = live.map(({ row, listedDate, fullName }) => {
    const content = contents.get(salesforceNameKey(fullName));
    const awaitingChain = row["OptionsIsUnusable"] === true;
    const certificate: DiscoveredCertificate = {
      name: String(row["DeveloperName"] ?? fullName),
      label: String(row["MasterLabel"] ?? ""),
      id: String(row["Id"] ?? ""),
      keySize: Number(row["KeySize"] ?? 0),
      caSigned: row["OptionsIsCaSigned"] === true,
      awaitingChain,
      privateKeyExportable: row["OptionsIsPrivateKeyExportable"] === true,
      lastModifiedAt: isoOf(row["LastModifiedDate"]) ?? isoOf(listedDate) ?? "",
      uses: [],
    };
    if (content !== undefined && content !== "") {
      const parsed = readCertificateContent(Buffer.from(content, "base64").toString("utf8"));
      if ("problem" in parsed)
        unreadable.push({ what: `Certificate ${certificate.name} content`, reason: parsed.problem });
      else {
        certificate.sha256Fingerprint = parsed.sha256Fingerprint;
        certificate.subject = parsed.subject;
        if (parsed.kind === "csr") certificate.awaitingChain = true;
        else if (parsed.expiresAt) certificate.expiresAt = parsed.expiresAt;
      }
    }
    // The certificate's own notAfter when it was read; else the one Tooling gives (absent while awaiting a chain).
    if (certificate.expiresAt === undefined && !certificate.awaitingChain) {
      const tooling = isoOf(row["ExpirationDate"]);
      if (tooling) certificate.expiresAt = tooling;
    }
    return certificate;
  });

  const use = (certificateName: string, u: CertificateUse): boolean => {
    const target = certificates.find((c) => sameSalesforceName(c.name, certificateName));
    if (!target) return false;
    target.uses.push(u);
    return true;
  };

  // IdentityProviderSettings: one per org.
  let identityProvider: DiscoveredOrg["identityProvider"];
  await attempt(unreadable, "IdentityProviderSettings", async () => {
    const record = (await client.read("IdentityProviderSettings", ["IdentityProvider"])).get("IdentityProvider");
    if (!record) return;
    identityProvider = {
      enabled: flag(record["enableIdentityProvider"]),
      certificateName: String(record["certificateName"] ?? ""),
    };
  });
  const idpSigning = identityProvider?.enabled ? identityProvider.certificateName : undefined;
  if (idpSigning)
    use(idpSigning, { kind: "identityProvider", by: "IdentityProvider", type: "IdentityProviderSettings" });

  const appCertificates: (DiscoveredAppCertificate & { publicKey: string })[] = [];
  const samlApps: DiscoveredSamlApp[] = [];

  // `type` names the component holding the SAML settings: the Connected App itself, or the External Client
  // App's SAML policy (`by` stays the app, the name a reader looks for).
  const samlUses = (app: string, type: string, config: RecordMap) => {
    if (idpSigning) use(idpSigning, { kind: "samlApp", by: app, type, detail: "signing" });
    const encryption = text(config["encryptionCertificate"]);
    if (encryption) use(encryption, { kind: "samlApp", by: app, type, detail: "encryption" });
    const own = text(config["certificate"]);
    if (own && !own.includes("-----BEGIN")) use(own, { kind: "samlApp", by: app, type, detail: "certificate" });
  };

  // Connected Apps: JWT certificates and SAML settings.
  await attempt(unreadable, "ConnectedApp", async () => {
    for (const [name, record] of await readAll(client, "ConnectedApp")) {
      const oauth = object(record["oauthConfig"]);
      const pem = text(oauth?.["certificate"]);
      if (pem) {
        const admin = flag(oauth?.["isAdminApproved"]);
        addAppCertificate(unreadable, appCertificates, {
          appType: "ConnectedApp",
          app: name,
          slot: "oauthConfig.certificate",
          pem,
          preAuthorized: {
            profiles: admin ? list(record["profileName"]) : [],
            permissionSets: admin ? list(record["permissionSetName"]) : [],
          },
        });
      }
      const saml = object(record["samlConfig"]);
      if (saml) {
        samlApps.push(
          samlApp("ConnectedApp", name, saml, idpSigning, {
            nameIdFormat: "samlNameIdFormat",
            subjectType: "samlSubjectType",
            signingAlgorithm: "samlSigningAlgoType",
          }),
        );
        samlUses(name, "ConnectedApp", saml);
      }
    }
  });

  // External Client Apps: global OAuth settings (the JWT certificate) and the OAuth policies (pre-authorization).
  const ecaPolicies = new Map<string, RecordMap>();
  await attempt(unreadable, "ExtlClntAppOauthConfigurablePolicies", async () => {
    for (const [name, record] of await readAll(client, "ExtlClntAppOauthConfigurablePolicies"))
      ecaPolicies.set(salesforceNameKey(text(record["externalClientApplication"]) ?? name), record);
  });
  await attempt(unreadable, "ExtlClntAppGlobalOauthSettings", async () => {
    for (const [name, record] of await readAll(client, "ExtlClntAppGlobalOauthSettings")) {
      const pem = text(record["certificate"]);
      if (!pem) continue;
      const app = text(record["externalClientApplication"]) ?? name;
      const policy = ecaPolicies.get(salesforceNameKey(app));
      const admin = text(policy?.["permittedUsersPolicyType"]) === "AdminApprovedPreAuthorized";
      addAppCertificate(unreadable, appCertificates, {
        appType: "ExternalClientApplication",
        app,
        slot: "ExtlClntAppGlobalOauthSettings.certificate",
        pem,
        preAuthorized: {
          profiles: admin ? commaList(policy?.["commaSeparatedProfile"]) : [],
          permissionSets: admin ? commaList(policy?.["commaSeparatedPermissionSet"]) : [],
        },
      });
    }
  });
  await attempt(unreadable, "ExtlClntAppSamlConfigurablePolicies", async () => {
    for (const [name, record] of await readAll(client, "ExtlClntAppSamlConfigurablePolicies")) {
      const app = text(record["externalClientApplication"]) ?? name;
      samlApps.push(
        samlApp("ExternalClientApplication", app, record, idpSigning, {
          nameIdFormat: "nameIdFormat",
          subjectType: "subjectType",
          signingAlgorithm: "signingAlgorithmType",
        }),
      );
      samlUses(app, "ExtlClntAppSamlConfigurablePolicies", record);
    }
  });

  // SamlSsoConfig: the org as a Service Provider of a partner IdP.
  const trustedCertificates: DiscoveredTrustedCertificate[] = [];
  await attempt(unreadable, "SamlSsoConfig", async () => {
    for (const [name, record] of await readAll(client, "SamlSsoConfig")) {
      const signingId = text(record["requestSigningCertId"]);
      if (signingId) {
        const target = certificates.find((c) => c.id !== "" && id15(c.id) === id15(signingId));
        if (target) target.uses.push({ kind: "samlSsoRequestSigning", by: name, type: "SamlSsoConfig" });
        else
          unreadable.push({
            what: `SamlSsoConfig ${name} requestSigningCertId`,
            reason: `${signingId} is the id of no live Certificate record (${rows.some((r) => id15(r["Id"]) === id15(signingId)) ? "a deleted one" : "unknown to the Tooling query"})`,
          });
      }
      const decryption = text(record["decryptionCertificate"]);
      if (decryption && !use(decryption, { kind: "samlSsoDecryption", by: name, type: "SamlSsoConfig" }))
        unreadable.push({
          what: `SamlSsoConfig ${name} decryptionCertificate`,
          reason: `names ${decryption}, which is no live Certificate record`,
        });
      const validation = text(record["validationCert"]);
      if (validation) {
        const parsed = readCertificateContent(validation);
        if ("problem" in parsed || parsed.kind !== "certificate" || !parsed.expiresAt)
          unreadable.push({
            what: `SamlSsoConfig ${name} validationCert`,
            reason: "problem" in parsed ? parsed.problem : "is not a certificate",
          });
        else
          trustedCertificates.push({
            samlSsoConfig: name,
            issuer: text(record["issuer"]) ?? "",
            subject: parsed.subject,
            expiresAt: parsed.expiresAt,
            sha256Fingerprint: parsed.sha256Fingerprint,
          });
      }
    }
  });

  // Named Credentials that present a client certificate (mutual TLS).
  await attempt(unreadable, "NamedCredential", async () => {
    for (const [name, record] of await readAll(client, "NamedCredential")) {
      const named = new Set<string>();
      const legacy = text(record["certificate"]);
      if (legacy) named.add(legacy);
      for (const parameter of objects(record["namedCredentialParameters"])) {
        if (text(parameter["parameterType"]) !== "ClientCertificate") continue;
        const value = text(parameter["certificate"]) ?? text(parameter["parameterValue"]);
        if (value) named.add(value);
      }
      for (const certificateName of [...named].filter(
        (n, i, all) => findSalesforceName(all.slice(0, i), n) === undefined,
      ))
        if (!use(certificateName, { kind: "namedCredential", by: name, type: "NamedCredential" }))
          unreadable.push({
            what: `NamedCredential ${name} certificate`,
            reason: `names ${certificateName}, which is no live Certificate record`,
          });
    }
  });

  // External Credentials that sign with a certificate (the WSDL's ExternalCredentialParamType SigningCertificate).
  await attempt(unreadable, "ExternalCredential", async () => {
    for (const [name, record] of await readAll(client, "ExternalCredential")) {
      for (const parameter of objects(record["externalCredentialParameters"])) {
        if (text(parameter["parameterType"]) !== "SigningCertificate") continue;
        const certificateName = text(parameter["certificate"]) ?? text(parameter["parameterValue"]);
        if (!certificateName) continue;
        if (!use(certificateName, { kind: "namedCredential", by: name, type: "ExternalCredential" }))
          unreadable.push({
            what: `ExternalCredential ${name} certificate`,
            reason: `names ${certificateName}, which is no live Certificate record`,
          });
      }
    }
  });

  // Apps holding a certificate with the same public key share a key (one leak, both apps exposed).
  const shared = appCertificates.map((a) => ({
    ...withoutKey(a),
    sharesKeyWith: appCertificates
      .filter((b) => b !== a && b.publicKey === a.publicKey)
      .map((b) => b.app)
      .sort(byName),
  }));

  for (const c of certificates) c.uses.sort(byUse);
  return {
    label,
    orgId: client.session.orgId,
    instanceUrl: client.session.instanceUrl,
    readAt: now.toISOString(),
    certificates: certificates.sort((a, b) => byName(a.name, b.name)),
    appCertificates: shared.sort((a, b) => a.appType.localeCompare(b.appType) || byName(a.app, b.app)),
    trustedCertificates: trustedCertificates.sort((a, b) => byName(a.samlSsoConfig, b.samlSsoConfig)),
    samlApps: samlApps.sort((a, b) => a.appType.localeCompare(b.appType) || byName(a.app, b.app)),
    ...(identityProvider ? { identityProvider } : {}),
    unreadable,
  };
}

/**
 * The Tooling rows of every Certificate and the live ones `listMetadata` names. A refusal of either is
 * the end of discover: without them nothing can be judged.
 */
async function coreCertificates(client: OrgMetadataClient) {
  const refused = (what: string, error: unknown): never => {
    if (error instanceof OrgApiError && refusalCodes.test(error.apiCode)) {
      throw new DiscoverAccessError(
        error.apiCode,
        `the org at ${client.session.instanceUrl} refused to show its certificates to ${client.session.settings.username} (${what}: ${error.message}): discover needs the user's profile or a permission set to grant "${viewSetupPermission}" (and API Enabled)`,
      );
    }
    throw error;
  };
  let rows: RecordMap[];
  try {
    rows = await toolingQuery(client, certificateQuery);
  } catch (error) {
    return refused("Tooling query on Certificate", error);
  }
  try {
    return { rows, listed: await client.list("Certificate") };
  } catch (error) {
    return refused("listMetadata Certificate", error);
  }
}

/** Every row of a Tooling query, page after page. */
async function toolingQuery(client: OrgMetadataClient, soql: string): Promise<RecordMap[]> {
  const { connection, instanceUrl } = client.session;
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const e = error as Error & { errorCode?: string };
      const code = String(e.errorCode ?? e.name ?? "ERROR").replace(/^sf:/, "");
      throw new OrgApiError(code, `${what} on ${instanceUrl} failed: ${e.message}`);
    }
  };
  type Page = { records: RecordMap[]; done: boolean; nextRecordsUrl?: string };
  let page = await call(
    "Tooling query Certificate",
    async () => (await connection.tooling.query<RecordMap>(soql)) as Page,
  );
  const rows = [...page.records];
  while (!page.done && page.nextRecordsUrl) {
    const locator = page.nextRecordsUrl;
    page = await call(
      "Tooling queryMore Certificate",
      async () => (await connection.tooling.queryMore<RecordMap>(locator)) as Page,
    );
    rows.push(...page.records);
  }
  return rows;
}

/** Every component of `type`: listed, then read (the org's spelling of each name). */
async function readAll(client: OrgMetadataClient, type: string): Promise<[string, RecordMap][]> {
  const names = (await client.list(type)).map((c) => c.fullName);
  if (names.length === 0) return [];
  const read = await client.read(type, names);
  return [...read].filter((entry): entry is [string, RecordMap] => entry[1] !== undefined);
}

/** Runs one part of the reading; a refusal of the org goes to `unreadable` with its reason. */
async function attempt(unreadable: Unreadable[], what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof OrgApiError)
      unreadable.push({
        what,
        reason: refusalCodes.test(error.apiCode)
          ? `${error.message} (the user needs "${viewSetupPermission}")`
          : error.message,
      });
    else if (error instanceof OrgPrerequisiteError) unreadable.push({ what, reason: error.message });
    else throw error;
  }
}

function addAppCertificate(
  unreadable: Unreadable[],
  into: (DiscoveredAppCertificate & { publicKey: string })[],
  app: Pick<DiscoveredAppCertificate, "appType" | "app" | "slot" | "preAuthorized"> & { pem: string },
): void {
  const parsed = readCertificateContent(app.pem);
  if ("problem" in parsed || parsed.kind !== "certificate" || !parsed.expiresAt) {
    unreadable.push({
      what: `${app.appType} ${app.app} ${app.slot}`,
      reason: "problem" in parsed ? parsed.problem : "is not a certificate",
    });
    return;
  }
  into.push({
    appType: app.appType,
    app: app.app,
    slot: app.slot,
    subject: parsed.subject,
    expiresAt: parsed.expiresAt,
    sha256Fingerprint: parsed.sha256Fingerprint,
    preAuthorized: {
      profiles: [...app.preAuthorized.profiles].sort(byName),
      permissionSets: [...app.preAuthorized.permissionSets].sort(byName),
    },
    sharesKeyWith: [],
    publicKey: parsed.publicKey,
  });
}

function withoutKey(a: DiscoveredAppCertificate & { publicKey: string }): DiscoveredAppCertificate {
  const { publicKey: _key, ...rest } = a;
  return rest;
}

function samlApp(
  appType: DiscoveredSamlApp["appType"],
  app: string,
  config: RecordMap,
  idpSigning: string | undefined,
  fields: { nameIdFormat: string; subjectType: string; signingAlgorithm: string },
): DiscoveredSamlApp {
  const nameIdFormat = text(config[fields.nameIdFormat]);
  const subjectType = text(config[fields.subjectType]);
  const signingAlgorithm = text(config[fields.signingAlgorithm]);
  return {
    appType,
    app,
    spEntityId: text(config["entityUrl"]) ?? "",
    acsUrl: text(config["acsUrl"]) ?? "",
    ...(idpSigning ? { certificate: idpSigning } : {}),
    ...(nameIdFormat ? { nameIdFormat } : {}),
    ...(subjectType ? { subjectType } : {}),
    ...(signingAlgorithm ? { signingAlgorithm } : {}),
  };
}

const kindOrder = ["identityProvider", "samlApp", "samlSsoRequestSigning", "samlSsoDecryption", "namedCredential"];

function byUse(a: CertificateUse, b: CertificateUse): number {
  return (
    kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) ||
    byName(a.by, b.by) ||
    (a.detail ?? "").localeCompare(b.detail ?? "")
  );
}

/** Names in a stable order: without case first, then by spelling. */
function byName(a: string, b: string): number {
  const x = salesforceNameKey(a);
  const y = salesforceNameKey(b);
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

function id15(id: unknown): string {
  return String(id ?? "").slice(0, 15);
}

function isoOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  // Tooling writes `2027-11-29T00:00:00.000+0000`; Date.parse needs the colon in the zone.
  const time = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function flag(value: unknown): boolean {
  return value === true || value === "true";
}

function object(value: unknown): RecordMap | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as RecordMap) : undefined;
}

function objects(value: unknown): RecordMap[] {
  const all = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return all.map(object).filter((v): v is RecordMap => v !== undefined);
}

function list(value: unknown): string[] {
  const all = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return all.map(text).filter((v): v is string => v !== undefined);
}

function commaList(value: unknown): string[] {
  return (text(value) ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
