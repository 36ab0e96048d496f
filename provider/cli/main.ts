#!/usr/bin/env node
/**
 * @module Command line: `up`, `preview`, `destroy`, `outputs` of a stack on the local file backend.
 * `npm start` runs `up` on the example program.
 */
import { openLocalStack } from "../engine/local-stack";
import { isSalesforceCertsError, SalesforceCertsError } from "../errors";
import { printOutputs } from "./print-outputs";
import { loadProgram, parseStackCommandOptions, stackCommandUsage } from "./stack-command";

const usage = `usage: salesforce-certs <command> [options]

commands:
  up        preview, then deploy the program; prints the stack outputs (secrets hidden)
  preview   show what 'up' would change
  destroy   delete every resource of the stack
  outputs   print the stack outputs (secrets hidden)

${stackCommandUsage}`;

const echo = (text: string) => process.stdout.write(text);

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h") {
    console.log(usage);
    return;
  }
  if (!["up", "preview", "destroy", "outputs"].includes(command)) {
    throw new SalesforceCertsError("ERR_USAGE", `unknown command '${command}'\n\n${usage}`);
  }
  const options = parseStackCommandOptions(rest);
  if ((command === "up" || command === "preview") && !options.programPath) {
    throw new SalesforceCertsError("ERR_USAGE", `'${command}' needs --program FILE\n\n${usage}`);
  }
  console.log(`[salesforce-certs] ${command}: stack '${options.stackName}', state in ${options.stateDir}`);
  const stack = await openLocalStack({ ...options, program: loadProgram(options.programPath) });

  switch (command) {
    case "preview":
      await stack.preview({ onOutput: echo, diff: true });
      return;
    case "up":
      // Preview first, as an interactive `pulumi up` does: a failed check() stops here, before anything is created.
      await stack.preview({ onOutput: echo });
      await stack.up({ onOutput: echo });
      printOutputs(await stack.outputs());
      return;
    case "destroy":
      await stack.destroy({ onOutput: echo });
      return;
    case "outputs":
      printOutputs(await stack.outputs());
      return;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Engine failures (CommandError) already carry the engine's own message: print it without a JS stack.
  if (isSalesforceCertsError(error) || (error instanceof Error && error.name === "CommandError")) console.error(`error: ${error.message}`);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
