/**
 * @module Puts text that comes from an inventory or from stack outputs (names, labels, owners, the
 * source's file name) into the report so that it shows as that text and nothing more: no table row, no
 * HTML element, no link, no Mermaid statement. Each target has its own rules, hence one function each.
 * Hand-written: the Markdown escapers on npm cover CommonMark but not GFM table cells, and none covers
 * Mermaid labels; both rule sets are short and fixed by the two grammars.
 */

/** Characters that break a line or that no renderer shows: each becomes one space (a report line never holds a line break of a value). */
const unseen = /[\p{Cc}\u2028\u2029]/gu;

/**
 * `value` as Markdown inline text that renders as exactly `value` (line breaks and control characters
 * as spaces), also inside a GFM table cell: `|` cannot end the cell, `<`, `>` and `&` are entities (no
 * HTML element, autolink or character reference), and the characters of emphasis, code spans, links,
 * images, strikethrough and GitHub's math are escaped. A value never starts a line of the report, so
 * no character of it can start a block (heading, list, quote, fence).
 */
export function markdownText(value: string): string {
  const flat = value.replace(unseen, " ");
  let out = "";
  for (let i = 0; i < flat.length; i++) {
    const ch = flat[i]!;
    if (ch === "&") out += "&amp;";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === "_") {
      // Between two letters or digits an underscore never opens or closes emphasis: names stay readable.
      out += /[A-Za-z0-9]/.test(flat[i - 1] ?? "") && /[A-Za-z0-9]/.test(flat[i + 1] ?? "") ? "_" : "\\_";
    } else if ("\\`*[]|~$".includes(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/**
 * `value` for a Mermaid label in double quotes or a Gantt section name: every character but ASCII
 * letters, digits, space and `_-.,()/@` becomes a Mermaid entity code (`#60;` shows `<`), so that no
 * quote ends the label, no `%%{…}%%` directive, `;` or line break starts a statement (`click …
 * "javascript:…"`), and no `<…>` reaches the label's HTML. Empty text shows as `—`. The label around it
 * must hold no raw HTML (not even `<br/>`): Mermaid then keeps the codes until its last step, so a `\n` or
 * `fa:fa-…` in a value stays text instead of becoming a line break or an icon.
 */
export function mermaidText(value: string): string {
  const flat = value.replace(unseen, " ");
  if (flat === "") return "#8212;";
  let out = "";
  for (const ch of flat) out += /[A-Za-z0-9 _\-.,()/@]/.test(ch) ? ch : `#${ch.codePointAt(0)!};`;
  return out;
}

/**
 * Mermaid node ids: one per `prefix` and `key`, made of `name` (default: the key) with every character but
 * letters, digits and `_` as `_`, and a number added when two keys would give one id (`a-b` and `a.b`), so
 * that two nodes never merge.
 */
export function mermaidNodeIds(): (prefix: string, key: string, name?: string) => string {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  return (prefix, whole, name = whole) => {
    const key = `${prefix}:${whole}`;
    let id = ids.get(key);
    if (id === undefined) {
      const base = `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
      ids.set(key, id);
      used.add(id);
    }
    return id;
  };
}
