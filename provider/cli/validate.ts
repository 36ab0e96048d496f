/**
 * @module `salesforce-certs validate FILE [--json]`: checks an inventory without the engine; one line per
 * problem (`file:line:col path: rule`); exits 1 on any problem.
 */
import { formatProblem, loadInventory } from "../inventory/load-inventory";
import { parse } from "./options";

export const validateHelp = `usage: salesforce-certs validate FILE [--json]

Checks an inventory file: UTF-8 and YAML (strictly: no unknown tags, bounded nesting and aliases), the
JSON Schema, duplicate and colliding names (generated ones such as <name>_G2 and <name>_A are reserved),
characters XML forbids, each resource's rules, references between entries. Prints one line per problem
and exits 1 on any; nothing is created.

  --json   print {"ok": bool, "problems": [{file, line, col, path, message}]}; line and col are
           absent when a problem concerns the whole file (unreadable, UTF-16, too large)`;

export async function validateCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    "validate",
    argv,
    { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    true,
  );
  if (values.help || positionals.length !== 1) {
    console.log(validateHelp);
    return values.help ? 0 : 2;
  }
  const file = positionals[0]!;
  const loaded = loadInventory(file);
  const problems = loaded.ok ? [] : loaded.problems;
  if (values.json) console.log(JSON.stringify({ ok: loaded.ok, problems }, null, 2));
  else if (loaded.ok) {
    const { certificates, jwtIntegrations, samlBindings } = loaded.inventory;
    console.log(
      `${file}: valid (${Object.keys(certificates).length} certificates, ${Object.keys(jwtIntegrations).length} JWT integrations, ${Object.keys(samlBindings).length} SAML bindings)`,
    );
  } else for (const problem of problems) console.error(formatProblem(problem));
  return loaded.ok ? 0 : 1;
}
