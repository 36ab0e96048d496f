/**
 * @module Runs the real `pulumi` command for a project folder: what a user runs, with the environment of
 * engine-environment.ts. The program runs in Pulumi's Node.js language host, exactly as under a plain
 * `pulumi up`.
 */
import { spawn, spawnSync } from "node:child_process";
import { engineEnvironment, locateEngine, type Engine, type StackLocation } from "./engine-environment";

/** One stack of one project folder, and how to run `pulumi` on it. */
export interface PulumiProject extends StackLocation {
  /** Folder of Pulumi.yaml. */
  workDir: string;
}

/** A `pulumi` command bound to a project folder and a stack. */
export class PulumiCli {
  readonly engine: Engine;
  readonly env: NodeJS.ProcessEnv;

  /**
   * @throws EngineNotFoundError (`ERR_ENGINE_NOT_FOUND`) when there is no engine.
   * @throws PassphraseError (`ERR_PASSPHRASE`) when the stack has no passphrase, or an empty one.
   */
  constructor(
    readonly project: PulumiProject,
    extraEnv: Record<string, string> = {},
  ) {
    this.engine = locateEngine();
    this.env = { ...process.env, ...engineEnvironment(project, this.engine), ...extraEnv };
  }

  /**
   * Runs `pulumi ...args` with its output on this process's terminal; resolves to its exit code. A Ctrl-C
   * reaches the engine from the terminal (same process group) and the engine cancels; this process waits
   * for it instead of dying, so that the caller can put back what it changed (see protection-journal.ts).
   */
  stream(args: readonly string[]): Promise<number> {
    return new Promise((resolve, reject) => {
      // umask 077: the checkpoint, its backups and the stack config file are created private to the user.
      const previous = process.umask(0o077);
      const child = spawn(this.engine.cli, [...args, "--stack", this.project.stackName, "--non-interactive"], {
        cwd: this.project.workDir,
        env: this.env,
        stdio: ["ignore", "inherit", "inherit"],
      });
      process.umask(previous);
      const waitForTheEngine = () => {};
      process.on("SIGINT", waitForTheEngine);
      const done = () => process.off("SIGINT", waitForTheEngine);
      child.on("error", (error) => {
        done();
        reject(error);
      });
      child.on("close", (code) => {
        done();
        resolve(code ?? 1);
      });
    });
  }

  /** Runs `pulumi ...args` and returns what it printed; `stack` adds `--stack` (not every command takes it). */
  capture(args: readonly string[], stack = true): { status: number; stdout: string; stderr: string } {
    const previous = process.umask(0o077);
    try {
      const result = spawnSync(
        this.engine.cli,
        [...args, ...(stack ? ["--stack", this.project.stackName] : []), "--non-interactive"],
        {
          cwd: this.project.workDir,
          env: this.env,
          encoding: "utf8",
          maxBuffer: 512 * 1024 * 1024,
        },
      );
      if (result.error) throw result.error;
      return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
    } finally {
      process.umask(previous);
    }
  }
}
