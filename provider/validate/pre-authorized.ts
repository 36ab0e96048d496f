/**
 * @module Who may use an app without approving it themselves: permission sets and profiles, by name.
 * Names, never record IDs: practitioners report that External Client Apps take names and refuse IDs
 * (org-mode.md §7), and where an org asks for IDs the provider looks them up from the names
 * (jwt-integration/in-org.ts). An ID given here would be refused by an org that takes names.
 */
import type { ValidationIssue } from "../errors";
import { shown } from "./rules";

/** A permission set (`0PS`) or profile (`00e`) record ID, 15 or 18 characters. */
const recordId = /^(?:0PS|00e)[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/;

/** Permission sets and/or profiles whose users are pre-authorized (admin-approved). */
export interface PreAuthorized {
  permissionSets: string[];
  profiles: string[];
}

/**
 * Checks `preAuthorized` (`{ permissionSets?, profiles? }`, lists of names without commas, since the
 * metadata joins them with commas). Absent gives empty lists; problems are added to `issues`.
 */
export function checkPreAuthorized(raw: unknown, issues: ValidationIssue[]): PreAuthorized {
  const result: PreAuthorized = { permissionSets: [], profiles: [] };
  if (raw === undefined) return result;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    issues.push({
      path: "preAuthorized",
      message: `must be an object with permissionSets and/or profiles (got ${shown(raw)})`,
    });
    return result;
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key !== "permissionSets" && key !== "profiles") {
      issues.push({
        path: `preAuthorized.${key}`,
        message: "is not a preAuthorized field (known: permissionSets, profiles)",
      });
    } else if (value !== undefined) {
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.length === 0 || v.includes(","))) {
        issues.push({
          path: `preAuthorized.${key}`,
          message: `must be a list of names without commas (got ${shown(value)})`,
        });
      } else {
        const ids = (value as string[]).filter((v) => recordId.test(v));
        if (ids.length > 0) {
          issues.push({
            path: `preAuthorized.${key}`,
            message: `must be names, not record IDs (got ${shown(ids)}): the org is sent names, and their IDs are looked up only when it asks for IDs`,
          });
        } else result[key] = value as string[];
      }
    }
  }
  return result;
}
