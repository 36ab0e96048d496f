/**
 * @module Before `up` or `preview` runs the engine: an inventory entry that adopts an org object another
 * stack of the same state folder already manages is refused (both stacks would rotate and delete it).
 * Every other stack's checkpoint on the file backend is read as plain JSON: the outputs compared are not
 * secrets, so no passphrase is needed and nothing is decrypted. A checkpoint that cannot be read is named
 * in a warning and left out. The comparison is recorded-org-objects.ts's.
 */
import fs = require("node:fs");
import path = require("node:path");
import { parse as parseYaml } from "yaml";
import { AdoptedElsewhereError } from "../errors";
import { loadInventory } from "../inventory/load-inventory";
import { orgConfigKey } from "../org/org-config";
import {
  adoptedOrgObjects,
  adoptionConflicts,
  conflictMessage,
  type KnownOrg,
  type OtherStack,
  recordedOrgObjects,
  shownName,
} from "./recorded-org-objects";
import { stateFilePath } from "./stack-files";
import { configuredInventory, runsInventoryProgram } from "./stack-resources";
import type { StackRun } from "./stack-run";

/** The checkpoints of every stack in `stateDir` but `own`, each with the name `--stack` takes for it. */
export function otherCheckpoints(
  stateDir: string,
  own: { projectName: string; stackName: string },
): { stack: string; file: string; compressed: boolean }[] {
  const root = path.join(stateDir, ".pulumi", "stacks");
  if (!fs.existsSync(root)) return [];
  const found: { stack: string; file: string; compressed: boolean }[] = [];
  const scan = (dir: string, project: string | undefined) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const match = /^(.+)\.json(\.gz|\.zst)?$/.exec(entry.name);
      if (!entry.isFile() || !match) continue;
      const stackName = match[1]!;
      if (project === own.projectName && stackName === own.stackName) continue;
      const stack =
        project === undefined || project === own.projectName ? stackName : `organization/${project}/${stackName}`;
      found.push({ stack, file: path.join(dir, entry.name), compressed: match[2] !== undefined });
    }
  };
  // Stacks of projects (the layout this engine writes), and the unscoped layout of older backends.
  for (const entry of fs.readdirSync(root, { withFileTypes: true }))
    if (entry.isDirectory()) scan(path.join(root, entry.name), entry.name);
  scan(root, undefined);
  return found.sort((a, b) => a.stack.localeCompare(b.stack));
}

/** The org connection's login URL in the stack config file (plain: only the private key is a secret). */
function configuredLoginUrl(configFile: string): string | undefined {
  try {
    const config = (parseYaml(fs.readFileSync(configFile, "utf8")) as { config?: Record<string, unknown> } | null)
      ?.config;
    let org = config?.[orgConfigKey];
    if (typeof org === "string") org = JSON.parse(org);
    const loginUrl = (org as { loginUrl?: unknown } | undefined)?.loginUrl;
    return typeof loginUrl === "string" ? loginUrl : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses the run when the inventory (`inventory`, else the configured one) adopts an org object another
 * stack of the file backend records in the same org, or in one nothing tells apart before a login.
 * Warnings (a checkpoint that cannot be read) go to `stack.notices`. Only for the inventory program on a
 * file backend: a program of one's own declares its resources only when it runs.
 * @throws AdoptedElsewhereError `ERR_ADOPTED_ELSEWHERE` naming each object, the stack and what to do.
 */
export function refuseAdoptedElsewhere(stack: StackRun, inventory: string | undefined, command: string): void {
  const files = stack.files;
  if (!files || !runsInventoryProgram(stack.projectFile)) return;
  const loaded = loadInventory(inventory ?? configuredInventory(stack.cli));
  if (!loaded.ok) return; // the program reports every problem, and runs nothing
  const adopted = adoptedOrgObjects(loaded.inventory);
  if (adopted.length === 0) return;

  const ownFile = stateFilePath(files.stateDir, files.projectName, files.stackName);
  const ownReading = fs.existsSync(ownFile) ? recordedOrgObjects(fs.readFileSync(ownFile, "utf8")) : undefined;
  const ownObjects = ownReading?.ok ? ownReading.objects : [];
  const recordedId = ownObjects.find((o) => o.orgId)?.orgId;
  const ownConnection = Object.values(loaded.inventory.jwtIntegrations).find((e) => e.orgConnection)?.loginUrl;
  const own: KnownOrg = {
    ...(recordedId ? { orgId: recordedId } : {}),
    loginUrls: [
      ...ownObjects.flatMap((o) => (o.orgInstanceUrl ? [o.orgInstanceUrl] : [])),
      ...[configuredLoginUrl(files.configFile ?? stack.configFile), ownConnection].filter(
        (u): u is string => u !== undefined,
      ),
    ],
    namedUrls: loaded.inventory.org.myDomainUrl ? [loaded.inventory.org.myDomainUrl] : [],
  };

  const others: OtherStack[] = otherCheckpoints(files.stateDir, files).map(({ stack: name, file, compressed }) => {
    if (compressed)
      return { stack: name, file, reading: { ok: false, problem: "is compressed, which this check does not read" } };
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
      return { stack: name, file, reading: { ok: false, problem: `cannot be read (${code})` } };
    }
    return { stack: name, file, reading: recordedOrgObjects(text) };
  });
  for (const other of others)
    if (!other.reading.ok)
      stack.notices.notice(
        `warning: ${command}: the checkpoint of stack '${shownName(other.stack)}' (${shownName(other.file)}) ${other.reading.problem}: whether it manages an org object this inventory adopts is not known`,
      );

  const conflicts = adoptionConflicts(adopted, own, others);
  if (conflicts.length > 0) throw new AdoptedElsewhereError(conflictMessage(command, conflicts));
}
