/**
 * Runs `openssl` (the judge of our certificates and keys) on PEM text written to a temporary folder.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Writes `files` into a fresh temporary folder and runs `openssl args` there; returns stdout. */
export function openssl(args: string[], files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-openssl-"));
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
    return execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
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
