/**
 * The TypeScript example (examples/greenmoor), run as its README says: plain `pulumi up` in its folder,
 * TypeScript compiled by Pulumi's language host, the library imported by its package name. A copy of the
 * folder at the same depth inside this repository is used, so the stack config stays out of examples/.
 */
import fs from "node:fs";
import path from "node:path";
import test from "ava";
import { repoRoot } from "../helpers/cli";
import { keyMaterial } from "../helpers/engine";
import { x509 } from "../helpers/openssl";
import { pulumi, userEnvironment } from "../helpers/plain-pulumi";

test("examples/greenmoor: pulumi up, outputs, an idempotent second up, destroy", (t) => {
  const scratch = fs.mkdtempSync(path.join(repoRoot, "build", "e2e-greenmoor-"));
  t.teardown(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const example = path.join(repoRoot, "examples", "greenmoor");
  for (const file of ["index.ts", "Pulumi.yaml", "tsconfig.json"])
    fs.copyFileSync(path.join(example, file), path.join(scratch, file));
  const env = userEnvironment(path.join(scratch, ".state"), path.join(scratch, ".pulumi-home"));

  t.is(pulumi(["stack", "init", "main"], scratch, env).status, 0);
  const first = pulumi(["up", "--yes"], scratch, env);
  t.is(first.status, 0, first.text);
  t.regex(first.stdout, /\+ 5 created/);
  t.regex(first.stdout, /ciJwtPrivateKeyPem\s*: \[secret\]/);
  t.regex(first.stdout, /idpSigningJks\s*: \[secret\]/);
  t.regex(first.stdout, /ciLoginKey\s*: \[secret\]/);
  t.false(first.text.includes("PRIVATE KEY"), "no private key printed");

  const outputs = JSON.parse(pulumi(["stack", "output", "--json", "--show-secrets"], scratch, env).stdout) as Record<
    string,
    any
  >;
  t.regex(x509(outputs["idpSigningCertificatePem"], "-subject"), /CN\s*=\s*greenmoor\.my\.salesforce\.com/);
  t.regex(
    outputs["ciLoginCommand"],
    /^sf org login jwt --client-id '[A-Za-z0-9]+A' --username 'ci@greenmoor\.example'/,
  );
  t.regex(outputs["partnerSsoPhase"], /^stable: the org signs with/);
  const state = fs.readFileSync(path.join(scratch, ".state", ".pulumi", "stacks", "greenmoor", "main.json"), "utf8");
  for (const needle of keyMaterial(outputs["ciJwtPrivateKeyPem"]))
    t.false(state.includes(needle), "the state holds the key encrypted only");

  const second = pulumi(["up", "--yes"], scratch, env);
  t.is(second.status, 0, second.text);
  t.regex(second.stdout, /5 unchanged/);
  t.regex(second.stdout, /Greenmoor_IdP_Signing: no rotation; next rotation \S+ \(60 days before notAfter\)/);

  const destroyed = pulumi(["destroy", "--yes"], scratch, env);
  t.is(destroyed.status, 0, destroyed.text);
  t.regex(destroyed.stdout, /- 5 deleted/);
});
