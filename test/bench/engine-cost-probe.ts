/**
 * @module Probe: what in our resources makes the Pulumi engine slow and large, measured one trait at a
 * time. Each case creates a fresh stack (create only, the phase where the engine writes the checkpoint
 * after every step) of either our resources or a variant of the no-op floor (engine-cost-variants.ts),
 * optionally with engine environment knobs, and reports: wall time; the engine's (`pulumi`) peak RSS and
 * CPU seconds; the dynamic-provider plugin's CPU; the Go heap as the engine's own GC trace saw it
 * (GODEBUG=gctrace=1: the largest heap at a GC's start, and the largest live heap after one); and the
 * checkpoint's size.
 *
 *   PROBE_CASES=floor,secret3,ours+skip   cases: a variant name (engine-cost-variants.ts) or "ours",
 *                                          then "+knob" for each knob (see `knobs` below)
 *   PROBE_SIZES=200                        sizes N (N "a" + N "b" resources each)
 *   PROBE_REPEAT=1                         runs of each case at each size, interleaved round by round
 *   PROBE_JSON=file                        also write every run as JSON
 *
 * Run: npm run build && npm exec -- node build/test/bench/engine-cost-probe.js
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { openLocalStack, stateFilePath } from "../../provider/engine/local-stack";
import { floorVariants } from "./engine-cost-variants";
import { cpuOfProcessesNamed, monitorProcessTree, peakOfProcessesNamed, type TreeMemory } from "./process-tree-memory";
import { benchPassphrase, measureState, scaleProgram, type StateSize } from "./scale-harness";

/** Engine environment knobs a case can add, by name. */
const knobs: Record<string, Record<string, string>> = {
  skip: { PULUMI_SKIP_CHECKPOINTS: "true" },
  gogc50: { GOGC: "50" },
  gogc25: { GOGC: "25" },
  memlimit256: { GOMEMLIMIT: "256MiB" },
  memlimit128: { GOMEMLIMIT: "128MiB" },
  nobackups: { PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true" },
  gzip: { PULUMI_DIY_BACKEND_GZIP: "true" },
  nosecretcache: { PULUMI_DISABLE_SECRET_CACHE: "true" },
  parallel4: { PULUMI_PARALLEL: "4" },
};

/** What the Go runtime's GC trace said over one command. */
interface GcTrace {
  gcs: number;
  /** The largest heap at the start of a GC, in MB. */
  maxHeapMb: number;
  /** The largest live heap after a GC's mark, in MB. */
  maxLiveMb: number;
}

interface ProbeRun {
  case: string;
  n: number;
  round: number;
  createMs: number;
  enginePeakBytes: number;
  engineCpuSeconds: number;
  pluginCpuSeconds: number;
  programCpuSeconds: number;
  gc: GcTrace;
  state: StateSize;
  secrets: SecretCensus;
  memory: TreeMemory;
}

/** The encrypted values in a checkpoint: what the engine re-encrypts when it rewrites it. */
interface SecretCensus {
  count: number;
  ciphertextBytes: number;
}

/** The value of `sig` that marks a secret in a checkpoint (the engine's resource.SecretSig). */
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

function countSecrets(checkpointFile: string): SecretCensus {
  const census: SecretCensus = { count: 0, ciphertextBytes: 0 };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (record["4dabf18193072939515e22adb298388d"] === secretSig && typeof record["ciphertext"] === "string") {
        census.count++;
        census.ciphertextBytes += record["ciphertext"].length;
      } else Object.values(record).forEach(visit);
    }
  };
  visit(JSON.parse(fs.readFileSync(checkpointFile, "utf8")));
  return census;
}

/** Parses `gc 12 @1.2s 3%: … 40->42->20 MB, 44 MB goal, …` lines (GODEBUG=gctrace=1 on stderr). */
function parseGcTrace(stderr: string): GcTrace {
  let gcs = 0;
  let maxHeapMb = 0;
  let maxLiveMb = 0;
  for (const match of stderr.matchAll(/^gc \d+ @.*?(\d+)->(\d+)->(\d+) MB/gm)) {
    gcs++;
    maxHeapMb = Math.max(maxHeapMb, Number(match[1]));
    maxLiveMb = Math.max(maxLiveMb, Number(match[3]));
  }
  return { gcs, maxHeapMb, maxLiveMb };
}

function programOf(subject: string, n: number): PulumiFn {
  if (subject === "ours") return scaleProgram("ours", n);
  const variant = floorVariants.find((v) => v.name === subject);
  if (!variant)
    throw new Error(`unknown case "${subject}": ours, or one of ${floorVariants.map((v) => v.name).join(", ")}`);
  return variant.program(n);
}

async function runCase(spec: string, n: number, round: number): Promise<ProbeRun> {
  const [subject, ...knobNames] = spec.split("+");
  const env: Record<string, string> = { GODEBUG: "gctrace=1" };
  for (const name of knobNames) {
    const knob = knobs[name];
    if (!knob) throw new Error(`unknown knob "${name}": one of ${Object.keys(knobs).join(", ")}`);
    Object.assign(env, knob);
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `sfc-probe-`));
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  // The CLI inherits this process's environment under the stack's own variables (execa extends it).
  Object.assign(process.env, env);
  try {
    const stateDir = path.join(root, "state");
    const stack = await openLocalStack({
      stackName: "probe",
      program: programOf(subject!, n),
      stateDir,
      workDir: path.join(root, "work"),
      projectName: "sfc-probe",
      passphrase: benchPassphrase,
    });
    const monitor = monitorProcessTree();
    const cpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    let stderr = "";
    let memory: TreeMemory;
    try {
      const result = await stack.up({ onError: (text) => (stderr += text) });
      stderr ||= result.stderr;
    } finally {
      memory = monitor.stop();
    }
    const createMs = Number(process.hrtime.bigint() - start) / 1e6;
    const checkpoint = stateFilePath(stateDir, "sfc-probe", "probe");
    // With PULUMI_DIY_BACKEND_GZIP the engine writes <stack>.json.gz: measure its uncompressed text.
    if (!fs.existsSync(checkpoint) && fs.existsSync(`${checkpoint}.gz`))
      fs.writeFileSync(checkpoint, zlib.gunzipSync(fs.readFileSync(`${checkpoint}.gz`)));
    const cpu = process.cpuUsage(cpuBefore);
    return {
      case: spec,
      n,
      round,
      createMs,
      enginePeakBytes: peakOfProcessesNamed(memory, "pulumi"),
      engineCpuSeconds: cpuOfProcessesNamed(memory, "pulumi"),
      pluginCpuSeconds: cpuOfProcessesNamed(memory, "node"),
      programCpuSeconds: (cpu.user + cpu.system) / 1e6,
      gc: parseGcTrace(stderr),
      state: measureState(checkpoint),
      secrets: countSecrets(checkpoint),
      memory,
    };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function describe(run: ProbeRun): string {
  const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);
  return [
    `${run.case.padEnd(22)} N=${String(run.n).padEnd(4)}`,
    `create ${(run.createMs / 1000).toFixed(1).padStart(5)} s`,
    `engine RSS ${mib(run.enginePeakBytes).padStart(4)} MiB`,
    `heap max ${String(run.gc.maxHeapMb).padStart(4)} / live ${String(run.gc.maxLiveMb).padStart(3)} MB (${run.gc.gcs} GCs)`,
    `CPU engine ${run.engineCpuSeconds.toFixed(1).padStart(5)} s, plugin ${run.pluginCpuSeconds.toFixed(1).padStart(4)} s, program ${run.programCpuSeconds.toFixed(1).padStart(4)} s`,
    `secrets ${String(run.secrets.count).padStart(4)} (${(run.secrets.ciphertextBytes / 1024).toFixed(0)} kB)`,
    `state ${Math.round(run.state.bytesPerResource).toString().padStart(5)} B/res, file ${(run.state.checkpointFileBytes / 1024).toFixed(0).padStart(5)} kB`,
  ].join(" | ");
}

async function main(): Promise<void> {
  const cases = (process.env["PROBE_CASES"] ?? "floor,ours")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const sizes = (process.env["PROBE_SIZES"] ?? "200").split(",").map((s) => Number(s.trim()));
  const repeat = Number(process.env["PROBE_REPEAT"] ?? "1");
  console.log(
    `engine cost probe: ${cases.join(", ")} at N = ${sizes.join(", ")}, ${repeat} round(s); load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const runs: ProbeRun[] = [];
  for (let round = 1; round <= repeat; round++) {
    for (const n of sizes) {
      for (const spec of cases) {
        const run = await runCase(spec, n, round);
        runs.push(run);
        console.log(describe(run));
        const jsonFile = process.env["PROBE_JSON"];
        if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(runs, null, 2));
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
