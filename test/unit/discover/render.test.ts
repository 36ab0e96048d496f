/**
 * The discovery report says what the model holds, row by row, in the look of `report`: days left counted
 * from the clock given, EXPIRED once past, the words for a CA-signed certificate awaiting its chain, each
 * certificate's users, keys shared between apps, what could not be read, a graph per org from each
 * certificate to its users, and with several orgs a summary first. Judged by markdown-it-py and Mermaid.
 */
import test from "ava";
import { renderDiscovery } from "../../../provider/discover/render";
import { judgeMarkdown } from "../../helpers/markdown-judge";
import { judgeMermaidGraph } from "../../helpers/mermaid-judge";
import { brownfieldOrg, document, fingerprint, now } from "./render-documents";

const cells = (table: { rows: { text: string }[][] }) => table.rows.map((row) => row.map((cell) => cell.text));

test("one org: its certificates, app certificates and trusted certificates, row by row", (t) => {
  const judged = judgeMarkdown(renderDiscovery(document(brownfieldOrg()), now));
  t.is(judged.tables.length, 3, "no summary for one org");
  const [records, apps, trusted] = judged.tables;
  t.deepEqual(
    records!.head.map((c) => c.text),
    ["Certificate", "Label", "Key size", "Signed", "Exportable", "Expires", "Days left", "SHA-256", "Used by"],
  );
  t.deepEqual(cells(records!), [
    [
      "IdP_Signing",
      "IdP signing",
      "4096",
      "self-signed",
      "yes",
      "2026-09-17",
      "200",
      fingerprint("idp"),
      "IdP settings (signs SAML assertions), SAML app Portal (signing)",
    ],
    [
      "Expired_Legacy",
      "Legacy (expired)",
      "2048",
      "self-signed",
      "yes",
      "2026-01-30",
      "-30, EXPIRED",
      fingerprint("expired"),
      "nothing found",
    ],
    [
      "CA_Pending",
      "Awaiting its chain",
      "2048",
      "CA-signed, awaiting chain",
      "no",
      "—",
      "awaiting CA signature",
      fingerprint("csr"),
      "nothing found",
    ],
    [
      "Mtls_Client",
      "Payments mutual TLS",
      "2048",
      "CA-signed",
      "no",
      "2026-03-21",
      "20",
      fingerprint("mtls"),
      "NamedCredential Payments (mutual TLS)",
    ],
    [
      "Sso_Request_Signing",
      "SSO request signing",
      "2048",
      "self-signed",
      "yes",
      "2026-05-30",
      "90",
      fingerprint("sso"),
      "SAML SSO Partner_SSO (signs AuthnRequests)",
    ],
  ]);
  t.deepEqual(cells(apps!), [
    [
      "Legacy_CI",
      "Connected App",
      "oauthConfig.certificate",
      "CN=ci.brownfield.example",
      "2026-04-15",
      "45",
      fingerprint("ci"),
      "—",
    ],
    [
      "Batch_Export",
      "External Client App",
      "ExtlClntAppGlobalOauthSettings.certificate",
      "CN=batch",
      "2026-02-27",
      "-2, EXPIRED",
      fingerprint("batch"),
      "Shared_Key_App",
    ],
    [
      "Shared_Key_App",
      "External Client App",
      "ExtlClntAppGlobalOauthSettings.certificate",
      "CN=batch",
      "2026-12-26",
      "300",
      fingerprint("shared"),
      "Batch_Export",
    ],
  ]);
  t.deepEqual(cells(trusted!), [
    [
      "Partner_SSO",
      "https://idp.partner.example",
      "CN=idp.partner.example",
      "2026-03-11",
      "10",
      fingerprint("partner"),
    ],
  ]);
  t.true(judged.inlines.some((i) => i.text === "ExternalCredential: the API version lacks the type"));
  t.true(judged.inlines.some((i) => i.text === "IdP settings: enabled, signing with IdP_Signing."));
});

test("a certificate expiring at this very instant is EXPIRED, with 0 days left", (t) => {
  const org = brownfieldOrg();
  org.certificates = [{ ...org.certificates[0]!, expiresAt: now.toISOString() }];
  const [records] = judgeMarkdown(renderDiscovery(document(org), now)).tables;
  t.is(records!.rows[0]![6]!.text, "0, EXPIRED");
});

test("the graph goes from each certificate to each user, one node per user", async (t) => {
  const [fence] = judgeMarkdown(renderDiscovery(document(brownfieldOrg()), now)).fences;
  t.is(fence!.info, "mermaid");
  const graph = await judgeMermaidGraph(fence!.content);
  t.is(graph.direction, "LR");
  const label = (id: string) => graph.nodes.get(id);
  const edges = graph.edges.map(([from, to]) => [label(from), label(to)]);
  t.deepEqual(edges, [
    ["IdP_Signing\nexpires 2026-09-17", "IdP settings"],
    ["IdP_Signing\nexpires 2026-09-17", "Connected App Portal"],
    ["Mtls_Client\nexpires 2026-03-21", "NamedCredential Payments"],
    ["Sso_Request_Signing\nexpires 2026-05-30", "SAML SSO Partner_SSO"],
    ["certificate in Legacy_CI\nexpires 2026-04-15", "Connected App Legacy_CI"],
    ["certificate in Batch_Export\nexpires 2026-02-27", "External Client App Batch_Export"],
    ["certificate in Shared_Key_App\nexpires 2026-12-26", "External Client App Shared_Key_App"],
    ["partner IdP https://idp.partner.example\nexpires 2026-03-11", "SAML SSO Partner_SSO"],
  ]);
  // The SAML SSO setting is one node, whether it signs requests or trusts the partner's certificate.
  t.is([...graph.nodes.values()].filter((l) => l === "SAML SSO Partner_SSO").length, 1);
  t.true([...graph.nodes.values()].includes("CA_Pending\nawaiting CA signature"));
  t.true([...graph.nodes.values()].includes("Expired_Legacy\nexpires 2026-01-30"));
});

test("several orgs: a summary row each, then one section per org with its own graph", async (t) => {
  const sandbox = brownfieldOrg({}, "sandbox");
  sandbox.orgId = "00D5g000000SandbAAA";
  sandbox.certificates = sandbox.certificates.slice(0, 1);
  sandbox.appCertificates = [];
  sandbox.trustedCertificates = [];
  sandbox.unreadable = [];
  const markdown = renderDiscovery(document(brownfieldOrg(), sandbox), now);
  const judged = judgeMarkdown(markdown);
  const [summary] = judged.tables;
  t.deepEqual(
    summary!.head.map((c) => c.text),
    [
      "Org",
      "Org id",
      "Certificates",
      "App certificates",
      "Trusted IdP certificates",
      "Expired",
      "Earliest expiry",
      "Days left",
      "Not read",
    ],
  );
  t.deepEqual(cells(summary!), [
    ["production", "00D5g000000BrownAAA", "5", "3", "1", "2", "2026-01-30", "-30, EXPIRED", "1"],
    ["sandbox", "00D5g000000SandbAAA", "1", "0", "0", "0", "2026-09-17", "200", "0"],
  ]);
  t.is(judged.tables.length, 1 + 3 + 1, "the sandbox has one table: the rest says None found");
  t.is(judged.inlines.filter((i) => i.text === "None found.").length, 2);
  t.deepEqual(
    judged.inlines.filter((i) => i.text.startsWith("Org ")).map((i) => i.text),
    ["Org production", "Org sandbox"],
  );
  t.is(judged.fences.length, 2);
  const graphs = await Promise.all(judged.fences.map((f) => judgeMermaidGraph(f.content)));
  t.deepEqual(
    [...graphs[1]!.nodes.values()],
    ["IdP_Signing\nexpires 2026-09-17", "IdP settings", "Connected App Portal"],
  );
});

test("an org with nothing found: empty sections say so and the graph is one node", async (t) => {
  const empty = { ...brownfieldOrg(), certificates: [], appCertificates: [], trustedCertificates: [], unreadable: [] };
  const { identityProvider: _idp, ...org } = empty;
  const judged = judgeMarkdown(renderDiscovery(document(org), now));
  t.is(judged.tables.length, 0);
  t.is(judged.inlines.filter((i) => i.text === "None found.").length, 3);
  const graph = await judgeMermaidGraph(judged.fences[0]!.content);
  t.deepEqual([...graph.nodes.values()], ["nothing found"]);
});
