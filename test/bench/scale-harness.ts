/**
 * @module The scale benchmark's core: one stack of N certificates + N JWT integrations ("ours"), or of
 * N + N no-op dynamic resources ("floor"), run through the real engine the same way: create, unchanged
 * preview, unchanged `up`, each timed, with the engine's peak memory and the checkpoint's size.
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
import { monitorProcessTree, type TreeMemory } from "./process-tree-memory";

/** What a stack holds: our resources, or the no-op floor. */
export type ScaleSubject = "ours" | "floor";

/** One engine command: its wall time, what it said it did, and the engine's memory meanwhile. */
export interface PhaseResult {
  ms: number;
  /** Operation → count, as the engine reported (`resourceChanges` of `up`, `changeSummary` of preview). */
  changes: OpMap;
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
  /** Inputs + outputs, by resource type. */
  byType: Record<string, { count: number; bytesPerResource: number }>;
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
}

/** The passphrase of the benchmark's throwaway stacks: a fixed value, given explicitly to both subjects. */
export const benchPassphrase = "scale-bench-passphrase-not-a-secret";

// ---------------------------------------------------------------------------------------------------
// The floor: a dynamic provider whose create returns a small fixed output; no check, diff or update, so
// the engine's own input comparison decides "same". It captures nothing, so its serialised text is small.
const floorProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { name: string }) {
    return { id: inputs.name, outs: { value: "fixed-output" } };
  },
};

/** A no-op resource of the floor. */
class NoOp extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;

  constructor(name: string, props: Record<string, pulumi.Input<string>>) {
    super(floorProvider, name, { value: undefined, name, ...props }, {}, "bench", "NoOp");
  }
}

/**
 * The program of `subject` at size `n`. Ours: N certificates and N integrations, each bound to one
 * certificate. The floor mirrors that graph: N no-ops, and N more, each taking an output of one of the
 * first, so both run the same number of steps with the same dependencies.
 */
export function scaleProgram(subject: ScaleSubject, n: number): PulumiFn {
  if (subject === "floor") {
    return async () => {
      for (let i = 0; i < n; i++) {
        const first = new NoOp(`floor-a-${i}`, {});
        new NoOp(`floor-b-${i}`, { ref: first.value });
      }
    };
  }
  return async () => {
    for (let i = 0; i < n; i++) {
      const certificate = new CertificateAndKeyPair(`cert-${i}`, { uniqueName: `Bench_Cert_${i}`, label: `Bench certificate ${i}` });
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

/** Sizes the checkpoint file of a stack. */
export function measureState(checkpointFile: string): StateSize {
  const text = fs.readFileSync(checkpointFile, "utf8");
  const checkpoint = JSON.parse(text) as { checkpoint?: { latest?: { resources?: { type: string; inputs?: unknown; outputs?: unknown }[] } } };
  const all = checkpoint.checkpoint?.latest?.resources ?? [];
  const byType: StateSize["byType"] = {};
  let bytes = 0;
  let entryBytes = 0;
  let resources = 0;
  for (const resource of all.filter((r) => isMeasured(r.type))) {
    const size = Buffer.byteLength(JSON.stringify(resource.inputs ?? {})) + Buffer.byteLength(JSON.stringify(resource.outputs ?? {}));
    bytes += size;
    entryBytes += Buffer.byteLength(JSON.stringify(resource));
    resources++;
    const entry = (byType[resource.type] ??= { count: 0, bytesPerResource: 0 });
    entry.bytesPerResource = (entry.bytesPerResource * entry.count + size) / (entry.count + 1);
    entry.count++;
  }
  const average = (total: number) => (resources === 0 ? 0 : total / resources);
  return { resources, bytesPerResource: average(bytes), entryBytesPerResource: average(entryBytes), byType, checkpointFileBytes: Buffer.byteLength(text) };
}

async function timed(run: () => Promise<OpMap>): Promise<PhaseResult> {
  const monitor = monitorProcessTree();
  const start = process.hrtime.bigint();
  try {
    const changes = await run();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, changes, memory: monitor.stop() };
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
}

/**
 * Runs `subject` at size `n` on a fresh stack: create, unchanged preview, unchanged `up`; then sizes the
 * checkpoint and deletes the stack's folder (everything lives in that state: nothing to destroy).
 */
export async function runScaleCase(subject: ScaleSubject, n: number, options: ScaleCaseOptions = {}): Promise<CaseResult> {
  const root = options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), `sfc-bench-${subject}-${n}-`));
  const stateDir = path.join(root, "state");
  const projectName = "sfc-bench";
  const stackName = "bench";
  try {
    const stack: Stack = await openLocalStack({
      stackName,
      program: scaleProgram(subject, n),
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
    return { subject, n, create, preview, up, state };
  } finally {
    if (!options.root) fs.rmSync(root, { recursive: true, force: true });
  }
}
