/**
 * A judge from another ecosystem for the report's Markdown: markdown-it-py (a CommonMark parser, here
 * with GFM tables) as a reviewer's renderer would read it. It says what the text IS once parsed (the
 * tables with their rows and cells, each cell's text and the kinds of inline it holds, any HTML, links
 * and images), so a test can assert that a value renders as text and adds nothing.
 * scripts/setup-test-tools.sh installs it when python3 lacks it.
 */
import { spawnSync } from "node:child_process";

const script = String.raw`
import json, sys
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table")
text = sys.stdin.read()
tokens = md.parse(text)

def inline(token):
    out, kinds = "", set()
    for child in token.children or []:
        kinds.add(child.type)
        if child.type in ("text", "text_special", "code_inline"):
            out += child.content
        elif child.type in ("softbreak", "hardbreak"):
            out += "\n"
    return {"text": out, "kinds": sorted(kinds)}

tables, inlines, blocks, fences = [], [], [], []
table, row = None, None
for token in tokens:
    blocks.append(token.type)
    if token.type == "table_open":
        table = {"head": [], "rows": []}
    elif token.type == "table_close":
        tables.append(table)
        table = None
    elif token.type == "tr_open" and table is not None:
        row = []
    elif token.type == "tr_close" and table is not None:
        if table["head"] == [] and not table["rows"]:
            table["head"] = row
        else:
            table["rows"].append(row)
        row = None
    elif token.type == "inline":
        judged = inline(token)
        if row is not None:
            row.append(judged)
        else:
            inlines.append(judged)
    elif token.type == "fence":
        fences.append({"info": token.info, "content": token.content})
print(json.dumps({"tables": tables, "inlines": inlines, "blocks": sorted(set(blocks)), "fences": fences, "html": md.render(text)}))
`;

/** One piece of inline content: its text once rendered, and the kinds of token it holds (`text` alone for plain text). */
export interface JudgedInline {
  text: string;
  kinds: string[];
}

export interface MarkdownJudgement {
  /** Every GFM table: its header cells and its body rows of cells. */
  tables: { head: JudgedInline[]; rows: JudgedInline[][] }[];
  /** Inline content outside tables (paragraphs, headings, list items), in order. */
  inlines: JudgedInline[];
  /** The kinds of block token in the document (an `html_block` would be raw HTML). */
  blocks: string[];
  /** Fenced code blocks with their info string (`mermaid`). */
  fences: { info: string; content: string }[];
  /** The HTML markdown-it-py renders. */
  html: string;
}

/** Parses `markdown` with markdown-it-py (CommonMark + GFM tables); throws what Python says when it fails. */
export function judgeMarkdown(markdown: string): MarkdownJudgement {
  const run = spawnSync("python3", ["-c", script], { input: markdown, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`markdown-it-py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as MarkdownJudgement;
}
