/**
 * The engine the setup script builds is the SDK's version, and the engine in use is no older.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "ava";
import { repoRoot } from "../helpers/cli";

const sdkVersion = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as {
    version: string;
  }
).version;

test("setup-engine.sh pins the CLI to the @pulumi/pulumi version", (t) => {
  const script = fs.readFileSync(path.join(repoRoot, "scripts", "setup-engine.sh"), "utf8");
  t.is(/PULUMI_VERSION="\$\{PULUMI_VERSION:-([0-9.]+)\}"/.exec(script)?.[1], sdkVersion);
});

test("the engine laid out by setup is at least the SDK's version", (t) => {
  const version = execFileSync(path.join(repoRoot, ".pulumi-engine", "bin", "pulumi"), ["version"], {
    encoding: "utf8",
  })
    .trim()
    .replace(/^v/, "");
  const [a, b] = [version, sdkVersion].map((v) => v.split(".").map(Number));
  t.true(
    a![0]! > b![0]! || (a![0] === b![0] && (a![1]! > b![1]! || (a![1] === b![1] && a![2]! >= b![2]!))),
    `engine ${version} < SDK ${sdkVersion}`,
  );
});
