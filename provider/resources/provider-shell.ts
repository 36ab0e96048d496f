/**
 * @module The dynamic provider Pulumi serialises into every resource's state (twice). It is a shell: each
 * method loads the named implementation by package name inside the provider process
 * (`require("pulumi-salesforce-certs/runtime")`), so state holds a few hundred bytes of code instead of
 * the library, and captures nothing but that name: no configuration, client or secret.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as runtime from "../runtime";

/**
 * This package's provider implementations, loaded in the provider process. Installed as a dependency, the
 * package resolves by name from the project's node_modules (the provider process runs in the project
 * folder). In this package's own repository (`npm start`, `examples/`) it is not in node_modules, so the
 * package root is found upwards from the project folder by its package.json name.
 */
function loadRuntime(): typeof runtime {
  try {
    return require("pulumi-salesforce-certs/runtime");
  } catch (error) {
    if ((error as { code?: string }).code !== "MODULE_NOT_FOUND" || !String(error).includes("pulumi-salesforce-certs/runtime")) throw error;
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
      const manifest = path.join(dir, "package.json");
      if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-salesforce-certs") {
        return require(path.join(dir, "build", "provider", "runtime.js"));
      }
      if (path.dirname(dir) === dir) throw error;
    }
  }
}

/** A provider whose methods run `runtime[implementation]`; `read` keeps the state, `delete` has nothing to remove. */
export function providerShell<Inputs, Outputs>(implementation: keyof typeof runtime): pulumi.dynamic.ResourceProvider<Inputs, Outputs> {
  return {
    async check(olds, news) {
      return (loadRuntime()[implementation] as pulumi.dynamic.ResourceProvider).check!(olds, news);
    },
    async diff(id, olds, news) {
      return (loadRuntime()[implementation] as pulumi.dynamic.ResourceProvider).diff!(id, olds, news);
    },
    async create(inputs) {
      return (loadRuntime()[implementation] as pulumi.dynamic.ResourceProvider).create(inputs);
    },
    async update(id, olds, news) {
      return (loadRuntime()[implementation] as pulumi.dynamic.ResourceProvider).update!(id, olds, news);
    },
    async read(id, props) {
      return { id, props };
    },
    async delete() {
      // Everything lives in this state (the org is changed by deploying the emitted metadata): nothing to remove.
    },
  };
}
