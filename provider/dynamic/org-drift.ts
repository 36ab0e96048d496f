/**
 * @module Drift found by `pulumi refresh` in org mode: what the org holds differs from what the state
 * says. The refreshed state records it (`orgDrift`), so that the next `up` sees a change and deploys again;
 * a refresh that finds none clears it.
 */

/** `props` with `drift` recorded (or cleared when there is none), and the line saying so logged. */
export function withOrgDrift<T>(props: T, drift: readonly string[], subject: string, repair: string): T {
  const next: Record<string, unknown> = { ...(props as Record<string, unknown>) };
  if (drift.length === 0) {
    delete next["orgDrift"];
    return next as T;
  }
  console.log(`${subject}: the org differs from the state (${drift.join("; ")}): the next pulumi up ${repair}`);
  next["orgDrift"] = [...drift];
  return next as T;
}
