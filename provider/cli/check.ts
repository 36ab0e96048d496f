/**
 * @module `salesforce-certs check --within DAYS`: the CI expiry gate; exits 1 when a certificate in use
 * expires within the horizon or has passed its renewal point without a rotation.
 */
import { evaluateExpiryGate } from "../report/expiry-gate";
import { daysFrom, nowFrom, parse, reportModel, stackOptions, stackOptionsHelp } from "./options";

export const checkHelp = `usage: salesforce-certs check --within DAYS [--outputs FILE] [--now ISO]

The expiry gate for a scheduled CI job. Salesforce keeps accepting expired app certificates silently,
so this is the alarm. Exits 1 when a certificate in use expires within DAYS, or has passed its renewal
point without a rotation (run pulumi up); a rotation planned within DAYS is reported, not failed.

  --within DAYS    the horizon (required)
  --outputs FILE   from stack outputs as JSON (pulumi stack output --json)
  --now ISO        evaluate as of this time (default: now)
${stackOptionsHelp}`;

export async function checkCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse("check", argv, { ...stackOptions, within: { type: "string" }, outputs: { type: "string" }, now: { type: "string" } });
  if (values.help) {
    console.log(checkHelp);
    return 0;
  }
  const within = daysFrom("check", "--within", values.within);
  const now = nowFrom(values.now);
  const model = await reportModel(values);
  const findings = evaluateExpiryGate(model, now, within);
  for (const finding of findings) (finding.failed ? console.error : console.log)(`${finding.failed ? "FAIL" : "ok  "} ${finding.message}`);
  const failed = findings.filter((f) => f.failed).length;
  console.log(failed > 0 ? `${failed} problem(s) within ${within} days` : `no certificate in use expires or is overdue for rotation within ${within} days`);
  return failed > 0 ? 1 : 0;
}
