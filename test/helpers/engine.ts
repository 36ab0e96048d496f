/**
 * A throwaway stack for end-to-end tests: the real Pulumi CLI, a file backend in a temp folder.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { EngineEvent, LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { demoPassphrase, openLocalStack, stateFilePath } from "../../provider/engine/local-stack";
import { testInstant } from "./test-clock";

// values(): outputs are whatever the test program returns, so they are typed loosely.
export interface TempStack {
  stack: Stack;
  stateDir: string;
  /** Everything the engine printed, for log searches. */
  log: string[];
  /** Writes engine output to the test log and keeps it in `log`. */
  onOutput: (text: string) => void;
  /** The stack outputs' plain values (secrets included), by name. */
  values(): Promise<Record<string, any>>;
  /** Sets the provider's clock (SALESFORCE_CERTS_NOW) for the next engine runs. */
  setClock(iso: string): void;
  /** The engine output printed since `mark` (an earlier `log.length`). */
  logSince(mark: number): string;
  /** The stack's checkpoint file as text ("" before the first update). */
  readState(): string;
  /** Deletes the temp folders (the stack should be destroyed first). */
  dispose(): void;
}

/** Opens a new stack named `name` running `program`, in fresh temp folders; its provider clock starts at {@link testInstant}. */
export async function openTempStack(name: string, program: PulumiFn): Promise<TempStack> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `sfc-e2e-${name}-`));
  const stateDir = path.join(root, "state");
  const projectName = "sfc-test";
  const stack = await openLocalStack({
    stackName: name,
    program,
    stateDir,
    workDir: path.join(root, "work"),
    projectName,
    passphrase: demoPassphrase,
  });
  (stack.workspace as LocalWorkspace).envVars["SALESFORCE_CERTS_NOW"] = testInstant;
  const log: string[] = [];
  return {
    stack,
    stateDir,
    log,
    onOutput: (text) => {
      log.push(text);
      process.stdout.write(text);
    },
    values: async () => Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value])),
    setClock: (iso) => {
      (stack.workspace as LocalWorkspace).envVars["SALESFORCE_CERTS_NOW"] = iso;
    },
    logSince: (mark) => log.slice(mark).join(""),
    readState: () => {
      const file = stateFilePath(stateDir, projectName, name);
      return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    },
    dispose: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** The base64 body of a PEM, without armour or line breaks: what a leak of the key would contain. */
export function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
}

/**
 * What a plain-text copy of private key `pem` would contain, for leak checks: a line of its PEM body, and
 * the start of each prime (base64url, read by node:crypto), as a certificate's state stores the key.
 */
export function keyMaterial(pem: string): string[] {
  const { p, q } = crypto.createPrivateKey(pem).export({ format: "jwk" });
  return [pemBody(pem).slice(0, 64), p!.slice(0, 64), q!.slice(0, 64)];
}

/** A decrypted certificate key as stored (its primes, `<p>.<q>` in base64url), somewhere in `text`. */
export const storedPrimesPattern = /[A-Za-z0-9_-]{160,}\.[A-Za-z0-9_-]{160,}/;

/** Pulumi's wire sentinel for a value not known until the update runs. */
export const unknownSentinel = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What a preview said: its change counts, each resource's step and shown properties, the stack outputs. */
export interface PreviewRecord {
  changeSummary: Record<string, number>;
  /** By URN: the step and the properties preview shows as the resource's new state. */
  steps: Map<string, { op: string; type: string; outputs: Record<string, unknown> }>;
  /** The stack outputs preview shows (unknowns as {@link unknownSentinel}). */
  stackOutputs: Record<string, unknown>;
}

/** Runs a preview and records what it said. */
export async function recordPreview(env: TempStack): Promise<PreviewRecord> {
  const steps: PreviewRecord["steps"] = new Map();
  let stackOutputs: Record<string, unknown> = {};
  const onEvent = (event: EngineEvent) => {
    const metadata = event.resOutputsEvent?.metadata;
    if (!metadata) return;
    const outputs = (metadata.new?.outputs ?? {}) as Record<string, unknown>;
    if (metadata.type === "pulumi:pulumi:Stack") stackOutputs = outputs;
    else steps.set(metadata.urn, { op: metadata.op, type: metadata.type, outputs });
  };
  const result = await env.stack.preview({ onOutput: env.onOutput, onEvent });
  return { changeSummary: result.changeSummary as Record<string, number>, steps, stackOutputs };
}

/** Each resource's stored outputs by URN, from the exported checkpoint (secrets stay encrypted objects). */
export async function storedOutputs(env: TempStack): Promise<Map<string, Record<string, unknown>>> {
  const exported = await env.stack.exportStack();
  const resources =
    (exported.deployment as { resources?: { urn: string; outputs?: Record<string, unknown> }[] }).resources ?? [];
  return new Map(resources.map((r) => [r.urn, r.outputs ?? {}]));
}

/** JSON with object keys sorted: equal values give equal text whatever order the engine sent keys in. */
export function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? "undefined"
  );
}

/** True for a value preview cannot show: unknown, secret, or holding one. */
export function unshowable(value: unknown): boolean {
  if (value === unknownSentinel || value === "[secret]") return true;
  if (value && typeof value === "object") {
    if ("4dabf18193072939515e22adb298388d" in value) return true;
    return Object.values(value).some(unshowable);
  }
  return false;
}

/**
 * Where a preview and the `up` after it disagree: every output preview showed as known (for a resource
 * or a stack output) must have that value after `up`, and a stack output preview showed must exist after
 * `up`. Returns one line per disagreement.
 */
export function previewDisagreements(
  preview: PreviewRecord,
  after: Map<string, Record<string, unknown>>,
  stackOutputs: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  for (const [urn, step] of preview.steps) {
    const stored = after.get(urn);
    if (!stored) continue;
    for (const [key, shown] of Object.entries(step.outputs)) {
      // Keys that are inputs only (not stored as outputs) are what the step was given, not a prediction.
      if (key.startsWith("__") || !(key in stored) || unshowable(shown) || unshowable(stored[key])) continue;
      if (canonical(shown) !== canonical(stored[key]))
        problems.push(
          `${urn.split("::").pop()} (${step.op}) ${key}: preview ${JSON.stringify(shown)?.slice(0, 80)}, up ${JSON.stringify(stored[key])?.slice(0, 80)}`,
        );
    }
  }
  for (const [key, shown] of Object.entries(preview.stackOutputs)) {
    if (!(key in stackOutputs))
      problems.push(`stack output ${key}: preview ${JSON.stringify(shown)?.slice(0, 80)}, absent after up`);
    else if (!unshowable(shown) && canonical(shown) !== canonical(stackOutputs[key])) {
      problems.push(
        `stack output ${key}: preview ${JSON.stringify(shown)?.slice(0, 80)}, up ${JSON.stringify(stackOutputs[key])?.slice(0, 80)}`,
      );
    }
  }
  return problems;
}
