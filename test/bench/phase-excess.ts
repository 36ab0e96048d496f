/**
 * @module Where ours' extra time goes in one engine command: ours minus the floor, in wall seconds and in
 * CPU seconds of each process (program, engine, provider plugin), and how much of the program's excess
 * the SDK's per-property work alone accounts for (floor-props minus the floor: the same no-ops, each
 * registering as many properties as ours do). Ours minus floor-props is then what our resources cost
 * the program beyond registering that many properties (their own work: views, checks, serialisation).
 */
import type { CaseResult, PhaseResult } from "./scale-harness";

/** The engine commands of a case. */
export const phases = [
  { phase: "create", read: (c: CaseResult): PhaseResult => c.create },
  { phase: "unchanged preview", read: (c: CaseResult): PhaseResult => c.preview },
  { phase: "unchanged up", read: (c: CaseResult): PhaseResult => c.up },
] as const;

/** Ours minus the floor in one engine command, in seconds. */
export interface PhaseExcess {
  phase: string;
  wallSeconds: number;
  programSeconds: number;
  /** floor-props' program CPU minus the floor's: the SDK's per-property work for as many properties as ours register. */
  sdkPropertiesSeconds: number;
  engineSeconds: number;
  pluginSeconds: number;
}

/** Ours minus the floor in each engine command. */
export function phaseExcesses(ours: CaseResult, floor: CaseResult, floorProps: CaseResult): PhaseExcess[] {
  return phases.map(({ phase, read }) => {
    const [o, f, p] = [read(ours), read(floor), read(floorProps)];
    return {
      phase,
      wallSeconds: (o.ms - f.ms) / 1000,
      programSeconds: o.cpu.programSeconds - f.cpu.programSeconds,
      sdkPropertiesSeconds: p.cpu.programSeconds - f.cpu.programSeconds,
      engineSeconds: o.cpu.engineSeconds - f.cpu.engineSeconds,
      pluginSeconds: o.cpu.pluginSeconds - f.cpu.pluginSeconds,
    };
  });
}

const signed = (seconds: number) => `${seconds >= 0 ? "+" : "−"}${Math.abs(seconds).toFixed(2)} s`;

/** One line per engine command, e.g. `unchanged preview: wall +2.30 s; CPU: program +2.70 s (SDK per-property work +0.90 s), engine +0.55 s, plugin +0.45 s`. */
export function formatPhaseExcess(excess: PhaseExcess): string {
  return (
    `${excess.phase}: wall ${signed(excess.wallSeconds)}; CPU: program ${signed(excess.programSeconds)} ` +
    `(SDK per-property work ${signed(excess.sdkPropertiesSeconds)}, ours beyond it ${signed(excess.programSeconds - excess.sdkPropertiesSeconds)}), ` +
    `engine ${signed(excess.engineSeconds)}, plugin ${signed(excess.pluginSeconds)}`
  );
}
