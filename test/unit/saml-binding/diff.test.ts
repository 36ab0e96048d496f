/**
 * SamlSpBinding's diff compares only its own inputs: the serialised provider shell (`__provider`), which
 * Pulumi puts into the old state and the new inputs alike and which differs between releases of this
 * library, is not a setting, so a stack made by an earlier release previews without changes.
 */
import test from "ava";
import { samlSpBindingImplementation } from "../../../provider/saml-binding/provider";
import { planSamlUpdate, type SamlSpBindingState } from "../../../provider/saml-binding/lifecycle";
import type { SamlSpBindingInputs } from "../../../provider/saml-binding/args";
import { samlFixture, samlInputs } from "../../helpers/saml-fixtures";
import { pinProviderClock } from "../../helpers/test-clock";

// The provider reads its clock in this process: the tests' clock, not the machine's.
pinProviderClock();

const t0 = new Date("2026-12-01T00:00:00Z");
const later = new Date("2026-12-02T00:00:00Z");
const withShell = <T>(value: T, shell: string) => ({ ...value, __provider: shell }) as T;

test("SamlSpBinding diff ignores a provider shell written by another release", async (t) => {
  const { certificate, binding } = samlFixture(t0);
  const olds = withShell<SamlSpBindingState>(binding, "exports.handler = __f0; /* previous release */");
  const news = withShell<SamlSpBindingInputs>(samlInputs(certificate), "exports.handler = __f0; /* this release */");
  t.false(planSamlUpdate(olds, news, later).settingsChanged);
  const diff = await samlSpBindingImplementation.diff!("Partner_Portal_SSO", olds, news);
  t.false(diff.changes);
});

test("SamlSpBinding diff still sees a changed setting next to a changed provider shell", (t) => {
  const { certificate, binding } = samlFixture(t0);
  const olds = withShell<SamlSpBindingState>(binding, "old");
  const news = withShell<SamlSpBindingInputs>(samlInputs(certificate, { label: "Partner portal (renamed)" }), "new");
  t.true(planSamlUpdate(olds, news, later).settingsChanged);
});
