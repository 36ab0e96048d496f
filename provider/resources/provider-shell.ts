/**
 * @module The dynamic provider Pulumi serialises into every resource's state (twice). It is a shell that
 * captures nothing but the implementation's name: no configuration, client or secret. Inside the provider
 * process it loads `pulumi-salesforce-certs/runtime`, resolved as the project's own code would resolve it
 * (from the project folder, the provider process's working directory): from the project's node_modules
 * when the package is installed, or by self-reference inside this package's repository (`npm start`,
 * `examples/`). Every byte is stored twice per resource and rewritten at every engine step, so the
 * functions are two one-liners and their comments stay outside the function bodies (a function's text is
 * serialised with its comments): one for `diff`, and one that {@link dispatchProviderCall} routes to
 * `check`, `create` or `update` by the arguments the engine passes (each serialised function costs about
 * 200 bytes of wrapper text).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ImplementationName } from "../runtime";

/** A provider whose methods run the implementation `name` of the runtime. No `read` and no `delete`: see the resources. */
export function providerShell<Inputs, Outputs>(name: ImplementationName): pulumi.dynamic.ResourceProvider<Inputs, Outputs> {
  const call = (...a: unknown[]): any => require("node:module").createRequire(process.cwd() + "/_")("pulumi-salesforce-certs/runtime").dispatchProviderCall(name, a);
  const diff = (...a: unknown[]): any => require("node:module").createRequire(process.cwd() + "/_")("pulumi-salesforce-certs/runtime").implementations[name].diff(...a);
  return { check: call, create: call, update: call, diff };
}
