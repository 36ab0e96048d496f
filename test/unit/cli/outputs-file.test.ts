/**
 * `--outputs FILE` that cannot be used, through `check`, `report` and `export-sfdx`: one `error:` line that
 * names the file and the problem, exit 2, no JavaScript stack trace, never the file's content; and the
 * gate never answers an all-clear for outputs that hold nothing to check.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { runCli } from "../../helpers/cli";

const hint = "give the output of pulumi stack output --json (or omit --outputs to read the stack)";
// Built at run time: no key-shaped literal in the sources (the start of a PEM key, cut short: not JSON).
const secretish = `{"keystores": {"X": "-----BEGIN ${"PRIVATE"} KEY-----MIIEvQIBADANBg`;

/** File name → content (undefined: not created; null: a folder), and the error each command prints. */
const cases: { file: string; content: string | null | undefined; error: string }[] = [
  { file: "missing.json", content: undefined, error: "--outputs missing.json: cannot be read (no such file)" },
  { file: "folder.json", content: null, error: "--outputs folder.json: cannot be read (is a directory, not a file)" },
  { file: "empty.json", content: "", error: `--outputs empty.json: is empty: ${hint}` },
  { file: "blank.json", content: " \n\t\n", error: `--outputs blank.json: is empty: ${hint}` },
  {
    file: "truncated.json",
    content: `${secretish}\n`,
    error: `--outputs truncated.json: is not valid JSON (line 1, column 63): ${hint}`,
  },
  { file: "yaml.json", content: "certificates:\n  X: {}\n", error: `--outputs yaml.json: is not valid JSON: ${hint}` },
  {
    file: "array.json",
    content: "[]",
    error: `--outputs array.json: must hold a JSON object of stack outputs (got an array): ${hint}`,
  },
  {
    file: "null.json",
    content: "null",
    error: `--outputs null.json: must hold a JSON object of stack outputs (got null): ${hint}`,
  },
  {
    file: "object.json",
    content: "{}",
    error:
      "stack outputs in object.json: certificates: is missing: these are not the outputs of a salesforce-certs inventory stack",
  },
];

for (const command of [["check", "--within", "30"], ["report"], ["export-sfdx", "--out", "sfdx"]]) {
  test(`${command[0]} --outputs: a missing, empty, non-JSON or foreign file is one error line naming it, exit 2`, (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-outputs-"));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    for (const { file, content, error } of cases) {
      if (content === null) fs.mkdirSync(path.join(dir, file));
      else if (content !== undefined) fs.writeFileSync(path.join(dir, file), content);
      const run = runCli(
        [...command, "--outputs", file, ...(command[0] === "export-sfdx" ? [] : ["--now", "2026-02-01T00:00:00Z"])],
        dir,
      );
      const expected =
        command[0] === "export-sfdx" && file === "object.json"
          ? "stack outputs in object.json: certificates: is missing or not an object: these are not the outputs of a salesforce-certs inventory stack"
          : error;
      t.is(run.status, 2, `${file}: ${run.stderr}`);
      t.is(run.stderr, `error: ${expected}\n`, file);
      t.is(run.stdout, "", file);
      t.false(run.stderr.includes("PRIVATE KEY"), "the content is never echoed");
      t.false(fs.existsSync(path.join(dir, "sfdx")), "export-sfdx wrote nothing");
    }
  });
}

test("check refuses outputs with no certificate or an unparseable date instead of passing them", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-outputs-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const check = (outputs: unknown) => {
    fs.writeFileSync(path.join(dir, "o.json"), JSON.stringify(outputs));
    return runCli(["check", "--within", "30", "--outputs", "o.json", "--now", "2026-02-01T00:00:00Z"], dir);
  };
  const empty = check({ certificates: {} });
  t.is(empty.status, 2);
  t.is(
    empty.stderr,
    "error: stack outputs in o.json: certificates: is empty: there is no certificate to check (run salesforce-certs up with an inventory, or give the outputs of such a stack)\n",
  );
  const badDate = check({
    certificates: { Idp: { notAfter: "next year", nextRotation: "2026-13-01T00:00:00Z" } },
    wiring: { Idp: [{ kind: "saml", name: "S" }] },
  });
  t.is(badDate.status, 2);
  t.is(
    badDate.stderr,
    [
      "error: stack outputs in o.json: 2 problems:",
      ' - certificates.Idp.notAfter: must be an ISO 8601 time such as 2027-01-31T00:00:00.000Z (got "next year")',
      ' - certificates.Idp.nextRotation: must be an ISO 8601 time such as 2027-01-31T00:00:00.000Z (got "2026-13-01T00:00:00Z")',
      "",
    ].join("\n"),
  );
  const wrongShape = check({ certificates: { Idp: { notAfter: "2026-02-10T00:00:00Z" } }, wiring: [] });
  t.is(wrongShape.status, 2);
  t.is(wrongShape.stderr, "error: stack outputs in o.json: wiring: must be an object (got an array)\n");
});
