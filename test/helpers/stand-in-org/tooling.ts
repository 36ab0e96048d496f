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
 *
 * Also `SELECT Id, Name FROM PermissionSet|Profile [WHERE Name = '<n>' | WHERE Name IN ('<n>', …)]`
 * (both objects are in the Tooling API: https://developer.salesforce.com/docs/atlas.en-us.api_tooling.meta/api_tooling/reference_objects_list.htm),
 * names compared without case, as Salesforce compares them. The org's permission sets and profiles are
 * those its users hold; their ids (`0PS…`, `00e…`, the standard key prefixes) are derived from the name,
 * so that one name has one id for the life of a test.
 *
 * A user without "View Setup and Configuration" gets {@link insufficientAccessAnswer} on every query: HTTP
 * 403, "The request has been refused. Verify that the logged-in user has appropriate permissions" (REST
 * status codes, https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm),
 * error code INSUFFICIENT_ACCESS (the code Salesforce's REST answers carry for refused access, e.g.
 * https://github.com/SalesforceLabs/OrgCheck/issues/609). UNKNOWN: the exact text for the Certificate
 * object (a placeholder) and whether Salesforce answers 400 rather than 403 here.
 */
import crypto from "node:crypto";
import { placeholder } from "./component-rules";
import { eighteenCharacterId } from "./ids";
import type { JsonAnswer } from "./oauth-token";
import { sameName, type OrgCertificate, type OrgState, type OrgUser } from "./org-state";

/** The objects that pre-authorize users of an app, with their key prefixes. */
export const preAuthorizedObjects = { PermissionSet: "0PS", Profile: "00e" } as const;
export type PreAuthorizedObject = keyof typeof preAuthorizedObjects;

/** The id of permission set or profile `name` (18 characters, the same for any case of the name). */
export function recordIdOf(object: PreAuthorizedObject, name: string): string {
  const digits = crypto.createHash("sha256").update(name.toLowerCase()).digest("hex").slice(0, 12);
  return eighteenCharacterId(`${preAuthorizedObjects[object]}${digits}`);
}

/** The permission sets or profiles of the org (those its users hold), by name. */
export function namesOf(object: PreAuthorizedObject, users: readonly OrgUser[]): string[] {
  const all = users.flatMap((u) => (object === "Profile" ? [u.profile] : u.permissionSets));
  return [...new Set(all)];
}

/** The name of the permission set or profile whose id (15 or 18 characters) is `id`, or undefined. */
export function nameOfId(object: PreAuthorizedObject, id: string, users: readonly OrgUser[]): string | undefined {
  return namesOf(object, users).find((n) => recordIdOf(object, n).slice(0, 15) === id.slice(0, 15));
}

const byName =
  /^\s*SELECT\s+Id\s*,\s*Name\s+FROM\s+(PermissionSet|Profile)(?:\s+WHERE\s+Name\s+(?:=\s*('(?:[^'\\]|\\.)*')|IN\s*\(((?:\s*'(?:[^'\\]|\\.)*'\s*,?)+)\)))?\s*$/i;

function recordsByName(state: OrgState, match: RegExpExecArray, apiVersion: string): JsonAnswer {
  const object = (match[1]!.toLowerCase() === "profile" ? "Profile" : "PermissionSet") as PreAuthorizedObject;
  const literals = [...`${match[2] ?? ""}${match[3] ?? ""}`.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) =>
    m[1]!.replace(/\\(.)/g, "$1").toLowerCase(),
  );
  const filtered = match[2] !== undefined || match[3] !== undefined;
  const records = namesOf(object, state.users)
    .filter((name) => !filtered || literals.includes(name.toLowerCase()))
    .map((name) => ({
      attributes: {
        type: object,
        url: `/services/data/${apiVersion}/tooling/sobjects/${object}/${recordIdOf(object, name)}`,
      },
      Id: recordIdOf(object, name),
      Name: name,
    }));
  return {
    status: 200,
    body: {
      size: records.length,
      totalSize: records.length,
      done: true,
      queryLocator: null,
      entityTypeName: records.length ? object : null,
      records,
    },
  };
}

/** What a Tooling query of a user without "View Setup and Configuration" gets (module docs). */
export function insufficientAccessAnswer(): JsonAnswer {
  return {
    status: 403,
    body: [
      {
        message: `${placeholder}insufficient access rights: this query needs View Setup and Configuration`,
        errorCode: "INSUFFICIENT_ACCESS",
      },
    ],
  };
}

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
  const named = byName.exec(query);
  if (named) return recordsByName(state, named, apiVersion);
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
