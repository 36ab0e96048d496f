/**
 * @module The last guard on texts that came from elsewhere (a server's error description) before they are
 * shown: every secret in them is replaced.
 */

/**
 * `text` with every occurrence of each secret (and of each of its PEM body lines) replaced by `[redacted]`:
 * a last guard on texts that came from elsewhere (a server's error description) before they are shown.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const parts = [secret, ...secret.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith("-----"))];
    for (const part of parts) out = out.split(part).join("[redacted]");
  }
  return out;
}
