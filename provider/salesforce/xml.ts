/**
 * @module The little XML the Salesforce metadata files need: escaping, and elements in a fixed order.
 * (A full XML builder would add a dependency for a handful of small, fixed documents.)
 */

/** An element: a name and text, or a name and child elements. `undefined` leaves the element out. */
export type XmlNode = readonly [string, string | number | boolean | undefined | readonly XmlNode[]];

/** Escapes text for an XML element or attribute value. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function render(nodes: readonly XmlNode[], indent: string): string[] {
  const lines: string[] = [];
  for (const [name, value] of nodes) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      lines.push(`${indent}<${name}>`, ...render(value as readonly XmlNode[], `${indent}    `), `${indent}</${name}>`);
    } else {
      lines.push(`${indent}<${name}>${escapeXml(String(value))}</${name}>`);
    }
  }
  return lines;
}

/** A Metadata API source file: the XML declaration, the root element in the metadata namespace, children indented. */
export function metadataXml(rootElement: string, children: readonly XmlNode[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${rootElement} xmlns="http://soap.sforce.com/2006/04/metadata">\n${render(children, "    ").join("\n")}\n</${rootElement}>\n`;
}
