/**
 * @module Paths into an inventory, as problems name them.
 */

/** One step of a path: a key of a mapping or an index of a list. */
export type Key = string | number;

/** `samlBindings.Partner_SSO.acsUrl`, `x.scopes[0]`; `(root)` for the empty path. */
export function dotted(keyPath: Key[]): string {
  return keyPath.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("") || "(root)";
}
