/**
 * @module `salesforce-certs outputs`: every stack output in full, secrets hidden.
 */
import { maskedStackOutputs, type StackRun } from "../engine/stack-run";
import { printOutputs } from "./print-outputs";

/** Prints the outputs of `stack`; exits 0. */
export async function outputsCommand(stack: StackRun): Promise<number> {
  printOutputs(maskedStackOutputs(stack.cli));
  return 0;
}
