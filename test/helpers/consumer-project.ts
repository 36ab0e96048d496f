/**
 * A user's own TypeScript project, laid out as `pulumi new typescript` does, that installs this library
 * from its npm tarball: the setting of the tests that go through the users' door.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./cli";

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, any>;
const sdkVersion = (): string => readJson(path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"))["version"];
const devVersion = (name: string): string => readJson(path.join(repoRoot, "package.json"))["devDependencies"][name];

/** `npm pack` of this repository (already built by `npm test`) into `into`: the tarball users install. Throws when it holds files it should not. */
export function packLibrary(into: string): string {
  const packed = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", into], { cwd: repoRoot, encoding: "utf8" });
  const [{ filename, files }] = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
  const paths = files.map((f) => f.path);
  const unexpected = paths.filter((p) => !/^(build\/provider\/|examples\/|README\.md$|package\.json$|provider\/inventory\/inventory\.schema\.json$)/.test(p));
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
  for (const file of ["index.ts", "Pulumi.yaml", "tsconfig.json"]) fs.copyFileSync(path.join(fixture, file), path.join(dir, file));
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
  const install = spawnSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, encoding: "utf8", timeout: 5 * 60_000 });
  if (install.status !== 0) throw new Error(`npm install in the consumer project failed: ${install.stderr}`);
}
