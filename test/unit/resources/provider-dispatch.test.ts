/**
 * The provider shells share one function for check, create and update; the runtime tells the calls apart by
 * the arguments the dynamic provider host passes. The host's own call sites are read from the installed
 * @pulumi/pulumi, so an SDK that changes them fails here rather than in a user's `pulumi up`.
 */
import fs from "node:fs";
import test from "ava";
import { dispatchProviderCall, implementations } from "../../../provider/runtime";

test("the dynamic provider host calls check, create and update with the arguments dispatch expects", (t) => {
  const host = fs.readFileSync(require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"), "utf8");
  t.regex(host, /provider\.check\(olds, news\)/);
  t.regex(host, /provider\.create\(props\)/);
  t.regex(host, /provider\.update\(req\.getId\(\), olds, news\)/);
});

test("dispatch routes (id, olds, news) to update, (olds, news) to check and (inputs) to create", async (t) => {
  const seen: string[] = [];
  const implementation = implementations.samlSpBinding as any;
  const saved = { check: implementation.check, create: implementation.create, update: implementation.update };
  t.teardown(() => Object.assign(implementation, saved));
  implementation.check = async (...a: unknown[]) => seen.push(`check/${a.length}`);
  implementation.create = async (...a: unknown[]) => seen.push(`create/${a.length}`);
  implementation.update = async (...a: unknown[]) => seen.push(`update/${a.length}`);
  await dispatchProviderCall("samlSpBinding", ["Partner_SSO", {}, {}]);
  await dispatchProviderCall("samlSpBinding", [{}, {}]);
  await dispatchProviderCall("samlSpBinding", [{}]);
  t.deepEqual(seen, ["update/3", "check/2", "create/1"]);
  t.throws(() => dispatchProviderCall("samlSpBinding", []), { message: /called samlSpBinding with 0 arguments.*check\(olds, news\), create\(inputs\) or update\(id, olds, news\)/ });
});
