/**
 * @module When a certificate is due for renewal: a number of days before `notAfter`, a percentage of its
 * lifetime, or both, in which case the **earlier** renewal point wins (renewal starts as soon as either
 * rule asks for it).
 */

/** When to renew. Absent both fields, {@link defaultRenewalPolicy} applies. */
export interface RenewalPolicy {
  /** Renew this many days before `notAfter` (at least 1, less than the validity). */
  daysBeforeExpiry?: number;
  /** Renew once this percentage of the lifetime (`notBefore` → `notAfter`) has passed (1–99). */
  percentOfLifetime?: number;
}

/**
 * Renew at 80 % of the lifetime: 73 days before expiry for a one-year certificate, 146 for a two-year
 * one, which is ahead of Salesforce's own expiry e-mails (60, 30 and 10 days before).
 */
export const defaultRenewalPolicy: RenewalPolicy = { percentOfLifetime: 80 };

/** Days the previous certificate stays published after a rotation, unless set otherwise. */
export const defaultOverlapDays = 7;

const dayMs = 86_400_000;

/** The moment renewal is due for a certificate valid from `notBefore` to `notAfter`. */
export function renewalPoint(notBefore: Date, notAfter: Date, policy: RenewalPolicy): Date {
  const points: number[] = [];
  if (policy.daysBeforeExpiry !== undefined) points.push(notAfter.getTime() - policy.daysBeforeExpiry * dayMs);
  if (policy.percentOfLifetime !== undefined) {
    points.push(
      notBefore.getTime() + Math.round(((notAfter.getTime() - notBefore.getTime()) * policy.percentOfLifetime) / 100),
    );
  }
  if (points.length === 0) return renewalPoint(notBefore, notAfter, defaultRenewalPolicy);
  return new Date(Math.min(...points));
}

/** Says the policy in words, for preview messages: "30 days before notAfter", "at 80 % of the lifetime". */
export function describePolicy(policy: RenewalPolicy): string {
  const parts: string[] = [];
  if (policy.daysBeforeExpiry !== undefined) parts.push(`${policy.daysBeforeExpiry} days before notAfter`);
  if (policy.percentOfLifetime !== undefined) parts.push(`at ${policy.percentOfLifetime} % of the lifetime`);
  return parts.length === 0 ? describePolicy(defaultRenewalPolicy) : parts.join(" or ");
}
