/**
 * No test depends on the machine's date: every TypeScript file under test/ is read with the TypeScript
 * parser and refused when it reads the real clock (`new Date()`, `Date.now()`, timers), calls a function
 * whose clock defaults to the machine's, makes a certificate with openssl's real-clock defaults, or has a
 * peer judge "now" (openssl verify without -attime, jose without currentDate, relative jose times). The
 * few legitimate uses are listed below, each with its reason. The tests' clock is test/helpers/test-clock.ts.
 */
import fs from "node:fs";
import path from "node:path";
import test from "ava";
import ts from "typescript";
import { repoRoot } from "../helpers/cli";

/** One use of the real clock: where, which rule, the source text. */
interface Finding {
  file: string;
  line: number;
  rule: string;
  text: string;
}

/** Functions of ours whose clock parameter (at this position) defaults to the machine's. */
const clockParameterPosition: Record<string, number> = { signJwtAssertion: 1, requestJwtBearerToken: 2 };

/** Modules that read the provider clock (SALESFORCE_CERTS_NOW, else the machine's) when called in-process. */
const providerClockModules =
  /provider\/((certificate|jwt-integration|saml-binding)\/provider|org\/org-login|jwt-integration\/own-connection)["']/;

function stringElements(node: ts.ArrayLiteralExpression): string[] {
  return node.elements.filter(ts.isStringLiteralLike).map((e) => e.text);
}

/** Every real-clock use in `source` (the text of `file`). */
export function realClockUses(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Finding[] = [];
  const add = (node: ts.Node, rule: string) =>
    found.push({
      file,
      line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
      rule,
      text: node.getText(sf).slice(0, 120),
    });
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && node.expression.getText(sf) === "Date" && (node.arguments?.length ?? 0) === 0)
      add(node, "new Date() reads the machine's clock");
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(sf);
      if (
        callee === "Date.now" ||
        callee === "performance.now" ||
        callee === "process.uptime" ||
        /^process\.hrtime(\.bigint)?$/.test(callee)
      )
        add(node, `${callee}() reads the machine's clock`);
      const name = callee.split(".").pop()!;
      const position = clockParameterPosition[name];
      if (position !== undefined && node.arguments.length <= position)
        add(node, `${name} without its clock argument signs at the machine's time`);
      if (name === "setIssuedAt" && node.arguments.length === 0)
        add(node, "jose setIssuedAt() without a time uses the machine's");
      if (
        (name === "setExpirationTime" || name === "setNotBefore") &&
        node.arguments[0] &&
        ts.isStringLiteralLike(node.arguments[0])
      )
        add(node, `jose ${name}("…") counts from the machine's time`);
      if (name === "jwtVerify") {
        const options = node.arguments[2];
        const hasDate =
          options &&
          ts.isObjectLiteralExpression(options) &&
          options.properties.some((p) => p.name?.getText(sf) === "currentDate");
        if (!hasDate) add(node, "jose jwtVerify without currentDate judges exp/nbf at the machine's time");
      }
    }
    if (ts.isArrayLiteralExpression(node)) {
      const words = stringElements(node);
      if (words[0] === "verify" && words.includes("-CAfile") && !words.includes("-attime"))
        add(node, "openssl verify without -attime judges at the machine's time");
      if (words[0] === "req" && words.includes("-x509"))
        add(node, "openssl req -x509 starts the certificate at the machine's now");
      if (words[0] === "x509" && words.includes("-req"))
        add(node, "openssl x509 -req starts the certificate at the machine's now");
      if (words[0] === "ca" && !words.includes("-startdate"))
        add(node, "openssl ca without -startdate starts at the machine's now");
      if (
        words.some((w) => w === "-genkeypair" || w === "-gencert" || w === "-selfcert") &&
        !words.includes("-startdate")
      )
        add(node, "keytool without -startdate starts at the machine's now");
      if (words[0] === "--verify" && !words.some((w) => w.startsWith("--verification-")))
        add(node, "xmlsec1 --verify without --verification-gmt-time judges at the machine's time");
    }
    if (
      ts.isDeleteExpression(node) &&
      /SALESFORCE_CERTS_NOW/.test(node.expression.getText(sf)) &&
      !node.expression.getText(sf).startsWith("process.env")
    ) {
      add(node, "unsets SALESFORCE_CERTS_NOW for a run: the provider then reads the machine's clock");
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (providerClockModules.test(source) && !/pinProviderClock\(|SALESFORCE_CERTS_NOW"\]\s*=[^=]/.test(source)) {
    found.push({
      file,
      line: 1,
      rule: "calls the provider in-process without setting its clock (pinProviderClock)",
      text: (providerClockModules.exec(source) ?? [""])[0],
    });
  }
  return found;
}

/**
 * The legitimate uses, by file and rule, each with why it may read the real clock. Nothing here decides
 * a date a test asserts: these measure durations, or are peers that cannot be given a clock.
 */
const allowed: { file: string; rule: RegExp; reason: string }[] = [
  { file: "test/bench/crypto.bench.ts", rule: /process\.hrtime/, reason: "a benchmark measures elapsed time" },
  { file: "test/bench/scale-harness.ts", rule: /process\.hrtime/, reason: "a benchmark measures elapsed time" },
  { file: "test/bench/scale.bench.ts", rule: /Date\.now/, reason: "a benchmark prints how long it ran" },
  { file: "test/bench/engine-cost-probe.ts", rule: /process\.hrtime/, reason: "a benchmark measures elapsed time" },
  {
    file: "test/peer/jwt-integration.test.ts",
    rule: /new Date\(\)/,
    reason:
      "@salesforce/core (sf org login jwt) signs its assertion at the machine's time and takes no clock: its token endpoint must judge at the same time",
  },
  {
    file: "test/unit/rotation/clock.test.ts",
    rule: /Date\.now/,
    reason:
      "checks that the provider falls back to the machine's clock when SALESFORCE_CERTS_NOW is empty: two reads of it compared, no date",
  },
];

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

test("the scanner finds each kind of real-clock use (a positive control for every rule)", (t) => {
  const bad = [
    "const a = new Date();",
    "const b = Date.now();",
    "const c = process.hrtime.bigint();",
    "signJwtAssertion(credential);",
    "await new jose.SignJWT({}).setIssuedAt().setExpirationTime('3m').sign(key);",
    "await jose.jwtVerify(token, key, { algorithms: ['RS256'] });",
    "openssl(['verify', '-CAfile', 'c.pem', 'c.pem']);",
    "run(['req', '-x509', '-newkey', 'rsa:2048']);",
    "run(['x509', '-req', '-in', 'a.csr', '-days', '30']);",
    "run(['ca', '-batch', '-in', 'a.csr']);",
    "keytool(['-genkeypair', '-alias', 'a'], {});",
    "spawnSync('xmlsec1', ['--verify', 'r.xml']);",
    'import { x } from "../../provider/jwt-integration/provider";',
    'delete env["SALESFORCE_CERTS_NOW"];',
  ].join("\n");
  t.deepEqual(
    realClockUses("bad.ts", bad)
      .map((f) => f.rule)
      .sort(),
    [
      "calls the provider in-process without setting its clock (pinProviderClock)",
      "new Date() reads the machine's clock",
      "Date.now() reads the machine's clock",
      "process.hrtime.bigint() reads the machine's clock",
      "signJwtAssertion without its clock argument signs at the machine's time",
      'jose setExpirationTime("…") counts from the machine\'s time',
      "jose setIssuedAt() without a time uses the machine's",
      "jose jwtVerify without currentDate judges exp/nbf at the machine's time",
      "openssl verify without -attime judges at the machine's time",
      "openssl req -x509 starts the certificate at the machine's now",
      "openssl x509 -req starts the certificate at the machine's now",
      "openssl ca without -startdate starts at the machine's now",
      "keytool without -startdate starts at the machine's now",
      "xmlsec1 --verify without --verification-gmt-time judges at the machine's time",
      "unsets SALESFORCE_CERTS_NOW for a run: the provider then reads the machine's clock",
    ].sort(),
  );
  const good = [
    "const a = new Date('2026-12-01T00:00:00Z');",
    "const b = new Date(testNow().getTime() + 1);",
    "signJwtAssertion(credential, testNow());",
    "await jose.jwtVerify(token, key, { currentDate: testNow() });",
    "openssl(['verify', '-attime', '1796202000', '-CAfile', 'c.pem', 'c.pem']);",
    "run(['ca', '-batch', '-startdate', s, '-enddate', e]);",
    'import { x } from "../../provider/jwt-integration/provider";\npinProviderClock();',
    'if (saved === undefined) delete process.env["SALESFORCE_CERTS_NOW"];',
  ].join("\n");
  t.deepEqual(realClockUses("good.ts", good), []);
});

test("no test or helper under test/ reads the real clock, but the allowed uses", (t) => {
  const findings = testFiles(path.join(repoRoot, "test")).flatMap((full) =>
    realClockUses(path.relative(repoRoot, full), fs.readFileSync(full, "utf8")),
  );
  const refused = findings.filter((f) => !allowed.some((a) => a.file === f.file && a.rule.test(f.rule)));
  t.deepEqual(
    refused.map((f) => `${f.file}:${f.line}: ${f.rule}: ${f.text}`),
    [],
  );
  // Every allow-list entry is still needed: a stale entry would hide the next real-clock use.
  const unused = allowed.filter((a) => !findings.some((f) => a.file === f.file && a.rule.test(f.rule)));
  t.deepEqual(
    unused.map((a) => a.file),
    [],
  );
});
