/**
 * The provider shells share two functions for seven methods; the runtime tells the calls apart by the
 * arguments the dynamic provider host passes. The host's own call sites are read from the installed
 * @pulumi/pulumi, so an SDK that changes them fails here rather than in a user's `pulumi up`.
 */
import fs from "node:fs";
import test from "ava";
import { dispatchIdCall, dispatchProviderCall, implementations } from "../../../provider/runtime";

test("the dynamic provider host calls each method with the arguments dispatch expects", (t) => {
  const host = fs.readFileSync(require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"), "utf8");
  t.regex(host, /provider\.check\(olds, news\)/);
  t.regex(host, /provider\.create\(props\)/);
  t.regex(host, /provider\.update\(req\.getId\(\), olds, news\)/);
  t.regex(host, /provider\.read\(id, props\)/);
  t.regex(host, /provider\.diff\(req\.getId\(\), olds, news\)/);
  t.regex(host, /provider\.delete\(req\.getId\(\), props\)/);
  t.regex(host, /const req = \{ config \};\s*await provider\.configure\(req\)/);
});

test("dispatch routes update, read, check, configure and create; diff and delete by their own function", async (t) => {
  const seen: string[] = [];
  const implementation = implementations.samlSpBinding as any;
  const names = ["check", "create", "update", "read", "diff", "delete"] as const;
  const saved = Object.fromEntries(names.map((n) => [n, implementation[n]]));
  t.teardown(() => Object.assign(implementation, saved));
  for (const n of names) implementation[n] = async (...a: unknown[]) => seen.push(`${n}/${a.length}`);
  await dispatchProviderCall("samlSpBinding", ["Partner_SSO", {}, {}]);
  await dispatchProviderCall("samlSpBinding", ["Partner_SSO", {}]);
  await dispatchProviderCall("samlSpBinding", [{}, {}]);
  await dispatchProviderCall("samlSpBinding", [{ config: { get: () => undefined } }]);
  await dispatchProviderCall("samlSpBinding", [{}]);
  await dispatchIdCall("samlSpBinding", ["Partner_SSO", {}, {}]);
  await dispatchIdCall("samlSpBinding", ["Partner_SSO", {}]);
  t.deepEqual(
    seen,
    ["update/3", "read/2", "check/2", "create/1", "diff/3", "delete/2"],
    "configure went to the org configuration, not to the implementation",
  );
  await t.throwsAsync(dispatchProviderCall("samlSpBinding", []), {
    message:
      /called samlSpBinding with 0 arguments.*configure\(request\), check\(olds, news\), create\(inputs\), read\(id, props\) or update\(id, olds, news\)/,
  });
  await t.throwsAsync(dispatchIdCall("samlSpBinding", ["x"]), {
    message: /diff\(id, olds, news\) or delete\(id, props\)/,
  });
});
