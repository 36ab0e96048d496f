/**
 * @module The files of one stack on a file backend, checked before a command reads or writes them: a
 * checkpoint that is gone while the backend shows that the stack existed (going on would create every
 * resource again, with new keys), and a checkpoint cut short or garbled (a full disk, a killed update),
 * which is restored from the newest copy the engine keeps when that copy is a consistent state, and
 * otherwise stops the command with the steps to restore it by hand. Nothing here runs the engine.
 */
import fs = require("node:fs");
import os = require("node:os");
import path = require("node:path");
import { CheckpointDamagedError, CheckpointMissingError } from "../errors";

/** Where one stack's files are on a file backend. */
export interface StackFiles {
  /** Folder of the file backend (`.pulumi/` inside it). */
  stateDir: string;
  projectName: string;
  stackName: string;
  /** The stack config file (Pulumi.<stack>.yaml); its encryption salt shows that the stack was made. */
  configFile?: string;
}

/** The checkpoint file of a stack on a file backend: what `pulumi` writes as the stack's state. */
export function stateFilePath(stateDir: string, projectName: string, stackName: string): string {
  return path.join(stateDir, ".pulumi", "stacks", projectName, `${stackName}.json`);
}

/** A lock an update left on a file backend, whose process no longer runs (it was killed). */
export interface StaleLock {
  file: string;
  pid: number;
  timestamp: string;
}

/** The lock files of a stack, each with whether its process is known to be gone. */
function locksOf(files: StackFiles): { file: string; stale?: StaleLock }[] {
  const dir = path.join(files.stateDir, ".pulumi", "locks", "organization", files.projectName, files.stackName);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .map((name) => {
      const file = path.join(dir, name);
      try {
        const lock = JSON.parse(fs.readFileSync(file, "utf8")) as {
          pid?: number;
          hostname?: string;
          timestamp?: string;
        };
        if (lock.hostname === os.hostname() && typeof lock.pid === "number" && !processRuns(lock.pid)) {
          return { file, stale: { file, pid: lock.pid, timestamp: lock.timestamp ?? "?" } };
        }
      } catch {
        // A lock being written right now, or not ours to judge: leave it.
      }
      return { file };
    });
}

/**
 * Locks on the file backend held by processes of this host that no longer run: what a killed
 * `pulumi up` leaves behind, which would stop every later update of the stack.
 */
export function findStaleLocks(stateDir: string, projectName: string, stackName: string): StaleLock[] {
  return locksOf({ stateDir, projectName, stackName }).flatMap((l) => (l.stale ? [l.stale] : []));
}

/** True when `pid` is a live process; a zombie (killed, not yet reaped) is not. */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // Linux: the state after the command name in /proc/<pid>/stat; Z is a zombie.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/** What a checkpoint file holds, or what is wrong with it. */
interface Judged {
  file: string;
  /** When the file was written: the newest copy holds the newest state. */
  mtimeMs: number;
  /** Why it is not a consistent state of this stack; undefined when it is one. */
  problem?: string;
  /** Resources it holds, the stack itself and providers left out. */
  resources: number;
}

/** A checkpoint resource as stored (only what the consistency check reads). */
interface StoredResource {
  urn?: unknown;
  type?: unknown;
  delete?: unknown;
  parent?: unknown;
  provider?: unknown;
  dependencies?: unknown;
}

/**
 * Judges `file` as a checkpoint of `files`' stack: it parses, it is this stack's, and every resource
 * refers (parent, provider, dependencies) only to resources before it, as the engine writes them.
 * Written here because the engine checks this only when it writes a checkpoint, and no library reads
 * Pulumi checkpoints. A checkpoint version other than 3 (what this engine writes) is not judged.
 */
function judgeCheckpoint(file: string, files: StackFiles): Judged {
  let text: string;
  let mtimeMs = 0;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    return {
      file,
      mtimeMs,
      problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`,
      resources: 0,
    };
  }
  const bad = (problem: string): Judged => ({ file, mtimeMs, problem, resources: 0 });
  if (text.trim() === "") return bad("is empty");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Node's message quotes the text around the error: the place is enough (the file holds ciphertexts).
    const message = (error as Error).message;
    const position = Number(/at position (\d+)/.exec(message)?.[1] ?? (/end of JSON/.test(message) ? text.length : 0));
    return bad(
      position >= text.length
        ? `is cut short: its JSON ends early, at byte ${text.length}`
        : `is garbled: its JSON breaks at byte ${position} of ${text.length}`,
    );
  }
  const object = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!object(value) || typeof value["version"] !== "number") return bad("is not a Pulumi checkpoint (no version)");
  if (value["version"] !== 3) return { file, mtimeMs, resources: 0 };
  const checkpoint = value["checkpoint"];
  if (!object(checkpoint) || typeof checkpoint["stack"] !== "string")
    return bad("is not a Pulumi checkpoint (no stack)");
  const stack = checkpoint["stack"];
  if (stack !== files.stackName && !stack.endsWith(`/${files.projectName}/${files.stackName}`))
    return bad(`is the checkpoint of another stack (${stack})`);
  const latest = checkpoint["latest"];
  if (latest === undefined || latest === null) return { file, mtimeMs, resources: 0 };
  if (!object(latest)) return bad("is not a consistent state: its latest deployment is not an object");
  const resources = latest["resources"] ?? [];
  if (!Array.isArray(resources)) return bad("is not a consistent state: its resources are not a list");
  const seen = new Set<string>();
  const live = new Set<string>();
  let counted = 0;
  for (const [index, resource] of (resources as StoredResource[]).entries()) {
    if (!object(resource) || typeof resource.urn !== "string" || typeof resource.type !== "string")
      return bad(`is not a consistent state: resource ${index + 1} has no URN or type`);
    const urn = resource.urn;
    const refers = (what: string, target: unknown) =>
      typeof target === "string" && target !== "" && !seen.has(target)
        ? `is not a consistent state: ${urn} names ${what} ${target}, which no resource before it is`
        : undefined;
    const provider =
      typeof resource.provider === "string" && resource.provider !== ""
        ? resource.provider.slice(0, resource.provider.lastIndexOf("::"))
        : undefined;
    const dangling =
      refers("parent", resource.parent) ??
      refers("provider", provider) ??
      (Array.isArray(resource.dependencies)
        ? resource.dependencies.map((d) => refers("dependency", d)).find(Boolean)
        : undefined);
    if (dangling) return bad(dangling);
    if (resource.delete !== true) {
      if (live.has(urn)) return bad(`is not a consistent state: ${urn} is in it twice`);
      live.add(urn);
    }
    seen.add(urn);
    if (resource.type !== "pulumi:pulumi:Stack" && !resource.type.startsWith("pulumi:providers:")) counted++;
  }
  return { file, mtimeMs, resources: counted };
}

/**
 * The copies of the stack's state the engine keeps, newest first: the backup beside the checkpoint
 * (the state before its last write), the newest of the backups folder and the newest checkpoint of the
 * history folder (the state at the end of an update). Each is judged.
 */
function copiesOf(files: StackFiles): Judged[] {
  const checkpoint = stateFilePath(files.stateDir, files.projectName, files.stackName);
  const newestIn = (dir: string, suffix: string): string[] => {
    if (!fs.existsSync(dir)) return [];
    const found = fs
      .readdirSync(dir)
      .filter((n) => n.startsWith(files.stackName) && n.endsWith(suffix))
      .map((n) => path.join(dir, n))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    return found.slice(0, 1);
  };
  const candidates = [
    ...(fs.existsSync(`${checkpoint}.bak`) ? [`${checkpoint}.bak`] : []),
    ...newestIn(path.join(files.stateDir, ".pulumi", "backups", files.projectName, files.stackName), ".json"),
    ...newestIn(
      path.join(files.stateDir, ".pulumi", "history", files.projectName, files.stackName),
      ".checkpoint.json",
    ),
  ];
  return candidates.map((file) => judgeCheckpoint(file, files)).sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/**
 * A path quoted for bash, for the restore steps a user pastes (no dependency of ours quotes for a shell):
 * single quotes, or ANSI-C quotes (`$'...'`) when it holds a control character such as a line break,
 * which must not split a step across lines.
 */
function sh(text: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(text)) return text;
  if (!/[\x00-\x1f\x7f]/.test(text)) return `'${text.replace(/'/g, "'\\''")}'`;
  return `$'${text.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)}'`;
}

const resourcesIn = (n: number) => `${n} resource${n === 1 ? "" : "s"}`;

/**
 * Checks the stack's files before a command runs the engine on them, repairs what can be repaired
 * safely, and returns what it repaired (one notice each). Nothing is touched while a live process
 * holds the stack's lock (the engine then reports the lock).
 *
 * - an attributes file (`.attrs`) cut short is removed (the engine fails on it with "EOF");
 * - a checkpoint that does not parse or is not a consistent state is restored from the newest copy the
 *   engine keeps (see {@link copiesOf}) when that copy is a consistent state of this stack; the damaged
 *   file is kept beside it (`.damaged`);
 *
 * @throws CheckpointDamagedError `ERR_CHECKPOINT_DAMAGED` when the newest copy is damaged too or there is none,
 * and `ERR_CHECKPOINT_MISSING` when the checkpoint is gone while the backend shows that the stack existed
 * with resources (its backup, history, backups or stack config); each message gives the steps to restore
 * it. Nothing was changed then.
 */
export function prepareStackFiles(files: StackFiles): string[] {
  if (locksOf(files).some((l) => !l.stale)) return [];
  const checkpoint = stateFilePath(files.stateDir, files.projectName, files.stackName);
  const notices: string[] = [];
  for (const file of [`${checkpoint}.attrs`, `${checkpoint}.bak.attrs`]) {
    if (fs.existsSync(file) && !parses(file)) {
      fs.rmSync(file);
      notices.push(`removed ${file}: it was cut short (it only holds the checkpoint's checksum)`);
    }
  }
  // A compressed checkpoint (PULUMI_DIY_BACKEND_GZIP) is the engine's to read.
  if (fs.existsSync(`${checkpoint}.gz`) || fs.existsSync(`${checkpoint}.zst`)) return notices;
  const stack = `stack '${files.stackName}'`;
  if (!fs.existsSync(checkpoint)) {
    const evidence = existedEvidence(files);
    if (evidence.length === 0) return notices;
    const good = copiesOf(files).find((c) => !c.problem && c.resources > 0);
    throw new CheckpointMissingError(
      [
        `${stack} has no checkpoint (${checkpoint} is missing), but the state folder shows that it existed: ${evidence.map((e) => e.says).join("; ")}. Going on would create every resource again, with new private keys, so nothing was changed.`,
        ...(good
          ? [
              `Restore it from the newest consistent copy (${resourcesIn(good.resources)}), then run the command again (commands for bash):`,
              `  cp ${sh(good.file)} ${sh(checkpoint)}`,
            ]
          : [
              `No copy in the state folder is a consistent state: restore ${sh(files.stateDir)} from your own backup, then run the command again.`,
            ]),
        `To start a new stack of that name instead (new keys; the old ones stay only in those copies), move these away first: ${evidence.map((e) => sh(e.file)).join(" ")}`,
      ].join("\n"),
    );
  }
  const judged = judgeCheckpoint(checkpoint, files);
  if (!judged.problem) return notices;
  const copies = copiesOf(files);
  const newest = copies[0];
  if (newest && !newest.problem) {
    const kept = `${checkpoint}.damaged`;
    fs.renameSync(checkpoint, kept);
    fs.copyFileSync(newest.file, checkpoint);
    fs.rmSync(`${checkpoint}.attrs`, { force: true });
    notices.push(
      `the checkpoint of ${stack} ${judged.problem}: restored it from ${newest.file}, the newest copy of the stack's state (written ${new Date(newest.mtimeMs).toISOString()}, ${resourcesIn(newest.resources)}, consistent); the damaged file is kept as ${kept}`,
    );
    return notices;
  }
  const older = copies.find((c) => !c.problem);
  throw new CheckpointDamagedError(
    [
      `the checkpoint of ${stack} (${checkpoint}) ${judged.problem}, and ${newest ? `the newest copy of its state, ${newest.file}, ${newest.problem}` : "the state folder holds no copy of it"}: nothing was restored and nothing was changed. Restore it by hand (commands for bash):`,
      `  mv ${sh(checkpoint)} ${sh(`${checkpoint}.damaged`)}`,
      ...(older
        ? [
            `  cp ${sh(older.file)} ${sh(checkpoint)}    # the newest consistent copy (${resourcesIn(older.resources)}, written ${new Date(older.mtimeMs).toISOString()}): it may lack the last changes`,
          ]
        : [
            `  # no copy in the state folder is a consistent state: restore ${sh(files.stateDir)} from your own backup`,
          ]),
      `  rm -f ${sh(`${checkpoint}.attrs`)}`,
      `then run salesforce-certs preview --stack ${sh(files.stackName)}: it must plan no create for a resource the stack had (a create makes new keys).`,
    ].join("\n"),
  );
}

/** What shows that a stack whose checkpoint is gone existed with resources: each file and what it says. */
function existedEvidence(files: StackFiles): { file: string; says: string }[] {
  const evidence: { file: string; says: string }[] = [];
  const checkpoint = stateFilePath(files.stateDir, files.projectName, files.stackName);
  // `pulumi stack rm` leaves the last checkpoint as the backup and removes the history: a backup of an
  // emptied stack is a stack removed on purpose.
  if (fs.existsSync(`${checkpoint}.bak`)) {
    const bak = judgeCheckpoint(`${checkpoint}.bak`, files);
    if (bak.problem || bak.resources > 0)
      evidence.push({
        file: `${checkpoint}.bak`,
        says: `its backup ${checkpoint}.bak ${bak.problem ?? `holds ${resourcesIn(bak.resources)}`}`,
      });
  }
  for (const [kind, dir, suffix] of [
    [
      "history",
      path.join(files.stateDir, ".pulumi", "history", files.projectName, files.stackName),
      ".checkpoint.json",
    ],
    ["backups", path.join(files.stateDir, ".pulumi", "backups", files.projectName, files.stackName), ".json"],
  ] as const) {
    if (!fs.existsSync(dir)) continue;
    const copies = fs.readdirSync(dir).filter((n) => n.endsWith(suffix));
    if (copies.length === 0) continue;
    const newest = copies
      .map((n) => judgeCheckpoint(path.join(dir, n), files))
      .sort((a, b) => b.mtimeMs - a.mtimeMs)[0]!;
    if (newest.problem || newest.resources > 0)
      evidence.push({
        file: dir,
        says: `its ${kind} folder ${dir} holds ${copies.length} checkpoint${copies.length === 1 ? "" : "s"}, the newest ${newest.problem ?? `with ${resourcesIn(newest.resources)}`}`,
      });
  }
  if (
    files.configFile &&
    fs.existsSync(files.configFile) &&
    /^encryptionsalt:/m.test(fs.readFileSync(files.configFile, "utf8"))
  ) {
    evidence.push({
      file: files.configFile,
      says: `its stack config ${files.configFile} holds the salt its secrets were encrypted with`,
    });
  }
  return evidence;
}

function parses(file: string): boolean {
  try {
    JSON.parse(fs.readFileSync(file, "utf8"));
    return true;
  } catch {
    return false;
  }
}
