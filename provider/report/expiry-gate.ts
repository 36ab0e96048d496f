/**
 * @module The CI expiry gate. Salesforce keeps accepting expired app certificates silently and sends no
 * e-mail for them, so this is the alarm: a certificate fails the gate when it expires within the horizon,
 * or when its renewal point has passed without the rotation having run (nobody ran `pulumi up`).
 * Every certificate of the stack is gated, also one that no integration of the stack uses: it may serve
 * mutual TLS or a system the inventory does not describe, and a silent skip would be a false all-clear.
 * A renewal point ahead, within the horizon, is a rotation planned: the next `up` makes it; reported, not failed.
 * A certificate not yet valid, or not issued yet (awaiting its first CA signature), is a warning.
 * A SAML binding still signing with the previous IdP certificate fails when that one expires within the horizon,
 * and so does a JWT integration whose clients still log in with the previous certificate (its new slot is
 * published but not proven yet: nobody deployed the new app metadata).
 * A JWT integration whose new slot is published but not proven by a login is a warning, and a failure once
 * the certificate of the slot its clients are on has expired (they cannot log in at all).
 * A JWT integration whose retired slot is not proven to refuse its old key yet (pending: the org's login
 * servers lag behind its metadata) is a warning naming the slot, since when and what to do; so is one this
 * stack cannot prove (no copy of the old key): confirm in Setup. Both stay warnings also once the old
 * certificate has expired, and the words say so: an expired certificate does not stop the JWT flow
 * (research note salesforce.md §0, https://salesforce.stackexchange.com/questions/313488), so expiry does
 * not retire the old key; nor does it make that key more dangerous than before, so it fails nothing either.
 * Every certificate gets at least one finding, so the gate's output lists what it looked at.
 */
import { daysLeft, describeRetireNotProven, describeUnprovenSlot } from "./render-report";
import type { ReportCertificate, ReportModel } from "./report-model";

/** `fail` fails the gate; `warn` and `ok` are reported. */
export type GateStatus = "fail" | "warn" | "ok";

/** One line of the gate: about one certificate (or SAML binding), with its status. */
export interface GateFinding {
  certificate: string;
  status: GateStatus;
  /** True when `status` is `fail`. */
  failed: boolean;
  message: string;
}

/** Who uses a certificate, as the gate's messages say it. */
export function describeUse(c: ReportCertificate): string {
  return c.consumers.length > 0
    ? `used by ${c.consumers.map((u) => `${u.kind === "jwt" ? "JWT" : "SAML"} ${u.name}`).join(", ")}`
    : "used by no integration of this stack; it may serve mutual TLS or another system";
}

/** Evaluates every certificate at `now` with a horizon of `withinDays`; at least one finding per certificate. */
export function evaluateExpiryGate(model: ReportModel, now: Date, withinDays: number): GateFinding[] {
  const horizon = now.getTime() + withinDays * 86_400_000;
  const findings: GateFinding[] = [];
  for (const c of model.certificates) {
    const own: GateFinding[] = [];
    const add = (status: GateStatus, message: string) =>
      own.push({ certificate: c.name, status, failed: status === "fail", message });
    const use = describeUse(c);
    if (!c.notAfter) {
      add(
        "warn",
        `${c.name}: not issued yet: awaiting its first CA signature (${use}); sign the CSR in output csrPem and give the chain as signedChainPem`,
      );
      findings.push(...own);
      continue;
    }
    const notAfter = Date.parse(c.notAfter);
    if (c.notBefore && Date.parse(c.notBefore) > now.getTime()) {
      add(
        "warn",
        `${c.name}: not valid before ${c.notBefore} (${use}); a peer that checks validity rejects it until then`,
      );
    }
    if (notAfter <= now.getTime()) {
      add("fail", `${c.name}: expired on ${c.notAfter} (${use}); Salesforce accepts it silently: rotate now`);
    } else if (notAfter <= horizon) {
      add(
        "fail",
        `${c.name}: expires on ${c.notAfter}, in ${daysLeft(c.notAfter, now)} days, within ${withinDays} (${use})`,
      );
    }
    if (c.nextRotation && Date.parse(c.nextRotation) <= now.getTime() && notAfter > now.getTime()) {
      add(
        "fail",
        c.awaitingSignature
          ? `${c.name}: passed its renewal point on ${c.nextRotation}, and its new key awaits a CA signature: sign the CSR in output csrPem and give the chain as signedChainPem`
          : `${c.name}: passed its renewal point on ${c.nextRotation} without a rotation: run pulumi up`,
      );
    } else if (c.nextRotation && Date.parse(c.nextRotation) <= horizon && notAfter > horizon) {
      add("ok", `${c.name}: rotation planned on ${c.nextRotation} (the next pulumi up after it rotates)`);
    }
    if (own.length === 0)
      add(
        "ok",
        `${c.name}: valid until ${c.notAfter}, ${daysLeft(c.notAfter, now)} days, beyond ${withinDays} (${use})`,
      );
    findings.push(...own);
  }
  // While a new IdP certificate is published, the org still signs with the old one: it must not expire first.
  for (const binding of model.samlPhases) {
    if (binding.phase === "stable" || !binding.signingNotAfter || Date.parse(binding.signingNotAfter) > horizon)
      continue;
    findings.push({
      certificate: binding.name,
      status: "fail",
      failed: true,
      message: `SamlSpBinding ${binding.name} (${binding.phase}): the org signs with a certificate that expires on ${binding.signingNotAfter}, within ${withinDays} days: advance the binding (advanceTrigger) or shorten publishDays`,
    });
  }
  // While a new certificate waits in the idle slot, clients still present the old one: it must not expire first.
  // An expired one while the new slot is unproven is said once, below, with how long and why.
  const unprovenExpired = new Set(
    model.jwtUnproven
      .filter((slot) => slot.activeNotAfter !== undefined && Date.parse(slot.activeNotAfter) <= now.getTime())
      .map((slot) => slot.name),
  );
  for (const slot of model.jwtActiveSlots) {
    const notAfter = Date.parse(slot.notAfter);
    if (notAfter > horizon || unprovenExpired.has(slot.name)) continue;
    const when =
      notAfter <= now.getTime()
        ? `expired on ${slot.notAfter}`
        : `expires on ${slot.notAfter}, in ${daysLeft(slot.notAfter, now)} days, within ${withinDays}`;
    findings.push({
      certificate: slot.name,
      status: "fail",
      failed: true,
      message: `JwtIntegration ${slot.name}: clients log in on slot ${slot.activeSlot} with a previous certificate of ${slot.certificate} that ${when}: deploy the integration's salesforceFiles so the new slot logs in, then run pulumi up to switch clients`,
    });
  }
  // An unproven slot is never silent; it fails the gate once clients are left without a valid certificate.
  for (const slot of model.jwtUnproven) {
    const expired = slot.activeNotAfter !== undefined && Date.parse(slot.activeNotAfter) <= now.getTime();
    findings.push({
      certificate: slot.name,
      status: expired ? "fail" : "warn",
      failed: expired,
      message: describeUnprovenSlot(slot, now),
    });
  }
  // A retire not proven yet is never silent; the old key may still log in, expired certificate or not.
  for (const retire of model.jwtRetires) {
    findings.push({
      certificate: retire.name,
      status: "warn",
      failed: false,
      message: describeRetireNotProven(retire, now),
    });
  }
  return findings;
}
