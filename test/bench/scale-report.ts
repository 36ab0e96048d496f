/**
 * @module The scale benchmark's comparison: each measure of ours divided by the floor's at the same size,
 * the growth from the smallest to the largest size, and the issue's targets beside them with PASS or MISS.
 * Informational: a miss is printed, never thrown (speed targets are never timed assertions).
 */
import { peakOfProcessesNamed } from "./process-tree-memory";
import type { CaseResult } from "./scale-harness";

/** The size at which the issue sets the create-time and peak-memory targets. */
export const targetSize = 200;

/** A target on a ratio (ours / floor, or ours' growth / floor's growth). */
export interface Target {
  /** Highest ratio that meets the target. */
  max: number;
  /** As printed, e.g. `≤ 2.0× floor`. */
  text: string;
}

/** One compared measure at one size. */
export interface ComparedRow {
  measure: string;
  unit: "s" | "B";
  ours: number;
  floor: number;
  /** ours / floor. */
  ratio: number;
  target?: Target;
  /** Whether the ratio meets the target (absent without a target). */
  met?: boolean;
}

/** Ours against the floor at one size. */
export interface SizeComparison {
  n: number;
  rows: ComparedRow[];
  /** Engine commands that should have changed nothing but did (a fault the timings would hide). */
  warnings: string[];
}

/** Growth from the smallest to the largest size (large / small), ours against the floor's. */
export interface GrowthRow {
  measure: string;
  ours: number;
  floor: number;
  /** ours' growth / floor's growth: ≤ 1 is "no worse than the floor's own". */
  ratio: number;
  target?: Target;
  met?: boolean;
}

/** The whole comparison. */
export interface ScaleComparison {
  sizes: SizeComparison[];
  growth?: { from: number; to: number; rows: GrowthRow[] };
}

const bytesTarget: Target = { max: 2, text: "≤ 2× floor" };
const createTarget: Target = { max: 2, text: `≤ 2.0× floor at N=${targetSize}` };
const unchangedTarget: Target = { max: 1.3, text: "≤ 1.3× floor" };
const memoryTarget: Target = { max: 2, text: `≤ 2× floor at N=${targetSize}` };
const growthTarget: Target = { max: 1, text: "≤ floor's growth" };

/** The measures compared, with how each is read from a case. */
const measures: { measure: string; unit: "s" | "B"; read: (c: CaseResult) => number; target?: (n: number, largest: number) => Target | undefined }[] = [
  { measure: "create (up on an empty stack)", unit: "s", read: (c) => c.create.ms / 1000, target: (n, largest) => (atTargetSize(n, largest) ? createTarget : undefined) },
  { measure: "unchanged preview", unit: "s", read: (c) => c.preview.ms / 1000, target: () => unchangedTarget },
  { measure: "unchanged up", unit: "s", read: (c) => c.up.ms / 1000, target: () => unchangedTarget },
  { measure: "state bytes/resource (inputs+outputs)", unit: "B", read: (c) => c.state.bytesPerResource, target: () => bytesTarget },
  { measure: "checkpoint entry bytes/resource", unit: "B", read: (c) => c.state.entryBytesPerResource },
  { measure: "checkpoint file", unit: "B", read: (c) => c.state.checkpointFileBytes },
  { measure: "engine peak RSS at create (pulumi)", unit: "B", read: (c) => peakOfProcessesNamed(c.create.memory, "pulumi"), target: (n, largest) => (atTargetSize(n, largest) ? memoryTarget : undefined) },
  { measure: "provider peak RSS at create (node)", unit: "B", read: (c) => peakOfProcessesNamed(c.create.memory, "node") },
  { measure: "process tree peak RSS at create (sum)", unit: "B", read: (c) => c.create.memory.peakTotalBytes },
  { measure: "engine peak RSS, unchanged up (pulumi)", unit: "B", read: (c) => peakOfProcessesNamed(c.up.memory, "pulumi") },
];

/** The N=200 targets apply at N=200, or at the largest size when the run did not reach 200. */
function atTargetSize(n: number, largest: number): boolean {
  return n === targetSize || (largest < targetSize && n === largest);
}

/** What changed in an engine command, when anything but "same". */
function unexpectedChanges(changes: Record<string, number>): string | undefined {
  const other = Object.entries(changes).filter(([op, count]) => op !== "same" && count > 0);
  return other.length === 0 ? undefined : other.map(([op, count]) => `${op} ${count}`).join(", ");
}

/**
 * Compares ours with the floor at every size both were run at.
 *
 * @throws Error when a size lacks one of the two subjects.
 */
export function compareScale(results: CaseResult[]): ScaleComparison {
  const sizes = [...new Set(results.map((r) => r.n))].sort((a, b) => a - b);
  const pick = (subject: CaseResult["subject"], n: number) => {
    const found = results.find((r) => r.subject === subject && r.n === n);
    if (!found) throw new Error(`no ${subject} result at N=${n}`);
    return found;
  };
  const largest = sizes[sizes.length - 1]!;
  const comparison: ScaleComparison = {
    sizes: sizes.map((n) => {
      const ours = pick("ours", n);
      const floor = pick("floor", n);
      const rows = measures.map(({ measure, unit, read, target }) => row(measure, unit, read(ours), read(floor), target?.(n, largest)));
      const warnings: string[] = [];
      for (const c of [ours, floor]) {
        for (const [phase, result] of [["unchanged preview", c.preview], ["unchanged up", c.up]] as const) {
          const changes = unexpectedChanges(result.changes);
          if (changes) warnings.push(`${c.subject} N=${n}: the ${phase} was not unchanged (${changes})`);
        }
        if (c.state.resources !== 2 * n) warnings.push(`${c.subject} N=${n}: ${c.state.resources} resources in state, expected ${2 * n}`);
      }
      return { n, rows, warnings };
    }),
  };
  if (sizes.length >= 2) {
    const from = sizes[0]!;
    const growthOf = (subject: CaseResult["subject"], read: (c: CaseResult) => number) => read(pick(subject, largest)) / read(pick(subject, from));
    const growth = (measure: string, read: (c: CaseResult) => number, target?: Target): GrowthRow => {
      const ours = growthOf("ours", read);
      const floor = growthOf("floor", read);
      const ratio = ours / floor;
      return { measure, ours, floor, ratio, ...(target ? { target, met: ratio <= target.max } : {}) };
    };
    comparison.growth = {
      from,
      to: largest,
      rows: [
        growth("create", (c) => c.create.ms, growthTarget),
        growth("unchanged preview", (c) => c.preview.ms),
        growth("unchanged up", (c) => c.up.ms),
        growth("engine peak RSS at create", (c) => peakOfProcessesNamed(c.create.memory, "pulumi")),
      ],
    };
  }
  return comparison;
}

function row(measure: string, unit: "s" | "B", ours: number, floor: number, target: Target | undefined): ComparedRow {
  const ratio = ours / floor;
  return { measure, unit, ours, floor, ratio, ...(target ? { target, met: ratio <= target.max } : {}) };
}

function formatValue(value: number, unit: "s" | "B"): string {
  if (unit === "s") return `${value.toFixed(value < 10 ? 2 : 1)} s`;
  if (value >= 1024 ** 3) return `${(value / 1024 ** 3).toFixed(2)} GiB`;
  if (value >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${Math.round(value)} B`;
}

function verdict(met: boolean | undefined): string {
  return met === undefined ? "" : met ? "PASS" : "MISS";
}

/** The comparison as a text table: absolute values, ratios, targets, PASS/MISS. */
export function formatScaleComparison(comparison: ScaleComparison): string {
  const lines: string[] = [];
  const header = `${"measure".padEnd(40)} ${"ours".padStart(11)} ${"floor".padStart(11)} ${"ours/floor".padStart(10)}   target`;
  for (const size of comparison.sizes) {
    lines.push("", `N = ${size.n} (${size.n} certificates + ${size.n} JWT integrations; floor: ${size.n} + ${size.n} no-op resources)`, header);
    for (const r of size.rows) {
      const target = r.target ? `${r.target.text.padEnd(22)} ${verdict(r.met)}` : "";
      lines.push(`${r.measure.padEnd(40)} ${formatValue(r.ours, r.unit).padStart(11)} ${formatValue(r.floor, r.unit).padStart(11)} ${`${r.ratio.toFixed(2)}×`.padStart(10)}   ${target}`.trimEnd());
    }
    for (const warning of size.warnings) lines.push(`WARNING: ${warning}`);
  }
  if (comparison.growth) {
    const { from, to, rows } = comparison.growth;
    lines.push("", `Growth from N = ${from} to N = ${to} (${(to / from).toFixed(1)}× the resources): value at N=${to} / value at N=${from}`);
    lines.push(`${"measure".padEnd(40)} ${"ours".padStart(11)} ${"floor".padStart(11)} ${"ours/floor".padStart(10)}   target`);
    for (const r of rows) {
      const target = r.target ? `${r.target.text.padEnd(22)} ${verdict(r.met)}` : "";
      lines.push(`${r.measure.padEnd(40)} ${`${r.ours.toFixed(2)}×`.padStart(11)} ${`${r.floor.toFixed(2)}×`.padStart(11)} ${`${r.ratio.toFixed(2)}×`.padStart(10)}   ${target}`.trimEnd());
    }
  }
  return lines.join("\n");
}
