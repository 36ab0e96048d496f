/**
 * Every error this library throws is a class in provider/errors.ts with a stable code, exported from the
 * package by name, and no file under provider/ throws a plain `Error` a user could meet.
 */
import fs from "node:fs";
import path from "node:path";
import test from "ava";
import * as errors from "../../provider/errors";
import * as index from "../../provider/index";
import { repoRoot } from "../helpers/cli";

/** Bases that carry no code of their own: each of their subclasses has one. */
const bases = new Set<unknown>([errors.SalesforceCertsError, errors.StackAccessError]);

const errorClasses = Object.entries(errors).filter(
  ([, value]) =>
    typeof value === "function" &&
    (value === errors.SalesforceCertsError || value.prototype instanceof errors.SalesforceCertsError),
) as [string, { code?: string; prototype: object }][];

test("every error class of errors.ts is exported from the package index under its own name", (t) => {
  t.true(errorClasses.length > 30);
  for (const [name, value] of errorClasses) t.is((index as Record<string, unknown>)[name], value, name);
  t.is(index.isSalesforceCertsError, errors.isSalesforceCertsError);
});

test("every error kind has a distinct ERR_ code, and its instances are SalesforceCertsError with that code", (t) => {
  const seen = new Map<string, string>();
  for (const [name, value] of errorClasses) {
    if (bases.has(value)) continue;
    const code = value.code;
    t.regex(code ?? "", /^ERR_[A-Z_]+$/, name);
    t.false(seen.has(code!), `${name} and ${seen.get(code!)} share ${code}`);
    seen.set(code!, name);
    const args =
      name === "ValidationError"
        ? ["x", []]
        : ["a", "b", "c", "d"]
            .slice(0, Math.max(1, (value as unknown as { length: number }).length - 1))
            .concat(["message"]);
    const error = new (value as unknown as new (...a: unknown[]) => errors.SalesforceCertsError)(...args);
    t.true(error instanceof errors.SalesforceCertsError, name);
    t.true(errors.isSalesforceCertsError(error), name);
    t.is(error.code, code!, name);
    t.is(error.name, name);
  }
});

test("the stack-access kinds are StackAccessError (the command line exits 2 for them)", (t) => {
  for (const kind of [
    errors.PassphraseError,
    errors.WrongPassphraseError,
    errors.SecretUnreadableError,
    errors.StateDirError,
    errors.CheckpointMissingError,
    errors.CheckpointDamagedError,
  ]) {
    t.true(new kind("m") instanceof errors.StackAccessError, kind.name);
  }
});

/** The plain `Error`s that may stay under provider/, each unreachable by a user, with the reason. */
const plainErrorAllowed: Record<string, string> = {
  "crypto/distinguished-name.ts":
    "toForgeAttributes guards its own contract: every subject it is given has passed checkCertificateArgs (a resource's check), which refuses the same values with a ValidationError first",
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

test("no file under provider/ constructs a plain Error outside the allow-list", (t) => {
  const providerDir = path.join(repoRoot, "provider");
  const offenders: string[] = [];
  const allowedSeen = new Set<string>();
  for (const file of sourceFiles(providerDir)) {
    const relative = path.relative(providerDir, file).split(path.sep).join("/");
    const text = fs.readFileSync(file, "utf8");
    if (!/(^|[^\w.])new Error\(/m.test(text)) continue;
    if (relative in plainErrorAllowed) allowedSeen.add(relative);
    else offenders.push(relative);
  }
  t.deepEqual(offenders, []);
  // An entry whose file no longer throws a plain Error is stale: the list says only what is true.
  t.deepEqual([...allowedSeen].sort(), Object.keys(plainErrorAllowed).sort());
});
