/**
 * The GitOps flow through the command line and the real engine: `up` of the example inventory prints the
 * report; a second `up` changes nothing; `report`, the `check` gate and `export-sfdx` (read back by
 * source-deploy-retrieve) work from the stack; an invalid inventory creates nothing and names each problem.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { stateFilePath } from "../../provider/engine/local-stack";
import { repoRoot, runCli } from "../helpers/cli";
import { componentNames, componentsIn } from "../helpers/source-components";

test("the example inventory: up, report, gate, export, and an invalid inventory that creates nothing", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-inventory-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inventory = path.join(repoRoot, "examples", "greenmoor", "inventory.yaml");

  const up = runCli(["up", "--inventory", inventory, "--stack", "inv"], dir);
  t.is(up.status, 0, up.stderr);
  t.regex(up.stdout, /\+ 5 created/);
  t.regex(up.stdout, /jwtLoginKeys: \[secret\]/);
  t.regex(up.stdout, /keystores: \[secret\]/);
  t.false(up.stdout.includes("PRIVATE KEY"));
  t.regex(up.stdout, /\| Greenmoor_IdP_Signing \| Greenmoor IdP signing \(partner SSO\) \| Platform team \| \d{4}-\d{2}-\d{2} \| 72\d \| \d{4}-\d{2}-\d{2} \| SAML Partner_Portal_SSO \|/);
  t.regex(up.stdout, /cert_Greenmoor_CI_JWT --> jwt_Greenmoor_CI\["JWT Greenmoor_CI"\]/);

  const again = runCli(["up", "--stack", "inv"], dir);
  t.is(again.status, 0, again.stderr);
  t.regex(again.stdout, /5 unchanged/, "the inventory is kept in the stack config");

  const report = runCli(["report", "--stack", "inv"], dir);
  t.is(report.status, 0, report.stderr);
  t.regex(report.stdout, /From stack inv, on /);
  t.regex(report.stdout, /\| Greenmoor_CI_JWT \| Greenmoor CI \(JWT Bearer Flow\) \| Release engineering \| \d{4}-\d{2}-\d{2} \| 36\d \|/);

  t.is(runCli(["check", "--within", "30", "--stack", "inv"], dir).status, 0);
  const gate = runCli(["check", "--within", "800", "--stack", "inv"], dir);
  t.is(gate.status, 1);
  t.regex(gate.stderr, /FAIL Greenmoor_IdP_Signing: expires on .* within 800 \(used by SAML Partner_Portal_SSO\)/);

  const exported = runCli(["export-sfdx", "--out", "sfdx", "--stack", "inv"], dir);
  t.is(exported.status, 0, exported.stderr);
  const components = componentNames(componentsIn(path.join(dir, "sfdx", "force-app")));
  // No Certificate: deploying one would make Salesforce generate a new key pair (the keystore import carries ours).
  t.deepEqual(components, [
    "ExternalClientApplication:Greenmoor_CI_A",
    "ExternalClientApplication:Greenmoor_CI_B",
    "ExternalClientApplication:Partner_Portal_SSO",
    "ExtlClntAppConfigurablePolicies:Greenmoor_CI_A_plcy",
    "ExtlClntAppConfigurablePolicies:Greenmoor_CI_B_plcy",
    "ExtlClntAppConfigurablePolicies:Partner_Portal_SSO_plcy",
    "ExtlClntAppGlobalOauthSettings:Greenmoor_CI_A_glbloauth",
    "ExtlClntAppGlobalOauthSettings:Greenmoor_CI_B_glbloauth",
    "ExtlClntAppOauthConfigurablePolicies:Greenmoor_CI_A_oauthPlcy",
    "ExtlClntAppOauthConfigurablePolicies:Greenmoor_CI_B_oauthPlcy",
    "ExtlClntAppOauthSettings:Greenmoor_CI_A_oauth",
    "ExtlClntAppOauthSettings:Greenmoor_CI_B_oauth",
    "ExtlClntAppSamlConfigurablePolicies:Partner_Portal_SSO_samlPlcy",
    "Settings:IdentityProvider",
  ]);
  t.true(JSON.parse(fs.readFileSync(path.join(dir, "sfdx", "sfdx-project.json"), "utf8")).packageDirectories[0].default);
  t.true(fs.existsSync(path.join(dir, "sfdx", "setup-keystore-import", "Greenmoor_IdP_Signing.crt-meta.xml")));
  t.regex(exported.stdout, /^ {2}setup-keystore-import\/Greenmoor_IdP_Signing\.crt-meta\.xml \(needed: the org signs SAML assertions with it;/m);

  const invalid = path.join(repoRoot, "test", "fixtures", "inventories", "saml-rules.yaml");
  const bad = runCli(["up", "--inventory", invalid, "--stack", "bad"], dir);
  t.is(bad.status, 1);
  t.regex(bad.stdout + bad.stderr, /saml-rules\.yaml:14:13 samlBindings\.Portal_SSO\.acsUrl: must be an absolute https URL/);
  t.regex(bad.stdout + bad.stderr, /saml-rules\.yaml:20:23 samlBindings\.Wiki_SSO\.signingAlgorithm: SHA1 is weak/);
  const badState = stateFilePath(path.join(dir, ".pulumi-state"), "salesforce-certs", "bad");
  t.false(fs.existsSync(badState) && fs.readFileSync(badState, "utf8").includes("salesforce:"), "nothing was created");

  t.is(runCli(["destroy", "--stack", "inv"], dir).status, 0);
});
