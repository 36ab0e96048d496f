/**
 * @module PEM text: splitting a bundle into blocks, and DER ↔ PEM.
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

/** A PEM block of `label` around DER bytes, 64 characters a line. */
export function derToPem(der: Buffer, label: string): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
