/**
 * The provider shells this runtime serves: this release's (each resource type's two functions reach that
 * type's implementation) and those of earlier releases, which live on in stored state (the outputs of
 * resources not updated since) and call the runtime's exports by name (`dispatchProviderCall`,
 * `dispatchIdCall`, `implementations`, `*Implementation`). Each shell is loaded as the dynamic provider
 * host loads it (with the host's own require-from-string) and called with the arguments the host passes;
 * the implementations are replaced by recorders. Shells resolve the package from the provider process's
 * working directory: a user's project (the package installed in its node_modules) and, for this release,
 * this repository itself (self-reference).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { certificateAndKeyPairProvider, jwtIntegrationProvider, samlSpBindingProvider } from "../../../provider";
import { implementations, type ImplementationName } from "../../../provider/runtime";
import { repoRoot } from "../../helpers/cli";

type Shell = pulumi.dynamic.ResourceProvider;
const methods = ["check", "create", "update", "read", "diff", "delete"] as const;
/** The arguments the dynamic provider host passes to each method (see provider-dispatch.test.ts). */
const hostArguments: Record<(typeof methods)[number], unknown[]> = {
  check: [{}, {}],
  create: [{}],
  update: ["id-1", {}, {}],
  read: ["id-1", {}],
  diff: ["id-1", {}, {}],
  delete: ["id-1", {}],
};
const typeOf: Record<string, ImplementationName> = {
  CertificateAndKeyPair: "certificateAndKeyPair",
  JwtIntegration: "jwtIntegration",
  SamlSpBinding: "samlSpBinding",
};

/** The shell of f7e227c (org mode) to 8edce00: one variable captured, two dispatchers of the runtime. */
function shellOfF7e227c(name: ImplementationName): Shell {
  const call = (...a: unknown[]): any =>
    require("node:module")
      .createRequire(`${process.cwd()}/_`)("pulumi-salesforce-certs/runtime")
      .dispatchProviderCall(name, a);
  const byId = (...a: unknown[]): any =>
    require("node:module")
      .createRequire(`${process.cwd()}/_`)("pulumi-salesforce-certs/runtime")
      .dispatchIdCall(name, a);
  return { configure: call, check: call, create: call, read: call, update: call, diff: byId, delete: byId };
}

/** The shell of 664dbee: no read, no delete; diff through `implementations`. */
function shellOf664dbee(name: ImplementationName): Shell {
  const call = (...a: unknown[]): any =>
    require("node:module")
      .createRequire(`${process.cwd()}/_`)("pulumi-salesforce-certs/runtime")
      .dispatchProviderCall(name, a);
  const diff = (...a: unknown[]): any =>
    require("node:module")
      .createRequire(`${process.cwd()}/_`)("pulumi-salesforce-certs/runtime")
      .implementations[name].diff(...a);
  return { check: call, create: call, update: call, diff } as Shell;
}

/** The stored `__provider` texts of the fixture stacks of earlier releases, with their resource types. */
function storedShells(): { source: string; type: ImplementationName; text: string }[] {
  const found = new Map<string, { source: string; type: ImplementationName; text: string }>();
  for (const fixture of fs.readdirSync(path.join(repoRoot, "test", "fixtures"))) {
    const file = path.join(repoRoot, "test", "fixtures", fixture, "checkpoint.json");
    if (!fs.existsSync(file)) continue;
    const resources = JSON.parse(fs.readFileSync(file, "utf8")).deployment.resources as {
      type: string;
      inputs?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
    }[];
    for (const resource of resources) {
      const type = typeOf[resource.type.split(":").pop()!];
      const text = resource.outputs?.["__provider"];
      if (type && typeof text === "string") found.set(text, { source: `${fixture} ${type}`, type, text });
    }
  }
  return [...found.values()];
}

/** Loads a serialised provider as the dynamic provider host does. */
function hostLoad(text: string): Shell {
  const requireFromString = createRequire(require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"))(
    "require-from-string",
  );
  return requireFromString(text).handler();
}

/** Runs `body` with the implementations' methods replaced by recorders of `type.method/argument count`. */
async function recording(body: (seen: string[]) => Promise<void>): Promise<void> {
  const seen: string[] = [];
  const saved = Object.values(implementations).map(
    (implementation) => [implementation, { ...implementation }] as const,
  );
  for (const [type, implementation] of Object.entries(implementations)) {
    for (const method of methods)
      (implementation as any)[method] = async (...a: unknown[]) => void seen.push(`${type}.${method}/${a.length}`);
  }
  try {
    await body(seen);
  } finally {
    for (const [implementation, before] of saved) {
      for (const method of methods) {
        if (method in before) (implementation as any)[method] = (before as any)[method];
        else delete (implementation as any)[method];
      }
    }
  }
}

/**
 * With `folder` as the provider process's working directory, the serialised provider `text` loads and every
 * method reaches `type`'s own (read and delete may answer inline).
 */
async function assertRoutes(
  t: import("ava").ExecutionContext,
  folder: string,
  what: string,
  type: ImplementationName,
  text: string,
  inline: string[] = [],
) {
  const before = process.cwd();
  process.chdir(folder);
  try {
    const shell = hostLoad(text);
    await recording(async (seen) => {
      if (shell.configure) {
        await shell.configure({ config: { get: () => undefined, require: () => "" } } as any);
        t.deepEqual(seen.splice(0), [], `${what}: configure goes to the org configuration`);
      }
      for (const method of methods) {
        const run = (shell as any)[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
        if (!run) continue;
        await run(...hostArguments[method]);
        const expected = [`${type}.${method}/${hostArguments[method].length}`];
        if (inline.includes(method))
          t.true(seen.length === 0 || `${seen}` === `${expected}`, `${what}: ${method} reached ${seen}`);
        else t.deepEqual(seen, expected, `${what}: ${method}`);
        seen.splice(0);
      }
    });
  } finally {
    process.chdir(before);
  }
}

/** A user's project folder with this package installed (a link, as `npm link` makes). */
function userProject(t: import("ava").ExecutionContext): string {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-shells-"));
  t.teardown(() => fs.rmSync(project, { recursive: true, force: true }));
  fs.mkdirSync(path.join(project, "node_modules"));
  fs.symlinkSync(repoRoot, path.join(project, "node_modules", "pulumi-salesforce-certs"), "dir");
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "acme-certs", dependencies: { "pulumi-salesforce-certs": "*" } }),
  );
  return project;
}

const current: Record<ImplementationName, Shell> = {
  certificateAndKeyPair: certificateAndKeyPairProvider as Shell,
  jwtIntegration: jwtIntegrationProvider as Shell,
  samlSpBinding: samlSpBindingProvider as Shell,
};

test.serial(
  "this release's shells reach their own type's implementation, in a user's project and in this repository",
  async (t) => {
    const project = userProject(t);
    for (const [type, provider] of Object.entries(current) as [ImplementationName, Shell][]) {
      const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      await assertRoutes(t, project, `${type} in a user's project`, type, text);
      await assertRoutes(t, repoRoot, `${type} in this repository`, type, text);
    }
  },
);

test.serial(
  "the shells of earlier releases still reach their type's implementation through this runtime",
  async (t) => {
    const project = userProject(t);
    const earlier: { source: string; type: ImplementationName; text: string }[] = storedShells();
    t.true(earlier.length >= 9, `${earlier.length} stored shells`);
    for (const type of Object.keys(current) as ImplementationName[]) {
      for (const [source, make] of [
        ["f7e227c", shellOfF7e227c],
        ["664dbee", shellOf664dbee],
      ] as const) {
        const provider = make(type);
        earlier.push({
          source: `${source} ${type}`,
          type,
          text: (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text,
        });
      }
    }
    // Before 664dbee, read answered from state and delete did nothing, inside the shell.
    for (const { source, type, text } of earlier)
      await assertRoutes(t, project, source, type, text, ["read", "delete"]);
  },
);
