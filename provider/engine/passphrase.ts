/**
 * @module Which passphrase protects a stack's secrets on the local backend. The published demo
 * passphrase is used only for the demo stack, so that a real stack never gets it by accident; an empty
 * passphrase (a CI variable that expanded to nothing) is refused like a missing one.
 */
import fs = require("node:fs");
import path = require("node:path");
import { PassphraseError } from "../errors";

/**
 * The passphrase of the demo stack (`npm start`). A published demo value, not a secret: any other stack
 * needs PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.
 */
export const demoPassphrase = "demo-passphrase-not-a-secret";

/** The one stack that may use {@link demoPassphrase}. */
export const demoStackName = "demo";

/** Most bytes read from a passphrase file: a passphrase is a line, not a file of any size. */
const passphraseFileCap = 64 * 1024;

/**
 * The environment to add for `stackName`'s secrets: the passphrase file as an absolute path when the
 * caller names one (the engine runs in the project folder), nothing more when the caller's
 * PULUMI_CONFIG_PASSPHRASE is set, the demo passphrase for the demo stack.
 *
 * @throws PassphraseError `ERR_PASSPHRASE` for any other stack without a passphrase, and for every stack
 * whose passphrase is empty or blank (the variable, the file's name, or the file's content). The message
 * never quotes a passphrase.
 */
export function passphraseEnvironment(stackName: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const refuse = (why: string) =>
    new PassphraseError(`stack '${stackName}' needs a passphrase for its secrets: ${why}`);
  // The engine takes PULUMI_CONFIG_PASSPHRASE first, even empty, and the file only without it.
  const given = env["PULUMI_CONFIG_PASSPHRASE"];
  if (given !== undefined) {
    if (given.trim() === "")
      throw refuse(
        "PULUMI_CONFIG_PASSPHRASE is empty or blank (a variable that expanded to nothing?), which protects no key: set it to the stack's passphrase (or unset it and set PULUMI_CONFIG_PASSPHRASE_FILE)",
      );
    return {};
  }
  const file = env["PULUMI_CONFIG_PASSPHRASE_FILE"];
  if (file !== undefined) {
    if (file.trim() === "")
      throw refuse(
        "PULUMI_CONFIG_PASSPHRASE_FILE is empty or blank: set it to the file that holds the stack's passphrase (or set PULUMI_CONFIG_PASSPHRASE)",
      );
    const content = readPassphraseFile(file);
    if (typeof content !== "string")
      throw refuse(`PULUMI_CONFIG_PASSPHRASE_FILE names ${file}, which cannot be read (${content.problem})`);
    // The engine trims the file's content: blank is empty.
    if (content.trim() === "")
      throw refuse(
        `PULUMI_CONFIG_PASSPHRASE_FILE names ${file}, which is empty or blank: write the stack's passphrase into it (or set PULUMI_CONFIG_PASSPHRASE)`,
      );
    return { PULUMI_CONFIG_PASSPHRASE_FILE: path.resolve(file) };
  }
  if (stackName === demoStackName) return { PULUMI_CONFIG_PASSPHRASE: demoPassphrase };
  throw refuse(
    `set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE (only the '${demoStackName}' stack uses the published demo passphrase)`,
  );
}

/**
 * `passphrase`, given by a program rather than the environment, for `stackName`.
 *
 * @throws PassphraseError `ERR_PASSPHRASE` when it is empty or blank.
 */
export function givenPassphrase(stackName: string, passphrase: string): string {
  if (passphrase.trim() === "")
    throw new PassphraseError(`stack '${stackName}' needs a passphrase for its secrets: the passphrase given is empty`);
  return passphrase;
}

/**
 * The text of a passphrase file, or why it cannot be read. Only a regular file, and only its first
 * {@link passphraseFileCap} bytes: a device or a FIFO named by mistake must neither hang nor fill memory.
 */
function readPassphraseFile(file: string): string | { problem: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return { problem: errnoProblem(error) };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return { problem: "it is a folder" };
    if (!stat.isFile()) return { problem: "it is not a regular file" };
    const buffer = Buffer.alloc(passphraseFileCap);
    const length = fs.readSync(fd, buffer, 0, passphraseFileCap, 0);
    return buffer.subarray(0, length).toString("utf8");
  } catch (error) {
    return { problem: errnoProblem(error) };
  } finally {
    fs.closeSync(fd);
  }
}

function errnoProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT"
    ? "no such file"
    : code === "EACCES"
      ? "permission denied"
      : code === "EISDIR"
        ? "it is a folder"
        : (code ?? "unknown error");
}
