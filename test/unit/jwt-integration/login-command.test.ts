/**
 * `sfLoginJwtCommand` run as CI runs it: in bash and in POSIX sh (dash), with a stub `sf` first on PATH
 * that records each call's arguments and `SF_AUDIENCE_URL`. Each value must arrive as exactly one
 * argument, byte for byte, and nothing else may run: hostile values try command substitution, quote
 * breaking, separators and globs, and leave a marker file if any of it runs.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import {
  createJwtIntegration,
  jwtIntegrationViews,
  shellWord,
  type JwtViewSource,
} from "../../../provider/jwt-integration/lifecycle";
import { checkJwtIntegrationArgs } from "../../../provider/jwt-integration/args";

/** What one run of a command line did: the stub's calls, and every file it left in the working folder. */
interface ShellRun {
  status: number | null;
  stderr: string;
  calls: { argv: string[]; audience: string | null }[];
  created: string[];
}

const shells = ["bash", "sh"] as const;

/** Runs `command` with `shell -c` in a fresh folder whose `bin/sf` is the recording stub. */
function runInShell(shell: (typeof shells)[number], command: string): ShellRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-login-command-"));
  try {
    const bin = path.join(dir, "bin");
    const log = path.join(dir, "sf-calls.jsonl");
    fs.mkdirSync(bin);
    // The stub is Node itself, so the record is exact whatever the arguments hold (quotes, newlines).
    fs.writeFileSync(
      path.join(bin, "sf"),
      `#!${process.execPath}\nrequire("node:fs").appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), audience: process.env.SF_AUDIENCE_URL ?? null }) + "\\n");\n`,
      { mode: 0o755 },
    );
    const env: NodeJS.ProcessEnv = { PATH: `${bin}${path.delimiter}${process.env["PATH"] ?? ""}`, HOME: dir };
    const result = spawnSync(shell, ["-c", command], { cwd: dir, env, encoding: "utf8", timeout: 30_000 });
    const calls = fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as ShellRun["calls"][number])
      : [];
    const created = fs
      .readdirSync(dir)
      .filter((name) => name !== "bin" && name !== "sf-calls.jsonl")
      .sort();
    return { status: result.status, stderr: result.stderr, calls, created };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The arguments `sf` must receive for a command with this client id, username and login URL. */
const expectedArgv = (clientId: string, username: string, loginUrl: string) => [
  "org",
  "login",
  "jwt",
  "--client-id",
  clientId,
  "--username",
  username,
  "--jwt-key-file",
  "server.key",
  "--instance-url",
  loginUrl,
];

/** Checked arguments as the resource passes them; the certificate's facts are stand-ins (no certificate is made). */
function checkedInputs(change: Record<string, unknown>) {
  const result = checkJwtIntegrationArgs({
    apiName: "Acme_CI",
    label: "Acme CI",
    contactEmail: "ops@acme.example",
    username: "ci@acme.example",
    audience: "https://login.salesforce.com",
    preAuthorized: { permissionSets: ["Deployer"] },
    consumerKey: "AcmeConsumerKey1",
    privateKeyExportable: true,
    certificateSha256Fingerprint: "AA:BB",
    certificateNotAfter: "2028-01-01T00:00:00.000Z",
    ...change,
  });
  return result;
}

test("the command of valid but awkward inputs passes each value as one argument, and runs nothing else", (t) => {
  // Each is valid: a quote in a username (RFC 5322 allows it), and URL paths that are their own canonical form.
  const username = "o'brien@acme.example";
  const audience = "https://acme.example/$(touch$IFS./pwned-audience)";
  const loginUrl = "https://login.example/';touch$IFS./pwned-login;'";
  const checked = checkedInputs({ username, audience, loginUrl });
  if (!checked.ok) return t.fail(JSON.stringify(checked.issues));
  const state = createJwtIntegration(checked.inputs);
  t.is(
    state.sfLoginJwtCommand,
    `SF_AUDIENCE_URL='https://acme.example/$(touch$IFS./pwned-audience)' sf org login jwt --client-id 'AcmeConsumerKey1A' --username 'o'\\''brien@acme.example' --jwt-key-file server.key --instance-url 'https://login.example/'\\'';touch$IFS./pwned-login;'\\'''`,
  );
  for (const shell of shells) {
    const run = runInShell(shell, state.sfLoginJwtCommand);
    t.is(run.status, 0, `${shell}: ${run.stderr}`);
    t.is(run.stderr, "", shell);
    t.deepEqual(run.calls, [{ argv: expectedArgv("AcmeConsumerKey1A", username, loginUrl), audience }], shell);
    t.deepEqual(run.created, [], shell);
  }
});

test("the command quotes any value, even one no rule would let through", (t) => {
  const hostile = [
    "a'b",
    "a'\\''b",
    "'",
    "''",
    '"$(touch ./pwned-1)"',
    "$(touch ./pwned-2)",
    "`touch ./pwned-3`",
    "x; touch ./pwned-4",
    "x && touch ./pwned-5",
    "x | tee ./pwned-6",
    "x\ntouch ./pwned-7",
    "x > ./pwned-8",
    "${IFS}$HOME~*?[a]{b,c}!!",
    "back\\slash\\",
    "tab\there",
    " leading and trailing ",
    "",
  ];
  for (const value of hostile) {
    const source = {
      label: "L",
      contactEmail: "ops@acme.example",
      username: value,
      audience: `${value}-audience`,
      loginUrl: `${value}-login`,
      scopes: ["Api"],
      preAuthorized: { permissionSets: ["Deployer"], profiles: [] },
      appType: "ExternalClientApp",
      strategy: "inPlace",
      activeSlot: "A",
      slots: { A: { appName: "Acme_CI", consumerKey: `${value}-key` } },
      slotKeys: {},
    } as JwtViewSource;
    const { sfLoginJwtCommand } = jwtIntegrationViews(source);
    for (const shell of shells) {
      const run = runInShell(shell, sfLoginJwtCommand);
      t.is(run.status, 0, `${shell} ${JSON.stringify(value)}: ${run.stderr}`);
      t.deepEqual(
        run.calls,
        [{ argv: expectedArgv(`${value}-key`, value, `${value}-login`), audience: `${value}-audience` }],
        `${shell} ${JSON.stringify(value)}`,
      );
      t.deepEqual(run.created, [], `${shell} ${JSON.stringify(value)}`);
    }
  }
  t.is(shellWord("o'brien"), "'o'\\''brien'");
});

test("the judge sees an unquoted command run what a value holds, and break on a quote", (t) => {
  // The command as it would be without quoting: the stub and the marker check must catch both.
  const injected = runInShell(
    "bash",
    "sf org login jwt --username ci$(touch${IFS}./pwned)@acme.example --instance-url https://login.salesforce.com",
  );
  t.deepEqual(injected.created, ["pwned"]);
  t.deepEqual(injected.calls, [
    {
      argv: ["org", "login", "jwt", "--username", "ci@acme.example", "--instance-url", "https://login.salesforce.com"],
      audience: null,
    },
  ]);
  const broken = runInShell(
    "bash",
    "sf org login jwt --username o'brien@acme.example --instance-url https://login.salesforce.com",
  );
  t.not(broken.status, 0);
  t.deepEqual(broken.calls, []);
});

test("check refuses the hostile username of the report, naming the character", (t) => {
  const checked = checkedInputs({ username: "ci$(touch${IFS}/tmp/pwned)@acme.example" });
  t.deepEqual(checked.ok ? [] : checked.issues, [
    {
      path: "username",
      message:
        'must be a Salesforce username, shaped like an e-mail address (name@example.com.prod), at most 80 characters: "$" at character 3 is not allowed in one (got "ci$(touch${IFS}/tmp/pwned)@acme.exam…)',
    },
  ]);
});
