/**
 * @module Variants of the scale benchmark's no-op floor, each adding one trait of our resources, so that
 * the engine's cost of that trait alone can be measured (engine-cost-probe.ts). Every variant keeps the
 * floor's graph: N resources "a", and N resources "b", each taking outputs of one "a". The providers
 * capture nothing (their serialised text stays as small as the floor's); the values they return are built
 * inside the methods.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";

/** One variant: what it adds to the floor, and its program at size N. */
export interface FloorVariant {
  name: string;
  adds: string;
  program(n: number): PulumiFn;
}

type Outs = Record<string, unknown>;

/** A concrete dynamic resource (the SDK's class is abstract). */
class BenchResource extends pulumi.dynamic.Resource {}

/** A dynamic resource of type `bench:<type>` with the given provider, props and secret outputs. */
function declare(
  provider: pulumi.dynamic.ResourceProvider,
  type: string,
  name: string,
  props: Record<string, unknown>,
  secretOutputs: string[] = [],
): pulumi.dynamic.Resource {
  return new BenchResource(
    provider,
    name,
    { name, ...props },
    secretOutputs.length > 0 ? { additionalSecretOutputs: secretOutputs } : {},
    "bench",
    type,
  );
}

/** The output of `resource` named `key` (declared in its props as undefined, so that it exists). */
function output(resource: pulumi.dynamic.Resource, key: string): pulumi.Output<unknown> {
  return (resource as unknown as Record<string, pulumi.Output<unknown>>)[key]!;
}

/** The floor itself (the harness's no-op): create returns one small output. */
const plainProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { name: string }) {
    return { id: inputs.name, outs: { value: "fixed-output" } };
  },
};

/** create returns `value` plus `count` secret-able outputs `s0…` of `size` characters each. */
function sizedProvider(count: number, size: number): pulumi.dynamic.ResourceProvider {
  // Built from numbers only: the serialised closure captures two numbers, not the values.
  return {
    async create(inputs: { name: string }) {
      const outs: Outs = { value: "fixed-output" };
      for (let i = 0; i < count; i++) outs[`s${i}`] = `${inputs.name}:${i}:`.padEnd(size, "x");
      return { id: inputs.name, outs };
    },
  };
}

/** check, diff and update present (each returning what the engine would do without them). */
const methodsProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Outs, news: Outs) {
    return { inputs: news };
  },
  async diff() {
    return { changes: false };
  },
  async create(inputs: { name: string }) {
    return { id: inputs.name, outs: { value: "fixed-output" } };
  },
  async update(_id: string, _olds: Outs, news: Outs) {
    return { outs: { ...news, value: "fixed-output" } };
  },
};

/** As methodsProvider, and each call writes a line to stdout and one to stderr (the engine's diagnostics). */
const loggingProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Outs, news: Outs) {
    console.log(`check ${String(news["name"])}: ${"inputs look fine ".repeat(5)}`);
    console.error(`check ${String(news["name"])}: stderr line`);
    return { inputs: news };
  },
  async diff(_id: string, _olds: Outs, news: Outs) {
    console.log(`diff ${String(news["name"])}: ${"nothing changed ".repeat(5)}`);
    return { changes: false };
  },
  async create(inputs: { name: string }) {
    console.log(`create ${inputs.name}: ${"generated something ".repeat(5)}`);
    console.error(`create ${inputs.name}: stderr line`);
    return { id: inputs.name, outs: { value: "fixed-output" } };
  },
  async update(_id: string, _olds: Outs, news: Outs) {
    console.log(`update ${String(news["name"])}`);
    return { outs: { ...news, value: "fixed-output" } };
  },
};

const secretOne = sizedProvider(1, 500);
const secretThree = sizedProvider(3, 500);
const plain5k = sizedProvider(1, 5000);
const secretKeySized = sizedProvider(1, 2400);
const secretSmall = sizedProvider(3, 50);
const props30 = sizedProvider(30, 20);
const props30Big = sizedProvider(30, 170);

const names = (count: number) => Array.from({ length: count }, (_, i) => `s${i}`);
const undefinedProps = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, undefined]));

/** a → b where b takes `value` of a (the floor's graph) and, when `pass` is given, the listed outputs of a too. */
function pair(
  provider: pulumi.dynamic.ResourceProvider,
  type: string,
  outKeys: string[],
  secretKeys: string[],
  pass: string[],
): (n: number) => PulumiFn {
  return (n) => async () => {
    for (let i = 0; i < n; i++) {
      const a = declare(provider, type, `a-${i}`, { value: undefined, ...undefinedProps(outKeys) }, secretKeys);
      const passed = Object.fromEntries(pass.map((k) => [`in_${k}`, output(a, k)]));
      declare(
        provider,
        type,
        `b-${i}`,
        { value: undefined, ...undefinedProps(outKeys), ref: output(a, "value"), ...passed },
        secretKeys,
      );
    }
  };
}

/**
 * Our graph's secrets, modelled: each "a" (a certificate) has one output `s0` of `keySize` characters,
 * secret or not; each "b" (an integration) has one small secret output (our `slotKeys`) when `bSecret`.
 */
function keyed(keySize: number, keySecret: boolean, bSecret: boolean): (n: number) => PulumiFn {
  const a = sizedProvider(1, keySize);
  const b = sizedProvider(1, 20);
  return (n) => async () => {
    for (let i = 0; i < n; i++) {
      const first = declare(a, "Key", `a-${i}`, { value: undefined, s0: undefined }, keySecret ? ["s0"] : []);
      declare(
        b,
        "Holder",
        `b-${i}`,
        { value: undefined, s0: undefined, ref: output(first, "value") },
        bSecret ? ["s0"] : [],
      );
    }
  };
}

/** Every variant, by name. */
export const floorVariants: FloorVariant[] = [
  { name: "floor", adds: "nothing (the harness's no-op floor)", program: pair(plainProvider, "NoOp", [], [], []) },
  {
    name: "secret1",
    adds: "1 secret output of 500 B (additionalSecretOutputs)",
    program: pair(secretOne, "Secret1", names(1), names(1), []),
  },
  { name: "secret3", adds: "3 secret outputs of 500 B", program: pair(secretThree, "Secret3", names(3), names(3), []) },
  {
    name: "secret1x2400",
    adds: "1 secret output of 2400 B (the size of a private key's PEM)",
    program: pair(secretKeySized, "Secret1x2400", names(1), names(1), []),
  },
  {
    name: "plain1x2400",
    adds: "1 plain output of 2400 B (secret1x2400 without the secrecy)",
    program: pair(secretKeySized, "Plain1x2400", names(1), [], []),
  },
  {
    name: "key1700",
    adds: "ours modelled: a has a 1700 B secret (an RSA-2048 PEM), b a 20 B secret",
    program: keyed(1700, true, true),
  },
  { name: "key1700nob", adds: "key1700, b's small output not secret", program: keyed(1700, true, false) },
  {
    name: "key350",
    adds: "key1700 with a 350 B secret (the key's primes p and q, base64)",
    program: keyed(350, true, true),
  },
  { name: "key350nob", adds: "key350, b's small output not secret (both changes)", program: keyed(350, true, false) },
  {
    name: "key1700plain",
    adds: "key1700 with a's 1700 B output plain (e.g. encrypted by the provider itself)",
    program: keyed(1700, false, true),
  },
  {
    name: "secret3x50",
    adds: "3 secret outputs of 50 B",
    program: pair(secretSmall, "Secret3x50", names(3), names(3), []),
  },
  {
    name: "secret3in",
    adds: "3 secret outputs of 500 B, and b takes a's 3 as (secret) inputs",
    program: pair(secretThree, "Secret3In", names(3), names(3), names(3)),
  },
  {
    name: "plain1500",
    adds: "3 plain outputs of 500 B (secret3 without the secrecy)",
    program: pair(secretThree, "Plain1500", names(3), [], []),
  },
  { name: "plain5k", adds: "1 plain output of 5000 B", program: pair(plain5k, "Plain5k", names(1), [], []) },
  { name: "props30", adds: "30 plain outputs of 20 B", program: pair(props30, "Props30", names(30), [], []) },
  {
    name: "props30x170",
    adds: "30 plain outputs of 170 B (5.1 kB, our bytes per resource)",
    program: pair(props30Big, "Props30x170", names(30), [], []),
  },
  {
    name: "deps30",
    adds: "30 outputs of 20 B, and b takes all 30 of a's as inputs",
    program: pair(props30, "Deps30", names(30), [], names(30)),
  },
  {
    name: "methods",
    adds: "check, diff and update methods (no logging)",
    program: pair(methodsProvider, "Methods", [], [], []),
  },
  {
    name: "logging",
    adds: "check, diff, update, and a line to stdout and stderr from check and create",
    program: pair(loggingProvider, "Logging", [], [], []),
  },
];
