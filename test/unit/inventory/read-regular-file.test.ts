/**
 * The reader of every file a user names: a regular file up to its cap, nothing else, and never a wait
 * or an endless read.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { fileProblemWords, readRegularFile } from "../../../provider/inventory/read-regular-file";

function folder(t: { teardown: (f: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-read-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("a regular file is read whole up to the cap, and refused one byte past it with its size", (t) => {
  const dir = folder(t);
  const file = path.join(dir, "ten.txt");
  fs.writeFileSync(file, "0123456789");
  t.deepEqual(readRegularFile(file, 10), { ok: true, bytes: Buffer.from("0123456789") });
  t.deepEqual(readRegularFile(file, 9), { ok: false, problem: { kind: "too-large", limit: 9, size: 10 } });
  fs.writeFileSync(file, "");
  t.deepEqual(readRegularFile(file, 9), { ok: true, bytes: Buffer.alloc(0) });
  // Past the reader's chunk size: the pieces are put together in order.
  const big = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 7 }, (_, i) => i % 251));
  fs.writeFileSync(file, big);
  const read = readRegularFile(file, big.length);
  t.true(read.ok && read.bytes.equals(big));
});

test("a file that says it is empty but is not (/proc) is read up to the cap only", (t) => {
  t.is(fs.statSync("/proc/self/status").size, 0, "the kernel reports no size for it");
  const whole = readRegularFile("/proc/self/status", 1024 * 1024);
  t.true(whole.ok && whole.bytes.toString().startsWith("Name:"));
  t.deepEqual(readRegularFile("/proc/self/status", 16), { ok: false, problem: { kind: "too-large", limit: 16 } });
  t.is(
    fileProblemWords({ kind: "too-large", limit: 16 }, "an inventory"),
    "it is more than 16 bytes, more than an inventory can be (16): is it the right file?",
  );
});

test("devices, named pipes, sockets and folders are refused, named as what they are; a symbolic link is followed", async (t) => {
  const dir = folder(t);
  const fifo = path.join(dir, "pipe");
  execFileSync("mkfifo", [fifo]);
  const socket = path.join(dir, "socket");
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  t.teardown(() => server.close());
  fs.symlinkSync("/dev/zero", path.join(dir, "zero-link"));
  fs.writeFileSync(path.join(dir, "real.yaml"), "a: 1\n");
  fs.symlinkSync("real.yaml", path.join(dir, "link.yaml"));
  const special = (what: string) => ({ ok: false, problem: { kind: "special", what } });
  t.deepEqual(readRegularFile("/dev/zero", 100), special("a character device"));
  t.deepEqual(readRegularFile("/dev/null", 100), special("a character device"));
  t.deepEqual(readRegularFile(path.join(dir, "zero-link"), 100), special("a character device"));
  t.deepEqual(readRegularFile(fifo, 100), special("a named pipe (FIFO)"));
  t.deepEqual(readRegularFile(socket, 100), special("a socket"));
  t.deepEqual(readRegularFile(dir, 100), { ok: false, problem: { kind: "folder" } });
  t.deepEqual(readRegularFile(path.join(dir, "none"), 100), { ok: false, problem: { kind: "missing" } });
  t.deepEqual(readRegularFile(path.join(dir, "real.yaml", "below"), 100), { ok: false, problem: { kind: "missing" } });
  t.deepEqual(readRegularFile(path.join(dir, "link.yaml"), 100), { ok: true, bytes: Buffer.from("a: 1\n") });
  t.is(
    fileProblemWords({ kind: "special", what: "a named pipe (FIFO)" }, "an inventory"),
    "it is a named pipe (FIFO), not a regular file",
  );
});

test("a named pipe with a writer is refused too, without reading from it", (t) => {
  const dir = folder(t);
  const fifo = path.join(dir, "pipe");
  execFileSync("mkfifo", [fifo]);
  // Our own end for reading keeps the pipe open, so a writer can open it without waiting.
  const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const writer = fs.openSync(fifo, fs.constants.O_WRONLY);
  t.teardown(() => {
    fs.closeSync(writer);
    fs.closeSync(reader);
  });
  fs.writeSync(writer, "certificates: {}\n");
  t.deepEqual(readRegularFile(fifo, 100), { ok: false, problem: { kind: "special", what: "a named pipe (FIFO)" } });
  const left = Buffer.alloc(100);
  t.is(fs.readSync(reader, left), 17, "the bytes are still in the pipe");
});

test("a file the user may not read is refused as such", (t) => {
  if (process.getuid?.() === 0) {
    t.pass("root reads any file: nothing to refuse");
    return;
  }
  const dir = folder(t);
  const file = path.join(dir, "secret.yaml");
  fs.writeFileSync(file, "a: 1\n", { mode: 0o000 });
  t.deepEqual(readRegularFile(file, 100), { ok: false, problem: { kind: "denied" } });
});
