/**
 * The scale benchmark's harness through the real engine at tiny sizes, so that it cannot rot between
 * benchmark runs: every case creates its resources, the unchanged preview and `up` change nothing, the
 * checkpoint is sized, the engine's memory is seen, and the comparison computes every ratio. No timing
 * is asserted.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { peakOfProcessesNamed } from "../bench/process-tree-memory";
import { runScaleCase, type CaseResult } from "../bench/scale-harness";
import { compareScale, formatScaleComparison } from "../bench/scale-report";

test("the scale harness runs ours and the floor through the engine at N=1 and N=2 and compares them", async (t) => {
  const results: CaseResult[] = [];
  for (const n of [1, 2]) {
    for (const subject of ["floor", "ours"] as const) {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), `sfc-bench-harness-${subject}-${n}-`));
      t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
      const result = await runScaleCase(subject, n, { root });
      results.push(result);
      const label = `${subject} N=${n}`;
      // N + N resources, the stack; the default provider is not counted by the engine's summaries.
      t.deepEqual(result.create.changes, { create: 2 * n + 1 }, label);
      t.deepEqual(result.preview.changes, { same: 2 * n + 1 }, label);
      t.deepEqual(result.up.changes, { same: 2 * n + 1 }, label);
      t.is(result.state.resources, 2 * n, label);
      t.true(result.state.bytesPerResource > 0, label);
      t.true(result.state.entryBytesPerResource > result.state.bytesPerResource, label);
      t.true(result.state.checkpointFileBytes > 2 * n * result.state.bytesPerResource, label);
      for (const phase of [result.create, result.preview, result.up]) {
        t.true(phase.ms > 0, label);
        // A real engine process was seen (its binary alone is tens of MiB resident).
        t.true(peakOfProcessesNamed(phase.memory, "pulumi") > 20 * 1024 ** 2, `${label}: engine peak ${peakOfProcessesNamed(phase.memory, "pulumi")}`);
        t.true(phase.memory.peakTotalBytes >= peakOfProcessesNamed(phase.memory, "pulumi") * 0.5, label);
      }
      const types = Object.entries(result.state.byType).map(([type, { count }]) => `${type} ${count}`).sort();
      t.deepEqual(
        types,
        subject === "ours"
          ? [`pulumi-nodejs:dynamic/salesforce:CertificateAndKeyPair ${n}`, `pulumi-nodejs:dynamic/salesforce:JwtIntegration ${n}`]
          : [`pulumi-nodejs:dynamic/bench:NoOp ${2 * n}`],
      );
      // The harness deletes its stacks only when it made the folder; given one, the checkpoint stays for a look.
      t.true(fs.existsSync(path.join(root, "state", ".pulumi", "stacks", "sfc-bench", "bench.json")), label);
    }
  }

  const comparison = compareScale(results);
  t.deepEqual(comparison.sizes.map((s) => s.n), [1, 2]);
  for (const size of comparison.sizes) {
    t.deepEqual(size.warnings, [], `N=${size.n}`);
    for (const row of size.rows) t.true(Number.isFinite(row.ratio) && row.ratio > 0, `N=${size.n} ${row.measure}: ${row.ratio}`);
    // Ours stores certificates and keys; the floor a fixed word.
    t.true(size.rows.find((r) => r.measure.startsWith("state bytes/resource"))!.ratio > 1);
  }
  t.like(comparison.growth, { from: 1, to: 2 });
  for (const row of comparison.growth!.rows) t.true(Number.isFinite(row.ratio) && row.ratio > 0, row.measure);
  const text = formatScaleComparison(comparison);
  t.log(text);
  t.regex(text, /^N = 2 \(2 certificates \+ 2 JWT integrations/m);
  t.regex(text, /^unchanged preview .* ≤ 1\.3× floor +(PASS|MISS)$/m);
  t.regex(text, /^Growth from N = 1 to N = 2/m);
});
