/**
 * printOutputs shows secrets as [secret], never their value, and lays out PEM and nested objects.
 */
import test from "ava";
import { printOutputs } from "../../../provider/cli/print-outputs";

test("printOutputs hides secrets and indents multi-line and nested values", (t) => {
  const lines: string[] = [];
  printOutputs(
    {
      key: { value: "secret line one\nsecret line two\n", secret: true },
      cert: { value: "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n", secret: false },
      files: { value: { "certs/A.crt": "x\ny" }, secret: false },
      size: { value: 2048, secret: false },
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
    "  size: 2048",
  ]);
});
