/**
 * The import layers of provider/ (.config/dependency-cruiser.cjs, run by `npm run lint`): the repository
 * passes, and a tree with an upward import, a circle or an import between the integrations is refused.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { repoRoot } from "../helpers/cli";

const config = path.join(repoRoot, ".config", "dependency-cruiser.cjs");
const depcruise = path.join(repoRoot, "node_modules", ".bin", "depcruise");

function cruise(cwd: string): { status: number | null; output: string } {
  const result = spawnSync(depcruise, ["provider", "--config", config, "--output-type", "err"], {
    cwd,
    encoding: "utf8",
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** A small tree: `files` maps a path below provider/ to the modules it imports. */
function tree(files: Record<string, string[]>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-layers-"));
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "commonjs", strict: true } }),
  );
  for (const [file, imports] of Object.entries(files)) {
    const at = path.join(dir, "provider", file);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    const lines = imports.map((target, i) => {
      let relative = path.relative(path.dirname(at), path.join(dir, "provider", target)).replace(/\.ts$/, "");
      if (!relative.startsWith(".")) relative = `./${relative}`;
      return `import { x as x${i} } from "${relative}";\nvoid x${i};`;
    });
    fs.writeFileSync(at, `${lines.join("\n")}\nexport const x = 1;\n`);
  }
  return dir;
}

test("the repository's provider/ keeps its import layers", (t) => {
  const { status, output } = cruise(repoRoot);
  t.is(status, 0, output);
});

const refused: [string, Record<string, string[]>, string][] = [
  [
    "a pure core importing the CLI",
    { "crypto/a.ts": ["cli/b.ts"], "cli/b.ts": [] },
    "pure-cores-import-no-layer-above",
  ],
  [
    "org/ importing a resource",
    { "org/a.ts": ["certificate/b.ts"], "certificate/b.ts": [] },
    "shared-layers-import-no-resource",
  ],
  [
    "the certificate importing an integration",
    { "certificate/a.ts": ["jwt-integration/b.ts"], "jwt-integration/b.ts": [] },
    "certificate-imports-no-integration",
  ],
  [
    "a SAML binding importing a JWT integration",
    { "saml-binding/a.ts": ["jwt-integration/b.ts"], "jwt-integration/b.ts": [] },
    "integrations-import-each-other-not",
  ],
  [
    "a resource importing the inventory",
    { "jwt-integration/a.ts": ["inventory/b.ts"], "inventory/b.ts": [] },
    "resources-import-no-gitops-layer",
  ],
  [
    "two modules importing each other",
    { "crypto/a.ts": ["crypto/b.ts"], "crypto/b.ts": ["crypto/a.ts"] },
    "no-circular",
  ],
];

for (const [what, files, rule] of refused) {
  test(`the import layers refuse ${what}`, (t) => {
    const dir = tree(files);
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const { status, output } = cruise(dir);
    t.not(status, 0, output);
    t.true(output.includes(`error ${rule}:`), output);
  });
}

test("the import layers allow an integration to use the certificate", (t) => {
  const dir = tree({
    "jwt-integration/a.ts": ["certificate/b.ts"],
    "certificate/b.ts": ["crypto/c.ts"],
    "crypto/c.ts": [],
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { status, output } = cruise(dir);
  t.is(status, 0, output);
});
