/**
 * @module Reads a file the user named (an inventory, a chain or certificate file it points to, stack
 * outputs) without trusting what the path is: only a regular file is read, and never more than a cap.
 * `fs.readFileSync` would read `/dev/zero` until memory runs out (`stat().size` is 0 for a device, so a
 * size check before it lets it through) and block forever on a named pipe with no writer. Node has these
 * primitives and no library adds more than them, hence this short reader.
 */
import fs = require("node:fs");

/** Why a file was not read; callers put it in their own words with {@link fileProblemWords}. */
export type FileProblem =
  | { kind: "missing" }
  | { kind: "folder" }
  | { kind: "denied" }
  /** A device, named pipe or socket: `what` names it, e.g. "a character device". */
  | { kind: "special"; what: string }
  /** Larger than the cap: `size` when the file says its size, absent when it only grew past the cap while read. */
  | { kind: "too-large"; limit: number; size?: number }
  /** Anything else: the system's error code, and Node's message (which names the path). */
  | { kind: "other"; code: string; message: string };

/** The bytes of `file`, or why they were not read. */
export type RegularFileRead = { ok: true; bytes: Buffer } | { ok: false; problem: FileProblem };

// O_NONBLOCK: opening a named pipe with no writer returns at once instead of waiting for one (the fstat
// below then refuses it); it changes nothing for a regular file. O_NOCTTY: a terminal never becomes ours.
const openFlags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);

/**
 * Reads `file` when it is a regular file (a symbolic link to one is followed) of at most `maxBytes` bytes.
 * The path is stat'ed first so that a device is never opened (opening some has effects), and the opened
 * descriptor is fstat'ed so that what is read is what was judged, even if the path changed in between.
 */
export function readRegularFile(file: string, maxBytes: number): RegularFileRead {
  let fd: number | undefined;
  try {
    const before = fs.statSync(file);
    if (!before.isFile()) return { ok: false, problem: notRegular(before) };
    fd = fs.openSync(file, openFlags);
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) return { ok: false, problem: notRegular(opened) };
    if (opened.size > maxBytes)
      return { ok: false, problem: { kind: "too-large", limit: maxBytes, size: opened.size } };
    // The size is only a hint (a file in /proc says 0, a log keeps growing): read up to one byte past the cap.
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, maxBytes + 1 - total));
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
    }
    if (total > maxBytes) return { ok: false, problem: { kind: "too-large", limit: maxBytes } };
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return { ok: false, problem: fromErrno(error as NodeJS.ErrnoException, file) };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Like {@link readRegularFile}, decoded as UTF-8 (lenient: callers that need strict decoding take the bytes). */
export function readRegularTextFile(
  file: string,
  maxBytes: number,
): { ok: true; text: string } | { ok: false; problem: FileProblem } {
  const read = readRegularFile(file, maxBytes);
  return read.ok ? { ok: true, text: read.bytes.toString("utf8") } : read;
}

/**
 * The problem as words after "cannot be read: " (e.g. "it is a character device, not a regular file");
 * `what` names what a file of the right kind would be, for the size limit ("an inventory").
 */
export function fileProblemWords(problem: FileProblem, what: string): string {
  switch (problem.kind) {
    case "missing":
      return "no such file";
    case "folder":
      return "it is a folder";
    case "denied":
      return "permission denied";
    case "special":
      return `it is ${problem.what}, not a regular file`;
    case "too-large":
      return `it ${tooLargeWords(problem, what)}`;
    case "other":
      return problem.message;
  }
}

/** "is 2000000 bytes, more than an inventory can be (1048576): is it the right file?" */
export function tooLargeWords(problem: { limit: number; size?: number }, what: string): string {
  const size = problem.size === undefined ? `more than ${problem.limit} bytes` : `${problem.size} bytes`;
  return `is ${size}, more than ${what} can be (${problem.limit}): is it the right file?`;
}

function notRegular(stat: fs.Stats): FileProblem {
  if (stat.isDirectory()) return { kind: "folder" };
  const what = stat.isCharacterDevice()
    ? "a character device"
    : stat.isBlockDevice()
      ? "a block device"
      : stat.isFIFO()
        ? "a named pipe (FIFO)"
        : stat.isSocket()
          ? "a socket"
          : "an unknown kind of file";
  return { kind: "special", what };
}

function fromErrno(error: NodeJS.ErrnoException, file: string): FileProblem {
  switch (error.code) {
    case "ENOENT":
    case "ENOTDIR":
      return { kind: "missing" };
    case "EISDIR":
      return { kind: "folder" };
    case "EACCES":
    case "EPERM":
      return { kind: "denied" };
    case "ENXIO": {
      // A socket (or a device without a driver) cannot be opened: say which it is.
      try {
        return notRegular(fs.statSync(file));
      } catch {
        return { kind: "other", code: "ENXIO", message: error.message };
      }
    }
    default:
      return { kind: "other", code: error.code ?? "unknown error", message: error.message };
  }
}
