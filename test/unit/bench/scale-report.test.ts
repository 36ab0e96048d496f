/**
 * The scale benchmark's comparison on made-up measurements: ratios (to the floor, and to floor-props as
 * context), where the N=200 targets apply, growth, PASS/MISS, where ours' extra time goes by process, and
 * warnings when an "unchanged" run changed something; and what a resource's state bytes are made of.
 */
import test from "ava";
import type { TreeMemory } from "../../bench/process-tree-memory";
import type { CaseResult, ScaleSubject, StateSize } from "../../bench/scale-harness";
import { compareScale, formatScaleComparison } from "../../bench/scale-report";
import { emptyStateBytes, stateBytesOf, stateBytesTotal, type StateBytes } from "../../bench/state-bytes";
import { certificateFloorBytes, formatStateComposition } from "../../bench/state-bytes-report";

const mib = 1024 ** 2;
const memory = (engine: number): TreeMemory => ({
  processes: [
    { pid: 1, name: "pulumi", peakBytes: engine },
    { pid: 2, name: "node", peakBytes: 50 * mib },
  ],
  peakTotalBytes: engine + 50 * mib,
  samples: 3,
  monitorCpuSeconds: 0.01,
});

/** CPU seconds of a command of `ms` milliseconds: made up as program 60 %, engine 30 %, plugin 10 % of its wall time. */
const cpu = (ms: number) => ({
  programSeconds: (ms / 1000) * 0.6,
  engineSeconds: (ms / 1000) * 0.3,
  pluginSeconds: (ms / 1000) * 0.1,
  childrenSeconds: (ms / 1000) * 0.4,
});

function result(
  subject: ScaleSubject,
  n: number,
  scale: { create: number; preview: number; up: number; bytes: number; engine: number; properties?: number },
  previewChanges = { same: 2 * n + 1 },
): CaseResult {
  return {
    subject,
    n,
    create: { ms: scale.create, changes: { create: 2 * n + 1 }, cpu: cpu(scale.create), memory: memory(scale.engine) },
    preview: { ms: scale.preview, changes: previewChanges, cpu: cpu(scale.preview), memory: memory(scale.engine) },
    up: { ms: scale.up, changes: { same: 2 * n + 1 }, cpu: cpu(scale.up), memory: memory(scale.engine) },
    state: {
      resources: 2 * n,
      bytesPerResource: scale.bytes,
      entryBytesPerResource: scale.bytes + 1000,
      composition: { ...emptyStateBytes(), outputsRest: 2 * n * scale.bytes },
      byType: {},
      checkpointFileBytes: 2 * n * scale.bytes,
    },
    registered: { resources: 2 * n, propertiesPerResource: scale.properties ?? 3.5, byType: {} },
  };
}

/** floor-props at the size and engine memory of `floor`, with ours' 26 properties per resource and half ours' excess time. */
const floorProps = (
  n: number,
  floor: { create: number; preview: number; up: number; engine: number },
  ours: { create: number; preview: number; up: number },
) =>
  result("floor-props", n, {
    create: (floor.create + ours.create) / 2,
    preview: (floor.preview + ours.preview) / 2,
    up: (floor.up + ours.up) / 2,
    bytes: 1000,
    engine: floor.engine,
    properties: 26,
  });

const results = [
  result("floor", 50, { create: 5000, preview: 1000, up: 2000, bytes: 1000, engine: 100 * mib }),
  result("ours", 50, { create: 9000, preview: 1200, up: 3000, bytes: 3000, engine: 150 * mib, properties: 26 }),
  floorProps(
    50,
    { create: 5000, preview: 1000, up: 2000, engine: 100 * mib },
    { create: 9000, preview: 1200, up: 3000 },
  ),
  result("floor", 200, { create: 20_000, preview: 4000, up: 8000, bytes: 1000, engine: 200 * mib }),
  result("ours", 200, { create: 90_000, preview: 5000, up: 9000, bytes: 3000, engine: 500 * mib, properties: 26 }),
  floorProps(
    200,
    { create: 20_000, preview: 4000, up: 8000, engine: 200 * mib },
    { create: 90_000, preview: 5000, up: 9000 },
  ),
];

test("compareScale divides ours by the floor and applies the N=200 targets only at N=200", (t) => {
  const comparison = compareScale(results);
  const at = (n: number, measure: string) =>
    comparison.sizes.find((s) => s.n === n)!.rows.find((r) => r.measure.startsWith(measure))!;
  t.is(at(50, "create").ratio, 1.8);
  t.is(at(50, "create").target, undefined);
  t.like(at(200, "create"), { ratio: 4.5, met: false });
  t.like(at(50, "unchanged preview"), { ratio: 1.2, met: true });
  t.like(at(50, "unchanged up"), { ratio: 1.5, met: false });
  t.like(at(200, "state bytes"), { ratio: 3, met: false });
  t.is(at(50, "engine peak RSS at create").target, undefined);
  t.like(at(200, "engine peak RSS at create"), { ratio: 2.5, met: false });
  t.deepEqual(
    comparison.sizes.flatMap((s) => s.warnings),
    [],
  );
});

test("compareScale puts the N=200 targets on the largest size when the run stops below 200", (t) => {
  const small = [
    result("floor", 20, { create: 1000, preview: 500, up: 600, bytes: 1000, engine: 100 * mib }),
    result("ours", 20, { create: 1500, preview: 600, up: 700, bytes: 1500, engine: 120 * mib }),
    floorProps(20, { create: 1000, preview: 500, up: 600, engine: 100 * mib }, { create: 1500, preview: 600, up: 700 }),
  ];
  const comparison = compareScale(small);
  t.like(comparison.sizes[0]!.rows[0], { ratio: 1.5, met: true });
  t.is(comparison.growth, undefined);
});

test("compareScale keeps the N=200 targets at N=200 when the run goes beyond it", (t) => {
  const beyond = [
    ...results,
    result("floor", 400, { create: 50_000, preview: 8000, up: 16_000, bytes: 1000, engine: 300 * mib }),
    result("ours", 400, { create: 300_000, preview: 9000, up: 17_000, bytes: 3000, engine: 900 * mib }),
    floorProps(
      400,
      { create: 50_000, preview: 8000, up: 16_000, engine: 300 * mib },
      { create: 300_000, preview: 9000, up: 17_000 },
    ),
  ];
  const comparison = compareScale(beyond);
  const targeted = (n: number) =>
    comparison.sizes
      .find((s) => s.n === n)!
      .rows.filter((r) => r.target)
      .map((r) => r.measure);
  t.deepEqual(targeted(400), ["unchanged preview", "unchanged up", "state bytes/resource (inputs+outputs)"]);
  t.deepEqual(targeted(200), [
    "create (up on an empty stack)",
    "unchanged preview",
    "unchanged up",
    "state bytes/resource (inputs+outputs)",
    "engine peak RSS at create (pulumi)",
  ]);
  t.like(comparison.growth, { from: 50, to: 400 });
});

test("compareScale compares growth from the smallest to the largest size with the floor's", (t) => {
  const growth = compareScale(results).growth!;
  t.like(growth, { from: 50, to: 200 });
  t.like(growth.rows[0], { measure: "create", ours: 10, floor: 4, ratio: 2.5, met: false });
  // floor-props' create: (5000 + 9000) / 2 = 7000 at N=50, (20000 + 90000) / 2 = 55000 at N=200.
  t.is(growth.rows[0]!.floorProps, 55_000 / 7000);
  t.is(growth.rows[0]!.ratioToFloorProps, 10 / (55_000 / 7000));
  t.like(growth.rows[1], { measure: "unchanged preview", met: undefined });
});

test("compareScale warns when an unchanged preview changed something, and fails without the floor or floor-props", (t) => {
  const changed = [
    results[0]!,
    result("ours", 50, { create: 9000, preview: 1200, up: 3000, bytes: 3000, engine: 150 * mib }, {
      same: 99,
      update: 2,
    } as never),
    results[2]!,
  ];
  t.deepEqual(compareScale(changed).sizes[0]!.warnings, [
    "ours N=50: the unchanged preview was not unchanged (update 2)",
  ]);
  t.throws(() => compareScale([results[1]!]), { message: "no floor result at N=50" });
  t.throws(() => compareScale([results[0]!, results[1]!]), { message: "no floor-props result at N=50" });
});

test("compareScale divides ours by floor-props beside the floor, targets staying against the floor", (t) => {
  const comparison = compareScale(results);
  const at = (n: number, measure: string) =>
    comparison.sizes.find((s) => s.n === n)!.rows.find((r) => r.measure === measure)!;
  // preview at N=200: ours 5000 ms, floor 4000, floor-props 4500.
  t.like(at(200, "unchanged preview"), {
    ours: 5,
    floor: 4,
    ratio: 1.25,
    floorProps: 4.5,
    ratioToFloorProps: 5 / 4.5,
    met: true,
  });
  t.like(at(200, "registered properties/resource (SDK)"), {
    ours: 26,
    floor: 3.5,
    floorProps: 26,
    ratioToFloorProps: 1,
  });
});

test("compareScale splits each engine command's CPU by process and says where ours' extra time goes", (t) => {
  const comparison = compareScale(results);
  const size = comparison.sizes.find((s) => s.n === 200)!;
  const at = (measure: string) => size.rows.filter((r) => r.measure === measure).map((r) => r.ours);
  // Rows for create, preview and up, in that order: 60 / 30 / 10 % of ours' wall time (90 s, 5 s, 9 s).
  t.deepEqual(
    at("  CPU: program (bench process)").map((s) => +s.toFixed(6)),
    [54, 3, 5.4],
  );
  t.deepEqual(
    at("  CPU: engine (pulumi)").map((s) => +s.toFixed(6)),
    [27, 1.5, 2.7],
  );
  t.deepEqual(
    at("  CPU: provider plugin (node)").map((s) => +s.toFixed(6)),
    [9, 0.5, 0.9],
  );
  const preview = size.excess.find((e) => e.phase === "unchanged preview")!;
  // ours − floor: wall 1 s; program 0.6 s, of which floor-props − floor (4.5 − 4 s wall × 60 %) = 0.3 s.
  t.is(+preview.wallSeconds.toFixed(6), 1);
  t.is(+preview.programSeconds.toFixed(6), 0.6);
  t.is(+preview.sdkPropertiesSeconds.toFixed(6), 0.3);
  t.is(+preview.engineSeconds.toFixed(6), 0.3);
  t.is(+preview.pluginSeconds.toFixed(6), 0.1);
});

test("formatScaleComparison prints absolute values, ratios, targets and verdicts", (t) => {
  const text = formatScaleComparison(compareScale(results));
  t.regex(
    text,
    /^create \(up on an empty stack\) +90\.0 s +20\.0 s +4\.50× +≤ 2\.0× floor at N=200 +MISS +55\.0 s +1\.64×$/m,
  );
  t.regex(text, /^unchanged preview +1\.20 s +1\.00 s +1\.20× +≤ 1\.3× floor +PASS +1\.10 s +1\.09×$/m);
  t.regex(text, /^ {2}CPU: program \(bench process\) +0\.72 s +0\.60 s +1\.20× +0\.66 s +1\.09×$/m);
  t.regex(text, /^registered properties\/resource \(SDK\) +26\.0 +3\.5 +7\.43× +26\.0 +1\.00×$/m);
  t.regex(
    text,
    /^state bytes\/resource \(inputs\+outputs\) +2\.9 KiB +1000 B +3\.00× +≤ 2× floor +MISS +1000 B +3\.00×$/m,
  );
  t.regex(
    text,
    /^engine peak RSS at create \(pulumi\) +500\.0 MiB +200\.0 MiB +2\.50× +≤ 2× floor at N=200 +MISS +200\.0 MiB +2\.50×$/m,
  );
  t.regex(
    text,
    /^ {2}unchanged preview: wall \+1\.00 s; CPU: program \+0\.60 s \(SDK per-property work \+0\.30 s, ours beyond it \+0\.30 s\), engine \+0\.30 s, plugin \+0\.10 s$/m,
  );
  t.regex(text, /^create +10\.00× +4\.00× +2\.50× +≤ floor's growth +MISS +7\.86× +1\.27×$/m);
});

const secretSignature = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

test("stateBytesOf splits inputs + outputs into categories that add up to their compact JSON bytes", (t) => {
  const shell = 'f("x")\n'; // stored escaped: "f(\"x\")\n", 12 bytes
  const inputs = {
    __provider: shell,
    label: "café",
    subject: { a: 1, b: 2 },
    keySize: 2048,
    nested: { a: { ...secretSignature, ciphertext: "v1:defg" } },
    onlyIn: "q",
  };
  const outputs = {
    __provider: shell,
    label: "café",
    subject: { b: 2, a: 1 },
    keySize: 4096,
    certificateChainPem: "CHAIN",
    privateKey: { ...secretSignature, ciphertext: "v1:abc" },
    onlyOut: null,
    dropped: undefined,
  };
  const bytes = stateBytesOf(inputs, outputs);
  t.deepEqual(bytes, {
    shell: 2 * 12,
    secrets: 94 + 93, // the nested ciphertext object in inputs, privateKey's in outputs
    chain: 7, // "CHAIN"
    echoed: 2 * 7 + 2 * 13, // "café" (é is 2 bytes) and the subject, equal whatever its keys' order
    inputsRest: 4 + 6 + 3, // keySize 2048 (differs from the output's), {"a":} around the secret, "q"
    outputsRest: 4 + 4, // keySize 4096, null
    names: 66 + 94, // braces, commas, quoted names and colons; `dropped` is not in the JSON
  });
  t.is(stateBytesTotal(bytes), Buffer.byteLength(JSON.stringify(inputs)) + Buffer.byteLength(JSON.stringify(outputs)));
  t.is(stateBytesTotal(bytes), 439);
});

test("stateBytesOf counts empty or missing inputs and outputs as their braces", (t) => {
  t.deepEqual(stateBytesOf(undefined, {}), { ...emptyStateBytes(), names: 4 });
  // A secret stored identically on both sides is a secret; an array is searched for secrets too.
  const secret = { ...secretSignature, ciphertext: "v1:x" };
  const bytes = stateBytesOf({ key: secret }, { key: secret, list: [secret, 1] });
  t.like(bytes, {
    secrets: 3 * Buffer.byteLength(JSON.stringify(secret)),
    echoed: 0,
    outputsRest: Buffer.byteLength("[,1]"),
  });
  t.is(
    stateBytesTotal(bytes),
    Buffer.byteLength(JSON.stringify({ key: secret })) +
      Buffer.byteLength(JSON.stringify({ key: secret, list: [secret, 1] })),
  );
});

/** A made-up state of `resources` resources whose composition is the sum of `byType`'s. */
function stateOf(byType: Record<string, { count: number; composition: Partial<StateBytes> }>): StateSize {
  const full = Object.fromEntries(
    Object.entries(byType).map(([type, { count, composition }]) => {
      const bytes = { ...emptyStateBytes(), ...composition };
      return [type, { count, bytesPerResource: stateBytesTotal(bytes) / count, composition: bytes }];
    }),
  );
  const entries = Object.values(full);
  const resources = entries.reduce((sum, e) => sum + e.count, 0);
  const composition = emptyStateBytes();
  for (const e of entries)
    for (const [category, value] of Object.entries(e.composition)) composition[category as keyof StateBytes] += value;
  return {
    resources,
    bytesPerResource: stateBytesTotal(composition) / resources,
    entryBytesPerResource: 0,
    composition,
    byType: full,
    checkpointFileBytes: 0,
  };
}

const oursState = stateOf({
  "pulumi-nodejs:dynamic/salesforce:CertificateAndKeyPair": {
    count: 2,
    composition: { shell: 3600, secrets: 1200, chain: 2200, echoed: 400, outputsRest: 100, names: 900 },
  },
  "pulumi-nodejs:dynamic/salesforce:JwtIntegration": {
    count: 2,
    composition: { shell: 4000, echoed: 1200, inputsRest: 200, outputsRest: 1200, names: 1400 },
  },
});
const floorState = stateOf({
  "pulumi-nodejs:dynamic/bench:NoOp": {
    count: 4,
    composition: { shell: 4000, inputsRest: 80, outputsRest: 60, names: 260 },
  },
});

test("certificateFloorBytes adds the shell over all resources to the chain and key of those storing a chain", (t) => {
  t.deepEqual(certificateFloorBytes(oursState, floorState), {
    shellTwice: 7600 / 4,
    chain: 1100,
    key: 600,
    total: 1900 + 1100 + 600,
    mixTotal: (7600 + 2200 + 1200) / 4,
    floorBytesPerResource: 1100,
    ratioToFloor: 3600 / 1100,
    targetBytesPerResource: 2200,
  });
  // Without a chain in state there is no certificate: chain and key are 0, the shell stays.
  t.like(certificateFloorBytes(floorState, floorState), {
    shellTwice: 1000,
    chain: 0,
    key: 0,
    total: 1000,
    mixTotal: 1000,
  });
});

test("formatStateComposition prints ours, ours by type and the floor per category, and the certificate's lower bound", (t) => {
  const text = formatStateComposition(200, oursState, floorState);
  t.regex(text, /^State bytes\/resource at N = 200 by what they are/m);
  t.regex(text, /^ {2}category +ours +share +CertificateAndKeyPair +JwtIntegration +floor$/m);
  t.regex(text, /^ {2}provider shell \(__provider, both copies\) +1900 B +46 % +1800 B +2000 B +1000 B$/m);
  t.regex(text, /^ {2}secret ciphertexts +300 B +7 % +600 B +0 B +0 B$/m);
  t.regex(text, /^ {2}certificate chain \(certificateChainPem\) +550 B +13 % +1100 B +0 B +0 B$/m);
  t.regex(text, /^ {2}rest: inputs, not echoed +50 B +1 % +0 B +100 B +20 B$/m);
  t.regex(text, /^ {2}total +4100 B +100 % +4200 B +4000 B +1100 B$/m);
  t.regex(
    text,
    /^irreducible for a dynamic resource holding a certificate: shell x2 \+ chain \+ key = 1900 \+ 1100 \+ 600 = 3600 B\/resource \(3\.27× the floor's 1100 B\)$/m,
  );
  t.regex(text, /^ {2}a lower bound only for what it counts: .*every other byte are not in it\.$/m);
  t.regex(
    text,
    /^ {2}the same bytes over ours' mix of resources .*: 2750 B\/resource \(2\.50× the floor\); the ≤ 2× target allows 2200 B\/resource\.$/m,
  );
});
