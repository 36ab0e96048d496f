/**
 * @module What a finished deploy means, from its `DeployResult` as jsforce casts it
 * (shared/research/org-mode.md §1.3): success only for status `Succeeded`; anything else is an
 * {@link OrgDeployError} listing each component failure (file, component, problem). A lone failure may
 * arrive as an object instead of a one-element array; a failure without components (a bad zip) carries its
 * text in `errorMessage`.
 */
import { OrgDeployError, type ComponentFailure } from "../errors";

/** The fields of a DeployResult this module reads (jsforce's `DeployResult`, loosely typed). */
export interface DeployResultLike {
  id: string;
  done?: boolean;
  status?: string;
  success?: boolean;
  checkOnly?: boolean;
  errorMessage?: string | null;
  errorStatusCode?: string | null;
  numberComponentsDeployed?: number;
  numberComponentsTotal?: number;
  numberComponentErrors?: number;
  details?: { componentFailures?: unknown; componentSuccesses?: unknown } | null;
}

/** One component a deploy applied (a `DeployMessage` with `success`). */
export interface ComponentSuccess {
  fileName: string;
  component: string;
  created: boolean;
  changed: boolean;
  deleted: boolean;
}

/** A list that jsforce may give as an array, a lone object, or nothing. */
function listOf(value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null || value === "") return [];
  return (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
}

const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));
const flag = (value: unknown) => value === true || value === "true";

/** The component failures of `result`, in Salesforce's order. */
export function componentFailures(result: DeployResultLike): ComponentFailure[] {
  return listOf(result.details?.componentFailures).map((m) => ({
    fileName: text(m["fileName"]),
    component:
      m["componentType"] && m["fullName"] ? `${text(m["componentType"])}:${text(m["fullName"])}` : text(m["fullName"]),
    problem: text(m["problem"]),
    problemType: text(m["problemType"]) || "Error",
  }));
}

/** The components `result` applied (package.xml's own message excluded). */
export function componentSuccesses(result: DeployResultLike): ComponentSuccess[] {
  return listOf(result.details?.componentSuccesses)
    .filter((m) => text(m["fileName"]) !== "package.xml" && text(m["componentType"]) !== "")
    .map((m) => ({
      fileName: text(m["fileName"]),
      component: `${text(m["componentType"])}:${text(m["fullName"])}`,
      created: flag(m["created"]),
      changed: flag(m["changed"]),
      deleted: flag(m["deleted"]),
    }));
}

/**
 * Throws when the finished deploy `result` did not succeed; `where` names the org (its instance URL).
 * @throws OrgDeployError `ERR_ORG_DEPLOY` whose message lists each failure as
 * ` - <fileName> (<Type:fullName>): <problem>`, and says that nothing was applied.
 */
export function assertDeploySucceeded(result: DeployResultLike, where: string): void {
  const status = text(result.status) || (flag(result.success) ? "Succeeded" : "Failed");
  if (status === "Succeeded" && result.success !== false) return;
  const failures = componentFailures(result);
  const what = flag(result.checkOnly) ? "check-only validation" : "deploy";
  const lines = failures.map(
    (f) =>
      ` - ${f.fileName || "(no file)"}${f.component ? ` (${f.component})` : ""}: ${f.problem}${f.problemType === "Warning" ? " [warning]" : ""}`,
  );
  if (lines.length === 0) {
    lines.push(
      ` - ${text(result.errorStatusCode) || status}: ${text(result.errorMessage) || "Salesforce gave no reason"}`,
    );
  }
  const applied = flag(result.checkOnly)
    ? "nothing is ever applied by a validation"
    : "nothing of it was applied (rollbackOnError)";
  const count = failures.length === 1 ? "1 component failure" : `${failures.length} component failures`;
  const next =
    "Fix what is listed (in the resource's inputs, or in the org) and run pulumi up again: it goes on from the state.";
  throw new OrgDeployError(
    result.id,
    status,
    failures,
    `${what} ${result.id} to ${where} ended ${status}${failures.length > 0 ? ` with ${count}` : ""}; ${applied}:\n${lines.join("\n")}\n${next}`,
  );
}
