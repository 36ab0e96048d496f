/**
 * @module `salesforce-certs up`: deploys the inventory; refuses to delete what the inventory no longer
 * declares unless `--allow-delete` names it; prints the outputs (secrets hidden) and the report.
 */
import { refuseAdoptedElsewhere } from "../engine/adopted-elsewhere";
import { endDeletion, liftProtection } from "../engine/protection";
import { droppedResources, runsInventoryProgram, stackResources } from "../engine/stack-resources";
import { engineExit, maskedStackOutputs, type StackRun } from "../engine/stack-run";
import { RemovalRefusedError, UsageError } from "../errors";
import { renderReport } from "../report/render-report";
import { modelFromOutputs } from "../report/report-model";
import { nowFrom } from "./options";
import { printOutputs } from "./print-outputs";
import { sayRemovals } from "./removals";

/**
 * Runs `pulumi up` on `stack` with the inventory `inventory` (else the configured one), deleting only
 * the dropped resources `allowDelete` names; resolves to the exit code.
 * @throws UsageError `ERR_USAGE` when `allowDelete` names a resource the stack does not hold.
 * @throws RemovalRefusedError when the inventory drops a resource `allowDelete` does not name.
 * @throws AdoptedElsewhereError when the inventory adopts an org object another stack manages.
 */
export async function upCommand(
  stack: StackRun,
  inventory: string | undefined,
  allowDelete: readonly string[],
): Promise<number> {
  const { cli } = stack;
  refuseAdoptedElsewhere(stack, inventory, "up");
  // One export of the stack serves both: what the inventory drops, and what --allow-delete names.
  const resources = stackResources(stack);
  const dropped = runsInventoryProgram(stack.projectFile) ? droppedResources(cli, resources, inventory) : [];
  sayRemovals(dropped, allowDelete);
  const unknown = allowDelete.filter((n) => !resources.some((r) => r.name === n));
  if (unknown.length > 0) {
    throw new UsageError(
      `up: --allow-delete names ${unknown.join(", ")}, which stack '${cli.project.stackName}' does not hold (nothing was changed)`,
    );
  }
  // Decided here, from the state and the inventory, whatever the resources' protect flags say.
  const refused = dropped.filter((d) => !allowDelete.includes(d.name));
  if (refused.length > 0) {
    const names = refused.map((d) => d.name).join(",");
    throw new RemovalRefusedError(
      `up: refused: the inventory no longer declares ${refused.map((d) => `${d.type} ${d.name}`).join(", ")}; up deletes ${refused.length === 1 ? "it" : "them"} (with ${refused.length === 1 ? "its" : "their"} keys or credentials) only when named: salesforce-certs up --allow-delete ${names} (nothing was changed)`,
    );
  }
  liftProtection(
    stack,
    "up --allow-delete",
    resources.filter((r) => allowDelete.includes(r.name)),
  );
  const code = await cli.stream(["up", "--yes", "--suppress-outputs"]);
  endDeletion(stack, code);
  if (code !== 0) return engineExit(stack, code);
  if (inventory) cli.capture(["config", "set", "salesforce-certs:inventory", inventory]);
  const outputs = maskedStackOutputs(cli);
  printOutputs(outputs, console.log, true);
  if (outputs["certificates"])
    console.log(`\n${renderReport(modelFromOutputs(outputs, `stack ${cli.project.stackName}`), nowFrom(undefined))}`);
  return 0;
}
