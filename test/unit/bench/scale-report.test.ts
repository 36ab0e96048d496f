/**
 * The scale benchmark's comparison on made-up measurements: ratios, where the N=200 targets apply,
 * growth, PASS/MISS, and warnings when an "unchanged" run changed something.
 */
import test from "ava";
import type { TreeMemory } from "../../bench/process-tree-memory";
import type { CaseResult, ScaleSubject } from "../../bench/scale-harness";
import { compareScale, formatScaleComparison } from "../../bench/scale-report";

const mib = 1024 ** 2;
const memory = (engine: number): TreeMemory => ({ processes: [{ pid: 1, name: "pulumi", peakBytes: engine }, { pid: 2, name: "node", peakBytes: 50 * mib }], peakTotalBytes: engine + 50 * mib, samples: 3 });

function result(subject: ScaleSubject, n: number, scale: { create: number; preview: number; up: number; bytes: number; engine: number }, previewChanges = { same: 2 * n + 1 }): CaseResult {
  return {
    subject,
    n,
    create: { ms: scale.create, changes: { create: 2 * n + 1 }, memory: memory(scale.engine) },
    preview: { ms: scale.preview, changes: previewChanges, memory: memory(scale.engine) },
    up: { ms: scale.up, changes: { same: 2 * n + 1 }, memory: memory(scale.engine) },
    state: { resources: 2 * n, bytesPerResource: scale.bytes, entryBytesPerResource: scale.bytes + 1000, byType: {}, checkpointFileBytes: 2 * n * scale.bytes },
  };
}

const results = [
  result("floor", 50, { create: 5000, preview: 1000, up: 2000, bytes: 1000, engine: 100 * mib }),
  result("ours", 50, { create: 9000, preview: 1200, up: 3000, bytes: 3000, engine: 150 * mib }),
  result("floor", 200, { create: 20_000, preview: 4000, up: 8000, bytes: 1000, engine: 200 * mib }),
  result("ours", 200, { create: 90_000, preview: 5000, up: 9000, bytes: 3000, engine: 500 * mib }),
];

test("compareScale divides ours by the floor and applies the N=200 targets only at N=200", (t) => {
  const comparison = compareScale(results);
  const at = (n: number, measure: string) => comparison.sizes.find((s) => s.n === n)!.rows.find((r) => r.measure.startsWith(measure))!;
  t.is(at(50, "create").ratio, 1.8);
  t.is(at(50, "create").target, undefined);
  t.like(at(200, "create"), { ratio: 4.5, met: false });
  t.like(at(50, "unchanged preview"), { ratio: 1.2, met: true });
  t.like(at(50, "unchanged up"), { ratio: 1.5, met: false });
  t.like(at(200, "state bytes"), { ratio: 3, met: false });
  t.is(at(50, "engine peak RSS at create").target, undefined);
  t.like(at(200, "engine peak RSS at create"), { ratio: 2.5, met: false });
  t.deepEqual(comparison.sizes.flatMap((s) => s.warnings), []);
});

test("compareScale puts the N=200 targets on the largest size when the run stops below 200", (t) => {
  const small = [result("floor", 20, { create: 1000, preview: 500, up: 600, bytes: 1000, engine: 100 * mib }), result("ours", 20, { create: 1500, preview: 600, up: 700, bytes: 1500, engine: 120 * mib })];
  const comparison = compareScale(small);
  t.like(comparison.sizes[0]!.rows[0], { ratio: 1.5, met: true });
  t.is(comparison.growth, undefined);
});

test("compareScale keeps the N=200 targets at N=200 when the run goes beyond it", (t) => {
  const beyond = [...results, result("floor", 400, { create: 50_000, preview: 8000, up: 16_000, bytes: 1000, engine: 300 * mib }), result("ours", 400, { create: 300_000, preview: 9000, up: 17_000, bytes: 3000, engine: 900 * mib })];
  const comparison = compareScale(beyond);
  const targeted = (n: number) => comparison.sizes.find((s) => s.n === n)!.rows.filter((r) => r.target).map((r) => r.measure);
  t.deepEqual(targeted(400), ["unchanged preview", "unchanged up", "state bytes/resource (inputs+outputs)"]);
  t.deepEqual(targeted(200), ["create (up on an empty stack)", "unchanged preview", "unchanged up", "state bytes/resource (inputs+outputs)", "engine peak RSS at create (pulumi)"]);
  t.like(comparison.growth, { from: 50, to: 400 });
});

test("compareScale compares growth from the smallest to the largest size with the floor's", (t) => {
  const growth = compareScale(results).growth!;
  t.like(growth, { from: 50, to: 200 });
  t.like(growth.rows[0], { measure: "create", ours: 10, floor: 4, ratio: 2.5, met: false });
  t.like(growth.rows[1], { measure: "unchanged preview", met: undefined });
});

test("compareScale warns when an unchanged preview changed something, and fails without the floor", (t) => {
  const changed = [results[0]!, result("ours", 50, { create: 9000, preview: 1200, up: 3000, bytes: 3000, engine: 150 * mib }, { same: 99, update: 2 } as never)];
  t.deepEqual(compareScale(changed).sizes[0]!.warnings, ["ours N=50: the unchanged preview was not unchanged (update 2)"]);
  t.throws(() => compareScale([results[1]!]), { message: "no floor result at N=50" });
});

test("formatScaleComparison prints absolute values, ratios, targets and verdicts", (t) => {
  const text = formatScaleComparison(compareScale(results));
  t.regex(text, /^create \(up on an empty stack\) +90\.0 s +20\.0 s +4\.50× +≤ 2\.0× floor at N=200 +MISS$/m);
  t.regex(text, /^unchanged preview +1\.20 s +1\.00 s +1\.20× +≤ 1\.3× floor +PASS$/m);
  t.regex(text, /^state bytes\/resource \(inputs\+outputs\) +2\.9 KiB +1000 B +3\.00× +≤ 2× floor +MISS$/m);
  t.regex(text, /^engine peak RSS at create \(pulumi\) +500\.0 MiB +200\.0 MiB +2\.50× +≤ 2× floor at N=200 +MISS$/m);
  t.regex(text, /^create +10\.00× +4\.00× +2\.50× +≤ floor's growth +MISS$/m);
});
