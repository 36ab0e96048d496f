/**
 * @module Outputs that may be absent are stored as null. In a preview the Node SDK reads an output key
 * missing from a resource's state as *unknown* (it cannot tell "absent" from "not computed yet"), so
 * a stack output such as `previousCertificate` showed `[unknown]` in every preview of an unchanged
 * resource, while `up` then left it absent. A stored null is a known value in preview and in `up` alike.
 * The lifecycle functions never see the nulls: {@link withoutAbsentOutputs} removes them from the state read.
 */

/** `outs` with each of `keys` that is undefined set to null. */
export function withAbsentOutputs<T extends object>(outs: T, keys: readonly string[]): T {
  const next = { ...outs } as Record<string, unknown>;
  for (const key of keys) if (next[key] === undefined) next[key] = null;
  return next as T;
}

/** A stored state with its null outputs removed (the lifecycle's "absent"). */
export function withoutAbsentOutputs<T extends object>(stored: T): T {
  return Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== null)) as T;
}
