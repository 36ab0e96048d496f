/**
 * @module The Markdown report of what `discover` found, in the look of `report` (render-report.ts): per
 * org a table of Certificate records, of certificates pasted into apps, of partner IdP certificates the
 * org trusts, what could not be read, and a Mermaid graph from each certificate to what uses it; with
 * several orgs, a summary table first. Every name, label, subject, issuer and app name comes from an org
 * (anyone with Setup access there chose it), so each is escaped for where it lands (report/escape.ts).
 */
import { markdownText, mermaidNodeIds, mermaidText } from "../report/escape";
import { daysLeft } from "../report/render-report";
import type { CertificateUse, DiscoveredOrg, DiscoveryDocument } from "./model";

/** The UTC day of an instant, as `report` writes it; `—` when there is none. */
const date = (iso: string | undefined) => {
  if (!iso) return "—";
  const time = Date.parse(iso);
  return Number.isNaN(time) ? markdownText(iso.slice(0, 10)) : new Date(time).toISOString().slice(0, 10);
};

/** True once `iso` has passed at `now` (a certificate is expired at its notAfter). */
const expired = (iso: string, now: Date) => Date.parse(iso) <= now.getTime();

/** The days-left cell: whole days as `report` counts them, with EXPIRED once the date has passed (as the gate says it). */
function left(iso: string | undefined, now: Date, missing: string): string {
  if (!iso) return missing;
  if (Number.isNaN(Date.parse(iso))) return "—";
  const days = daysLeft(iso, now);
  return expired(iso, now) ? `${days}, EXPIRED` : String(days);
}

/** Who uses a certificate, in words (the user's names escaped by the caller). */
function useWords(use: CertificateUse): string {
  switch (use.kind) {
    case "identityProvider":
      return "IdP settings (signs SAML assertions)";
    case "samlApp":
      return `SAML app ${use.by}${use.detail ? ` (${use.detail})` : ""}`;
    case "samlSsoRequestSigning":
      return `SAML SSO ${use.by} (signs AuthnRequests)`;
    case "samlSsoDecryption":
      return `SAML SSO ${use.by} (decrypts assertions)`;
    case "namedCredential":
      return `${use.type} ${use.by} (mutual TLS)`;
  }
}

/** An app type in words. */
const appWords = (type: string) =>
  type === "ConnectedApp" ? "Connected App" : type === "ExternalClientApplication" ? "External Client App" : type;

/**
 * The user as one node of the graph: one node per component (its Metadata API type and name), whatever
 * role it has, so that an app holding a JWT certificate and signing SAML with another is one node.
 */
function userNode(use: CertificateUse): { key: string; name: string; label: string } {
  if (use.kind === "identityProvider") return { key: "IdentityProviderSettings", name: "idp", label: "IdP settings" };
  const word = use.kind === "samlApp" ? appWords(use.type) : use.kind === "namedCredential" ? use.type : "SAML SSO";
  return { key: `${use.type}:${use.by}`, name: use.by, label: `${word} ${use.by}` };
}

const yesNo = (value: boolean) => (value ? "yes" : "no");

/** Renders the discovery report at `now` (days left are counted from it). */
export function renderDiscovery(document: DiscoveryDocument, now: Date): string {
  const orgs = document.orgs;
  const lines = [
    `# Salesforce certificates and who uses them`,
    ``,
    `Discovered in ${orgs.length === 1 ? "1 org" : `${orgs.length} orgs`}, on ${date(now.toISOString())}. Read-only: discover changed nothing.`,
  ];
  if (orgs.length > 1) {
    lines.push(
      ``,
      `## Summary`,
      ``,
      `| Org | Org id | Certificates | App certificates | Trusted IdP certificates | Expired | Earliest expiry | Days left | Not read |`,
      `|---|---|---|---|---|---|---|---|---|`,
      ...orgs.map((org) => summaryRow(org, now)),
    );
  }
  for (const org of orgs) lines.push(...orgSection(org, now));
  return `${lines.join("\n")}\n`;
}

/** Every expiry the org holds: records (with a date), app certificates and trusted certificates. */
function expiries(org: DiscoveredOrg): string[] {
  return [
    ...org.certificates.flatMap((c) => (c.expiresAt ? [c.expiresAt] : [])),
    ...org.appCertificates.map((c) => c.expiresAt),
    ...org.trustedCertificates.map((c) => c.expiresAt),
  ];
}

function summaryRow(org: DiscoveredOrg, now: Date): string {
  const dates = expiries(org).filter((iso) => !Number.isNaN(Date.parse(iso)));
  const earliest = dates.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  const expiredCount = dates.filter((iso) => expired(iso, now)).length;
  return `| ${markdownText(org.label)} | ${markdownText(org.orgId)} | ${org.certificates.length} | ${org.appCertificates.length} | ${org.trustedCertificates.length} | ${expiredCount} | ${date(earliest)} | ${left(earliest, now, "—")} | ${org.unreadable.length} |`;
}

function orgSection(org: DiscoveredOrg, now: Date): string[] {
  const lines = [
    ``,
    `## Org ${markdownText(org.label)}`,
    ``,
    `${markdownText(org.instanceUrl)} (org id ${markdownText(org.orgId)}), read on ${date(org.readAt)}.`,
  ];
  if (org.identityProvider)
    lines.push(
      ``,
      `IdP settings: ${org.identityProvider.enabled ? "enabled" : "disabled"}, signing with ${markdownText(org.identityProvider.certificateName)}.`,
    );

  lines.push(``, `### Certificates (Certificate and Key Management)`, ``);
  if (org.certificates.length === 0) lines.push(`None found.`);
  else
    lines.push(
      `| Certificate | Label | Key size | Signed | Exportable | Expires | Days left | SHA-256 | Used by |`,
      `|---|---|---|---|---|---|---|---|---|`,
      ...org.certificates.map((c) => {
        const signed = c.caSigned ? (c.awaitingChain ? "CA-signed, awaiting chain" : "CA-signed") : "self-signed";
        const used = c.uses.length > 0 ? c.uses.map((u) => markdownText(useWords(u))).join(", ") : "nothing found";
        const days = left(c.expiresAt, now, c.awaitingChain ? "awaiting CA signature" : "—");
        const sha = c.sha256Fingerprint ? markdownText(c.sha256Fingerprint) : "not read";
        return `| ${markdownText(c.name)} | ${markdownText(c.label)} | ${c.keySize} | ${signed} | ${yesNo(c.privateKeyExportable)} | ${date(c.expiresAt)} | ${days} | ${sha} | ${used} |`;
      }),
    );

  lines.push(``, `### Certificates in apps (JWT Bearer Flow)`, ``);
  if (org.appCertificates.length === 0) lines.push(`None found.`);
  else
    lines.push(
      `| App | Type | Slot | Subject | Expires | Days left | SHA-256 | Shares key with |`,
      `|---|---|---|---|---|---|---|---|`,
      ...org.appCertificates.map(
        (c) =>
          `| ${markdownText(c.app)} | ${appWords(c.appType)} | ${markdownText(c.slot)} | ${markdownText(c.subject)} | ${date(c.expiresAt)} | ${left(c.expiresAt, now, "—")} | ${markdownText(c.sha256Fingerprint)} | ${c.sharesKeyWith.length > 0 ? c.sharesKeyWith.map(markdownText).join(", ") : "—"} |`,
      ),
    );

  lines.push(``, `### Partner IdP certificates the org trusts (SAML SSO into Salesforce)`, ``);
  if (org.trustedCertificates.length === 0) lines.push(`None found.`);
  else
    lines.push(
      `| SAML SSO setting | Issuer | Subject | Expires | Days left | SHA-256 |`,
      `|---|---|---|---|---|---|`,
      ...org.trustedCertificates.map(
        (c) =>
          `| ${markdownText(c.samlSsoConfig)} | ${markdownText(c.issuer)} | ${markdownText(c.subject)} | ${date(c.expiresAt)} | ${left(c.expiresAt, now, "—")} | ${markdownText(c.sha256Fingerprint)} |`,
      ),
    );

  if (org.unreadable.length > 0)
    lines.push(
      ``,
      `### Not read`,
      ``,
      ...org.unreadable.map((u) => `- **${markdownText(u.what)}**: ${markdownText(u.reason)}`),
    );

  lines.push(``, `### Wiring`, ``, "```mermaid", `graph LR`, ...wiring(org));
  lines.push("```");
  return lines;
}

/** The graph's statements: each certificate (record, app or trusted) as a node, an edge to each user. */
function wiring(org: DiscoveredOrg): string[] {
  const nodeId = mermaidNodeIds();
  const out: string[] = [];
  // The label's second line comes from a line break inside the quotes, never `<br/>` (see render-report.ts).
  const node = (id: string, label: string, second?: string) =>
    `${id}["${mermaidText(label)}${second === undefined ? "" : `\n${second}`}"]`;
  for (const c of org.certificates) {
    const id = nodeId("cert", c.name);
    out.push(`  ${node(id, c.name, c.expiresAt ? `expires ${date(c.expiresAt)}` : "awaiting CA signature")}`);
    const seen = new Set<string>();
    for (const use of c.uses) {
      const user = userNode(use);
      if (seen.has(user.key)) continue;
      seen.add(user.key);
      out.push(`  ${id} --> ${node(nodeId("user", user.key, user.name), user.label)}`);
    }
  }
  for (const c of org.appCertificates) {
    const id = nodeId("jwt", `${c.appType}:${c.app}:${c.slot}`, c.app);
    out.push(`  ${node(id, `certificate in ${c.app}`, `expires ${date(c.expiresAt)}`)}`);
    out.push(`  ${id} --> ${node(nodeId("user", `${c.appType}:${c.app}`, c.app), `${appWords(c.appType)} ${c.app}`)}`);
  }
  for (const c of org.trustedCertificates) {
    const id = nodeId("trusted", `${c.samlSsoConfig}:${c.sha256Fingerprint}`, c.samlSsoConfig);
    out.push(`  ${node(id, `partner IdP ${c.issuer}`, `expires ${date(c.expiresAt)}`)}`);
    const user = nodeId("user", `SamlSsoConfig:${c.samlSsoConfig}`, c.samlSsoConfig);
    out.push(`  ${id} --> ${node(user, `SAML SSO ${c.samlSsoConfig}`)}`);
  }
  // A graph needs one statement: an org with nothing found says so in a node of its own.
  if (out.length === 0) out.push(`  nothing["nothing found"]`);
  return out;
}
