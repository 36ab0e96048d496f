/**
 * @module The scale benchmark's view of what a resource's state bytes are made of: ours (overall and by
 * type) beside the floor, per category of `state-bytes.ts`, and the bytes a dynamic resource holding a
 * certificate cannot shed as it is stored today (two provider shells, a chain, a key), against the floor,
 * so that a reader sees what the "≤ 2× the floor" target would require.
 */
import type { StateSize } from "./scale-harness";
import { stateByteCategories, stateBytesTotal, type StateByteCategory, type StateBytes } from "./state-bytes";

/** The target on state bytes per resource, as a multiple of the floor's. */
const bytesTargetRatio = 2;

/** What each category is, as printed. */
const categoryLabels: Record<StateByteCategory, string> = {
  shell: "provider shell (__provider, both copies)",
  secrets: "secret ciphertexts",
  chain: "certificate chain (certificateChainPem)",
  echoed: "inputs echoed in outputs (both copies)",
  inputsRest: "rest: inputs, not echoed",
  outputsRest: "rest: outputs, not echoed",
  names: "property names and punctuation",
};

/**
 * The bytes per resource a dynamic resource holding a certificate stores whatever else it drops, as
 * measured: a lower bound only for what it counts.
 */
export interface CertificateFloorBytes {
  /** The provider shell, both copies: averaged over all of ours' resources. */
  shellTwice: number;
  /** The chain PEM: averaged over ours' resources of the types that store a chain. */
  chain: number;
  /** Secret ciphertexts (a certificate's key): averaged over those same resources. */
  key: number;
  /** shellTwice + chain + key. */
  total: number;
  /**
   * The same bytes averaged over all of ours' resources, as the target measures: the shell on every
   * resource, a chain and a key only on those that store a chain.
   */
  mixTotal: number;
  /** The floor's bytes per resource (inputs + outputs). */
  floorBytesPerResource: number;
  /** total / floorBytesPerResource. */
  ratioToFloor: number;
  /** What the target allows: 2 × the floor's bytes per resource. */
  targetBytesPerResource: number;
}

/** `bytes` per resource, over `count` resources. */
function perResource(bytes: StateBytes, count: number): StateBytes {
  const average = { ...bytes };
  for (const category of stateByteCategories) average[category] = count === 0 ? 0 : bytes[category] / count;
  return average;
}

/** The types of `state` that store a certificate chain, with their resource count and category totals. */
function certificateTypes(state: StateSize): { count: number; composition: StateBytes }[] {
  return Object.values(state.byType).filter((entry) => entry.composition.chain > 0);
}

/**
 * Shell ×2 + chain + key of ours, per resource, against the floor's bytes per resource (see
 * {@link CertificateFloorBytes}). Chain and key are 0 when no resource of ours stores a chain.
 */
export function certificateFloorBytes(ours: StateSize, floor: StateSize): CertificateFloorBytes {
  const certificates = certificateTypes(ours);
  const count = certificates.reduce((sum, entry) => sum + entry.count, 0);
  const over = (category: StateByteCategory) =>
    count === 0 ? 0 : certificates.reduce((sum, entry) => sum + entry.composition[category], 0) / count;
  const shellTwice = ours.resources === 0 ? 0 : ours.composition.shell / ours.resources;
  const chain = over("chain");
  const key = over("secrets");
  const total = shellTwice + chain + key;
  const mixTotal = ours.resources === 0 ? 0 : shellTwice + ((chain + key) * count) / ours.resources;
  return {
    shellTwice,
    chain,
    key,
    total,
    mixTotal,
    floorBytesPerResource: floor.bytesPerResource,
    ratioToFloor: total / floor.bytesPerResource,
    targetBytesPerResource: bytesTargetRatio * floor.bytesPerResource,
  };
}

/** The last segment of a type token: `pulumi-nodejs:dynamic/salesforce:JwtIntegration` → `JwtIntegration`. */
function shortType(type: string): string {
  return type.split(/[:/]/).pop() ?? type;
}

const bytesCell = (value: number) => `${Math.round(value)} B`;

/**
 * The breakdown at one size as a text table (bytes per resource: ours overall with its share, ours by type,
 * the floor), then the certificate line of {@link certificateFloorBytes}.
 */
export function formatStateComposition(n: number, ours: StateSize, floor: StateSize): string {
  const oursTypes = Object.entries(ours.byType).sort(([a], [b]) => (a < b ? -1 : 1));
  const columns = [
    { title: "ours", bytes: perResource(ours.composition, ours.resources) },
    ...oursTypes.map(([type, entry]) => ({
      title: shortType(type),
      bytes: perResource(entry.composition, entry.count),
    })),
    { title: "floor", bytes: perResource(floor.composition, floor.resources) },
  ];
  const widths = columns.map((c) => Math.max(c.title.length, 8));
  const line = (label: string, cells: string[], share: string) =>
    `  ${label.padEnd(42)} ${cells[0]!.padStart(widths[0]!)} ${share.padStart(5)}  ${cells
      .slice(1)
      .map((cell, i) => cell.padStart(widths[i + 1]!))
      .join("  ")}`.trimEnd();
  const oursTotal = stateBytesTotal(columns[0]!.bytes);
  const share = (value: number) => (oursTotal === 0 ? "" : `${Math.round((value / oursTotal) * 100)} %`);
  const lines = [
    `\nState bytes/resource at N = ${n} by what they are (compact JSON of inputs + outputs; every category averaged over the resources of its column):`,
    line(
      "category",
      columns.map((c) => c.title),
      "share",
    ),
  ];
  for (const category of stateByteCategories) {
    lines.push(
      line(
        categoryLabels[category],
        columns.map((c) => bytesCell(c.bytes[category])),
        share(columns[0]!.bytes[category]),
      ),
    );
  }
  lines.push(
    line(
      "total",
      columns.map((c) => bytesCell(stateBytesTotal(c.bytes))),
      share(oursTotal),
    ),
  );
  const bound = certificateFloorBytes(ours, floor);
  lines.push(
    `irreducible for a dynamic resource holding a certificate: shell x2 + chain + key = ${Math.round(bound.shellTwice)} + ${Math.round(bound.chain)} + ` +
      `${Math.round(bound.key)} = ${Math.round(bound.total)} B/resource (${bound.ratioToFloor.toFixed(2)}× the floor's ${Math.round(bound.floorBytesPerResource)} B)`,
    `  a lower bound only for what it counts: the shell as serialised today (averaged over all of ours' resources), a chain and a key as ` +
      `stored today (averaged over the resources that store a chain); settings, names and every other byte are not in it.`,
    `  the same bytes over ours' mix of resources (the shell on all, chain and key on those that store a chain): ` +
      `${Math.round(bound.mixTotal)} B/resource (${(bound.mixTotal / bound.floorBytesPerResource).toFixed(2)}× the floor); ` +
      `the ≤ ${bytesTargetRatio}× target allows ${Math.round(bound.targetBytesPerResource)} B/resource.`,
  );
  return lines.join("\n");
}
