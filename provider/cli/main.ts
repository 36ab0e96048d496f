#!/usr/bin/env node
/**
 * @module The `salesforce-certs` command line. `npm start` runs `up` of the example inventory.
 */
import { isSalesforceCertsError, StackAccessError, UsageError } from "../errors";
import { checkCommand } from "./check";
import { discoverCommand } from "./discover";
import { exportSfdxCommand } from "./export-sfdx";
import { reportCommand } from "./report";
import { stackCommand, stackCommandsHelp } from "./stack-commands";
import { validateCommand } from "./validate";

const usage = `usage: salesforce-certs <command> [options]   (salesforce-certs <command> --help for each)

commands:
  up, preview, destroy, outputs   run the inventory (or a program) on the local Pulumi backend
  validate FILE                   check an inventory without the engine
  report                          Markdown report: certificates, expiry, consumers, wiring
  check --within DAYS             CI expiry gate
  discover [--stack NAME]...      read every certificate an org depends on, and who uses it (read-only)
  export-sfdx --out DIR           write the stack's Salesforce metadata as an SFDX project

${stackCommandsHelp}`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "up":
    case "preview":
    case "destroy":
    case "outputs":
      return stackCommand(command, rest);
    case "validate":
      return validateCommand(rest);
    case "report":
      return reportCommand(rest);
    case "check":
      return checkCommand(rest);
    case "export-sfdx":
      return exportSfdxCommand(rest);
    case "discover":
      return discoverCommand(rest);
    case undefined:
    case "--help":
    case "-h":
      console.log(usage);
      return command === undefined ? 2 : 0;
    default:
      console.error(`error: unknown command '${command}'\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Engine failures (CommandError) already carry the engine's own message: print it without a JS stack.
    if (isSalesforceCertsError(error) || (error instanceof Error && error.name === "CommandError"))
      console.error(`error: ${error.message}`);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    // 2: the command could not run as asked (a bad option, variable or date) or could not read the stack
    // (passphrase, state folder, checkpoint); 1: it ran and failed. CI jobs tell "the gate could not
    // look" from "the gate found a problem".
    process.exitCode =
      (isSalesforceCertsError(error) && error.code === UsageError.code) || error instanceof StackAccessError ? 2 : 1;
  },
);
