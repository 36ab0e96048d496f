/**
 * The report cannot be forged by the values it shows: names, labels, owners, SAML steps and the source's
 * file name come from the inventory or from an outputs file anyone can write. Judged by a real Markdown
 * parser (markdown-it-py, CommonMark + GFM tables) and a strict reading of Mermaid's grammars: each
 * hostile value renders as its own text, in its own cell or label, and adds no row, element, link,
 * heading or Mermaid statement. Each judge is shown once to reject the same values left raw.
 */
import test from "ava";
import { markdownText, mermaidText } from "../../../provider/report/escape";
import { renderReport } from "../../../provider/report/render-report";
import { modelFromOutputs } from "../../../provider/report/report-model";
import { judgeMarkdown } from "../../helpers/markdown-judge";
import { judgeMermaidGantt, judgeMermaidGraph, MermaidRefusal } from "../../helpers/mermaid-judge";

const now = new Date("2026-02-01T00:00:00Z");
const dates = { notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2027-01-01T00:00:00.000Z", nextRotation: "2026-11-01T00:00:00.000Z" };

/** Values an outputs file (or an inventory, for labels and owners) can hold, each aiming at one target. */
const forgedRow = "Ops\n| Fake_Cert | forged | Mallory | 2099-01-01 | 99999 | — | nothing |";
const img = "<img src=x onerror=alert(1)>";
const inline = "**bold** _em_ `code` [link](https://evil.example) ![i](https://evil.example/i.png) ~~s~~ $x^2$ \\ &amp; &#60;b&#62; <https://evil.example>";
const mermaidBreakout = 'A"]\n  click cert_A "javascript:alert(1)";%%{init: {"securityLevel": "loose"}}%%';
const names = {
  pipe: "Idp|Partner",
  breakout: mermaidBreakout,
  dash: "a-b",
  dot: "a.b",
  blocks: "# heading\r- item\u2028> quote\t`",
};
const consumer = 'P"] --> evil["x"]\nclick evil "javascript:alert(1)"';
const outputs = {
  certificates: {
    [names.pipe]: { label: img, owner: forgedRow, ...dates, previousCertificate: { sha256Fingerprint: "AA", notAfter: "2026-06-01T00:00:00.000Z", retainedUntil: "2026-02-15T00:00:00.000Z" } },
    [names.breakout]: { label: inline, owner: "\\|", ...dates },
    [names.dash]: { label: "%%{init: {}}%%", ...dates },
    [names.dot]: { label: "</td></tr><tr><td>x", owner: "javascript:alert(1)", ...dates },
    [names.blocks]: { label: "=====", owner: "---", ...dates },
  },
  wiring: { [names.pipe]: [{ kind: "saml", name: consumer }], [names.dash]: [{ kind: "jwt", name: "CI<script>" }] },
  samlBindings: { ["B<script>alert(1)</script>"]: { phase: "publishing\n# Heading", nextStep: "- [x] <a href=javascript:alert(1)>here</a> | cell" } },
};
const source = "stack outputs in o\n# Forged heading <img src=x>.json";

/** What a value shows once rendered: line breaks and control characters as spaces, the cell's edges trimmed. */
const shown = (value: string) => value.replace(/[\p{Cc}\u2028\u2029]/gu, " ").trim();

test("every hostile value renders as its own text in its own cell: no extra row, element, link or heading", (t) => {
  const report = renderReport(modelFromOutputs(outputs, source), now);
  const judged = judgeMarkdown(report);
  t.is(judged.tables.length, 1);
  const [table] = judged.tables;
  t.deepEqual(table!.head.map((c) => c.text), ["Certificate", "Label", "Owner", "Expires", "Days left", "Next rotation", "Used by"]);
  const expected = [
    [names.pipe, img, forgedRow, "2027-01-01", "334", "2026-11-01", `SAML ${consumer}`],
    [names.breakout, inline, "\\|", "2027-01-01", "334", "2026-11-01", "nothing"],
    [names.dash, "%%{init: {}}%%", "—", "2027-01-01", "334", "2026-11-01", "JWT CI<script>"],
    [names.dot, "</td></tr><tr><td>x", "javascript:alert(1)", "2027-01-01", "334", "2026-11-01", "nothing"],
    [names.blocks, "=====", "---", "2027-01-01", "334", "2026-11-01", "nothing"],
  ].map((row) => row.map(shown));
  t.deepEqual(table!.rows.map((row) => row.map((cell) => cell.text)), expected);
  for (const cell of table!.rows.flat()) t.deepEqual(cell.kinds, ["text"], `only text in ${JSON.stringify(cell.text)}`);
  t.deepEqual(judged.inlines.map((i) => i.text), [
    "Salesforce certificates and their consumers",
    `From ${shown(source)}, on 2026-02-01.`,
    "IdP rotations in progress",
    `B<script>alert(1)</script> (publishing # Heading): - [x] <a href=javascript:alert(1)>here</a> | cell`,
    "Wiring",
    "Validity and overlap",
  ]);
  for (const i of judged.inlines) t.true(i.kinds.every((k) => ["text", "strong_open", "strong_close"].includes(k)), `${i.text}: ${i.kinds.join(", ")}`);
  t.false(judged.blocks.includes("html_block"));
  t.is(judged.html.match(/<h[1-6]>/g)?.length, 4, "the report's own four headings, no other");
  t.false(/<(img|script|a|td>x)\b/.test(judged.html), "no element from a value");
  t.deepEqual(judged.fences.map((f) => f.info), ["mermaid", "mermaid"]);
});

test("in the Mermaid graph and chart, each hostile value is one label or section name, and adds no statement", (t) => {
  const report = renderReport(modelFromOutputs(outputs, source), now);
  const [graph, gantt] = judgeMarkdown(report).fences;
  const judged = judgeMermaidGraph(graph!.content);
  const certificateLabels = [...judged.nodes].filter(([id]) => id.startsWith("cert_")).map(([, label]) => label);
  t.deepEqual(certificateLabels, Object.keys(outputs.certificates).map((name) => `${shown(name)}\nexpires 2027-01-01`));
  t.is(new Set([...judged.nodes.keys()].filter((id) => id.startsWith("cert_"))).size, 5, "a-b and a.b are two nodes");
  t.deepEqual(judged.edges.length, 2);
  t.deepEqual([...judged.nodes].filter(([id]) => !id.startsWith("cert_")).map(([, label]) => label), [`SAML ${shown(consumer)}`, "JWT CI<script>"]);
  const chart = judgeMermaidGantt(gantt!.content);
  t.deepEqual(chart.sections.map((s) => s.name), Object.keys(outputs.certificates).map(shown));
});

test("the judges reject the same values left raw", (t) => {
  // The table row the report wrote before values were escaped: the owner's line break and pipes add a row.
  const raw = ["| Certificate | Label | Owner |", "|---|---|---|", `| ${names.pipe} | ${img} | ${forgedRow} |`, ""].join("\n");
  const judged = judgeMarkdown(raw);
  t.is(judged.tables[0]!.rows.length, 2, "a forged row");
  t.true(judged.tables[0]!.rows[0]!.some((cell) => cell.kinds.includes("html_inline")), "an <img> element");
  t.true(judgeMarkdown(`From ${inline}.\n`).inlines[0]!.kinds.includes("link_open"));
  t.true(judgeMarkdown(`From ${inline}.\n`).html.includes("<img"));
  // The graph lines the report wrote before: the name closes the label and a click line follows.
  t.throws(() => judgeMermaidGraph(`graph LR\n  cert_A["${mermaidBreakout}<br/>expires 2027-01-01"]\n`), { instanceOf: MermaidRefusal });
  t.throws(() => judgeMermaidGraph(`graph LR\n  cert_A["A"]\n  click cert_A "javascript:alert(1)"\n`), { instanceOf: MermaidRefusal, message: /line 3: is not a node or an edge/ });
  t.throws(() => judgeMermaidGraph(`graph LR\n  cert_A["${img}"]\n`), { instanceOf: MermaidRefusal, message: /holds HTML/ });
  t.throws(() => judgeMermaidGantt(`gantt\n  title Certificate validity, renewal points and overlaps\n  dateFormat YYYY-MM-DD\n  axisFormat %Y-%m\n  section A\n  click x call alert()\n`), { instanceOf: MermaidRefusal });
  t.throws(() => judgeMermaidGantt(`gantt\n  title Certificate validity, renewal points and overlaps\n  dateFormat YYYY-MM-DD\n  axisFormat %Y-%m\n  section %%{init: {}}%%\n`), { instanceOf: MermaidRefusal, message: /holds %%/ });
});

test("plain names stay readable in the raw Markdown and Mermaid", (t) => {
  t.is(markdownText("Greenmoor_IdP_Signing"), "Greenmoor_IdP_Signing");
  t.is(markdownText("Greenmoor IdP signing (partner SSO)"), "Greenmoor IdP signing (partner SSO)");
  t.is(markdownText("_x_ a|b <c> & d\ne"), "\\_x\\_ a\\|b &lt;c&gt; &amp; d e");
  t.is(mermaidText("SAML Partner_Portal_SSO"), "SAML Partner_Portal_SSO");
  t.is(mermaidText('a"b;c\n%'), "a#34;b#59;c #37;");
  t.is(mermaidText(""), "#8212;");
});
