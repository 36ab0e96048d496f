/**
 * @module REST: `GET /services/data` (versions 59.0–68.0) and the Tooling query of `Certificate`
 * (org-mode.md §2, salesforce.md §7). Supported SOQL: `SELECT <fields> FROM Certificate
 * [WHERE DeveloperName = '<name>'] [ORDER BY CreatedDate|DeveloperName [ASC|DESC]]`; fields Id,
 * DeveloperName, MasterLabel, ExpirationDate, KeySize, OptionsIsCaSigned, OptionsIsPrivateKeyExportable,
 * OptionsIsUnusable, OptionsIsEncryptedWithPE, CreatedDate, LastModifiedDate. Deleted certificates are
 * returned too, as Salesforce does (callers de-duplicate on DeveloperName by CreatedDate). The `=` on
 * DeveloperName ignores case, as SOQL's string comparisons do
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm). Errors are a
 * JSON array `[{message, errorCode}]`: 400 MALFORMED_QUERY for other SOQL, INVALID_FIELD for an unknown
 * field, INVALID_TYPE for another object.
 */
import type { JsonAnswer } from "./oauth-token";
import { sameName, type OrgCertificate, type OrgState } from "./org-state";

/** The versions `GET /services/data` lists (Winter '27 = 68.0 is the newest in late 2026). */
export const apiVersions = Array.from({ length: 10 }, (_, i) => 59 + i);

const seasons = ["Winter", "Spring", "Summer"];

/** `GET /services/data`. */
export function versionList(): JsonAnswer {
  // 59.0 = Winter '24, then Spring, Summer, and Winter of the next label year (68.0 = Winter '27).
  const body = apiVersions.map((v) => ({
    label: `${seasons[(v - 59) % 3]} '${24 + Math.floor((v - 59) / 3)}`,
    url: `/services/data/v${v}.0`,
    version: `${v}.0`,
  }));
  return { status: 200, body };
}

/** Tooling's date format: `2027-11-29T00:00:00.000+0000`. */
function toolingDate(date: Date | undefined): string | null {
  return date ? date.toISOString().replace("Z", "+0000") : null;
}

const fields: Record<string, (c: OrgCertificate) => unknown> = {
  Id: (c) => c.id,
  DeveloperName: (c) => c.fullName,
  MasterLabel: (c) => c.masterLabel,
  ExpirationDate: (c) => toolingDate(c.expirationDate),
  KeySize: (c) => c.keySize,
  OptionsIsCaSigned: (c) => c.caSigned,
  OptionsIsPrivateKeyExportable: (c) => c.privateKeyExportable,
  OptionsIsUnusable: (c) => c.awaitingChain,
  OptionsIsEncryptedWithPE: (c) => c.encryptedWithPlatformEncryption,
  CreatedDate: (c) => toolingDate(c.createdDate),
  LastModifiedDate: (c) => toolingDate(c.lastModifiedDate),
};

const soql =
  /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+DeveloperName\s*=\s*'((?:[^'\\]|\\.)*)')?(?:\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?)?\s*$/i;

/** `GET /services/data/vXX.X/tooling/query?q=`. */
export function toolingQuery(state: OrgState, query: string, apiVersion: string): JsonAnswer {
  const error = (errorCode: string, message: string): JsonAnswer => ({ status: 400, body: [{ message, errorCode }] });
  const match = soql.exec(query);
  if (!match) return error("MALFORMED_QUERY", `unexpected token in the stand-in's SOQL subset: ${query}`);
  const [, fieldList, object, developerName, orderBy, direction] = match;
  if (object!.toLowerCase() !== "certificate")
    return error("INVALID_TYPE", `sObject type '${object}' is not supported.`);
  const wanted = fieldList!.split(",").map((f) => f.trim());
  const canonical = (name: string) => Object.keys(fields).find((f) => f.toLowerCase() === name.toLowerCase());
  for (const field of [...wanted, ...(orderBy ? [orderBy] : [])]) {
    if (!canonical(field)) return error("INVALID_FIELD", `No such column '${field}' on entity 'Certificate'.`);
  }
  let rows = state.certificates.filter(
    (c) => developerName === undefined || sameName(c.fullName, developerName.replace(/\\(.)/g, "$1")),
  );
  if (orderBy) {
    const get = fields[canonical(orderBy)!]!;
    const sign = direction?.toUpperCase() === "DESC" ? -1 : 1;
    rows = [...rows].sort((a, b) => sign * String(get(a)).localeCompare(String(get(b))));
  }
  const records = rows.map((c) => ({
    attributes: { type: "Certificate", url: `/services/data/${apiVersion}/tooling/sobjects/Certificate/${c.id}` },
    ...Object.fromEntries(wanted.map((f) => [canonical(f)!, fields[canonical(f)!]!(c)])),
  }));
  return {
    status: 200,
    body: {
      size: records.length,
      totalSize: records.length,
      done: true,
      queryLocator: null,
      entityTypeName: records.length ? "Certificate" : null,
      records,
    },
  };
}
