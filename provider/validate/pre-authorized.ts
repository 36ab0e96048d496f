/**
 * @module Who may use an app without approving it themselves: permission sets and profiles, by name.
 */
import type { ValidationIssue } from "../errors";
import { shown } from "./rules";

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
      } else result[key] = value as string[];
    }
  }
  return result;
}
