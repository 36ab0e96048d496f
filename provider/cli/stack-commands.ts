/**
 * @module `up`, `preview`, `destroy`, `outputs` of a stack on the local file backend. The program is the
 * inventory program (the inventory from --inventory, stack config, or the example), or --program FILE.
 */
import path = require("node:path");
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { openLocalStack, releaseStaleLocks } from "../engine/local-stack";
import { SalesforceCertsError } from "../errors";
import { modelFromOutputs } from "../report/report-model";
import { renderReport } from "../report/render-report";
import { nowFrom, parse, stackLocation, stackOptions, stackOptionsHelp } from "./options";
import { printOutputs } from "./print-outputs";

export const stackCommandsHelp = `usage: salesforce-certs up|preview|destroy|outputs [--inventory FILE | --program FILE]

  up        preview, then deploy; prints the outputs (secrets hidden) and the report
  preview   show what up would change, and why (rotations, phases)
  destroy   delete every resource of the stack
  outputs   print every stack output in full (secrets hidden)

  --inventory FILE   the inventory to deploy (kept in the stack config salesforce-certs:inventory;
                     default: examples/greenmoor/inventory.yaml)
  --program FILE     a module whose default export is a Pulumi program, instead of an inventory
${stackOptionsHelp}`;

const echo = (text: string) => process.stdout.write(text);

/** Loads the program module; its default export must be the program. */
function loadProgram(programPath: string): PulumiFn {
  const loaded = require(path.resolve(programPath)) as { default?: unknown };
  if (typeof loaded.default !== "function") {
    throw new SalesforceCertsError("ERR_USAGE", `${programPath} has no default export that is a function (the Pulumi program)`);
  }
  return loaded.default as PulumiFn;
}

export async function stackCommand(command: "up" | "preview" | "destroy" | "outputs", argv: readonly string[]): Promise<number> {
  const { values } = parse(command, argv, { ...stackOptions, inventory: { type: "string" }, program: { type: "string" } });
  if (values.help) {
    console.log(stackCommandsHelp);
    return 0;
  }
  const location = stackLocation(values);
  const program = values.program ? loadProgram(values.program) : loadProgram(path.join(__dirname, "..", "inventory", "inventory-program.js"));
  console.log(`[salesforce-certs] ${command}: stack '${location.stackName}', state in ${location.backendUrl ?? location.stateDir}`);
  const stack = await openLocalStack({ ...location, program, onNotice: (notice) => console.log(`[salesforce-certs] ${notice}`) });
  if (values.inventory) await stack.setConfig("salesforce-certs:inventory", { value: path.resolve(values.inventory) });
  if (command !== "outputs") {
    const projectName = (await stack.workspace.projectSettings()).name;
    for (const lock of await releaseStaleLocks(stack, location, projectName)) {
      console.log(`[salesforce-certs] released the lock of an update that was killed (pid ${lock.pid}, started ${lock.timestamp}); continuing from the state it left`);
    }
  }

  switch (command) {
    case "preview":
      await stack.preview({ onOutput: echo, diff: true });
      break;
    case "up": {
      // Preview first, as an interactive `pulumi up` does: a failed check() stops here, before anything is created.
      await stack.preview({ onOutput: echo });
      await stack.up({ onOutput: echo });
      const outputs = await stack.outputs();
      printOutputs(outputs, console.log, true);
      if (outputs["certificates"]) {
        const plain = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? undefined : v.value]));
        console.log(`\n${renderReport(modelFromOutputs(plain, `stack ${location.stackName}`), nowFrom(undefined))}`);
      }
      break;
    }
    case "destroy":
      await stack.destroy({ onOutput: echo });
      break;
    case "outputs":
      printOutputs(await stack.outputs());
      break;
  }
  return 0;
}
