/**
 * @module The dynamic provider Pulumi serialises into every resource's state (twice). It is a shell that
 * captures nothing: no configuration, client, secret, nor even a variable. Inside the provider process it
 * loads `pulumi-salesforce-certs/runtime`, resolved as the program's own code would resolve it (from the
 * provider process's working directory, the folder of the program's `main`, and upwards): from the
 * project's node_modules when the package is installed, or by self-reference inside this package's
 * repository (`npm start`, `examples/`).
 *
 * Every byte is stored twice per resource and rewritten at every engine step, so each resource type has two
 * one-line functions whose text is all that is stored of them: the runtime routes each call by the
 * arguments the engine passes (`call`: configure, check, create, read, update; `byId`: diff and delete,
 * which take the same arguments as update and read). Each function names its runtime entry point in its
 * own text (`runtime.cert`, …): a captured variable would be serialised beside it. `require('module')` is
 * the built-in `node:module`, `createRequire` takes a folder when the path ends with a slash, and the
 * strings are in single quotes, which the state's JSON does not escape. Comments stay outside the function
 * bodies: a function's text is serialised with its comments.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A resource type's implementation, by name: the names the runtime routes by, which every release's shells captured. */
export type ImplementationName = "certificateAndKeyPair" | "jwtIntegration" | "samlSpBinding";

/** A resource type's two shell functions: `call` serves configure, check, create, read and update; `byId` diff and delete. */
interface ShellFunctions {
  // biome-ignore lint/suspicious/noExplicitAny: each stands for every ResourceProvider method, whose result types differ.
  call: (...a: unknown[]) => any;
  // biome-ignore lint/suspicious/noExplicitAny: as above, for diff and delete.
  byId: (...a: unknown[]) => any;
}

// Six one-liners that differ only in the runtime entry point they name (the shells' entry points at the end of provider/runtime.ts).
// Their compiled text is stored in every resource's state, so no tool may rewrite it.
// biome-ignore format: the text is stored state
const shells: Record<ImplementationName, ShellFunctions> = {
  certificateAndKeyPair: {
    call: (...a) => require('module').createRequire(process.cwd() + '/')('pulumi-salesforce-certs/runtime').cert(a),
    byId: (...a) => require('module').createRequire(process.cwd() + '/')('pulumi-salesforce-certs/runtime').certId(a),
  },
  jwtIntegration: {
    call: (...a) => require('module').createRequire(process.cwd() + '/')('pulumi-salesforce-certs/runtime').jwt(a),
    byId: (...a) => require('module').createRequire(process.cwd() + '/')('pulumi-salesforce-certs/runtime').jwtId(a),
  },
  samlSpBinding: {
    call: (...a) => require('module').createRequire(process.cwd() + '/')('pulumi-salesforce-certs/runtime').saml(a),
    byId: (...a) => require('module').createRequire(process.cwd() + '/')('pulumi-salesforce-certs/runtime').samlId(a),
  },
};

/** A provider whose methods run the implementation `name` of the runtime. */
export function providerShell<Inputs, Outputs>(
  name: ImplementationName,
): pulumi.dynamic.ResourceProvider<Inputs, Outputs> {
  const { call, byId } = shells[name];
  return { configure: call, check: call, create: call, read: call, update: call, diff: byId, delete: byId };
}
