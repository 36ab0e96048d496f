/**
 * The discovery report cannot be forged by what an org holds: certificate names and labels, subjects,
 * issuers, app names, SAML SSO settings and credentials are chosen by whoever has Setup access there.
 * Judged by markdown-it-py (CommonMark + GFM tables) and by Mermaid parsing and rendering in jsdom: each
 * hostile value renders as its own text, in its own cell or label, and adds no row, element, link,
 * heading or Mermaid statement. The judges are shown once to reject the same values left raw.
 */
import test from "ava";
import { renderDiscovery } from "../../../provider/discover/render";
import { judgeMarkdown } from "../../helpers/markdown-judge";
import { judgeMermaidGraph, MermaidRefusal } from "../../helpers/mermaid-judge";
import { type BrownfieldName, brownfieldOrg, document, now } from "./render-documents";

const forgedRow = "Ops\n| Fake_Cert | forged | 4096 | self-signed | yes | 2099-01-01 | 99999 | AA | nothing |";
const img = "<img src=x onerror=alert(1)>";
const inline =
  "**bold** _em_ `code` [link](https://evil.example) ![i](https://evil.example/i.png) ~~s~~ $x^2$ \\ &amp; &#60;b&#62; <https://evil.example>";
const mermaidBreakout = 'A"]\n  click cert_A "javascript:alert(1)";%%{init: {"securityLevel": "loose"}}%%';

/** A hostile value in every place a name from the org reaches. */
const hostile: Record<BrownfieldName, string> = {
  IdP_Signing: "Idp|Partner",
  "IdP signing": img,
  Expired_Legacy: mermaidBreakout,
  CA_Pending: "# heading\r- item\u2028> quote\t`",
  Mtls_Client: "a-b",
  Payments: 'P"] --> evil["x"]\nclick evil "javascript:alert(1)"',
  Sso_Request_Signing: "a.b",
  Partner_SSO: "%%{init: {}}%%",
  Portal: "</td></tr><tr><td>x",
  Legacy_CI: inline,
  "CN=ci.brownfield.example": forgedRow,
  Batch_Export: "fa:fa-car C:\\new #1; #lt;",
  Shared_Key_App: "`**md**` <br/> \\<br>",
  "https://idp.partner.example": "javascript:alert(1)",
  "https://portal.partner.example/saml": "x",
  ExternalCredential: "- [x] <a href=javascript:alert(1)>here</a> | cell",
};

/** What a value shows once rendered: line breaks and control characters as spaces, the cell's edges trimmed. */
const shown = (value: string) => value.replace(/[\p{Cc}\u2028\u2029]/gu, " ").trim();
/** As {@link shown}, with runs of spaces as one (HTML and SVG text collapse them). */
const seen = (value: string) => shown(value).replace(/ +/g, " ");

const org = brownfieldOrg(hostile, "prod\n# Forged heading <img src=x>");
org.orgId = "00D|x";
org.unreadable.push({ what: "NamedCredential", reason: forgedRow });
const sandbox = brownfieldOrg(hostile, "sandbox <script>alert(1)</script>");
const markdown = renderDiscovery(document(org, sandbox), now);

test("every hostile value renders as its own text in its own cell: no extra row, element, link or heading", (t) => {
  const judged = judgeMarkdown(markdown);
  t.is(judged.tables.length, 1 + 3 + 3);
  const [summary, records, apps, trusted] = judged.tables;
  t.deepEqual(
    summary!.rows.map((row) => row.slice(0, 2).map((c) => c.text)),
    [
      [shown(org.label), "00D|x"],
      [shown(sandbox.label), sandbox.orgId],
    ],
  );
  t.deepEqual(
    records!.rows.map((row) => [row[0]!.text, row[1]!.text, row[8]!.text]),
    [
      [hostile.IdP_Signing, img, `IdP settings (signs SAML assertions), SAML app ${hostile.Portal} (signing)`],
      [shown(mermaidBreakout), "Legacy (expired)", "nothing found"],
      [shown(hostile.CA_Pending), "Awaiting its chain", "nothing found"],
      ["a-b", "Payments mutual TLS", `NamedCredential ${shown(hostile.Payments)} (mutual TLS)`],
      ["a.b", "SSO request signing", `SAML SSO ${hostile.Partner_SSO} (signs AuthnRequests)`],
    ],
  );
  t.deepEqual(
    apps!.rows.map((row) => [row[0]!.text, row[3]!.text, row[7]!.text]),
    [
      [inline, shown(forgedRow), "—"],
      [hostile.Batch_Export, "CN=batch", hostile.Shared_Key_App],
      [hostile.Shared_Key_App, "CN=batch", hostile.Batch_Export],
    ],
  );
  t.deepEqual(
    trusted!.rows.map((row) => [row[0]!.text, row[1]!.text]),
    [[hostile.Partner_SSO, "javascript:alert(1)"]],
  );
  for (const table of judged.tables) {
    t.is(new Set(table.rows.map((row) => row.length)).size, 1, "every row has the header's cells");
    for (const cell of table.rows.flat())
      t.deepEqual(cell.kinds, ["text"], `only text in ${JSON.stringify(cell.text)}`);
  }
  t.is(records!.rows.length, 5, "no forged row");
  for (const i of judged.inlines)
    t.true(
      i.kinds.every((k) => ["text", "strong_open", "strong_close"].includes(k)),
      `${i.text}: ${i.kinds.join(", ")}`,
    );
  t.true(judged.inlines.some((i) => i.text === `Org ${shown(org.label)}`));
  t.true(judged.inlines.some((i) => i.text === `NamedCredential: ${shown(forgedRow)}`));
  t.false(judged.blocks.includes("html_block"));
  const headings = [
    "Summary",
    ...[org, sandbox].flatMap(() => [
      "Org",
      "Certificates",
      "Certificates in apps",
      "Partner IdP",
      "Not read",
      "Wiring",
    ]),
  ];
  t.is(judged.html.match(/<h[1-6]>/g)?.length, 1 + headings.length, "the report's own headings, no other");
  t.false(/<(img|script|a|td>x)\b/.test(judged.html), "no element from a value");
  t.deepEqual(
    judged.fences.map((f) => f.info),
    ["mermaid", "mermaid"],
  );
});

test("in each org's Mermaid graph, each hostile value is one label, and adds no statement", async (t) => {
  const judged = judgeMarkdown(markdown);
  for (const fence of judged.fences) {
    const graph = await judgeMermaidGraph(fence.content);
    t.deepEqual(
      graph.edges.map(([from, to]) => [graph.nodes.get(from), graph.nodes.get(to)]),
      [
        [`${seen(hostile.IdP_Signing)}\nexpires 2026-09-17`, "IdP settings"],
        [`${seen(hostile.IdP_Signing)}\nexpires 2026-09-17`, `Connected App ${seen(hostile.Portal)}`],
        ["a-b\nexpires 2026-03-21", `NamedCredential ${seen(hostile.Payments)}`],
        ["a.b\nexpires 2026-05-30", `SAML SSO ${seen(hostile.Partner_SSO)}`],
        [`certificate in ${seen(inline)}\nexpires 2026-04-15`, `Connected App ${seen(inline)}`],
        [
          `certificate in ${seen(hostile.Batch_Export)}\nexpires 2026-02-27`,
          `External Client App ${seen(hostile.Batch_Export)}`,
        ],
        [
          `certificate in ${seen(hostile.Shared_Key_App)}\nexpires 2026-12-26`,
          `External Client App ${seen(hostile.Shared_Key_App)}`,
        ],
        ["partner IdP javascript:alert(1)\nexpires 2026-03-11", `SAML SSO ${seen(hostile.Partner_SSO)}`],
      ],
    );
    t.deepEqual(
      [...graph.nodes.values()].filter(
        (label) => !graph.edges.some(([a, b]) => [a, b].some((id) => graph.nodes.get(id) === label)),
      ),
      [`${seen(mermaidBreakout)}\nexpires 2026-01-30`, `${seen(hostile.CA_Pending)}\nawaiting CA signature`],
      "the certificates without users, and no node a value made",
    );
    t.is(new Set(graph.nodes.keys()).size, graph.nodes.size);
    // Five records, three app certificates, one trusted certificate, and seven users (the SAML SSO setting is one).
    t.is(graph.nodes.size, 16);
  }
});

test("the judges reject the same values left raw", async (t) => {
  const raw = [
    "| Certificate | Label | Used by |",
    "|---|---|---|",
    `| ${hostile.IdP_Signing} | ${img} | ${forgedRow} |`,
    "",
  ].join("\n");
  const judged = judgeMarkdown(raw);
  t.is(judged.tables[0]!.rows.length, 2, "a forged row");
  t.true(
    judged.tables[0]!.rows.flat().some((cell) => cell.kinds.includes("html_inline")),
    "an <img> element",
  );
  t.true(judgeMarkdown(`| App |\n|---|\n| ${inline} |\n`).tables[0]!.rows[0]![0]!.kinds.includes("link_open"));
  await t.throwsAsync(judgeMermaidGraph(`graph LR\n  cert_A["${mermaidBreakout}\nexpires 2026-01-30"]\n`), {
    instanceOf: MermaidRefusal,
  });
  // A user's quote closes its label, and its line break starts a click statement.
  await t.throwsAsync(
    judgeMermaidGraph(`graph LR\n  cert_A["A"]\n  cert_A --> user_P["NamedCredential ${hostile.Payments}"]\n`),
    {
      instanceOf: MermaidRefusal,
    },
  );
});
