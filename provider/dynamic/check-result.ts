/**
 * @module A validation outcome as a dynamic provider's `check()` result: bad input is data
 * (`failures: {property, reason}[]`), never an exception.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ValidationIssue } from "../errors";

/** `{ inputs }` when valid, else one failure per issue. */
export function toCheckResult<Inputs>(
  result: { ok: true; inputs: Inputs } | { ok: false; issues: ValidationIssue[] },
): pulumi.dynamic.CheckResult<Inputs> {
  return result.ok
    ? { inputs: result.inputs }
    : { failures: result.issues.map((i) => ({ property: i.path, reason: i.message })) };
}
