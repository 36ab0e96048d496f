/**
 * @module `salesforce-certs preview`: what `up` would change, and why (rotations, phases), after the
 * resources the inventory no longer declares.
 */
import { refuseAdoptedElsewhere } from "../engine/adopted-elsewhere";
import { engineExit, type StackRun } from "../engine/stack-run";
import { droppedResources, runsInventoryProgram, stackResources } from "../engine/stack-resources";
import { sayRemovals } from "./removals";

/**
 * Runs `pulumi preview` on `stack` with the inventory `inventory` (else the configured one); resolves to the exit code.
 * @throws AdoptedElsewhereError when the inventory adopts an org object another stack manages.
 */
export async function previewCommand(stack: StackRun, inventory: string | undefined): Promise<number> {
  refuseAdoptedElsewhere(stack, inventory, "preview");
  if (runsInventoryProgram(stack.projectFile))
    sayRemovals(droppedResources(stack.cli, stackResources(stack), inventory), []);
  return engineExit(stack, await stack.cli.stream(["preview", "--diff", "--suppress-outputs"]));
}
