/**
 * A strict reading of the report's two Mermaid diagrams, by the rules of Mermaid's own grammars
 * (flowchart.jison, gantt.jison) for the statements the report writes, refusing every other statement.
 * Not a real Mermaid parser, because none runs in Node.js: `mermaid.parse` (mermaid 12.3.0) stops with
 * "DOMPurify.addHook is not a function" without a browser DOM, and @mermaid-js/parser (2.0.1) has no
 * flowchart or gantt grammar ("Unknown diagram type"). The rules taken from Mermaid:
 * - a `%%{…}%%` directive is honoured anywhere in the text (mermaid's directiveRegex), and `%%` starts a comment;
 * - a double-quoted flowchart label ends at the next `"` (the lexer's `[^"]+`); its text is HTML, so a `<`
 *   other than the report's own `<br/>` would be an element;
 * - a Gantt `section` takes the rest of its line (`section\s[^\n]+`); a task is `text : data`, the data
 *   ending at `#`, `;` or the line's end (`:[^#\n;]+`);
 * - `#name;` and `#123;` are entity codes, shown as the character they name.
 * A line that is none of the report's statements (`click …`, `style …`, a second graph) is refused.
 */

/** Thrown with the line and the rule it breaks. */
export class MermaidRefusal extends Error {}

const entityNames: Record<string, string> = { quot: '"', amp: "&", lt: "<", gt: ">", nbsp: "\u00a0", apos: "'" };

/** The text a label or section name shows: entity codes decoded, the report's `<br/>` as a line break. */
export function mermaidShown(text: string): string {
  return text
    .replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/#([a-z]+);/gi, (whole, name: string) => entityNames[name.toLowerCase()] ?? whole)
    .replace(/<br\/>/g, "\n");
}

function common(source: string): string[] {
  if (/%%/.test(source)) throw new MermaidRefusal(`holds %%: a directive or comment (${JSON.stringify(source.slice(source.indexOf("%%"), source.indexOf("%%") + 40))})`);
  return source.replace(/\n$/, "").split("\n");
}

/** A flowchart as the report writes it: nodes by id with the text each shows, and edges. */
export interface JudgedGraph {
  nodes: Map<string, string>;
  edges: [string, string][];
}

const id = "([A-Za-z][A-Za-z0-9_]*)";
const label = '\\["([^"\\n]*)"\\]';

/** Reads `source` (the text of a ```mermaid block) as the report's wiring graph, or throws {@link MermaidRefusal}. */
export function judgeMermaidGraph(source: string): JudgedGraph {
  const [first, ...rest] = common(source);
  if (first !== "graph LR") throw new MermaidRefusal(`line 1: must be "graph LR" (got ${JSON.stringify(first)})`);
  const nodes = new Map<string, string>();
  const edges: [string, string][] = [];
  const declare = (node: string, text: string, line: number) => {
    const withoutBreaks = text.replace(/<br\/>/g, "");
    if (/[<>]/.test(withoutBreaks)) throw new MermaidRefusal(`line ${line}: the label of ${node} holds HTML: ${JSON.stringify(text)}`);
    const shown = mermaidShown(text);
    if (nodes.has(node) && nodes.get(node) !== shown) throw new MermaidRefusal(`line ${line}: ${node} is declared again with another label (${JSON.stringify(nodes.get(node))}, then ${JSON.stringify(shown)})`);
    nodes.set(node, shown);
  };
  rest.forEach((text, i) => {
    const line = i + 2;
    const node = new RegExp(`^  ${id}${label}$`).exec(text);
    const edge = new RegExp(`^  ${id} --> ${id}${label}$`).exec(text);
    if (node) declare(node[1]!, node[2]!, line);
    else if (edge) {
      if (!nodes.has(edge[1]!)) throw new MermaidRefusal(`line ${line}: edge from ${edge[1]}, which no line declared`);
      declare(edge[2]!, edge[3]!, line);
      edges.push([edge[1]!, edge[2]!]);
    } else throw new MermaidRefusal(`line ${line}: is not a node or an edge of the report: ${JSON.stringify(text)}`);
  });
  return { nodes, edges };
}

/** A Gantt task: its name, tags and dates (`end` absent for a milestone of 0d). */
export interface JudgedTask {
  name: string;
  tags: string[];
  start: string;
  end?: string;
}

/** Reads `source` as the report's validity chart: sections (names as shown) with their tasks, or throws {@link MermaidRefusal}. */
export function judgeMermaidGantt(source: string): { sections: { name: string; tasks: JudgedTask[] }[] } {
  const lines = common(source);
  const header = ["gantt", "  title Certificate validity, renewal points and overlaps", "  dateFormat YYYY-MM-DD", "  axisFormat %Y-%m"];
  header.forEach((expected, i) => {
    if (lines[i] !== expected) throw new MermaidRefusal(`line ${i + 1}: must be ${JSON.stringify(expected)} (got ${JSON.stringify(lines[i])})`);
  });
  const sections: { name: string; tasks: JudgedTask[] }[] = [];
  lines.slice(header.length).forEach((text, i) => {
    const line = i + header.length + 1;
    const section = /^  section\s([^\n]+)$/.exec(text);
    if (section) {
      sections.push({ name: mermaidShown(section[1]!), tasks: [] });
      return;
    }
    const task = /^  ([^:\n]+?) :([^#\n;]+)$/.exec(text);
    if (!task) throw new MermaidRefusal(`line ${line}: is not a section or a task: ${JSON.stringify(text)}`);
    if (sections.length === 0) throw new MermaidRefusal(`line ${line}: a task before any section`);
    const parts = task[2]!.split(",").map((p) => p.trim());
    const tags = parts.filter((p) => ["done", "active", "crit", "milestone"].includes(p));
    const [start, end] = parts.slice(tags.length);
    if (!start || !/^\d{4}-\d{2}-\d{2}$/.test(start)) throw new MermaidRefusal(`line ${line}: the start must be a YYYY-MM-DD date (got ${JSON.stringify(start)})`);
    if (tags.includes("milestone")) {
      if (end !== "0d") throw new MermaidRefusal(`line ${line}: a milestone lasts 0d (got ${JSON.stringify(end)})`);
      sections.at(-1)!.tasks.push({ name: task[1]!, tags, start });
      return;
    }
    if (!end || !/^\d{4}-\d{2}-\d{2}$/.test(end)) throw new MermaidRefusal(`line ${line}: the end must be a YYYY-MM-DD date (got ${JSON.stringify(end)})`);
    if (end < start) throw new MermaidRefusal(`line ${line}: the bar ${JSON.stringify(task[1])} ends (${end}) before it starts (${start}): Mermaid draws it backwards`);
    sections.at(-1)!.tasks.push({ name: task[1]!, tags, start, end });
  });
  return { sections };
}
