/**
 * @module The expiry gate over what discover found (`discover --within DAYS`), with the exit codes of
 * `check`: 0 all clear, 1 a problem found, 2 could not look. Every kind is gated, also what no stack
 * manages: Certificate records, certificates pasted into apps (Salesforce keeps accepting an expired one
 * for the JWT Bearer Flow and sends no e-mail for it: salesforce.md §0), and partner IdP certificates the
 * org trusts for SSO (their expiry stops SSO into Salesforce).
 *  - expired, or expiring within the horizon: fail;
 *  - a CA-signed certificate awaiting its chain has no expiry yet: reported (warn), not failed;
 *  - a live certificate whose expiry could not be read at all: fail (the gate cannot call it valid);
 *  - something the org refused to show (`unreadable`): the gate could not look at all of it, so without
 *    a failure the exit is 2, never a silent 0; with a failure it is 1 and the refusal is still listed.
 * An org that was read completely and holds nothing to judge exits 0, with a line saying so: unlike
 * `check` (where an empty outputs file means the wrong file was given), here the login worked and every
 * read was answered, so "nothing expires" is a judgement, not a failure to look.
 */
import type { CertificateUse, DiscoveredOrg, DiscoveryDocument } from "./model";

/** `fail` fails the gate; `unreadable` keeps it from passing; `warn` and `ok` are reported. */
export type DiscoveryGateStatus = "fail" | "unreadable" | "warn" | "ok";

/** One line of the gate. */
export interface DiscoveryFinding {
  /** The org's label. */
  org: string;
  /** What the line is about: `Certificate X`, `ConnectedApp Y oauthConfig.certificate`, `SamlSsoConfig Z`. */
  subject: string;
  status: DiscoveryGateStatus;
  message: string;
}

/** The gate's verdict. */
export interface DiscoveryGateResult {
  findings: DiscoveryFinding[];
  /** 0 all clear, 1 a problem found, 2 something could not be read (and nothing failed). */
  exitCode: 0 | 1 | 2;
  /** The last line: what was judged and the verdict. */
  summary: string;
}

const dayMs = 86_400_000;

/** Judges every certificate of every org at `now` with a horizon of `withinDays`. */
export function discoveryGate(document: DiscoveryDocument, now: Date, withinDays: number): DiscoveryGateResult {
  const findings: DiscoveryFinding[] = [];
  let judged = 0;
  for (const org of document.orgs) {
    const add = (subject: string, status: DiscoveryGateStatus, message: string) =>
      findings.push({ org: org.label, subject, status, message: `${org.label}: ${subject}: ${message}` });
    const expiry = (subject: string, expiresAt: string | undefined, consequence: string, users: string) => {
      judged += 1;
      if (expiresAt === undefined) {
        add(subject, "fail", `its expiry could not be read (${users}): look at it in Setup`);
        return;
      }
      const left = Math.floor((Date.parse(expiresAt) - now.getTime()) / dayMs);
      if (Date.parse(expiresAt) <= now.getTime())
        add(subject, "fail", `expired on ${expiresAt} (${users}); ${consequence}`);
      else if (Date.parse(expiresAt) <= now.getTime() + withinDays * dayMs)
        add(subject, "fail", `expires on ${expiresAt}, in ${left} days, within ${withinDays} (${users})`);
      else add(subject, "ok", `valid until ${expiresAt}, ${left} days, beyond ${withinDays} (${users})`);
    };
    for (const c of org.certificates) {
      const subject = `Certificate ${c.name}`;
      if (c.awaitingChain) {
        judged += 1;
        add(subject, "warn", `awaits its CA-signed chain: not issued yet, so no expiry (${usedBy(c.uses)})`);
      } else expiry(subject, c.expiresAt, "renew it and move its users to the new one", usedBy(c.uses));
    }
    for (const a of org.appCertificates) {
      const shares = a.sharesKeyWith.length > 0 ? `; shares its key with ${a.sharesKeyWith.join(", ")}` : "";
      expiry(
        `${a.appType} ${a.app} ${a.slot}`,
        a.expiresAt,
        "Salesforce keeps accepting it for the JWT Bearer Flow and sends no warning: replace it",
        `the app's JWT certificate ${a.subject}${shares}`,
      );
    }
    for (const t of org.trustedCertificates)
      expiry(
        `SamlSsoConfig ${t.samlSsoConfig}`,
        t.expiresAt,
        "SSO into Salesforce through this IdP stops once the partner signs with a new certificate the org does not trust, or it is refused: get the partner's new certificate",
        `the partner IdP certificate of ${t.issuer || "an unnamed issuer"} the org trusts, ${t.subject}`,
      );
    for (const u of org.unreadable) add(u.what, "unreadable", `could not be read: ${u.reason}`);
    if (isEmpty(org))
      add(
        "the org",
        "ok",
        "found nothing to judge: no Certificate record, no app certificate, no trusted partner certificate (and every read was answered)",
      );
  }
  const failed = findings.filter((f) => f.status === "fail").length;
  const unreadable = findings.filter((f) => f.status === "unreadable").length;
  const orgs = `${document.orgs.length} org(s)`;
  const counted = `${judged} certificate(s) of ${orgs} judged`;
  const refused = unreadable > 0 ? `; ${unreadable} part(s) could not be read` : "";
  if (failed > 0)
    return { findings, exitCode: 1, summary: `${failed} problem(s) within ${withinDays} days; ${counted}${refused}` };
  if (unreadable > 0)
    return {
      findings,
      exitCode: 2,
      summary: `could not judge everything: ${unreadable} part(s) could not be read (above); no problem within ${withinDays} days among the ${counted}`,
    };
  return {
    findings,
    exitCode: 0,
    summary:
      judged === 0
        ? `nothing to judge in ${orgs}: no certificate found`
        : `no certificate expires within ${withinDays} days; ${counted}`,
  };
}

/** Who uses a Certificate record, as the gate's lines say it. */
export function usedBy(uses: readonly CertificateUse[]): string {
  if (uses.length === 0) return "no user found: it may serve mutual TLS, an Apex callout or another system";
  return `used by ${uses.map((u) => `${u.type} ${u.by}${u.detail ? ` (${u.detail})` : ""}`).join(", ")}`;
}

function isEmpty(org: DiscoveredOrg): boolean {
  return (
    org.certificates.length === 0 &&
    org.appCertificates.length === 0 &&
    org.trustedCertificates.length === 0 &&
    org.unreadable.length === 0
  );
}
