/**
 * @module The dynamic provider Pulumi serialises into every resource's state (twice). It is a shell that
 * captures nothing but the implementation's name: no configuration, client or secret. Inside the provider
 * process it loads `pulumi-salesforce-certs/runtime`, resolved as the project's own code would resolve it
 * (from the project folder, the provider process's working directory): from the project's node_modules
 * when the package is installed, or by self-reference inside this package's repository (`npm start`,
 * `examples/`). Every byte is stored twice per resource and rewritten at every engine step, so the
 * functions are two one-liners and their comments stay outside the function bodies (a function's text is
 * serialised with its comments): the runtime routes each call by the arguments the engine passes
 * (`dispatchProviderCall`: configure, check, create, read, update; `dispatchIdCall`: diff, delete,
 * which take the same arguments as update and read), since each serialised function costs about 200
 * bytes of wrapper text.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ImplementationName } from "../runtime";

/** A provider whose methods run the implementation `name` of the runtime. */
export function providerShell<Inputs, Outputs>(name: ImplementationName): pulumi.dynamic.ResourceProvider<Inputs, Outputs> {
  const call = (...a: unknown[]): any => require("node:module").createRequire(process.cwd() + "/_")("pulumi-salesforce-certs/runtime").dispatchProviderCall(name, a);
  const byId = (...a: unknown[]): any => require("node:module").createRequire(process.cwd() + "/_")("pulumi-salesforce-certs/runtime").dispatchIdCall(name, a);
  return { configure: call, check: call, create: call, read: call, update: call, diff: byId, delete: byId };
}
