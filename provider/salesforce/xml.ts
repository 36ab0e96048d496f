/**
 * @module The little XML the Salesforce metadata files need: escaping, and elements in a fixed order.
 * (A full XML builder would add a dependency for a handful of flat elements.)
 */

/** Escapes text for an XML element or attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** A Metadata API source file: the XML declaration, the root element in the metadata namespace, children indented. */
export function metadataXml(rootElement: string, children: readonly [string, string | number | boolean][]): string {
  const lines = children.map(([name, value]) => `    <${name}>${escapeXml(String(value))}</${name}>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${rootElement} xmlns="http://soap.sforce.com/2006/04/metadata">\n${lines.join("\n")}\n</${rootElement}>\n`;
}
