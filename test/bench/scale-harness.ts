/**
 * @module The scale benchmark's core: one stack of N certificates + N JWT integrations ("ours"), of
 * N + N no-op dynamic resources ("floor"), or of the same no-ops each registering as many properties as
 * ours do ("floor-props"), run through the real engine the same way: create, unchanged preview, unchanged
 * `up`, each timed, with CPU seconds by process, the engine's peak memory and the checkpoint's size.
 *
 * Both run through the Automation API with an inline program on the local file backend
 * (`openLocalStack`, the path the product's report, gate and tests use; the figures were measured
 * with it too): the same `pulumi` CLI, the same dynamic-provider plugin, the same passphrase secrets
 * provider. The program runs in this process, so the engine's process tree holds only the CLI and the
 * provider plugin: what the monitor measures.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { OpMap, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { CertificateAndKeyPair, JwtIntegration } from "../../provider";
import { openLocalStack, stateFilePath } from "../../provider/engine/local-stack";
import { startCpuWindow, type PhaseCpu } from "./process-cpu";
import { monitorProcessTree, type TreeMemory } from "./process-tree-memory";
import { countRegisteredProperties, type RegisteredProperties } from "./registered-properties";
import { addStateBytes, emptyStateBytes, stateBytesOf, type StateBytes } from "./state-bytes";

/**
 * What a stack holds: our resources; the no-op floor; or "floor-props", the floor whose resources each
 * register as many properties as ours do on average (the SDK's per-property work alone, as context).
 */
export type ScaleSubject = "ours" | "floor" | "floor-props";

/** One engine command: its wall time, what it said it did, CPU by process and the engine's memory meanwhile. */
export interface PhaseResult {
  ms: number;
  /** Operation → count, as the engine reported (`resourceChanges` of `up`, `changeSummary` of preview). */
  changes: OpMap;
  cpu: PhaseCpu;
  memory: TreeMemory;
}

/** The checkpoint after the unchanged `up`. */
export interface StateSize {
  /** The N + N measured resources in state (neither the stack nor the default provider). */
  resources: number;
  /** Compact JSON of inputs plus compact JSON of outputs, averaged over those resources. */
  bytesPerResource: number;
  /** Compact JSON of each resource's whole checkpoint entry (URN, dependencies, stack trace…), averaged. */
  entryBytesPerResource: number;
  /** What those bytes are (see `state-bytes.ts`): totals over the measured resources, not averages. */
  composition: StateBytes;
  /** Inputs + outputs, by resource type; `composition` as above, totals over that type's `count` resources. */
  byType: Record<string, { count: number; bytesPerResource: number; composition: StateBytes }>;
  /** The checkpoint file's size (the engine writes all of it after every step). */
  checkpointFileBytes: number;
}

/** One subject at one size. */
export interface CaseResult {
  subject: ScaleSubject;
  n: number;
  create: PhaseResult;
  preview: PhaseResult;
  up: PhaseResult;
  state: StateSize;
  /** What the measured resources registered with the SDK, counted in the last run of the program (the `up`). */
  registered: RegisteredProperties;
}

/** The passphrase of the benchmark's throwaway stacks: a fixed value, given explicitly to both subjects. */
export const benchPassphrase = "scale-bench-passphrase-not-a-secret";

// ---------------------------------------------------------------------------------------------------
/**
 * The floor's dynamic provider: create returns a small fixed output; no check, diff or update, so the
 * engine's own input comparison decides "same". It captures nothing, so its serialised text is small.
 */
export const floorProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { name: string }) {
    return { id: inputs.name, outs: { value: "fixed-output" } };
  },
};

/** The property the SDK adds to every dynamic resource's props: the serialised provider. */
const dynamicProviderProperties = 1;

/** A no-op resource of the floor. */
class NoOp extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;

  /**
   * With `registeredProperties`, the props are padded with outputs declared as undefined (`pad0`, `pad1`…)
   * up to that many registered properties, `__provider` included; the provider still returns only `value`.
   */
  constructor(name: string, props: Record<string, pulumi.Input<string>>, registeredProperties?: number) {
    const all: Record<string, pulumi.Input<string> | undefined> = { value: undefined, name, ...props };
    const padding = (registeredProperties ?? 0) - Object.keys(all).length - dynamicProviderProperties;
    for (let i = 0; i < padding; i++) all[`pad${i}`] = undefined;
    super(floorProvider, name, all, {}, "bench", "NoOp");
  }
}

/** Options of {@link scaleProgram}. */
export interface ScaleProgramOptions {
  /** For "floor-props" (required there): the registered properties per resource to pad each no-op up to. */
  propertiesPerResource?: number;
}

/**
 * The program of `subject` at size `n`. Ours: N certificates and N integrations, each bound to one
 * certificate. The floor mirrors that graph: N no-ops, and N more, each taking an output of one of the
 * first, so both run the same number of steps with the same dependencies; "floor-props" is that graph
 * with each no-op padded to `propertiesPerResource` registered properties.
 *
 * @throws Error for "floor-props" without `propertiesPerResource`.
 */
export function scaleProgram(subject: ScaleSubject, n: number, options: ScaleProgramOptions = {}): PulumiFn {
  if (subject === "floor" || subject === "floor-props") {
    const padTo = subject === "floor-props" ? options.propertiesPerResource : undefined;
    if (subject === "floor-props" && padTo === undefined)
      throw new Error("floor-props needs propertiesPerResource (ours' average)");
    return async () => {
      for (let i = 0; i < n; i++) {
        const first = new NoOp(`floor-a-${i}`, {}, padTo);
        new NoOp(`floor-b-${i}`, { ref: first.value }, padTo);
      }
    };
  }
  return async () => {
    for (let i = 0; i < n; i++) {
      const certificate = new CertificateAndKeyPair(`cert-${i}`, {
        uniqueName: `Bench_Cert_${i}`,
        label: `Bench certificate ${i}`,
      });
      new JwtIntegration(`jwt-${i}`, {
        apiName: `Bench_App_${i}`,
        label: `Bench app ${i}`,
        contactEmail: "platform@bench.example",
        certificate,
        username: `ci${i}@bench.example`,
        audience: "https://login.salesforce.com",
        preAuthorized: { permissionSets: ["Bench_Integration"] },
      });
    }
  };
}

/** The measured resources' types: everything in state but the stack and providers. */
function isMeasured(type: string): boolean {
  return type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");
}

/** Sizes the checkpoint file of a stack, and splits each measured resource's bytes by what they are. */
export function measureState(checkpointFile: string): StateSize {
  const text = fs.readFileSync(checkpointFile, "utf8");
  type Entry = { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  const checkpoint = JSON.parse(text) as { checkpoint?: { latest?: { resources?: Entry[] } } };
  const all = checkpoint.checkpoint?.latest?.resources ?? [];
  const byType: StateSize["byType"] = {};
  let composition = emptyStateBytes();
  let bytes = 0;
  let entryBytes = 0;
  let resources = 0;
  for (const resource of all.filter((r) => isMeasured(r.type))) {
    const size =
      Buffer.byteLength(JSON.stringify(resource.inputs ?? {})) +
      Buffer.byteLength(JSON.stringify(resource.outputs ?? {}));
    const parts = stateBytesOf(resource.inputs, resource.outputs);
    bytes += size;
    composition = addStateBytes(composition, parts);
    entryBytes += Buffer.byteLength(JSON.stringify(resource));
    resources++;
    byType[resource.type] ??= { count: 0, bytesPerResource: 0, composition: emptyStateBytes() };
    const entry = byType[resource.type]!;
    entry.bytesPerResource = (entry.bytesPerResource * entry.count + size) / (entry.count + 1);
    entry.composition = addStateBytes(entry.composition, parts);
    entry.count++;
  }
  const average = (total: number) => (resources === 0 ? 0 : total / resources);
  return {
    resources,
    bytesPerResource: average(bytes),
    entryBytesPerResource: average(entryBytes),
    composition,
    byType,
    checkpointFileBytes: Buffer.byteLength(text),
  };
}

async function timed(run: () => Promise<OpMap>): Promise<PhaseResult> {
  const monitor = monitorProcessTree();
  const cpu = startCpuWindow();
  const start = process.hrtime.bigint();
  try {
    const changes = await run();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const memory = monitor.stop();
    return { ms, changes, cpu: cpu.stop(memory), memory };
  } catch (error) {
    monitor.stop(); // no timer left behind
    throw error;
  }
}

/** Options of {@link runScaleCase}. */
export interface ScaleCaseOptions {
  /** Gets the engine's output; default: dropped. */
  onOutput?: (text: string) => void;
  /** Folder for the throwaway stack; default: a new temp folder, deleted afterwards. */
  root?: string;
  /** For "floor-props" (required there): registered properties per resource, e.g. ours' average rounded. */
  propertiesPerResource?: number;
}

/**
 * Runs `subject` at size `n` on a fresh stack: create, unchanged preview, unchanged `up`; then sizes the
 * checkpoint and deletes the stack's folder (everything lives in that state: nothing to destroy).
 */
export async function runScaleCase(
  subject: ScaleSubject,
  n: number,
  options: ScaleCaseOptions = {},
): Promise<CaseResult> {
  const program = scaleProgram(
    subject,
    n,
    options.propertiesPerResource === undefined ? {} : { propertiesPerResource: options.propertiesPerResource },
  );
  let registered: RegisteredProperties | undefined;
  // Every subject is counted the same way, so that the count's own (tiny) cost is in all of them.
  const countedProgram: PulumiFn = async () => {
    const counter = countRegisteredProperties(isMeasured);
    const outputs = await program();
    registered = counter.result();
    return outputs;
  };
  const root = options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), `sfc-bench-${subject}-${n}-`));
  const stateDir = path.join(root, "state");
  const projectName = "sfc-bench";
  const stackName = "bench";
  try {
    const stack: Stack = await openLocalStack({
      stackName,
      program: countedProgram,
      stateDir,
      workDir: path.join(root, "work"),
      projectName,
      passphrase: benchPassphrase,
    });
    const onOutput = options.onOutput ?? (() => undefined);
    const create = await timed(async () => (await stack.up({ onOutput })).summary.resourceChanges ?? {});
    const preview = await timed(async () => (await stack.preview({ onOutput })).changeSummary);
    const up = await timed(async () => (await stack.up({ onOutput })).summary.resourceChanges ?? {});
    const state = measureState(stateFilePath(stateDir, projectName, stackName));
    if (!registered) throw new Error(`${subject} N=${n}: the program never ran`);
    return { subject, n, create, preview, up, state, registered };
  } finally {
    if (!options.root) fs.rmSync(root, { recursive: true, force: true });
  }
}
