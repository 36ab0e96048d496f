/**
 * `SalesforceOrgProvider` takes only the stack's own connection: an integration declared without
 * `orgConnection: true` keeps no key of its own for the provider to log in with, and is refused in the
 * program, before anything registers.
 */
import test from "ava";
import { SalesforceOrgProvider } from "../../../provider";
import type { JwtIntegration } from "../../../provider";

test("a JwtIntegration that is not the stack's org connection is refused, naming it and the argument", (t) => {
  const ci = { declaredName: "ci", orgConnectionArgument: false } as unknown as JwtIntegration;
  t.throws(() => new SalesforceOrgProvider("org", { loginWith: ci }), {
    message:
      "SalesforceOrgProvider org: loginWith must be a JwtIntegration declared with orgConnection: true (JwtIntegration ci is not): only the stack's own connection keeps the key the provider logs in with",
  });
});
