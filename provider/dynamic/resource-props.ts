/**
 * @module What a resource class hands to `pulumi.dynamic.Resource`: its props and its options. The SDK
 * makes an output property only of a prop it is given, so each stored output is given (as undefined) beside
 * the inputs; and the outputs that hold secrets are named to the engine, which then stores them encrypted.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A resource's props: each of `storedFields` as undefined, so that the SDK makes an output of it, then `inputs`. */
export function storedOutputProps(storedFields: readonly string[], inputs: object): Record<string, unknown> {
  return { ...Object.fromEntries(storedFields.map((name) => [name, undefined])), ...inputs };
}

/** `opts` with `secrets` added to the outputs the engine keeps secret. */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  secrets: readonly string[],
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets] };
}
