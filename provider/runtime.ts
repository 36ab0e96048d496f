/**
 * @module What the dynamic providers load inside the Pulumi provider process, by package name
 * (`require("pulumi-salesforce-certs/runtime")`), so that their serialised code stays small.
 * Not for programs: use the resources from the package root.
 */
import type * as pulumi from "@pulumi/pulumi";
import { certificateAndKeyPairImplementation } from "./resources/certificate-and-key-pair-implementation";
import { jwtIntegrationImplementation } from "./resources/jwt-integration-implementation";
import { samlSpBindingImplementation } from "./resources/saml-sp-binding-implementation";

// Loaded by name by the shells of earlier releases, which live on in stored state until the next update.
export { certificateAndKeyPairImplementation, jwtIntegrationImplementation, samlSpBindingImplementation };

/** The implementations behind the serialised shells, by the name a shell captures. */
export const implementations = {
  certificateAndKeyPair: certificateAndKeyPairImplementation,
  jwtIntegration: jwtIntegrationImplementation,
  samlSpBinding: samlSpBindingImplementation,
} as const;

/** The name a provider shell captures. */
export type ImplementationName = keyof typeof implementations;

/**
 * Runs the method the engine called through a shell's shared function, told apart by the arguments the
 * dynamic provider host passes (`@pulumi/pulumi/cmd/dynamic-provider`): `update(id, olds, news)` starts
 * with the resource ID, `check(olds, news)` has two arguments, `create(inputs)` one.
 */
export function dispatchProviderCall(name: ImplementationName, args: unknown[]): Promise<unknown> {
  const implementation = implementations[name] as pulumi.dynamic.ResourceProvider;
  if (typeof args[0] === "string") return implementation.update!(...(args as [string, any, any]));
  if (args.length === 2) return implementation.check!(...(args as [any, any]));
  if (args.length === 1) return implementation.create(args[0]);
  throw new Error(`pulumi-salesforce-certs: the dynamic provider host called ${name} with ${args.length} arguments; this release expects check(olds, news), create(inputs) or update(id, olds, news). Use a @pulumi/pulumi version this package supports.`);
}
