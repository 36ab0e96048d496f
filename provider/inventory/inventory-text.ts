/**
 * @module Reads an inventory file's bytes as UTF-8 text, strictly: a byte that is not UTF-8 is an error
 * at its line and column (a lenient decoder would turn it into U+FFFD and carry on), and a UTF-16 or
 * UTF-32 file is recognised by its byte order mark or its NUL bytes and named as such, instead of being
 * parsed as noise. A UTF-8 byte order mark is allowed (YAML allows it), and so are the line endings YAML
 * allows: LF, CR LF and a lone CR.
 */
import { fileProblemWords, readRegularFile, tooLargeWords } from "./read-regular-file";

/** Largest inventory file read: an inventory is a few kilobytes; a larger file is some other file. */
export const maxInventoryBytes = 1024 * 1024;

/** Text, or the problem with the bytes: with a position (1-based) when it has one. */
export type InventoryText = { ok: true; text: string } | { ok: false; message: string; line?: number; col?: number };

/** Reads `file` (a regular file only, at most {@link maxInventoryBytes}) and decodes it as UTF-8, strictly. */
export function readInventoryText(file: string): InventoryText {
  const read = readRegularFile(file, maxInventoryBytes);
  if (read.ok) return decodeInventoryBytes(read.bytes);
  const { problem } = read;
  if (problem.kind === "too-large") return { ok: false, message: tooLargeWords(problem, "an inventory") };
  return { ok: false, message: `cannot be read: ${fileProblemWords(problem, "an inventory")}` };
}

const utf16 = "save it as UTF-8 (YAML files are read as UTF-8)";

/** Decodes `bytes` as UTF-8, refusing UTF-16/32 and any byte that is not UTF-8. */
export function decodeInventoryBytes(bytes: Uint8Array): InventoryText {
  const starts = (...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
  if (starts(0x00, 0x00, 0xfe, 0xff) || starts(0xff, 0xfe, 0x00, 0x00))
    return { ok: false, message: `is UTF-32 (it starts with a UTF-32 byte order mark): ${utf16}` };
  if (starts(0xfe, 0xff) || starts(0xff, 0xfe))
    return { ok: false, message: `is UTF-16 (it starts with a UTF-16 byte order mark): ${utf16}` };
  // NUL is valid UTF-8 but never text: NULs between ASCII letters are UTF-16 or UTF-32 without a mark.
  if (bytes.includes(0))
    return { ok: false, message: `contains NUL bytes, so it is UTF-16 or UTF-32, or not text at all: ${utf16}` };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return invalidUtf8(bytes);
  }
  // YAML 1.2 (b-break) ends a line at CR LF, LF or a lone CR (classic Mac files); the yaml package reads
  // only the first two, so a lone CR becomes LF: one character for one, so every offset stays the same.
  return { ok: true, text: text.replace(/\r(?!\n)/g, "\n") };
}

/** Locates the first byte that is not UTF-8: the first U+FFFD that a lenient decoder made up. */
function invalidUtf8(bytes: Uint8Array): InventoryText {
  const lenient = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
  let byteOffset = 0;
  for (let i = 0; i < lenient.length; i++) {
    const code = lenient.codePointAt(i)!;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    // A U+FFFD the file really holds is the three bytes EF BF BD; any other is a replaced bad byte.
    if (
      code === 0xfffd &&
      !(bytes[byteOffset] === 0xef && bytes[byteOffset + 1] === 0xbf && bytes[byteOffset + 2] === 0xbd)
    ) {
      const before = lenient
        .slice(0, i)
        .replace(/^\uFEFF/, "")
        .replace(/\r(?!\n)/g, "\n");
      const line = before.split("\n").length;
      const col = before.length - before.lastIndexOf("\n");
      const hex = bytes[byteOffset]!.toString(16).toUpperCase().padStart(2, "0");
      return {
        ok: false,
        line,
        col,
        message: `is not UTF-8: byte 0x${hex} (at byte ${byteOffset}) is not UTF-8 here; ${utf16}`,
      };
    }
    byteOffset += width;
    if (code > 0xffff) i++;
  }
  return { ok: false, message: `is not UTF-8; ${utf16}` };
}
