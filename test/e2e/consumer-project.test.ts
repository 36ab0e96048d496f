/**
 * The users' door: a user's own TypeScript project (laid out as `pulumi new typescript` does) that
 * installs this library from its npm tarball, run with the plain `pulumi` command and its Node.js
 * language host. openssl judges what `pulumi stack output` hands out.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { declarationsReferring, makeProject, packLibrary, typeCheck } from "../helpers/consumer-project";
import { keyMaterial, pemBody } from "../helpers/engine";
import { openssl, publicKeyOf, x509 } from "../helpers/openssl";
import { pulumi, userEnvironment } from "../helpers/plain-pulumi";
import { judgeWithPython } from "../helpers/python-cryptography";
import { epochSeconds, testNow } from "../helpers/test-clock";

test("a user's own project: pulumi up, stack output judged by openssl, no-change preview, rotation preview, refresh, destroy", (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-e2e-consumer-"));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const project = path.join(root, "acme-certs");
  fs.mkdirSync(project);
  const tarball = packLibrary(root);
  t.true(fs.existsSync(path.join(path.dirname(tarball), path.basename(tarball))));
  makeProject(project, tarball);
  t.false(
    fs.existsSync(path.join(project, "node_modules", "pulumi-salesforce-certs", "test")),
    "no tests in the package",
  );

  // The user's own type-check, as `pulumi new typescript` sets it up: strict, no skipLibCheck. The
  // package's declarations name no package the user does not get with it (node-forge's types are our
  // dev dependency, so an import of it would be TS7016 for every user).
  const installed = path.join(project, "node_modules", "pulumi-salesforce-certs");
  const tsconfig = JSON.parse(fs.readFileSync(path.join(project, "tsconfig.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
  };
  t.is(tsconfig.compilerOptions["strict"], true);
  t.is(tsconfig.compilerOptions["skipLibCheck"], undefined, "library declarations are checked");
  t.false(
    fs.existsSync(path.join(project, "node_modules", "@types", "node-forge")),
    "forge's types are not installed with the package",
  );
  t.deepEqual(declarationsReferring(installed, "node-forge"), []);
  const checked = typeCheck(project);
  t.is(checked.status, 0, checked.output);
  // The same check fails on a library whose declarations import node-forge, with the error users saw.
  const leaky = path.join(project, "node_modules", "leaky-library");
  fs.mkdirSync(leaky);
  fs.writeFileSync(
    path.join(leaky, "package.json"),
    JSON.stringify({ name: "leaky-library", version: "1.0.0", types: "index.d.ts" }),
  );
  fs.writeFileSync(
    path.join(leaky, "index.d.ts"),
    'import forge = require("node-forge");\nexport declare function sign(certificate: forge.pki.Certificate): void;\n',
  );
  t.deepEqual(declarationsReferring(leaky, "node-forge"), ["index.d.ts"]);
  fs.writeFileSync(
    path.join(project, "leak.ts"),
    'import { sign } from "leaky-library";\nexport const signer = sign;\n',
  );
  fs.writeFileSync(
    path.join(project, "tsconfig.leak.json"),
    JSON.stringify({ extends: "./tsconfig.json", files: ["leak.ts"] }),
  );
  const leak = typeCheck(project, "tsconfig.leak.json");
  t.not(leak.status, 0);
  t.regex(
    leak.output,
    /node_modules\/leaky-library\/index\.d\.ts\(1,\d+\): error TS7016: Could not find a declaration file for module 'node-forge'/,
  );
  for (const scratch of [leaky, path.join(project, "leak.ts"), path.join(project, "tsconfig.leak.json")])
    fs.rmSync(scratch, { recursive: true });
  const stateDir = path.join(root, "state");
  const env = userEnvironment(stateDir, path.join(root, "pulumi-home"));

  t.is(pulumi(["stack", "init", "dev"], project, env).status, 0);
  const up = pulumi(["up", "--yes"], project, env);
  t.is(up.status, 0, up.text);
  t.regex(up.stdout, /\+ 5 created/);
  t.notRegex(up.text, /PRIVATE KEY/);

  const shown = pulumi(["stack", "output", "--json", "--show-secrets"], project, env);
  t.is(shown.status, 0, shown.text);
  const outputs = JSON.parse(shown.stdout) as Record<string, any>;
  // openssl judges the certificate the user hands out, and the key the client signs with matches it.
  t.regex(x509(outputs["jwtCertificatePem"], "-subject"), /CN\s*=\s*ci\.acme\.example/);
  t.is(
    publicKeyOf({ privateKey: outputs["jwtPrivateKeyPem"] }),
    publicKeyOf({ certificate: outputs["jwtCertificatePem"] }),
  );
  t.regex(
    openssl(["verify", "-attime", String(epochSeconds(testNow())), "-CAfile", "c.pem", "c.pem"], {
      "c.pem": outputs["jwtCertificatePem"],
    }),
    /c\.pem: OK/,
  );
  // A partner's Python stack (pyca/cryptography, strict DER) loads the same certificate and key.
  const python = judgeWithPython(outputs["jwtCertificatePem"], outputs["jwtPrivateKeyPem"]);
  t.is(python.subject, "CN=ci.acme.example,O=Acme,C=DE");
  t.true(python.keyMatches);
  t.is(new Date(python.notAfter).toISOString(), new Date(outputs["jwtNotAfter"]).toISOString());
  t.regex(outputs["consumerKey"], /^[A-Za-z0-9._]+$/);
  t.regex(outputs["idpMetadataXml"], /<md:EntityDescriptor|<EntityDescriptor/);

  // Masked output: the secrets, also inside objects and arrays, never appear.
  const masked = pulumi(["stack", "output", "--json"], project, env);
  t.is(masked.status, 0, masked.text);
  for (const key of [outputs["jwtPrivateKeyPem"], outputs["nested"].list[0]])
    t.false(masked.stdout.includes(pemBody(key).slice(0, 64)));
  const ours = spawnSync(
    process.execPath,
    [
      path.join(project, "node_modules", "pulumi-salesforce-certs", "build", "provider", "cli", "main.js"),
      "outputs",
      "--stack",
      "dev",
      "--state",
      stateDir,
    ],
    {
      cwd: project,
      env,
      encoding: "utf8",
    },
  );
  t.is(ours.status, 0, ours.stderr);
  t.regex(ours.stdout, /key: \[secret\]/);
  t.false(
    ours.stdout.includes(pemBody(outputs["jwtPrivateKeyPem"]).slice(0, 64)),
    "salesforce-certs outputs masks a nested secret",
  );
  t.false(
    ours.stdout.includes(pemBody(outputs["nested"].list[0]).slice(0, 64)),
    "salesforce-certs outputs masks an array-held secret",
  );

  // The state holds private keys encrypted only.
  const state = fs.readFileSync(path.join(stateDir, ".pulumi", "stacks", "acme-certs", "dev.json"), "utf8");
  for (const needle of keyMaterial(outputs["jwtPrivateKeyPem"]))
    t.false(state.includes(needle), "the state holds the key encrypted only");
  // Bytes per resource (compact JSON of inputs + outputs), the figure the scale benchmark compares to a no-op
  // dynamic resource's (measured in state-size.test.ts).
  const entries = (
    JSON.parse(state).checkpoint.latest.resources as {
      type: string;
      urn: string;
      inputs?: unknown;
      outputs?: unknown;
    }[]
  ).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
  const sizes = entries.map((r) => JSON.stringify(r.inputs ?? {}).length + JSON.stringify(r.outputs ?? {}).length);
  for (const [i, r] of entries.entries()) t.log(`${r.urn.split("::").slice(-2).join(" ")}: ${sizes[i]} characters`);
  t.log(`mean: ${Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length)} characters per resource`);
  t.true(Math.max(...sizes) <= 8_800, `a resource over 8,800 characters: ${sizes.join(", ")}`);

  const unchanged = pulumi(["preview", "--expect-no-changes"], project, env);
  t.is(unchanged.status, 0, unchanged.text);

  // Inside the JWT certificate's renewal window (30 days before notAfter), the preview says it rotates, and why.
  const inWindow = new Date(Date.parse(outputs["jwtNotAfter"]) - 10 * 86_400_000).toISOString();
  const rotation = pulumi(["preview"], project, { ...env, SALESFORCE_CERTS_NOW: inWindow });
  t.is(rotation.status, 0, rotation.text);
  t.regex(
    rotation.text,
    /CertificateAndKeyPair Acme_CI_JWT: rotates now \(inside its renewal window since \S+\): a new key pair and certificate/,
  );
  t.regex(rotation.text, /~ +pulumi-nodejs:dynamic\/salesforce:CertificateAndKeyPair jwt update/);

  // A bad clock variable is named as bad input by check(), with no JavaScript stack trace.
  const badClock = pulumi(["preview"], project, { ...env, SALESFORCE_CERTS_NOW: "12" });
  t.not(badClock.status, 0);
  t.regex(
    badClock.text,
    /property SALESFORCE_CERTS_NOW value \{<nil>\} has a problem: must be an ISO 8601 instant with a time zone, such as 2027-01-31T00:00:00Z or 2027-01-31T10:00:00\+01:00 \(got "12"\); it sets the provider's clock/,
  );
  t.notRegex(badClock.text, /^\s+at .*:\d+:\d+\)?$/m);

  const refreshed = pulumi(["refresh", "--yes", "--expect-no-changes"], project, env);
  t.is(refreshed.status, 0, refreshed.text);

  const destroyed = pulumi(["destroy", "--yes"], project, env);
  t.is(destroyed.status, 0, destroyed.text);
  t.regex(destroyed.stdout, /- 5 deleted/);
});
