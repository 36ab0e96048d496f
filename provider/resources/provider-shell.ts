/**
 * @module The dynamic provider Pulumi serialises into every resource's state (twice). It is a shell: each
 * method loads the named implementation by package name inside the provider process
 * (`require("pulumi-salesforce-certs/runtime")`), so state holds a few hundred bytes of code instead of
 * the library, and captures nothing but that name: no configuration, client or secret. Installed as a
 * dependency, the package resolves from the project's node_modules; in this repository the engine helper
 * puts a link to it on the provider's NODE_PATH.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as runtime from "../runtime";

/** A provider whose methods run `runtime[implementation]`; `read` keeps the state, `delete` has nothing to remove. */
export function providerShell<Inputs, Outputs>(implementation: keyof typeof runtime): pulumi.dynamic.ResourceProvider<Inputs, Outputs> {
  return {
    async check(olds, news) {
      const impl = (require("pulumi-salesforce-certs/runtime") as typeof runtime)[implementation] as pulumi.dynamic.ResourceProvider;
      return impl.check!(olds, news);
    },
    async diff(id, olds, news) {
      const impl = (require("pulumi-salesforce-certs/runtime") as typeof runtime)[implementation] as pulumi.dynamic.ResourceProvider;
      return impl.diff!(id, olds, news);
    },
    async create(inputs) {
      const impl = (require("pulumi-salesforce-certs/runtime") as typeof runtime)[implementation] as pulumi.dynamic.ResourceProvider;
      return impl.create(inputs);
    },
    async update(id, olds, news) {
      const impl = (require("pulumi-salesforce-certs/runtime") as typeof runtime)[implementation] as pulumi.dynamic.ResourceProvider;
      return impl.update!(id, olds, news);
    },
    async read(id, props) {
      return { id, props };
    },
    async delete() {
      // Everything lives in this state (the org is changed by deploying the emitted metadata): nothing to remove.
    },
  };
}
