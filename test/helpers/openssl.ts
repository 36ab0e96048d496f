/**
 * Runs `openssl` (the judge of our certificates and keys) on PEM text written to a temporary folder.
 * Every certificate and CSR handed to openssl is first judged by the strict X.509 parser too (Go's
 * crypto/x509): openssl accepts string types that strict RFC 5280 parsers refuse.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { strictX509 } from "./strict-x509";

const certificateOrRequest = /-----BEGIN (?:NEW )?CERTIFICATE(?: REQUEST)?-----/;

/** Runs the strict judge over every PEM certificate or CSR among `files`; throws naming the file it refuses. */
export function judgeStrictly(files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    const text = typeof content === "string" ? content : content.toString("latin1");
    if (!certificateOrRequest.test(text)) continue;
    try {
      strictX509(text);
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`);
    }
  }
}

/** Judges the certificates and CSRs in `files` strictly, writes `files` into a fresh temporary folder and runs `openssl args` there; returns stdout (stderr too with `withStderr`). Throws when the strict judge or openssl fails. */
export function openssl(args: string[], files: Record<string, string | Buffer> = {}, withStderr = false): string {
  judgeStrictly(files);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-openssl-"));
  try {
    for (const [name, content] of Object.entries(files))
      fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
    const run = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`openssl ${args.join(" ")} failed (${run.status}): ${run.stderr}`);
    return withStderr ? run.stdout + run.stderr : run.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl x509 -noout <flags>` on one certificate. */
export function x509(certificatePem: string, ...flags: string[]): string {
  return openssl(["x509", "-in", "cert.pem", "-noout", ...flags], { "cert.pem": certificatePem });
}

/** The public key of a certificate or a private key, as openssl writes it (SPKI PEM). */
export function publicKeyOf(pem: { certificate: string } | { privateKey: string }): string {
  return "certificate" in pem
    ? openssl(["x509", "-in", "cert.pem", "-noout", "-pubkey"], { "cert.pem": pem.certificate })
    : openssl(["pkey", "-in", "key.pem", "-pubout"], { "key.pem": pem.privateKey });
}

/** A CSR for a fresh P-256 key made by openssl (its key is thrown away), with subject `subject` (`/O=…/CN=…`). */
export function opensslEcRequest(subject: string): string {
  return openssl([
    "req",
    "-new",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "/dev/null",
    "-subj",
    subject,
  ]);
}
