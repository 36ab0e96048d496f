/**
 * @module `up`, `preview`, `destroy`, `outputs` of a stack: each runs the real `pulumi` command on the
 * project folder (its Pulumi.yaml runs the inventory program), as a user's own `pulumi up` would, and
 * adds what the inventory needs: the inventory file for one run, acknowledged deletions, the outputs
 * with secrets masked, and the report. The options common to them are read here; each command is in its
 * own file, and the engine steps are in engine/.
 */
import fs = require("node:fs");
import path = require("node:path");
import { putBackProtection } from "../engine/protection";
import { inStackRun, prepareStackRun, type StackRun, type StepNotices } from "../engine/stack-run";
import { UsageError } from "../errors";
import { destroyCommand } from "./destroy";
import { nowFrom, parse, stackLocation, stackOptions, stackOptionsHelp } from "./options";
import { outputsCommand } from "./outputs";
import { previewCommand } from "./preview";
import { upCommand } from "./up";

export const stackCommandsHelp = `usage: salesforce-certs up|preview|destroy|outputs [--inventory FILE] [--allow-delete NAME,...]

  up        preview, then deploy (pulumi up); prints the outputs (secrets hidden) and the report
  preview   show what up would change, and why (rotations, phases)
  destroy   delete every resource of the stack and its private keys (asked for: protection is lifted
            for the deletion only; a destroy that fails or is interrupted gets it back)
  outputs   print every stack output in full (secrets hidden)

  --inventory FILE      the inventory to deploy; after a successful up it is kept in the stack config
                        salesforce-certs:inventory (default: that config, else
                        examples/greenmoor/inventory.yaml)
  --allow-delete NAMES  up only: comma-separated certificates/integrations removed from the inventory
                        whose deletion (with their private keys) you acknowledge; without it, up
                        refuses to delete them, whether or not they are protected
${stackOptionsHelp}`;

/** What the engine steps say, as the command line prints it. */
const notices: StepNotices = {
  progress: (message) => console.log(`[salesforce-certs] ${message}`),
  notice: (message) => console.error(`[salesforce-certs] ${message}`),
};

/** Runs `up`, `preview`, `destroy` or `outputs` with `argv`; resolves to the exit code. */
export async function stackCommand(
  command: "up" | "preview" | "destroy" | "outputs",
  argv: readonly string[],
): Promise<number> {
  const { values } = parse(command, argv, {
    ...stackOptions,
    inventory: { type: "string" },
    "allow-delete": { type: "string" },
  });
  if (values.help) {
    console.log(stackCommandsHelp);
    return 0;
  }
  if (values["allow-delete"] !== undefined && command !== "up") {
    throw new UsageError(`${command}: --allow-delete is for up only (see salesforce-certs up --help)`);
  }
  if (values.inventory !== undefined && (command === "destroy" || command === "outputs")) {
    throw new UsageError(`${command}: --inventory is for up and preview only (see salesforce-certs ${command} --help)`);
  }
  // The provider reads its clock from SALESFORCE_CERTS_NOW: a bad value is named here, before the engine runs.
  nowFrom(undefined);
  const location = stackLocation(values);
  const inventory = values.inventory === undefined ? undefined : path.resolve(values.inventory);
  if (inventory !== undefined && !fs.existsSync(inventory)) {
    throw new UsageError(`${command}: --inventory ${values.inventory}: no such file`);
  }
  const allowDelete = (values["allow-delete"] ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  // The inventory of this run only: the stack config changes after a successful up, never before.
  const env = { SALESFORCE_CERTS_CWD: process.cwd(), ...(inventory ? { SALESFORCE_CERTS_INVENTORY: inventory } : {}) };
  const stack = prepareStackRun(location, env, command !== "outputs", notices);
  console.log(
    `[salesforce-certs] ${command}: stack '${location.stackName}' of ${stack.projectFile}, state in ${location.backendUrl ?? location.stateDir}`,
  );
  const create = command === "up" || command === "preview";
  const putBack = (run: StackRun) => putBackProtection(run, "an interrupted");
  return inStackRun(stack, create, putBack, () => {
    switch (command) {
      case "preview":
        return previewCommand(stack, inventory);
      case "up":
        return upCommand(stack, inventory, allowDelete);
      case "destroy":
        return destroyCommand(stack);
      case "outputs":
        return outputsCommand(stack);
    }
  });
}
