/**
 * @module Outputs computed in the program only when read. Every `Output` a resource class makes costs the
 * Pulumi SDK promises and callbacks whether or not anything reads it, and at scale that work is what an
 * unchanged preview spends its time on (the program, not the engine, is its critical path).
 * A view of stored facts (a certificate's DER, fingerprints, metadata files…) is therefore made on first
 * read, then kept: a program that exports or passes it on pays for it; one that does not, does not.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Defines `key` on `target` as an enumerable property whose `Output` is made by `make` on first read.
 * Replaces an output property the SDK set for the same key (a stored field read through a view). The
 * first read turns the property into a plain one holding the `Output`, as the SDK's own outputs are:
 * Pulumi's closure serialiser (a user's dynamic provider or serialised function capturing the resource)
 * would otherwise serialise the getter's code and everything it reaches instead of the value.
 */
export function defineLazyOutput<T>(target: object, key: string, make: () => pulumi.Output<T>): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      const made = make();
      Object.defineProperty(target, key, { enumerable: true, configurable: true, writable: false, value: made });
      return made;
    },
  });
}

/** A function whose result is computed on its first call and then kept. */
export function memoized<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/**
 * Defines each of `names` on `target` as a lazy output (see {@link defineLazyOutput}) taken from the views
 * `make` computes, once, on the first read of any of them; `pick` takes one view (default: the property
 * of that name). Returns the memoized views, for outputs that need them otherwise.
 */
export function defineLazyViews<V, K extends string>(
  target: object,
  names: readonly K[],
  make: () => pulumi.Output<V>,
  pick: (views: V, key: K) => unknown = (views, key) => (views as Record<string, unknown>)[key],
): () => pulumi.Output<V> {
  const views = memoized(make);
  for (const key of names) defineLazyOutput(target, key, () => views().apply((v) => pick(v, key)));
  return views;
}

/**
 * The output properties `names` of `resource` as they are now: taken before a lazy output replaces one of
 * them, they keep the stored value under a name that becomes a view.
 */
export function outputsNamed<K extends string>(
  resource: object,
  names: readonly K[],
  // biome-ignore lint/suspicious/noExplicitAny: the outputs hold values of several types, each read where its type is known.
): Record<K, pulumi.Output<any>> {
  const outputs = resource as Record<K, pulumi.Output<unknown>>;
  return Object.fromEntries(names.map((name) => [name, outputs[name]])) as Record<K, pulumi.Output<unknown>>;
}

/** One output of the values of `resource`'s outputs `names`, by name. */
export function allOutputs<K extends string>(resource: object, names: readonly K[]): pulumi.Output<Record<K, unknown>> {
  return pulumi.all(outputsNamed(resource, names)) as pulumi.Output<Record<K, unknown>>;
}
