/**
 * printOutputs lays out what `pulumi stack output --json` gives (secrets already "[secret]" at any depth):
 * PEM as indented blocks, nested objects and arrays as indented keys. That secrets nested in objects and
 * arrays never print is proven end to end in test/e2e/consumer-project.test.ts.
 */
import test from "ava";
import { printOutputs } from "../../../provider/cli/print-outputs";

test("printOutputs indents multi-line, nested and array values, and keeps [secret] at any depth", (t) => {
  const lines: string[] = [];
  printOutputs(
    {
      key: "[secret]",
      cert: "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n",
      files: { "certs/A.crt": "x\ny" },
      nested: { c: { key: "[secret]" }, list: ["[secret]", 1] },
      size: 2048,
    },
    (line) => lines.push(line),
  );
  t.deepEqual(lines, [
    "\nStack outputs (secrets hidden):",
    "  cert:",
    "    -----BEGIN CERTIFICATE-----",
    "    BBBB",
    "    -----END CERTIFICATE-----",
    "  files:",
    "    certs/A.crt:",
    "      x",
    "      y",
    "  key: [secret]",
    "  nested:",
    "    c:",
    "      key: [secret]",
    "    list:",
    "      [0]: [secret]",
    "      [1]: 1",
    "  size: 2048",
  ]);
});
