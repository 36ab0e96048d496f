/**
 * @module The Markdown report a reviewer reads in a pull request: a table of certificates (expiry, days
 * left, next rotation, consumers), a Mermaid graph of the wiring, and a Mermaid Gantt chart of validity
 * and overlap windows.
 */
import type { ReportCertificate, ReportModel } from "./report-model";

const dayMs = 86_400_000;
const date = (iso: string | undefined) => (iso ? iso.slice(0, 10) : "—");
const consumerLabel = (c: { kind: string; name: string }) => `${c.kind === "jwt" ? "JWT" : "SAML"} ${c.name}`;
const nodeId = (prefix: string, name: string) => `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;

/** Whole days from `now` to `iso` (negative when past). */
export function daysLeft(iso: string, now: Date): number {
  return Math.floor((Date.parse(iso) - now.getTime()) / dayMs);
}

/** Renders the report at `now`. */
export function renderReport(model: ReportModel, now: Date): string {
  const lines = [
    `# Salesforce certificates and their consumers`,
    ``,
    `From ${model.source}, on ${date(now.toISOString())}.`,
    ``,
    `| Certificate | Label | Owner | Expires | Days left | Next rotation | Used by |`,
    `|---|---|---|---|---|---|---|`,
    ...model.certificates.map((c) => tableRow(c, now)),
  ];
  if (model.samlPhases.length > 0) {
    lines.push(``, `## IdP rotations in progress`, ``, ...model.samlPhases.map((p) => `- **${p.name}** (${p.phase}): ${p.nextStep}`));
  }
  lines.push(``, `## Wiring`, ``, "```mermaid", `graph LR`);
  for (const c of model.certificates) {
    lines.push(`  ${nodeId("cert", c.name)}["${c.name}<br/>expires ${date(c.notAfter)}"]`);
    for (const consumer of c.consumers) lines.push(`  ${nodeId("cert", c.name)} --> ${nodeId(consumer.kind, consumer.name)}["${consumerLabel(consumer)}"]`);
  }
  lines.push("```");
  const dated = model.certificates.filter((c) => c.notBefore && c.notAfter);
  if (dated.length > 0) {
    lines.push(``, `## Validity and overlap`, ``, "```mermaid", `gantt`, `  title Certificate validity, renewal points and overlaps`, `  dateFormat YYYY-MM-DD`, `  axisFormat %Y-%m`);
    for (const c of dated) {
      lines.push(`  section ${c.name}`, `  valid : ${date(c.notBefore)}, ${date(c.notAfter)}`);
      if (c.nextRotation) lines.push(`  next rotation : milestone, ${date(c.nextRotation)}, 0d`);
      if (c.previous) lines.push(`  previous kept (overlap) : done, ${date(now.toISOString())}, ${date(c.previous.retainedUntil)}`);
    }
    lines.push("```");
  }
  return `${lines.join("\n")}\n`;
}

function tableRow(c: ReportCertificate, now: Date): string {
  const left = c.notAfter ? String(daysLeft(c.notAfter, now)) : c.awaitingSignature ? "awaiting CA signature" : "not issued yet";
  const used = c.consumers.length > 0 ? c.consumers.map(consumerLabel).join(", ") : "nothing";
  return `| ${c.name} | ${c.label} | ${c.owner ?? "—"} | ${date(c.notAfter)} | ${left} | ${date(c.nextRotation)} | ${used} |`;
}
