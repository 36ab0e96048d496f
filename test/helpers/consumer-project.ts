/**
 * A user's own TypeScript project, laid out as `pulumi new typescript` does, that installs this library
 * from its npm tarball: the setting of the tests that go through the users' door.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./cli";

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, any>;
const sdkVersion = (): string =>
  readJson(path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"))["version"];
const devVersion = (name: string): string => readJson(path.join(repoRoot, "package.json"))["devDependencies"][name];

/** `npm pack` of this repository (already built by `npm test`) into `into`: the tarball users install. Throws when it holds files it should not. */
export function packLibrary(into: string): string {
  const packed = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", into], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  const [{ filename, files }] = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
  const paths = files.map((f) => f.path);
  const unexpected = paths.filter(
    (p) =>
      !/^(build\/provider\/|examples\/|README\.md$|package\.json$|provider\/inventory\/inventory\.schema\.json$)/.test(
        p,
      ),
  );
  if (unexpected.length > 0) throw new Error(`the package holds files it should not: ${unexpected.join(", ")}`);
  return path.join(into, filename);
}

/**
 * A scratch project in `dir` like `pulumi new typescript` makes, with the program of
 * test/fixtures/consumer-project, depending on `tarball` and on the `@pulumi/pulumi` this repository
 * uses; `npm install` runs there.
 */
export function makeProject(dir: string, tarball: string): void {
  const fixture = path.join(repoRoot, "test", "fixtures", "consumer-project");
  for (const file of ["index.ts", "Pulumi.yaml", "tsconfig.json"])
    fs.copyFileSync(path.join(fixture, file), path.join(dir, file));
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      {
        name: "acme-certs",
        main: "index.ts",
        dependencies: { "@pulumi/pulumi": sdkVersion(), "pulumi-salesforce-certs": `file:${tarball}` },
        devDependencies: { "@types/node": devVersion("@types/node"), typescript: devVersion("typescript") },
      },
      null,
      2,
    ),
  );
  const install = spawnSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 5 * 60_000,
  });
  if (install.status !== 0) throw new Error(`npm install in the consumer project failed: ${install.stderr}`);
}

/** What `tsc --noEmit` said in a consumer project: exit status and output. */
export interface TypeCheck {
  status: number | null;
  output: string;
}

/**
 * `tsc --noEmit` in the consumer project `dir`, with its own TypeScript and `tsconfig` (default: the
 * project's tsconfig.json, strict and without skipLibCheck, as `pulumi new typescript` writes it), as a
 * user runs it before `pulumi up`; messages plain (`--pretty false`), one a line.
 */
export function typeCheck(dir: string, tsconfig = "tsconfig.json"): TypeCheck {
  const run = spawnSync(
    process.execPath,
    [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "--pretty", "false", "-p", tsconfig],
    { cwd: dir, encoding: "utf8", timeout: 5 * 60_000 },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A reference to `module` in declaration text: an import, a require, an import type or a types reference. */
function referencesModule(text: string, module: string): boolean {
  const name = module.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  return new RegExp(
    `(?:\\bfrom\\s*|\\brequire\\(\\s*|\\bimport\\(\\s*|<reference\\s+types=)["']${name}(?:/[^"']*)?["']`,
  ).test(text);
}

/** The declaration files (.d.ts) under `root` that refer to `module`, relative to `root`. */
export function declarationsReferring(root: string, module: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".d.ts") && referencesModule(fs.readFileSync(full, "utf8"), module))
        found.push(path.relative(root, full));
    }
  };
  walk(root);
  return found.sort();
}
