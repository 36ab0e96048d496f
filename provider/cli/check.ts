/**
 * @module `salesforce-certs check --within DAYS`: the CI expiry gate; exits 1 when a certificate (in use
 * or not) expires within the horizon or has passed its renewal point without a rotation, or a JWT
 * integration's new slot is unproven while its clients' certificate has expired, and 2 when the outputs
 * cannot be read or hold nothing to check.
 */
import { evaluateExpiryGate } from "../report/expiry-gate";
import { OutputsError } from "../errors";
import { daysFrom, nowFrom, parse, reportModel, stackOptions, stackOptionsHelp } from "./options";
import { exitTwoOnInputError } from "./outputs-file";

export const checkHelp = `usage: salesforce-certs check --within DAYS [--outputs FILE] [--now ISO]

The expiry gate for a scheduled CI job. Salesforce keeps accepting expired app certificates silently,
so this is the alarm. Every certificate of the stack is checked, also one no integration uses (it may
serve mutual TLS). Exits 1 when a certificate expires within DAYS, or has passed its renewal point
without a rotation (run pulumi up), or when a JWT integration's new slot is not proven by a login yet
while the certificate its clients are on has expired; a rotation planned within DAYS, a certificate not
yet valid or not yet issued, an unproven JWT slot whose clients' certificate is still valid, and a JWT
retire not proven yet (the org may still accept the old key, expired certificate or not) are reported
(WARN), not failed. Exits 2 when the outputs cannot be read, are not a stack's outputs,
hold a date that is not an ISO 8601 time, or no certificate at all.

  --within DAYS    the horizon (required)
  --outputs FILE   from stack outputs as JSON (pulumi stack output --json)
  --now ISO        evaluate as of this time (default: now)
${stackOptionsHelp}`;

/** Runs `check`; exits 0 (all clear), 1 (the gate failed), 2 (bad input: nothing could be judged). */
export async function checkCommand(argv: readonly string[]): Promise<number> {
  return exitTwoOnInputError(() => runCheck(argv));
}

async function runCheck(argv: readonly string[]): Promise<number> {
  const { values } = parse("check", argv, {
    ...stackOptions,
    within: { type: "string" },
    outputs: { type: "string" },
    now: { type: "string" },
  });
  if (values.help) {
    console.log(checkHelp);
    return 0;
  }
  const within = daysFrom("check", "--within", values.within);
  const now = nowFrom(values.now);
  const model = await reportModel(values);
  // Nothing to judge is not "all clear": an empty or foreign outputs file must not pass the gate.
  if (model.certificates.length === 0) {
    throw new OutputsError(
      `${model.source}: certificates: is empty: there is no certificate to check (run salesforce-certs up with an inventory, or give the outputs of such a stack)`,
    );
  }
  const findings = evaluateExpiryGate(model, now, within);
  for (const finding of findings)
    (finding.failed ? console.error : console.log)(`${statusLabel[finding.status]} ${finding.message}`);
  const failed = findings.filter((f) => f.failed).length;
  const count = `${model.certificates.length} certificate(s) checked`;
  console.log(
    failed > 0
      ? `${failed} problem(s) within ${within} days; ${count}`
      : `no certificate expires or is overdue for rotation within ${within} days; ${count}`,
  );
  return failed > 0 ? 1 : 0;
}

const statusLabel = { fail: "FAIL", warn: "WARN", ok: "ok  " } as const;
