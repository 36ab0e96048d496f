/**
 * SALESFORCE_CERTS_SWITCH_UNPROVEN names the integrations whose unproven slot may switch, as Salesforce
 * compares names (case folded), each name whole: a prefix, another name or a hostile value names nothing.
 */
import test from "ava";
import { switchUnprovenNamed } from "../../../provider/jwt-integration/switch-unproven";

test.serial("the override names integrations by API name, case folded, in a comma-separated list", (t) => {
  const before = process.env["SALESFORCE_CERTS_SWITCH_UNPROVEN"];
  t.teardown(() => {
    if (before === undefined) delete process.env["SALESFORCE_CERTS_SWITCH_UNPROVEN"];
    else process.env["SALESFORCE_CERTS_SWITCH_UNPROVEN"] = before;
  });
  delete process.env["SALESFORCE_CERTS_SWITCH_UNPROVEN"];
  t.false(switchUnprovenNamed("Acme_CI"), "unset: nothing switches without a proof");
  process.env["SALESFORCE_CERTS_SWITCH_UNPROVEN"] = "Other_App, acme_ci";
  t.true(switchUnprovenNamed("Acme_CI"));
  t.true(switchUnprovenNamed("Other_App"));
  t.false(switchUnprovenNamed("Acme"), "a prefix is not the name");
  process.env["SALESFORCE_CERTS_SWITCH_UNPROVEN"] = "*,Acme_CI';rm -rf /,$(id)";
  t.false(switchUnprovenNamed("Acme_CI"), "no wildcard, no shell");
  t.false(switchUnprovenNamed(""), "an empty name is never named");
});
