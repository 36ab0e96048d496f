/**
 * @module The CI expiry gate. Salesforce keeps accepting expired app certificates silently and sends no
 * e-mail for them, so this is the alarm: a certificate in use fails the gate when it expires within the
 * horizon, or when its renewal point has passed without the rotation having run (nobody ran `pulumi up`).
 * A renewal point ahead, within the horizon, is a rotation planned: the next `up` makes it; reported, not failed.
 * A SAML binding still signing with the previous IdP certificate fails when that one expires within the horizon.
 */
import { daysLeft } from "./render-report";
import type { ReportModel } from "./report-model";

export interface GateFinding {
  certificate: string;
  failed: boolean;
  message: string;
}

/** Evaluates every certificate in use at `now` with a horizon of `withinDays`. */
export function evaluateExpiryGate(model: ReportModel, now: Date, withinDays: number): GateFinding[] {
  const horizon = now.getTime() + withinDays * 86_400_000;
  const findings: GateFinding[] = [];
  for (const c of model.certificates) {
    if (c.consumers.length === 0) continue;
    const users = c.consumers.map((u) => `${u.kind === "jwt" ? "JWT" : "SAML"} ${u.name}`).join(", ");
    if (!c.notAfter) {
      findings.push({ certificate: c.name, failed: false, message: `${c.name}: not issued yet (used by ${users})` });
      continue;
    }
    const notAfter = Date.parse(c.notAfter);
    if (notAfter <= now.getTime()) {
      findings.push({ certificate: c.name, failed: true, message: `${c.name}: expired on ${c.notAfter} (used by ${users}); Salesforce accepts it silently: rotate now` });
    } else if (notAfter <= horizon) {
      findings.push({ certificate: c.name, failed: true, message: `${c.name}: expires on ${c.notAfter}, in ${daysLeft(c.notAfter, now)} days, within ${withinDays} (used by ${users})` });
    }
    if (c.nextRotation && Date.parse(c.nextRotation) <= now.getTime() && notAfter > now.getTime()) {
      findings.push({
        certificate: c.name,
        failed: true,
        message: c.awaitingSignature
          ? `${c.name}: passed its renewal point on ${c.nextRotation}, and its new key awaits a CA signature: sign the CSR in output csrPem and give the chain as signedChainPem`
          : `${c.name}: passed its renewal point on ${c.nextRotation} without a rotation: run pulumi up`,
      });
    } else if (c.nextRotation && Date.parse(c.nextRotation) <= horizon && notAfter > horizon) {
      findings.push({ certificate: c.name, failed: false, message: `${c.name}: rotation planned on ${c.nextRotation} (the next pulumi up after it rotates)` });
    }
  }
  // While a new IdP certificate is published, the org still signs with the old one: it must not expire first.
  for (const binding of model.samlPhases) {
    if (binding.phase === "stable" || !binding.signingNotAfter || Date.parse(binding.signingNotAfter) > horizon) continue;
    findings.push({
      certificate: binding.name,
      failed: true,
      message: `SamlSpBinding ${binding.name} (${binding.phase}): the org signs with a certificate that expires on ${binding.signingNotAfter}, within ${withinDays} days: advance the binding (advanceTrigger) or shorten publishDays`,
    });
  }
  return findings;
}
