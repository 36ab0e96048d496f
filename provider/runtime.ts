/**
 * @module What the dynamic providers load inside the Pulumi provider process, by package name
 * (`require("pulumi-salesforce-certs/runtime")`), so that their serialised code stays small.
 * Not for programs: use the resources from the package root.
 */
import type * as pulumi from "@pulumi/pulumi";
import { certificateAndKeyPairImplementation } from "./certificate/provider";
import { jwtIntegrationImplementation } from "./jwt-integration/provider";
import { samlSpBindingImplementation } from "./saml-binding/provider";
import { configureOrg } from "./org/configured-org";
import type { ImplementationName } from "./dynamic/provider-shell";
import { ProviderHostError } from "./errors";

// Loaded by name by the shells of earlier releases, which live on in stored state until the next update
// (as are `implementations`, `dispatchProviderCall` and `dispatchIdCall`).
export { certificateAndKeyPairImplementation, jwtIntegrationImplementation, samlSpBindingImplementation };

/** The implementations behind the serialised shells, by resource type (the name earlier releases' shells captured). */
export const implementations = {
  certificateAndKeyPair: certificateAndKeyPairImplementation,
  jwtIntegration: jwtIntegrationImplementation,
  samlSpBinding: samlSpBindingImplementation,
} as const satisfies Record<ImplementationName, unknown>;

export type { ImplementationName };

/** A `configure` request: the stack configuration, which the host wraps with `get`/`require`. */
function isConfigureRequest(value: unknown): value is pulumi.dynamic.ConfigureRequest {
  return typeof (value as { config?: { get?: unknown } } | undefined)?.config?.get === "function";
}

/**
 * Runs the method the engine called through a shell's shared function, told apart by the arguments the
 * dynamic provider host passes (`@pulumi/pulumi/cmd/dynamic-provider`): `update(id, olds, news)` and
 * `read(id, props)` start with the resource ID (three and two arguments), `check(olds, news)` has two
 * arguments, `create(inputs)` one, and `configure(request)` one that holds the stack configuration.
 */
export async function dispatchProviderCall(name: ImplementationName, args: unknown[]): Promise<unknown> {
  const implementation = implementations[name] as pulumi.dynamic.ResourceProvider;
  if (typeof args[0] === "string" && args.length === 3)
    return implementation.update!(...(args as [string, never, never]));
  if (typeof args[0] === "string" && args.length === 2) return implementation.read!(...(args as [string, never]));
  if (args.length === 2) return implementation.check!(...(args as [never, never]));
  if (args.length === 1 && isConfigureRequest(args[0])) return configureOrg(args[0].config);
  if (args.length === 1) return implementation.create(args[0]);
  throw new ProviderHostError(
    `pulumi-salesforce-certs: the dynamic provider host called ${name} with ${args.length} arguments; this release expects configure(request), check(olds, news), create(inputs), read(id, props) or update(id, olds, news). Use a @pulumi/pulumi version this package supports.`,
  );
}

/** Runs `diff(id, olds, news)` or `delete(id, props)`, told apart by their number of arguments. */
export async function dispatchIdCall(name: ImplementationName, args: unknown[]): Promise<unknown> {
  const implementation = implementations[name] as pulumi.dynamic.ResourceProvider;
  if (args.length === 3) return implementation.diff!(...(args as [string, never, never]));
  if (args.length === 2) return implementation.delete!(...(args as [string, never]));
  throw new ProviderHostError(
    `pulumi-salesforce-certs: the dynamic provider host called ${name} with ${args.length} arguments; this release expects diff(id, olds, news) or delete(id, props).`,
  );
}

// The entry points of this release's shells (provider/dynamic/provider-shell.ts). Their names are short
// because each shell names its own in its text, which every resource's state stores twice: `<type>(args)`
// serves configure, check, create, read and update, `<type>Id(args)` diff and delete.

/** A CertificateAndKeyPair shell's configure, check, create, read or update. */
export const cert = (args: unknown[]): Promise<unknown> => dispatchProviderCall("certificateAndKeyPair", args);
/** A CertificateAndKeyPair shell's diff or delete. */
export const certId = (args: unknown[]): Promise<unknown> => dispatchIdCall("certificateAndKeyPair", args);
/** A JwtIntegration shell's configure, check, create, read or update. */
export const jwt = (args: unknown[]): Promise<unknown> => dispatchProviderCall("jwtIntegration", args);
/** A JwtIntegration shell's diff or delete. */
export const jwtId = (args: unknown[]): Promise<unknown> => dispatchIdCall("jwtIntegration", args);
/** A SamlSpBinding shell's configure, check, create, read or update. */
export const saml = (args: unknown[]): Promise<unknown> => dispatchProviderCall("samlSpBinding", args);
/** A SamlSpBinding shell's diff or delete. */
export const samlId = (args: unknown[]): Promise<unknown> => dispatchIdCall("samlSpBinding", args);
