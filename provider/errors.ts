/**
 * @module Errors this library throws: one base class with a stable `code`, one subclass per kind.
 */

/** Base of every error this library throws; `code` is stable across releases, the message is not. */
export class SalesforceCertsError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem with a value: where it is (`subject.country`) and the rule it breaks. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Input that breaks one or more rules; every problem is listed, not only the first. */
export class ValidationError extends SalesforceCertsError {
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    super("ERR_VALIDATION", `Invalid ${subject}:\n${issues.map((i) => ` - ${i.path}: ${i.message}`).join("\n")}`);
    this.issues = issues;
  }
}

/** The Pulumi engine is not where the project expects it: setup has not run or failed. */
export class EngineNotFoundError extends SalesforceCertsError {
  constructor(message: string) {
    super("ERR_ENGINE_NOT_FOUND", message);
  }
}

/** True when `value` is an error thrown by this library (any subclass). */
export function isSalesforceCertsError(value: unknown): value is SalesforceCertsError {
  return value instanceof SalesforceCertsError;
}

/**
 * The stack could not be read or written as asked (its passphrase, state folder or checkpoint) and nothing
 * was changed: the command line exits 2 ("could not look"), as for a usage error, not 1 ("found a problem").
 */
export class StackAccessError extends SalesforceCertsError {}
