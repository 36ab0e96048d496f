/**
 * @module Keeps a local file backend usable and private to its owner: the state holds encrypted private
 * keys, and stack config files hold the encryption salt and encrypted secrets. A state folder that is a
 * file, cannot be made, or is read-only is named in one line before the engine runs.
 */
import fs = require("node:fs");
import path = require("node:path");
import { StateDirError } from "../errors";

/** Words for the file-system errors a state folder meets. */
function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EROFS: "read-only file system",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    ENOTDIR: "a folder on its path is a file",
    ENOENT: "no such folder",
    ENOSPC: "no space left on the device",
    EEXIST: "a file of that name exists",
  };
  return (code && words[code]) ?? code ?? (error as Error).message;
}

/** `file` as the user likely typed it: relative to the working directory when inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

/**
 * Makes sure `stateDir` is a folder the command can use, creating it (0700) when it is missing.
 * `writes`: the command writes the stack's state there (up, preview, destroy), so the folder must be
 * writable.
 *
 * @throws StateDirError `ERR_STATE_DIR` naming the folder and the problem: a file, not a folder; it
 * cannot be created; it is read-only.
 */
export function prepareStateFolder(stateDir: string, writes: boolean): void {
  const fail = (problem: string) => new StateDirError(`state folder ${shown(stateDir)}: ${problem}`);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(stateDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw fail(`cannot be reached (${why(error)})`);
  }
  if (stat && !stat.isDirectory())
    throw fail(
      "is a file, not a folder: --state names the folder that holds the stack's state (the .pulumi folder inside it)",
    );
  if (!stat) {
    try {
      fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw fail(`cannot be created (${why(error)})`);
    }
  }
  if (!writes) return;
  try {
    fs.accessSync(stateDir, fs.constants.W_OK);
  } catch (error) {
    throw fail(
      `cannot be written (${why(error)}): the command writes the stack's state there; give --state a folder you can write`,
    );
  }
}

/**
 * Folders 0700, files 0600, under `stateDir`, and the given config files 0600. Missing paths are skipped,
 * and so are modes that are right already (a read-only copy of a private state can still be read).
 *
 * @throws StateDirError `ERR_STATE_DIR` naming the path when a mode that must change cannot.
 */
export function restrictStatePermissions(stateDir: string, configFiles: readonly string[] = []): void {
  const restrict = (file: string, mode: number) => {
    try {
      if ((fs.statSync(file).mode & 0o777) !== mode) fs.chmodSync(file, mode);
    } catch (error) {
      throw new StateDirError(
        `state folder ${shown(stateDir)}: cannot make ${shown(file)} private to its owner (${why(error)})`,
      );
    }
  };
  const walk = (dir: string) => {
    restrict(dir, 0o700);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw new StateDirError(`state folder ${shown(stateDir)}: cannot read ${shown(dir)} (${why(error)})`);
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) restrict(full, 0o600);
    }
  };
  if (fs.existsSync(stateDir)) walk(stateDir);
  for (const file of configFiles) if (fs.existsSync(file)) restrict(file, 0o600);
}
