/**
 * The TypeScript example program (examples/greenmoor/index.ts), through the command line: `up` on a
 * local backend prints the outputs with secrets hidden; a second `up` changes nothing; `destroy` removes
 * everything.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { repoRoot, runCli } from "../helpers/cli";

test("up of examples/greenmoor prints outputs with secrets hidden, and is idempotent", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-main-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const program = path.join(repoRoot, "build", "examples", "greenmoor", "index.js");
  const args = ["--program", program, "--stack", "main", "--state", "state"];

  const first = runCli(["up", ...args], dir);
  t.is(first.status, 0, first.stderr);
  t.regex(first.stdout, /\+ 5 created/);
  t.regex(first.stdout, /Stack outputs \(secrets hidden/);
  t.regex(first.stdout, /ciJwtPrivateKeyPem: \[secret\]/);
  t.regex(first.stdout, /idpSigningJks: \[secret\]/);
  t.regex(first.stdout, /ciLoginKey: \[secret\]/);
  t.regex(first.stdout, /ciLoginCommand: sf org login jwt --client-id [A-Za-z0-9]+A --username ci@greenmoor\.example/);
  t.regex(first.stdout, /externalClientApps\/Greenmoor_CI_A\.eca-meta\.xml:/);
  t.regex(first.stdout, /partnerIdpMetadata: <\?xml version="1\.0" encoding="UTF-8"\?> … \(17 lines\)/);
  t.regex(first.stdout, /partnerSsoPhase: stable: the org signs with/);
  t.regex(first.stdout, /idpSigningSha256Fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  t.regex(first.stdout, /certs\/Greenmoor_IdP_Signing\.crt-meta\.xml: <\?xml version="1\.0" encoding="UTF-8"\?> … \(8 lines\)/);
  t.false(first.stdout.includes("PRIVATE KEY"), "no private key printed");

  const second = runCli(["up", ...args], dir);
  t.is(second.status, 0, second.stderr);
  t.regex(second.stdout, /5 unchanged/);
  t.regex(second.stdout, /Greenmoor_IdP_Signing: no rotation; next rotation \S+ \(60 days before notAfter\)/);

  const destroyed = runCli(["destroy", ...args.slice(2)], dir);
  t.is(destroyed.status, 0, destroyed.stderr);
  t.regex(destroyed.stdout, /- 5 deleted/);
});
