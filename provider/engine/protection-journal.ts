/**
 * @module The journal of protection lifted for a deletion: `destroy` (and `up --allow-delete`) write the
 * URNs they are about to unprotect here before unprotecting them, and remove the file once the engine
 * has finished. A journal still present means the command was interrupted (kill -9, a crash, power
 * loss) or failed before it could put protection back: the next command of the stack re-protects what
 * it lists and is still in the stack, so that an interrupted deletion leaves nothing unprotected.
 */
import fs = require("node:fs");
import path = require("node:path");

/** What a journal holds. */
export interface LiftedProtection {
  /** The command that lifted it (`destroy`, `up --allow-delete`). */
  command: string;
  /** The resources unprotected, by URN. */
  urns: string[];
}

/**
 * The journal file of a stack: beside the state, in a folder the engine does not read
 * (`<state>/.salesforce-certs/unprotected/<project>/<stack>.json`).
 */
export function journalPath(stateDir: string, projectName: string, stackName: string): string {
  return path.join(stateDir, ".salesforce-certs", "unprotected", projectName, `${stackName}.json`);
}

/** Writes the journal (durably: a temp file, synced, renamed over it), before protection is lifted. */
export function writeJournal(file: string, lifted: LiftedProtection): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, "w", 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(lifted, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

/**
 * The journal's content; undefined when there is none. A journal that does not parse (it cannot be
 * half-written: see {@link writeJournal}) lists nothing: `all: true` asks the caller to protect every
 * resource it would have listed.
 */
export function readJournal(file: string): (LiftedProtection & { all?: boolean }) | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const value = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LiftedProtection>;
    if (
      typeof value.command === "string" &&
      Array.isArray(value.urns) &&
      value.urns.every((u) => typeof u === "string")
    )
      return { command: value.command, urns: value.urns };
  } catch {
    // fall through: unreadable
  }
  return { command: "an interrupted command", urns: [], all: true };
}

/** Removes the journal: protection is back, or what it listed is deleted. */
export function clearJournal(file: string): void {
  fs.rmSync(file, { force: true });
}
