/**
 * @module The scale benchmark's comparison: each measure of ours divided by the floor's at the same size,
 * the growth from the smallest to the largest size, and the targets beside them with PASS or MISS.
 * Beside each, as context, ours divided by "floor-props" (the floor with as many registered properties
 * per resource as ours): the targets stay against the plain floor. Informational: a miss is printed,
 * never thrown (speed targets are never timed assertions).
 */
import { formatPhaseExcess, phaseExcesses, type PhaseExcess } from "./phase-excess";
import { peakOfProcessesNamed } from "./process-tree-memory";
import type { CaseResult, PhaseResult } from "./scale-harness";

/** The size at which the issue sets the create-time and peak-memory targets. */
export const targetSize = 200;

/** A target on a ratio (ours / floor, or ours' growth / floor's growth). */
export interface Target {
  /** Highest ratio that meets the target. */
  max: number;
  /** As printed, e.g. `≤ 2.0× floor`. */
  text: string;
}

/** How a measure is printed: seconds, bytes, or a plain count. */
export type MeasureUnit = "s" | "B" | "count";

/** One compared measure at one size. */
export interface ComparedRow {
  measure: string;
  unit: MeasureUnit;
  ours: number;
  floor: number;
  /** ours / floor. */
  ratio: number;
  floorProps: number;
  /** ours / floor-props: context, no target. */
  ratioToFloorProps: number;
  target?: Target;
  /** Whether the ratio meets the target (absent without a target). */
  met?: boolean;
}

/** Ours against the floor at one size. */
export interface SizeComparison {
  n: number;
  rows: ComparedRow[];
  /** Ours minus the floor in each engine command, by process. */
  excess: PhaseExcess[];
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
  floorProps: number;
  /** ours' growth / floor-props' growth. */
  ratioToFloorProps: number;
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

type Measure = {
  measure: string;
  unit: MeasureUnit;
  read: (c: CaseResult) => number;
  target?: (n: number, largest: number) => Target | undefined;
};

/** An engine command's wall time, then the CPU seconds of each process in it (indented under it). */
function phaseMeasures(measure: string, phase: (c: CaseResult) => PhaseResult, target?: Measure["target"]): Measure[] {
  return [
    { measure, unit: "s", read: (c) => phase(c).ms / 1000, ...(target ? { target } : {}) },
    { measure: "  CPU: program (bench process)", unit: "s", read: (c) => phase(c).cpu.programSeconds },
    { measure: "  CPU: engine (pulumi)", unit: "s", read: (c) => phase(c).cpu.engineSeconds },
    { measure: "  CPU: provider plugin (node)", unit: "s", read: (c) => phase(c).cpu.pluginSeconds },
  ];
}

/** The measures compared, with how each is read from a case. */
const measures: Measure[] = [
  ...phaseMeasures(
    "create (up on an empty stack)",
    (c) => c.create,
    (n, largest) => (atTargetSize(n, largest) ? createTarget : undefined),
  ),
  ...phaseMeasures(
    "unchanged preview",
    (c) => c.preview,
    () => unchangedTarget,
  ),
  ...phaseMeasures(
    "unchanged up",
    (c) => c.up,
    () => unchangedTarget,
  ),
  { measure: "registered properties/resource (SDK)", unit: "count", read: (c) => c.registered.propertiesPerResource },
  {
    measure: "state bytes/resource (inputs+outputs)",
    unit: "B",
    read: (c) => c.state.bytesPerResource,
    target: () => bytesTarget,
  },
  { measure: "checkpoint entry bytes/resource", unit: "B", read: (c) => c.state.entryBytesPerResource },
  { measure: "checkpoint file", unit: "B", read: (c) => c.state.checkpointFileBytes },
  {
    measure: "engine peak RSS at create (pulumi)",
    unit: "B",
    read: (c) => peakOfProcessesNamed(c.create.memory, "pulumi"),
    target: (n, largest) => (atTargetSize(n, largest) ? memoryTarget : undefined),
  },
  {
    measure: "provider peak RSS at create (node)",
    unit: "B",
    read: (c) => peakOfProcessesNamed(c.create.memory, "node"),
  },
  { measure: "process tree peak RSS at create (sum)", unit: "B", read: (c) => c.create.memory.peakTotalBytes },
  {
    measure: "engine peak RSS, unchanged up (pulumi)",
    unit: "B",
    read: (c) => peakOfProcessesNamed(c.up.memory, "pulumi"),
  },
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
      const floorProps = pick("floor-props", n);
      const rows = measures.map(({ measure, unit, read, target }) =>
        row(measure, unit, read(ours), read(floor), read(floorProps), target?.(n, largest)),
      );
      const warnings: string[] = [];
      for (const c of [ours, floor, floorProps]) {
        for (const [phase, result] of [
          ["unchanged preview", c.preview],
          ["unchanged up", c.up],
        ] as const) {
          const changes = unexpectedChanges(result.changes);
          if (changes) warnings.push(`${c.subject} N=${n}: the ${phase} was not unchanged (${changes})`);
        }
        if (c.state.resources !== 2 * n)
          warnings.push(`${c.subject} N=${n}: ${c.state.resources} resources in state, expected ${2 * n}`);
      }
      return { n, rows, excess: phaseExcesses(ours, floor, floorProps), warnings };
    }),
  };
  if (sizes.length >= 2) {
    const from = sizes[0]!;
    const growthOf = (subject: CaseResult["subject"], read: (c: CaseResult) => number) =>
      read(pick(subject, largest)) / read(pick(subject, from));
    const growth = (measure: string, read: (c: CaseResult) => number, target?: Target): GrowthRow => {
      const ours = growthOf("ours", read);
      const floor = growthOf("floor", read);
      const floorProps = growthOf("floor-props", read);
      const ratio = ours / floor;
      return {
        measure,
        ours,
        floor,
        ratio,
        floorProps,
        ratioToFloorProps: ours / floorProps,
        ...(target ? { target, met: ratio <= target.max } : {}),
      };
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

function row(
  measure: string,
  unit: MeasureUnit,
  ours: number,
  floor: number,
  floorProps: number,
  target: Target | undefined,
): ComparedRow {
  const ratio = ours / floor;
  return {
    measure,
    unit,
    ours,
    floor,
    ratio,
    floorProps,
    ratioToFloorProps: ours / floorProps,
    ...(target ? { target, met: ratio <= target.max } : {}),
  };
}

function formatValue(value: number, unit: MeasureUnit): string {
  if (unit === "s") return `${value.toFixed(value < 10 ? 2 : 1)} s`;
  if (unit === "count") return value.toFixed(1);
  if (value >= 1024 ** 3) return `${(value / 1024 ** 3).toFixed(2)} GiB`;
  if (value >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${Math.round(value)} B`;
}

function verdict(met: boolean | undefined): string {
  return met === undefined ? "" : met ? "PASS" : "MISS";
}

/** A table line: the measure, ours, the floor, ours/floor, the target and verdict, then floor-props and ours/floor-props. */
function tableLine(cells: {
  measure: string;
  ours: string;
  floor: string;
  ratio: string;
  target: string;
  floorProps: string;
  ratioToFloorProps: string;
}): string {
  return (
    `${cells.measure.padEnd(40)} ${cells.ours.padStart(11)} ${cells.floor.padStart(11)} ${cells.ratio.padStart(10)}   ${cells.target.padEnd(27)}` +
    ` ${cells.floorProps.padStart(11)} ${cells.ratioToFloorProps.padStart(13)}`
  ).trimEnd();
}

const header = tableLine({
  measure: "measure",
  ours: "ours",
  floor: "floor",
  ratio: "ours/floor",
  target: "target",
  floorProps: "floor-props",
  ratioToFloorProps: "ours/fl-props",
});
const times = (ratio: number) => `${ratio.toFixed(2)}×`;
const targetCell = (r: { target?: Target; met?: boolean }) =>
  r.target ? `${r.target.text.padEnd(22)} ${verdict(r.met)}` : "";

/** The comparison as a text table: absolute values, ratios, targets, PASS/MISS; floor-props as context; where ours' extra time goes. */
export function formatScaleComparison(comparison: ScaleComparison): string {
  const lines: string[] = [];
  for (const size of comparison.sizes) {
    lines.push(
      "",
      `N = ${size.n} (${size.n} certificates + ${size.n} JWT integrations; floor: ${size.n} + ${size.n} no-op resources; ` +
        `floor-props: the same no-ops, each registering as many properties as ours do on average)`,
      header,
    );
    for (const r of size.rows) {
      const value = (v: number) => formatValue(v, r.unit);
      lines.push(
        tableLine({
          measure: r.measure,
          ours: value(r.ours),
          floor: value(r.floor),
          ratio: times(r.ratio),
          target: targetCell(r),
          floorProps: value(r.floorProps),
          ratioToFloorProps: times(r.ratioToFloorProps),
        }),
      );
    }
    lines.push(
      `Where ours' extra time goes at N = ${size.n} (ours − floor; the program's excess split into the SDK's per-property work, floor-props − floor, and ours beyond it):`,
    );
    for (const excess of size.excess) lines.push(`  ${formatPhaseExcess(excess)}`);
    for (const warning of size.warnings) lines.push(`WARNING: ${warning}`);
  }
  if (comparison.growth) {
    const { from, to, rows } = comparison.growth;
    lines.push(
      "",
      `Growth from N = ${from} to N = ${to} (${(to / from).toFixed(1)}× the resources): value at N=${to} / value at N=${from}`,
      header,
    );
    for (const r of rows) {
      lines.push(
        tableLine({
          measure: r.measure,
          ours: times(r.ours),
          floor: times(r.floor),
          ratio: times(r.ratio),
          target: targetCell(r),
          floorProps: times(r.floorProps),
          ratioToFloorProps: times(r.ratioToFloorProps),
        }),
      );
    }
  }
  return lines.join("\n");
}
