/**
 * This repository's own Pulumi.yaml (the inventory program), run two ways: with the plain `pulumi`
 * command (up, preview, refresh, destroy; no NODE_PATH), and as the main job `npm start` runs it
 * (`salesforce-certs up`, which runs `pulumi up` as a subprocess), twice: the second run changes nothing.
 * The project folder is a temp folder holding a copy of the repository's Pulumi.yaml, with the
 * repository's build/ and node_modules/ linked in: the stack config files (encryption salt, secrets) the
 * engine writes beside Pulumi.yaml land there, never in the repository.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { repoRoot, runCli } from "../helpers/cli";
import { pulumi, userEnvironment } from "../helpers/plain-pulumi";
import { testInstant } from "../helpers/test-clock";

/** A temp project folder that runs the repository's own Pulumi.yaml (copied byte for byte). */
function repositoryProject(root: string): string {
  const project = path.join(root, "project");
  fs.mkdirSync(project);
  fs.copyFileSync(path.join(repoRoot, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
  for (const linked of ["build", "node_modules"])
    fs.symlinkSync(path.join(repoRoot, linked), path.join(project, linked), "dir");
  return project;
}

test.serial("plain pulumi up, preview, refresh and destroy of the repository's Pulumi.yaml", (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-repo-"));
  const stack = `e2e-plain-${randomBytes(4).toString("hex")}`;
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const env = userEnvironment(path.join(root, "state"), path.join(root, "home"));
  const project = repositoryProject(root);

  t.is(pulumi(["stack", "init", stack], project, env).status, 0);
  t.true(fs.existsSync(path.join(project, `Pulumi.${stack}.yaml`)), "the stack config is in the project folder");
  t.false(fs.existsSync(path.join(repoRoot, `Pulumi.${stack}.yaml`)), "and not in the repository");
  const up = pulumi(["up", "--yes", "--stack", stack], project, env);
  t.is(up.status, 0, up.text);
  t.regex(up.stdout, /\+ 5 created/);
  t.false(up.text.includes("PRIVATE KEY"));

  const preview = pulumi(["preview", "--expect-no-changes", "--stack", stack], project, env);
  t.is(preview.status, 0, preview.text);
  t.regex(
    preview.text,
    /CertificateAndKeyPair Greenmoor_IdP_Signing: no rotation; next rotation \S+ \(60 days before notAfter\)/,
  );
  const refresh = pulumi(["refresh", "--yes", "--expect-no-changes", "--stack", stack], project, env);
  t.is(refresh.status, 0, refresh.text);

  // The inventory program protects every resource: a plain destroy refuses until protection is lifted.
  const refused = pulumi(["destroy", "--yes", "--stack", stack], project, env);
  t.not(refused.status, 0);
  t.regex(refused.text, /cannot be deleted\s+because it is protected/);
  t.is(pulumi(["state", "unprotect", "--all", "--yes", "--stack", stack], project, env).status, 0);
  const destroyed = pulumi(["destroy", "--yes", "--stack", stack], project, env);
  t.is(destroyed.status, 0, destroyed.text);
  t.regex(destroyed.stdout, /- 5 deleted/);
});

test.serial("the main job: salesforce-certs up of the repository's project, twice; the second changes nothing", (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-main-"));
  const stack = `e2e-main-${randomBytes(4).toString("hex")}`;
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const project = repositoryProject(root);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG_PASSPHRASE: "main-job-e2e-passphrase",
    SALESFORCE_CERTS_NOW: testInstant,
  };
  const args = ["--stack", stack, "--state", path.join(root, "state")];

  const first = runCli(["up", ...args], project, env);
  t.is(first.status, 0, first.stdout + first.stderr);
  t.regex(first.stdout, /\+ 5 created/);
  t.is(
    fs.statSync(path.join(project, `Pulumi.${stack}.yaml`)).mode & 0o777,
    0o600,
    "the stack config (encryption salt) is private",
  );
  t.false(fs.existsSync(path.join(repoRoot, `Pulumi.${stack}.yaml`)), "no stack config in the repository");
  t.regex(first.stdout, /Stack outputs \(secrets hidden/);
  t.regex(first.stdout, /jwtLoginKeys: \[secret\]/);
  t.regex(first.stdout, /\| Greenmoor_CI_JWT \| Greenmoor CI \(JWT Bearer Flow\) \|/);
  t.false(first.stdout.includes("PRIVATE KEY"));

  const second = runCli(["up", ...args], project, env);
  t.is(second.status, 0, second.stdout + second.stderr);
  t.regex(second.stdout, /5 unchanged/);
  t.notRegex(second.stdout, /to update|to create|to delete|updated|created/);

  t.is(runCli(["destroy", ...args], project, env).status, 0);
});
