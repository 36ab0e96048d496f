/**
 * @module PEM text: splitting a bundle into blocks, and PEM → DER.
 */

/** Every `-----BEGIN <label>-----` block of a PEM bundle, in order, each ending in a newline. */
export function pemBlocks(bundle: string, label: string): string[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, "g");
  return (bundle.match(pattern) ?? []).map((block) => `${block.replace(/\r\n/g, "\n")}\n`);
}

/** The DER bytes of one PEM block. */
export function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, "").replace(/\s+/g, ""), "base64");
}
