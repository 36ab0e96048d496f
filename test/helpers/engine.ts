/**
 * A throwaway stack for end-to-end tests: the real Pulumi CLI, a file backend in a temp folder.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { demoPassphrase, openLocalStack, stateFilePath } from "../../provider/engine/local-stack";

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

/** Opens a new stack named `name` running `program`, in fresh temp folders. */
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
