/**
 * The scale benchmark's harness through the real engine at tiny sizes, so that it cannot rot between
 * benchmark runs: every case creates its resources, the unchanged preview and `up` change nothing, the
 * checkpoint is sized, the engine's memory and each process's CPU are seen, floor-props registers exactly
 * the properties it claims (ours' average, counted from our real classes), the state's bytes split by what
 * they are add up to the checkpoint's, and the comparison computes every ratio. No timing is asserted.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test, { type ExecutionContext } from "ava";
import * as pulumi from "@pulumi/pulumi";
import { certificateAndKeyPairProvider, jwtIntegrationProvider } from "../../provider";
import { peakOfProcessesNamed } from "../bench/process-tree-memory";
import { floorProvider, runScaleCase, type CaseResult } from "../bench/scale-harness";
import { compareScale, formatScaleComparison } from "../bench/scale-report";
import { stateBytesTotal } from "../bench/state-bytes";
import { formatStateComposition } from "../bench/state-bytes-report";

/** Each measured type's provider object, as the program hands it to the SDK. */
const providerOfType: Record<string, pulumi.dynamic.ResourceProvider> = {
  "pulumi-nodejs:dynamic/salesforce:CertificateAndKeyPair": certificateAndKeyPairProvider,
  "pulumi-nodejs:dynamic/salesforce:JwtIntegration": jwtIntegrationProvider,
  "pulumi-nodejs:dynamic/bench:NoOp": floorProvider,
};

/** One serialised provider's bytes as the checkpoint's compact JSON stores it: the SDK's text, JSON-escaped. */
async function storedShellBytes(provider: pulumi.dynamic.ResourceProvider): Promise<number> {
  const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return Buffer.byteLength(JSON.stringify(text));
}

/**
 * The state's byte composition against the checkpoint file read here: by type and overall the categories
 * add up exactly to compact JSON inputs + outputs; each resource stores its type's provider twice; the floor
 * stores no chain and no secret, ours' certificates both.
 */
async function checkComposition(t: ExecutionContext, result: CaseResult, checkpointFile: string): Promise<void> {
  const label = `${result.subject} N=${result.n}`;
  type Entry = { type: string; inputs?: unknown; outputs?: unknown };
  const entries = (JSON.parse(fs.readFileSync(checkpointFile, "utf8")).checkpoint.latest.resources as Entry[]).filter(
    (r) => r.type.startsWith("pulumi-nodejs:dynamic"),
  );
  const bytesOf = (r: Entry) =>
    Buffer.byteLength(JSON.stringify(r.inputs ?? {})) + Buffer.byteLength(JSON.stringify(r.outputs ?? {}));
  const total = entries.reduce((sum, r) => sum + bytesOf(r), 0);
  t.is(stateBytesTotal(result.state.composition), total, label);
  for (const [type, entry] of Object.entries(result.state.byType)) {
    const ofType = entries.filter((r) => r.type === type);
    t.is(
      stateBytesTotal(entry.composition),
      ofType.reduce((sum, r) => sum + bytesOf(r), 0),
      `${label} ${type}`,
    );
    t.is(
      entry.composition.shell,
      entry.count * 2 * (await storedShellBytes(providerOfType[type]!)),
      `${label} ${type}: shell`,
    );
  }
  if (result.subject === "ours") {
    const certificate = result.state.byType["pulumi-nodejs:dynamic/salesforce:CertificateAndKeyPair"]!;
    t.true(certificate.composition.chain > 500 * result.n, `${label}: chain ${certificate.composition.chain}`);
    t.true(certificate.composition.secrets > 100 * result.n, `${label}: secrets ${certificate.composition.secrets}`);
    // Settings a provider compares are echoed in its outputs.
    t.true(result.state.composition.echoed > 0, label);
  } else {
    t.like(result.state.composition, { chain: 0, secrets: 0 }, label);
  }
}

test("the scale harness runs ours, the floor and floor-props through the engine at N=1 and N=2 and compares them", async (t) => {
  const results: CaseResult[] = [];
  for (const n of [1, 2]) {
    let propertiesPerResource: number | undefined;
    for (const subject of ["floor", "ours", "floor-props"] as const) {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), `sfc-bench-harness-${subject}-${n}-`));
      t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
      const result = await runScaleCase(subject, n, {
        root,
        ...(propertiesPerResource === undefined ? {} : { propertiesPerResource }),
      });
      results.push(result);
      const label = `${subject} N=${n}`;
      if (subject === "ours") propertiesPerResource = Math.round(result.registered.propertiesPerResource);
      t.is(result.registered.resources, 2 * n, label);
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
        // Each process did work: the program registered resources, the engine planned, the plugin (a fresh
        // Node.js loading the SDK) diffed; the samples never hold more than the exact total of reaped children.
        // The plugin's CPU is sampled: a plugin that lives less than a sampling interval on a busy machine
        // may be seen with none, so what is required of it is that the monitor saw it, not a sampled amount.
        t.true(phase.cpu.programSeconds > 0, `${label}: program CPU ${phase.cpu.programSeconds}`);
        t.true(phase.cpu.engineSeconds > 0, `${label}: engine CPU ${phase.cpu.engineSeconds}`);
        t.true(phase.cpu.childrenSeconds > 0, `${label}: reaped children's CPU ${phase.cpu.childrenSeconds}`);
        t.true(
          phase.memory.processes.some((p) => p.name === "node"),
          `${label}: the plugin process was seen (${phase.memory.processes.map((p) => p.name).join(", ")})`,
        );
        t.true(
          phase.cpu.engineSeconds + phase.cpu.pluginSeconds <= phase.cpu.childrenSeconds + 0.01,
          `${label}: sampled ${JSON.stringify(phase.cpu)}`,
        );
        t.true(phase.memory.monitorCpuSeconds > 0, label);
        // A real engine process was seen (its binary alone is tens of MiB resident).
        t.true(
          peakOfProcessesNamed(phase.memory, "pulumi") > 20 * 1024 ** 2,
          `${label}: engine peak ${peakOfProcessesNamed(phase.memory, "pulumi")}`,
        );
        t.true(phase.memory.peakTotalBytes >= peakOfProcessesNamed(phase.memory, "pulumi") * 0.5, label);
      }
      const types = Object.entries(result.state.byType)
        .map(([type, { count }]) => `${type} ${count}`)
        .sort();
      t.deepEqual(
        types,
        subject === "ours"
          ? [
              `pulumi-nodejs:dynamic/salesforce:CertificateAndKeyPair ${n}`,
              `pulumi-nodejs:dynamic/salesforce:JwtIntegration ${n}`,
            ]
          : [`pulumi-nodejs:dynamic/bench:NoOp ${2 * n}`],
      );
      // The same resources were counted as registered as the state holds.
      t.deepEqual(
        Object.entries(result.registered.byType)
          .map(([type, { count }]) => `${type} ${count}`)
          .sort(),
        types,
        label,
      );
      // The harness deletes its stacks only when it made the folder; given one, the checkpoint stays for a look.
      const checkpointFile = path.join(root, "state", ".pulumi", "stacks", "sfc-bench", "bench.json");
      t.true(fs.existsSync(checkpointFile), label);
      await checkComposition(t, result, checkpointFile);
    }
  }

  const registered = (subject: CaseResult["subject"], n: number) =>
    results.find((r) => r.subject === subject && r.n === n)!.registered;
  for (const n of [1, 2]) {
    // The floor's no-ops register value, name and __provider, and the second of each pair its ref too:
    // this grounds the count in props the harness's own code declares.
    t.is(registered("floor", n).propertiesPerResource, 3.5, `floor N=${n}`);
    // Ours register many more (stored outputs declared as undefined, inputs, __provider), counted from the real classes.
    const ours = registered("ours", n);
    t.true(ours.propertiesPerResource > 10, `ours N=${n}: ${ours.propertiesPerResource}`);
    // floor-props registers exactly what it claims: ours' average, rounded, on every one of its no-ops.
    const floorProps = registered("floor-props", n);
    t.is(floorProps.propertiesPerResource, Math.round(ours.propertiesPerResource), `floor-props N=${n}`);
    t.is(
      floorProps.byType["pulumi-nodejs:dynamic/bench:NoOp"]!.propertiesPerResource,
      Math.round(ours.propertiesPerResource),
    );
  }

  const comparison = compareScale(results);
  t.deepEqual(
    comparison.sizes.map((s) => s.n),
    [1, 2],
  );
  for (const size of comparison.sizes) {
    t.deepEqual(size.warnings, [], `N=${size.n}`);
    for (const row of size.rows)
      t.true(Number.isFinite(row.ratio) && row.ratio > 0, `N=${size.n} ${row.measure}: ${row.ratio}`);
    // Ours stores certificates and keys; the floor a fixed word.
    t.true(size.rows.find((r) => r.measure.startsWith("state bytes/resource"))!.ratio > 1);
    t.true(
      size.rows.every((r) => Number.isFinite(r.ratioToFloorProps) && r.ratioToFloorProps > 0),
      `N=${size.n}`,
    );
    t.like(size.rows.find((r) => r.measure.startsWith("registered properties"))!, {
      ratioToFloorProps:
        registered("ours", size.n).propertiesPerResource / Math.round(registered("ours", size.n).propertiesPerResource),
    });
    t.deepEqual(
      size.excess.map((e) => e.phase),
      ["create", "unchanged preview", "unchanged up"],
    );
  }
  t.like(comparison.growth, { from: 1, to: 2 });
  for (const row of comparison.growth!.rows) t.true(Number.isFinite(row.ratio) && row.ratio > 0, row.measure);
  const text = formatScaleComparison(comparison);
  t.log(text);
  t.regex(text, /^N = 2 \(2 certificates \+ 2 JWT integrations/m);
  t.regex(text, /^unchanged preview .* ≤ 1\.3× floor +(PASS|MISS) +\d+\.\d+ s +\d+\.\d+×$/m);
  t.regex(text, /^ {2}CPU: program \(bench process\) /m);
  t.regex(text, /^ {2}unchanged preview: wall [+−]\d+\.\d+ s; CPU: program [+−]\d+\.\d+ s \(SDK per-property work /m);
  t.regex(text, /^Growth from N = 1 to N = 2/m);

  const at2 = (subject: CaseResult["subject"]) => results.find((r) => r.subject === subject && r.n === 2)!.state;
  const composition = formatStateComposition(2, at2("ours"), at2("floor"));
  t.log(composition);
  t.regex(composition, /^ {2}total +(\d+) B +100 % +\d+ B +\d+ B +\d+ B$/m);
  t.regex(
    composition,
    /^irreducible for a dynamic resource holding a certificate: shell x2 \+ chain \+ key = \d+ \+ \d+ \+ \d+ = \d+ B\/resource \(\d+\.\d\d× the floor's \d+ B\)$/m,
  );
  t.regex(
    composition,
    /^ {2}the same bytes over ours' mix of resources .*: \d+ B\/resource \(\d+\.\d\d× the floor\); the ≤ 2× target allows \d+ B\/resource\.$/m,
  );
});
