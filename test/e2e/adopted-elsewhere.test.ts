/**
 * Two stacks of one state folder and one org through the command line: `prod` adopts the org's certificate
 * `acme_idp` (a real `up`, no deploy); `prod-copy`, with the same inventory, is refused by `preview` and
 * by `up` before the engine runs (exit 1, `ERR_ADOPTED_ELSEWHERE`), naming the certificate, stack `prod`
 * and its org, and the `pulumi state delete` that would move it; `prod-copy` then holds no resource and the
 * org is byte-identical. A third stack's checkpoint that does not parse is named in a warning, not a failure.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { demoPassphrase, openLocalStack } from "../../provider/engine/local-stack";
import { repoRoot, runCliAsync } from "../helpers/cli";
import { type OrgForProvider, startOrgForProvider } from "../helpers/org-mode";
import { testInstant } from "../helpers/test-clock";

const env: NodeJS.ProcessEnv = {
  ...process.env,
  PULUMI_CONFIG_PASSPHRASE: demoPassphrase,
  SALESFORCE_CERTS_NOW: testInstant,
};
// jsforce honours these and ignores NO_PROXY: the stand-in is on the loopback.
for (const name of ["https_proxy", "http_proxy", "HTTPS_PROXY", "HTTP_PROXY"]) delete env[name];

const snapshot = (provider: OrgForProvider) =>
  JSON.stringify({
    certificates: provider.org.state.certificates,
    components: [...provider.org.state.componentRecords.entries()].sort(([a], [b]) => a.localeCompare(b)),
  });

const writes = (provider: OrgForProvider) =>
  provider.org.calls.filter((c) => /deploy|delete|create|update|upsert|rename/i.test(c.operation ?? "")).length;

test("a certificate adopted by stack prod is refused to stack prod-copy of the same state folder and org, by preview and up, before anything runs", async (t) => {
  const provider = await startOrgForProvider(testInstant, {
    certificates: [{ fullName: "acme_idp", masterLabel: "Acme IdP signing" }],
  });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-adopted-elsewhere-"));
  t.teardown(async () => {
    await provider.org.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const stateDir = path.join(root, "state");
  const workDir = path.join(root, "work");
  fs.mkdirSync(workDir, { recursive: true });
  // The project file salesforce-certs writes: the inventory program of this package.
  const main = path.relative(workDir, path.join(repoRoot, "build", "provider", "inventory", "inventory-main.js"));
  fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), `name: salesforce-certs\nruntime: nodejs\nmain: ${main}\n`);
  for (const stackName of ["prod", "prod-copy"]) {
    const stack = await openLocalStack({
      stackName,
      program: async () => ({}),
      stateDir,
      workDir,
      passphrase: demoPassphrase,
    });
    await provider.configure(stack);
  }
  const fingerprint = new crypto.X509Certificate(provider.org.state.certificate("acme_idp")!.contentPem).fingerprint256;
  const inventory = path.join(workDir, "inventory.yaml");
  // The entry's name in another case than the org's: Salesforce takes both for one certificate.
  fs.writeFileSync(
    inventory,
    `certificates:\n  Acme_IdP:\n    label: Acme IdP signing\n    custody: org\n    adopt:\n      sha256Fingerprint: "${fingerprint}"\n`,
  );
  const where = (stack: string) => ["--stack", stack, "--state", stateDir, "--work-dir", workDir];
  const before = snapshot(provider);
  const writesBefore = writes(provider);

  const adopted = await runCliAsync(["up", ...where("prod"), "--inventory", inventory], root, env);
  t.is(adopted.status, 0, adopted.stderr);
  t.regex(adopted.stdout, /adopts Certificate acme_idp from/);
  t.is(snapshot(provider), before);
  t.is(writes(provider), writesBefore);

  // A stack whose checkpoint does not parse: named in a warning, the check goes on.
  const stacks = path.join(stateDir, ".pulumi", "stacks", "salesforce-certs");
  fs.writeFileSync(path.join(stacks, "broken.json"), '{"version":3,"checkpoint":');

  const stateOf = (stack: string) => fs.readFileSync(path.join(stacks, `${stack}.json`), "utf8");
  const copyBefore = stateOf("prod-copy");
  for (const command of ["preview", "up"]) {
    const refused = await runCliAsync([command, ...where("prod-copy"), "--inventory", inventory], root, env);
    t.is(refused.status, 1, `${command}: ${refused.stdout}\n${refused.stderr}`);
    t.regex(
      refused.stderr,
      new RegExp(
        `error: ${command}: refused: certificates\\.Acme_IdP adopts Certificate Acme_IdP, which stack 'prod' already manages in the same org, org 00D\\w+ \\(${provider.org.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\), as Acme_IdP of CertificateAndKeyPair Acme_IdP`,
      ),
    );
    t.regex(
      refused.stderr,
      /pulumi state delete --stack prod urn:pulumi:prod::salesforce-certs::pulumi-nodejs:dynamic\/salesforce:CertificateAndKeyPair::Acme_IdP/,
    );
    t.regex(refused.stderr, /warning: \w+: the checkpoint of stack 'broken' \([^)]*broken\.json\) is not valid JSON/);
    // The engine never ran: no plan, no update, no change to the stack or the org.
    t.notRegex(refused.stdout, /Previewing|Updating|adopts/);
    t.is(stateOf("prod-copy"), copyBefore);
    t.false(stateOf("prod-copy").includes("CertificateAndKeyPair"));
    t.is(snapshot(provider), before);
    t.is(writes(provider), writesBefore);
  }

  // The stack that manages it goes on as before: its preview is not refused by its own record.
  const own = await runCliAsync(["preview", ...where("prod"), "--inventory", inventory], root, env);
  t.is(own.status, 0, own.stderr);
  t.is(snapshot(provider), before);
});
