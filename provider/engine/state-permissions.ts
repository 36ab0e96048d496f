/**
 * @module Keeps a local file backend private to its owner: the state holds encrypted private keys, and
 * stack config files hold the encryption salt and encrypted secrets.
 */
import fs = require("node:fs");
import path = require("node:path");

/** Folders 0700, files 0600, under `stateDir`, and the given config files 0600. Missing paths are skipped. */
export function restrictStatePermissions(stateDir: string, configFiles: readonly string[] = []): void {
  const walk = (dir: string) => {
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) fs.chmodSync(full, 0o600);
    }
  };
  if (fs.existsSync(stateDir)) walk(stateDir);
  for (const file of configFiles) if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
}
