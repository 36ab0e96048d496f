/**
 * @module The dynamic provider Pulumi serialises into every resource's state (twice). It is a shell: each
 * method loads the named implementation by package name inside the provider process
 * (`require("pulumi-salesforce-certs/runtime")`), so state holds a few hundred bytes of code instead of
 * the library, and captures nothing but that name: no configuration, client or secret. Every byte of it
 * is stored twice per resource, so the code is terse and its comments stay outside the function bodies
 * (a function's text is serialised with its comments).
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as runtime from "../runtime";

type Method = "check" | "diff" | "create" | "update";

/**
 * A provider whose methods run `runtime[implementation]`. It has no `read` (Pulumi then keeps the state as
 * it is on refresh) and no `delete` (everything lives in this state; the org is changed by deploying the
 * emitted metadata, so there is nothing to remove).
 */
export function providerShell<Inputs, Outputs>(implementation: keyof typeof runtime): pulumi.dynamic.ResourceProvider<Inputs, Outputs> {
  /**
   * Runs method `m` of the implementation, loaded in the provider process. Installed as a dependency, the
   * package resolves by name from the project's node_modules (the provider process runs in the project
   * folder). In this package's own repository (`npm start`, `examples/`) it is not in node_modules: its
   * root is the nearest folder above the project whose package.json is this package's, where `build/`
   * holds the runtime. When neither is found, the first error is thrown. Short names: the text is stored.
   */
  const run = (m: Method, a: unknown[]): any => {
    let r: any;
    try {
      r = require("pulumi-salesforce-certs/runtime");
    } catch (e) {
      let d = process.cwd();
      const f = (x: string): string => require("node:path").join(d, x);
      while (!(require("node:fs").existsSync(f("build/provider/runtime.js")) && require(f("package.json")).name == "pulumi-salesforce-certs")) {
        if (d == (d = require("node:path").dirname(d))) throw e;
      }
      r = require(f("build/provider/runtime.js"));
    }
    return r[implementation][m](...a);
  };
  // One wrapper per method: the engine calls diff and update with the same arguments, so a shared
  // function could not tell them apart (each wrapper costs ~150 bytes of serialised text).
  return {
    check: (...a) => run("check", a),
    diff: (...a) => run("diff", a),
    create: (...a) => run("create", a),
    update: (...a) => run("update", a),
  };
}
