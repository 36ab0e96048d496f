/**
 * @module Lifting the protection of resources for a deletion the user asked for, and putting it back
 * when the deletion fails or was interrupted, with the journal (protection-journal.ts) as the record.
 */
import { clearJournal, readJournal, writeJournal } from "./protection-journal";
import { type StackResource, stackResources } from "./stack-resources";
import { engineError, type StackRun } from "./stack-run";

/**
 * Lifts the protection of `resources` (those that have it) for `command`'s deletion: the journal is
 * written first, so that a command interrupted at any point leaves a record of what to put back.
 */
export function liftProtection(stack: StackRun, command: string, resources: readonly StackResource[]): void {
  const urns = resources.filter((r) => r.protect).map((r) => r.urn);
  if (urns.length === 0) return;
  writeJournal(stack.journal, { command, urns });
  const result = stack.cli.capture(["state", "unprotect", ...urns, "--yes"]);
  if (result.status !== 0) {
    const error = engineError(stack, "pulumi state unprotect", result.stderr);
    putBackProtection(stack, "the failed");
    throw error;
  }
  stack.notices.progress(
    `${command}: lifted the protection of ${urns.length} resource(s) to delete them; if ${command.split(" ")[0]} fails or is interrupted, it is put back`,
  );
}

/**
 * Puts back the protection a journal records on what is still in the stack, then removes the journal.
 * `how`: "an interrupted" at the start of a command (a journal left behind), "the failed" after an
 * engine run that failed. Says what it protected, as a notice.
 */
export function putBackProtection(stack: StackRun, how: "an interrupted" | "the failed"): void {
  const journal = readJournal(stack.journal);
  if (!journal) return;
  const listed = new Set(journal.urns);
  const again = stackResources(stack, !journal.all).filter(
    (r) => !r.protect && (journal.all ? r.ours : listed.has(r.urn)),
  );
  if (again.length > 0) {
    const result = stack.cli.capture(["state", "protect", ...again.map((r) => r.urn), "--yes"]);
    if (result.status !== 0) {
      // The journal stays: the next command tries again.
      stack.notices.notice(
        `warning: could not put back the protection that ${journal.command} lifted (${again.map((r) => r.name).join(", ")}): ${result.stderr.trim()}; the next command tries again`,
      );
      return;
    }
    stack.notices.notice(
      `put back the protection of ${again.map((r) => `${r.type} ${r.name}`).join(", ")}: ${how} ${journal.command} had lifted it and not deleted ${again.length === 1 ? "it" : "them"}`,
    );
  }
  clearJournal(stack.journal);
}

/** Ends a deletion: after a failed engine run the protection goes back; after a successful one the journal goes. */
export function endDeletion(stack: StackRun, code: number): void {
  if (code !== 0) putBackProtection(stack, "the failed");
  else clearJournal(stack.journal);
}
