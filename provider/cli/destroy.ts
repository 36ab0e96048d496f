/**
 * @module `salesforce-certs destroy`: deletes every resource of the stack and its private keys.
 */
import { endDeletion, liftProtection } from "../engine/protection";
import { stackResources } from "../engine/stack-resources";
import { engineExit, type StackRun } from "../engine/stack-run";

/** Runs `pulumi destroy` on `stack`; resolves to the exit code. */
export async function destroyCommand(stack: StackRun): Promise<number> {
  // The user asked for every key to go: lift protection from what destroy deletes (the journal
  // puts it back if destroy fails or is interrupted), then destroy.
  liftProtection(stack, "destroy", stackResources(stack, true));
  const code = await stack.cli.stream(["destroy", "--yes", "--suppress-outputs"]);
  endDeletion(stack, code);
  return engineExit(stack, code);
}
