/**
 * @module The Markdown report a reviewer reads in a pull request: a table of certificates (expiry, days
 * left, next rotation, consumers), a Mermaid graph of the wiring, and a Mermaid Gantt chart of validity
 * and overlap windows. Every name, label, owner and step comes from the inventory or the stack's outputs,
 * so each is escaped for where it lands (see escape.ts): a value can add no row, element, link or statement.
 */
import { describeDuration, switchUnprovenVariable } from "../rotation/jwt-slots";
import { markdownText, mermaidNodeIds, mermaidText } from "./escape";
import type { JwtRetireNotProven, JwtUnprovenSlot, ReportCertificate, ReportModel } from "./report-model";

const dayMs = 86_400_000;
/** The UTC day of an instant (as the report's own date is), so that two days compare as their instants do. */
const date = (iso: string | undefined) => {
  if (!iso) return "—";
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso.slice(0, 10) : new Date(time).toISOString().slice(0, 10);
};
const consumerLabel = (c: { kind: string; name: string }) => `${c.kind === "jwt" ? "JWT" : "SAML"} ${c.name}`;

/** Whole days from `now` to `iso` (negative when past). */
export function daysLeft(iso: string, now: Date): number {
  return Math.floor((Date.parse(iso) - now.getTime()) / dayMs);
}

/** Renders the report at `now`. */
export function renderReport(model: ReportModel, now: Date): string {
  const lines = [
    `# Salesforce certificates and their consumers`,
    ``,
    `From ${markdownText(model.source)}, on ${date(now.toISOString())}.`,
    ``,
    `| Certificate | Label | Owner | Expires | Days left | Next rotation | Used by |`,
    `|---|---|---|---|---|---|---|`,
    ...model.certificates.map((c) => tableRow(c, now)),
  ];
  if (model.samlPhases.length > 0) {
    lines.push(
      ``,
      `## IdP rotations in progress`,
      ``,
      ...model.samlPhases.map(
        (p) => `- **${markdownText(p.name)}** (${markdownText(p.phase)}): ${markdownText(p.nextStep)}`,
      ),
    );
  }
  if (model.jwtUnproven.length > 0) {
    lines.push(
      ``,
      `## JWT slots not proven yet`,
      ``,
      ...model.jwtUnproven.map((slot) => `- ${describeUnprovenSlot(slot, now, markdownText)}`),
    );
  }
  if (model.jwtRetires.length > 0) {
    lines.push(
      ``,
      `## JWT retires not proven yet`,
      ``,
      ...model.jwtRetires.map((retire) => `- ${describeRetireNotProven(retire, now, markdownText)}`),
    );
  }
  lines.push(``, `## Wiring`, ``, "```mermaid", `graph LR`);
  const nodeId = mermaidNodeIds();
  for (const c of model.certificates) {
    // The label's second line comes from a line break inside the quotes, not from `<br/>`: with any HTML in a
    // label, Mermaid decodes the entity codes before it turns `\n` into a line break and `fa:fa-…` into an icon.
    lines.push(`  ${nodeId("cert", c.name)}["${mermaidText(c.name)}\nexpires ${date(c.notAfter)}"]`);
    for (const consumer of c.consumers)
      lines.push(
        `  ${nodeId("cert", c.name)} --> ${nodeId(consumer.kind, consumer.name)}["${mermaidText(consumerLabel(consumer))}"]`,
      );
  }
  lines.push("```");
  const dated = model.certificates.filter((c) => c.notBefore && c.notAfter);
  if (dated.length > 0) {
    lines.push(
      ``,
      `## Validity and overlap`,
      ``,
      "```mermaid",
      `gantt`,
      `  title Certificate validity, renewal points and overlaps`,
      `  dateFormat YYYY-MM-DD`,
      `  axisFormat %Y-%m`,
    );
    for (const c of dated) {
      lines.push(`  section ${mermaidText(c.name)}`);
      // Mermaid draws a bar that ends before it starts backwards: outputs that say so get no validity bar.
      if (Date.parse(c.notAfter!) >= Date.parse(c.notBefore!))
        lines.push(`  valid : ${date(c.notBefore)}, ${date(c.notAfter)}`);
      if (c.nextRotation) lines.push(`  next rotation : milestone, ${date(c.nextRotation)}, 0d`);
      if (c.previous) {
        // The previous certificate is kept from now until retainedUntil; once that has passed, the overlap is over: a mark, not a bar.
        if (Date.parse(c.previous.retainedUntil) > now.getTime())
          lines.push(`  previous kept (overlap) : done, ${date(now.toISOString())}, ${date(c.previous.retainedUntil)}`);
        else lines.push(`  overlap ended, previous released : milestone, ${date(c.previous.retainedUntil)}, 0d`);
      }
    }
    lines.push("```");
  }
  return `${lines.join("\n")}\n`;
}

function tableRow(c: ReportCertificate, now: Date): string {
  const left = c.notAfter
    ? String(daysLeft(c.notAfter, now))
    : c.awaitingSignature
      ? "awaiting CA signature"
      : "not issued yet";
  const used =
    c.consumers.length > 0
      ? c.consumers.map((consumer) => markdownText(consumerLabel(consumer))).join(", ")
      : "nothing";
  return `| ${markdownText(c.name)} | ${markdownText(c.label)} | ${c.owner === undefined ? "—" : markdownText(c.owner)} | ${date(c.notAfter)} | ${left} | ${date(c.nextRotation)} | ${used} |`;
}

/**
 * An unproven JWT slot in words (report and check): the integration, the slot clients are on and its
 * certificate's expiry (flagged once passed), how long the new slot has been unproven, its last error, and
 * what to do. `text` escapes each value from the outputs for where the words land.
 */
export function describeUnprovenSlot(
  slot: JwtUnprovenSlot,
  now: Date,
  text: (value: string) => string = (value) => value,
): string {
  const expired = slot.activeNotAfter !== undefined && Date.parse(slot.activeNotAfter) <= now.getTime();
  const expiry = slot.activeNotAfter
    ? `its certificate ${expired ? "EXPIRED on" : "expires"} ${text(slot.activeNotAfter)}`
    : "its certificate's expiry unknown";
  const since = slot.publishedAt
    ? ` for ${describeDuration(now.getTime() - Date.parse(slot.publishedAt))} (published ${text(slot.publishedAt)})`
    : "";
  const error = slot.lastProofError ? `; last error: ${text(slot.lastProofError)}` : "";
  return `JwtIntegration ${text(slot.name)}: clients on slot ${text(slot.activeSlot)} (${expiry}); the new slot is unproven${since}${error}: run pulumi up again after Salesforce's propagation delay (2 to 10 minutes), or switch without the proof with ${switchUnprovenVariable} naming the integration's apiName`;
}

/** What a retire this stack cannot prove asks for (the provider's reason usually says it already). */
const confirmInSetup = "confirm in Setup that the app holds no certificate";

/**
 * A retire not proven yet in words (report and check): the integration, the retired slot and the
 * certificate it held, since when, and what to do: for a pending proof, the last try's answer and another
 * `up` after Salesforce's propagation delay (each `up` requests a token with the old key until the org
 * refuses it); for one this stack cannot make, why, and a look in Setup. An expired certificate does not
 * stop the JWT flow (research note salesforce.md §0), so the words never let expiry stand for the retire.
 * `text` escapes each value from the outputs for where the words land.
 */
export function describeRetireNotProven(
  retire: JwtRetireNotProven,
  now: Date,
  text: (value: string) => string = (value) => value,
): string {
  const fingerprint =
    retire.sha256Fingerprint.length > 23 ? `${retire.sha256Fingerprint.slice(0, 23)}…` : retire.sha256Fingerprint;
  const what = `JwtIntegration ${text(retire.name)}: the retire of slot ${text(retire.slot)} (certificate ${text(fingerprint)})`;
  const since = `retired ${describeDuration(now.getTime() - Date.parse(retire.retiredAt))} ago (${text(retire.retiredAt)})`;
  if (retire.proof === "unprovable") {
    const why = retire.unprovable ?? "this stack keeps no copy of its old key";
    return `${what} cannot be proven by this stack, ${since}: ${text(why)}${why.includes(confirmInSetup) ? "" : `; ${confirmInSetup}`}`;
  }
  const last = retire.lastProofError ? `; last try: ${text(retire.lastProofError)}` : "";
  return `${what} is not proven yet, ${since}: the org may still accept its old key, expired or not (Salesforce does not stop a JWT login for an expired app certificate)${last}: run pulumi up again after Salesforce's propagation delay (2 to 10 minutes; in artefact mode, once salesforceFiles is deployed): each up requests a token with the old key until the org refuses it`;
}
