/**
 * @module Salesforce record ids: 15 case-sensitive characters (a 3-character key prefix first) plus the
 * 3-character case-insensitive checksum of the 18-character form. Prefixes used by the stand-in: `00D`
 * organization, `005` user, `0P1` certificate (salesforce.md §2), `0Af` deploy request, `0H4` connected
 * app; the External Client App prefixes are not documented publicly, so the stand-in's are made up (`0xI…`).
 */
import crypto from "node:crypto";

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const checksumAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/** The 18-character form of a 15-character id (Salesforce's documented checksum: one character per 5, a bit per upper-case letter). */
export function eighteenCharacterId(id15: string): string {
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i]!)) bits |= 1 << i;
    suffix += checksumAlphabet[bits];
  }
  return id15 + suffix;
}

/** A fresh 18-character id with the given 3-character key prefix (`0000` pod-style digits, then random base62). */
export function newId(prefix: string): string {
  const random = Array.from(crypto.randomBytes(8), (b) => base62[b % 62]).join("");
  return eighteenCharacterId(`${prefix}0000${random}`);
}
