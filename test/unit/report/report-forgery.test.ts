/**
 * The report cannot be forged by the values it shows: names, labels, owners, SAML steps and the source's
 * file name come from the inventory or from an outputs file anyone can write. Judged by a real Markdown
 * parser (markdown-it-py, CommonMark + GFM tables) and by Mermaid itself, parsing and rendering in jsdom: each
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
const dates = {
  notBefore: "2026-01-01T00:00:00.000Z",
  notAfter: "2027-01-01T00:00:00.000Z",
  nextRotation: "2026-11-01T00:00:00.000Z",
};

/** Values an outputs file (or an inventory, for labels and owners) can hold, each aiming at one target. */
const forgedRow = "Ops\n| Fake_Cert | forged | Mallory | 2099-01-01 | 99999 | — | nothing |";
const img = "<img src=x onerror=alert(1)>";
const inline =
  "**bold** _em_ `code` [link](https://evil.example) ![i](https://evil.example/i.png) ~~s~~ $x^2$ \\ &amp; &#60;b&#62; <https://evil.example>";
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
    [names.pipe]: {
      label: img,
      owner: forgedRow,
      ...dates,
      previousCertificate: {
        sha256Fingerprint: "AA",
        notAfter: "2026-06-01T00:00:00.000Z",
        retainedUntil: "2026-02-15T00:00:00.000Z",
      },
    },
    [names.breakout]: { label: inline, owner: "\\|", ...dates },
    [names.dash]: { label: "%%{init: {}}%%", ...dates },
    [names.dot]: { label: "</td></tr><tr><td>x", owner: "javascript:alert(1)", ...dates },
    [names.blocks]: { label: "=====", owner: "---", ...dates },
  },
  wiring: { [names.pipe]: [{ kind: "saml", name: consumer }], [names.dash]: [{ kind: "jwt", name: "CI<script>" }] },
  samlBindings: {
    ["B<script>alert(1)</script>"]: {
      phase: "publishing\n# Heading",
      nextStep: "- [x] <a href=javascript:alert(1)>here</a> | cell",
    },
  },
};
const source = "stack outputs in o\n# Forged heading <img src=x>.json";

/** What a value shows once rendered: line breaks and control characters as spaces, the cell's edges trimmed. */
const shown = (value: string) => value.replace(/[\p{Cc}\u2028\u2029]/gu, " ").trim();

test("every hostile value renders as its own text in its own cell: no extra row, element, link or heading", (t) => {
  const report = renderReport(modelFromOutputs(outputs, source), now);
  const judged = judgeMarkdown(report);
  t.is(judged.tables.length, 1);
  const [table] = judged.tables;
  t.deepEqual(
    table!.head.map((c) => c.text),
    ["Certificate", "Label", "Owner", "Expires", "Days left", "Next rotation", "Used by"],
  );
  const expected = [
    [names.pipe, img, forgedRow, "2027-01-01", "334", "2026-11-01", `SAML ${consumer}`],
    [names.breakout, inline, "\\|", "2027-01-01", "334", "2026-11-01", "nothing"],
    [names.dash, "%%{init: {}}%%", "—", "2027-01-01", "334", "2026-11-01", "JWT CI<script>"],
    [names.dot, "</td></tr><tr><td>x", "javascript:alert(1)", "2027-01-01", "334", "2026-11-01", "nothing"],
    [names.blocks, "=====", "---", "2027-01-01", "334", "2026-11-01", "nothing"],
  ].map((row) => row.map(shown));
  t.deepEqual(
    table!.rows.map((row) => row.map((cell) => cell.text)),
    expected,
  );
  for (const cell of table!.rows.flat()) t.deepEqual(cell.kinds, ["text"], `only text in ${JSON.stringify(cell.text)}`);
  t.deepEqual(
    judged.inlines.map((i) => i.text),
    [
      "Salesforce certificates and their consumers",
      `From ${shown(source)}, on 2026-02-01.`,
      "IdP rotations in progress",
      `B<script>alert(1)</script> (publishing # Heading): - [x] <a href=javascript:alert(1)>here</a> | cell`,
      "Wiring",
      "Validity and overlap",
    ],
  );
  for (const i of judged.inlines)
    t.true(
      i.kinds.every((k) => ["text", "strong_open", "strong_close"].includes(k)),
      `${i.text}: ${i.kinds.join(", ")}`,
    );
  t.false(judged.blocks.includes("html_block"));
  t.is(judged.html.match(/<h[1-6]>/g)?.length, 4, "the report's own four headings, no other");
  t.false(/<(img|script|a|td>x)\b/.test(judged.html), "no element from a value");
  t.deepEqual(
    judged.fences.map((f) => f.info),
    ["mermaid", "mermaid"],
  );
});

/** What a value shows in a rendered Mermaid label: as {@link shown}, with runs of spaces as one (HTML and SVG text collapse them). */
const seen = (value: string) => shown(value).replace(/ +/g, " ");
const header = {
  title: "Certificate validity, renewal points and overlaps",
  dateFormat: "YYYY-MM-DD",
  axisFormat: "%Y-%m",
};
const valid = { name: "valid", tags: [], start: "2026-01-01", end: "2027-01-01" };
const nextRotation = { name: "next rotation", tags: ["milestone"], start: "2026-11-01" };

test("in the Mermaid graph and chart, each hostile value is one label or section name, and adds no statement", async (t) => {
  const report = renderReport(modelFromOutputs(outputs, source), now);
  const [graph, gantt] = judgeMarkdown(report).fences;
  const judged = await judgeMermaidGraph(graph!.content);
  t.is(judged.direction, "LR");
  const breakoutId = "cert_A_____click_cert_A__javascript_alert_1______init____securityLevel____loose_____";
  const consumerId = "saml_P_______evil__x___click_evil__javascript_alert_1__";
  const expires = (name: string) => `${seen(name)}\nexpires 2027-01-01`;
  t.deepEqual(
    [...judged.nodes],
    [
      ["cert_Idp_Partner", expires(names.pipe)],
      [consumerId, `SAML ${seen(consumer)}`],
      [breakoutId, expires(names.breakout)],
      ["cert_a_b", expires(names.dash)],
      ["jwt_CI_script_", "JWT CI<script>"],
      ["cert_a_b_2", expires(names.dot)],
      ["cert___heading___item___quote__", expires(names.blocks)],
    ],
  );
  t.deepEqual(judged.edges, [
    ["cert_Idp_Partner", consumerId],
    ["cert_a_b", "jwt_CI_script_"],
  ]);
  const chart = await judgeMermaidGantt(gantt!.content);
  t.deepEqual(chart, {
    ...header,
    sections: [
      {
        name: seen(names.pipe),
        tasks: [
          valid,
          nextRotation,
          { name: "previous kept (overlap)", tags: ["done"], start: "2026-02-01", end: "2026-02-15" },
        ],
      },
      ...[names.breakout, names.dash, names.dot, names.blocks].map((name) => ({
        name: seen(name),
        tasks: [valid, nextRotation],
      })),
    ],
  });
});

test("Mermaid shows entity codes, backslashes, icon and KaTeX syntax, Markdown and HTML as the value's own text", async (t) => {
  const values = [
    "C:\\new\\n #1; #lt; &amp; &#60; fa:fa-car fab:fa-x $$x^2$$",
    "caf\u00e9 \u{1F600} \u00a0nbsp \u200b",
    "`**md**` <br/> \\<br>",
    "%% not a comment ;; A --> B",
  ];
  const model = modelFromOutputs(
    {
      certificates: Object.fromEntries(values.map((name) => [name, { label: "x", ...dates }])),
      wiring: { [values[0]!]: values.slice(1).map((name) => ({ kind: "jwt", name })) },
    },
    "o",
  );
  const [graph, gantt] = judgeMarkdown(renderReport(model, now)).fences;
  const judged = await judgeMermaidGraph(graph!.content);
  t.deepEqual(
    [...judged.nodes.values()],
    [
      `${values[0]}\nexpires 2027-01-01`,
      ...values.slice(1).map((name) => `JWT ${name}`),
      ...values.slice(1).map((name) => `${name}\nexpires 2027-01-01`),
    ].map((label) => label.replace(/ +/g, " ")),
  );
  t.is(judged.edges.length, 3);
  const chart = await judgeMermaidGantt(gantt!.content);
  t.deepEqual(
    chart.sections.map((s) => s.name),
    values.map((value) => value.replace(/ +/g, " ")),
  );
  t.deepEqual(
    chart.sections.map((s) => s.tasks),
    values.map(() => [valid, nextRotation]),
  );
});

const ganttHeader =
  "gantt\n  title Certificate validity, renewal points and overlaps\n  dateFormat YYYY-MM-DD\n  axisFormat %Y-%m\n";

test("the judges reject the same values left raw", async (t) => {
  // The table row the report wrote before values were escaped: the owner's line break and pipes add a row.
  const raw = [
    "| Certificate | Label | Owner |",
    "|---|---|---|",
    `| ${names.pipe} | ${img} | ${forgedRow} |`,
    "",
  ].join("\n");
  const judged = judgeMarkdown(raw);
  t.is(judged.tables[0]!.rows.length, 2, "a forged row");
  t.true(
    judged.tables[0]!.rows[0]!.some((cell) => cell.kinds.includes("html_inline")),
    "an <img> element",
  );
  t.true(judgeMarkdown(`From ${inline}.\n`).inlines[0]!.kinds.includes("link_open"));
  t.true(judgeMarkdown(`From ${inline}.\n`).html.includes("<img"));
  // The graph lines the report wrote before: the name's quote closes the label and a click line follows.
  await t.throwsAsync(judgeMermaidGraph(`graph LR\n  cert_A["${mermaidBreakout}\nexpires 2027-01-01"]\n`), {
    instanceOf: MermaidRefusal,
    message: /^Mermaid refuses the text: Parse error on line 4/,
  });
  await t.throwsAsync(judgeMermaidGraph(`graph LR\n  cert_A["a"b\nexpires 2027-01-01"]\n`), {
    instanceOf: MermaidRefusal,
    message: /^Mermaid refuses the text: Parse error on line 3/,
  });
  // A name that closes its label, adds a click line and opens a node that takes the rest of the line parses: the click is refused.
  const clickName = 'A"]\n  click cert_A "javascript:alert(1)"\n  x["';
  await t.throwsAsync(judgeMermaidGraph(`graph LR\n  cert_A["${clickName}\nexpires 2027-01-01"]\n`), {
    instanceOf: MermaidRefusal,
    message: 'node cert_A links to "about:blank"',
  });
  await t.throwsAsync(judgeMermaidGraph(`graph LR\n  cert_A["A"]\n  click cert_A call alert(1) "tip"\n`), {
    instanceOf: MermaidRefusal,
    message: "node cert_A has a click handler",
  });
  await t.throwsAsync(judgeMermaidGraph(`graph LR\n  cert_A["${img}"]\n`), {
    instanceOf: MermaidRefusal,
    message: /^the label of cert_A holds a <img> element/,
  });
  // With any HTML in the label (the `<br/>` the report wrote before), Mermaid decodes the codes before it looks for icons and
  // `\n`: `fa:fa-car` becomes an icon and `C:\new` breaks its line.
  await t.throwsAsync(judgeMermaidGraph(`graph LR\n  cert_A["${mermaidText("fa:fa-car")}<br/>expires 2027-01-01"]\n`), {
    instanceOf: MermaidRefusal,
    message: /^the label of cert_A shows a <i> element/,
  });
  t.deepEqual(
    [
      ...(
        await judgeMermaidGraph(`graph LR\n  cert_A["${mermaidText("C:\\new")}<br/>expires 2027-01-01"]\n`)
      ).nodes.values(),
    ],
    ["C:\new\nexpires 2027-01-01"],
  );
  // A line that starts with %% is a comment, even inside quotes: the value's text goes with it. A %%{…}%% directive sets the configuration.
  const commented = await judgeMermaidGraph(`graph LR\n  cert_A["x\n%% y\nexpires 2027-01-01"]\n`);
  t.deepEqual([...commented.nodes], [["cert_A", "x\nexpires 2027-01-01"]], "the comment hid part of the value");
  await t.throwsAsync(judgeMermaidGraph(`graph LR\n  cert_A["x %%{init: {"theme": "dark"}}%%"]\n`), {
    instanceOf: MermaidRefusal,
    message: `a directive or front matter sets Mermaid's configuration: {"theme":"dark"}`,
  });
  // A consumer's line break adds a node of its own: the exact set of nodes shows it.
  const forged = await judgeMermaidGraph(`graph LR\n  cert_A["A"]\n  cert_A --> saml_P["SAML P"]\n  evil["x"]\n`);
  t.deepEqual([...forged.nodes.keys()], ["cert_A", "saml_P", "evil"]);
  await t.throwsAsync(
    judgeMermaidGantt(
      `${ganttHeader}  section A\n  valid : 2026-01-01, 2027-01-01\n  click task1 href "javascript:alert(1)"\n`,
    ),
    { instanceOf: MermaidRefusal, message: 'a task links to ["about:blank"]' },
  );
  await t.throwsAsync(judgeMermaidGantt(`${ganttHeader}  section %%{init: {}}%%\n  valid : 2026-01-01, 2027-01-01\n`), {
    instanceOf: MermaidRefusal,
    message: /^Mermaid refuses the text: Parse error on line 5/,
  });
  const extra = await judgeMermaidGantt(
    `${ganttHeader}  section A\n  forged : 2026-01-01, 2099-01-01\n  valid : 2026-01-01, 2027-01-01\n`,
  );
  t.deepEqual(extra.sections, [
    { name: "A", tasks: [{ name: "forged", tags: [], start: "2026-01-01", end: "2099-01-01" }, valid] },
  ]);
});

test("plain names stay readable in the raw Markdown and Mermaid", (t) => {
  t.is(markdownText("Greenmoor_IdP_Signing"), "Greenmoor_IdP_Signing");
  t.is(markdownText("Greenmoor IdP signing (partner SSO)"), "Greenmoor IdP signing (partner SSO)");
  t.is(markdownText("_x_ a|b <c> & d\ne"), "\\_x\\_ a\\|b &lt;c&gt; &amp; d e");
  t.is(mermaidText("SAML Partner_Portal_SSO"), "SAML Partner_Portal_SSO");
  t.is(mermaidText('a"b;c\n%'), "a#34;b#59;c #37;");
  t.is(mermaidText(""), "#8212;");
});

test("a retire not proven yet: each hostile value from the outputs renders as its own text in one list item, and adds no row, heading, element or link", (t) => {
  const retired = (proof: string, extra: Record<string, unknown>) => ({
    slot: "A\n# Forged heading",
    sha256Fingerprint: img,
    retiredAt: "2026-01-31T23:00:00.000Z",
    proof,
    ...extra,
  });
  const model = modelFromOutputs(
    {
      ...outputs,
      jwtIntegrations: {
        [names.blocks]: { retiredSlot: retired("pending", { lastProofError: `${forgedRow} ${inline}` }) },
        [names.pipe]: { retiredSlot: retired("unprovable", { unprovable: `</li><li>${mermaidBreakout}` }) },
      },
    },
    source,
  );
  const judged = judgeMarkdown(renderReport(model, now));
  t.is(judged.tables.length, 1);
  t.is(judged.tables[0]!.rows.length, 5, "no forged row");
  t.is(judged.html.match(/<h[1-6]>/g)?.length, 5, "the report's own five headings, no other");
  t.false(/<(img|script|a|td>x)\b/.test(judged.html), "no element from a value");
  t.false(judged.blocks.includes("html_block"));
  const items = judged.inlines.filter((i) => i.text.startsWith("JwtIntegration "));
  t.deepEqual(
    items.map((i) => i.kinds),
    [["text"], ["text"]],
  );
  t.true(
    items[0]!.text.startsWith(
      `JwtIntegration ${shown(names.blocks)}: the retire of slot ${shown("A\n# Forged heading")} (certificate ${img.slice(0, 23)}…) is not proven yet`,
    ),
  );
  t.true(items[0]!.text.includes(`last try: ${shown(`${forgedRow} ${inline}`)}: run pulumi up again`));
  t.true(items[1]!.text.startsWith(`JwtIntegration ${names.pipe}: the retire of slot`));
  t.true(
    items[1]!.text.includes(
      `: ${shown(`</li><li>${mermaidBreakout}`)}; confirm in Setup that the app holds no certificate`,
    ),
  );
});
