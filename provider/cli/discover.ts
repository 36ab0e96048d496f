/**
 * @module `salesforce-certs discover`: reads one org or several (production and its sandboxes), each with
 * the connection of a stack (`salesforce-certs:org` and the secret `salesforce-certs:orgPrivateKey`, read
 * through the Automation API as `report` and `check` read a stack), and writes what it found: the Markdown
 * report (stdout or --out), the JSON document (--json), the draft inventory (--write-inventory), and with
 * --within the expiry gate over every kind, with `check`'s exit codes. Read-only in every org.
 */
import fs = require("node:fs");
import path = require("node:path");
import { discover, type OrgToDiscover } from "../discover/discover";
import { type DraftInventoryOptions, draftInventory } from "../discover/draft-inventory";
import { discoveryGate } from "../discover/gate";
import { discoveryJson } from "../discover/json";
import { renderDiscovery } from "../discover/render";
import type { DiscoveryDocument } from "../discover/model";
import { openLocalStack, stackSecretsError } from "../engine/local-stack";
import {
  DiscoverAccessError,
  NoStackError,
  OrgApiError,
  OrgConnectionError,
  OrgLoginError,
  OrgPrerequisiteError,
  ReportOutError,
  SalesforceCertsError,
  UsageError,
  ValidationError,
} from "../errors";
import { orgConfigKey, orgConnectionFromConfig, orgPrivateKeyConfigKey, type OrgConnection } from "../org/org-config";
import { emailAddress } from "../validate/rules";
import { daysFrom, nowFrom, parse, stackLocation } from "./options";

export const discoverHelp = `usage: salesforce-certs discover [--stack NAME]... [--out FILE] [--json FILE] [--within DAYS]
                               [--write-inventory FILE [--contact-email ADDRESS] [--draft-stack NAME]]
                               [--now ISO]

Reads every certificate an org depends on, read-only (nothing is deployed, validated or deleted):
Certificate records (Certificate and Key Management), the certificates pasted into Connected Apps and
External Client Apps for the JWT Bearer Flow, the partner IdP certificates the org trusts for SSO
(SamlSsoConfig), and who uses each (the IdP settings, SAML apps, SAML SSO, Named and External
Credentials). Each --stack is one org, through that stack's org connection (${orgConfigKey} and the
secret ${orgPrivateKeyConfigKey}; README: Connect an org); name several for production and its
sandboxes. The user needs "View Setup and Configuration".

  --stack NAME             a stack whose org to read; repeat for several orgs (default: demo)
  --out FILE               write the Markdown report there instead of printing it
  --json FILE              write the JSON document (format salesforce-certs/discovery/1) there
  --within DAYS            the expiry gate over every kind: exit 1 when a certificate has expired or
                           expires within DAYS (one awaiting its CA-signed chain is reported, not
                           failed); exit 2 when a part of an org could not be read and nothing failed
  --write-inventory FILE   write a draft inventory that adopts what was found, for review
  --contact-email ADDRESS  for the draft only: its org.contactEmail, the contact e-mail the org's apps
                           carry (discover cannot read it); without it the draft adopts no SAML app
                           and says why. Nothing in the org is read or changed by it
  --draft-stack NAME       for the draft only, with several --stack: which one's org the draft is for
                           (an inventory drives one stack; default: the first --stack)
  --now ISO                judge as of this time (default: SALESFORCE_CERTS_NOW, else now)
  --state DIR              file backend folder (default: PULUMI_BACKEND_URL when set, else .pulumi-state in
                           the working directory)
  --work-dir DIR           folder of Pulumi.yaml (default: the working directory)

Exit codes: 0 read (and, with --within, nothing expires within DAYS; an org with nothing to find says so
and exits 0, since every read was answered); 1 the gate found a problem; 2 could not look: no such stack,
no org connection, a refused login, a user who may not see the org's certificates, a part of an org the
gate could not read, a bad option or output file.`;

const options = {
  stack: { type: "string", multiple: true },
  out: { type: "string" },
  json: { type: "string" },
  within: { type: "string" },
  "write-inventory": { type: "string" },
  "contact-email": { type: "string" },
  "draft-stack": { type: "string" },
  now: { type: "string" },
  state: { type: "string" },
  "work-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** What the report and the draft inventory are made by (render.ts, draft-inventory.ts); tests may pass others. */
export interface DiscoverWriters {
  renderDiscovery(document: DiscoveryDocument, now: Date): string;
  draftInventory(document: DiscoveryDocument, options: DraftInventoryOptions): string;
}

const packageWriters: DiscoverWriters = { renderDiscovery, draftInventory };

/** Errors after which nothing could be judged: the command exits 2 ("could not look"), not 1. */
const couldNotLook: ReadonlySet<string> = new Set([
  NoStackError.code,
  OrgConnectionError.code,
  OrgLoginError.code,
  OrgApiError.code,
  OrgPrerequisiteError.code,
  DiscoverAccessError.code,
  ValidationError.code,
  ReportOutError.code,
]);

/** Runs `discover`; exits 0, 1 (the gate failed) or 2 (could not look; see {@link discoverHelp}). */
export async function discoverCommand(
  argv: readonly string[],
  writers: DiscoverWriters = packageWriters,
): Promise<number> {
  try {
    return await runDiscover(argv, writers);
  } catch (error) {
    if (error instanceof SalesforceCertsError && couldNotLook.has(error.code)) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** What a `discover` command line asks for, checked before any stack or org is read. */
export interface DiscoverPlan {
  stacks: string[];
  within?: number;
  now: Date;
  out?: string;
  json?: string;
  /** The draft inventory's file and what it is drafted with (the org is a stack's label in the document). */
  draft?: { file: string; options: DraftInventoryOptions };
  state?: string;
  workDir?: string;
}

/**
 * Reads `argv` into a {@link DiscoverPlan}, or `"help"` for --help.
 * @throws UsageError `ERR_USAGE` (exit 2) naming the option and its rule: an empty file, stack or a stack
 * given twice, a --contact-email that is not an e-mail address (the rule the inventory applies to
 * org.contactEmail), a --draft-stack that is not one of the --stack, and --contact-email or --draft-stack
 * without --write-inventory (they only shape the draft, so alone they would be ignored silently).
 */
export function discoverPlan(argv: readonly string[]): DiscoverPlan | "help" {
  const { values } = parse("discover", argv, options);
  if (values.help) return "help";
  const usage = (message: string) => new UsageError(`discover: ${message} (see salesforce-certs discover --help)`);
  for (const option of ["out", "json", "write-inventory"] as const)
    if (values[option] === "") throw usage(`--${option} FILE must name a file (got "")`);
  const within = values.within === undefined ? undefined : daysFrom("discover", "--within", values.within);
  const now = nowFrom(values.now);
  const stacks = values.stack ?? ["demo"];
  for (const [i, name] of stacks.entries()) {
    if (name.trim() === "") throw usage('--stack NAME must name a stack (got "")');
    if (stacks.indexOf(name) !== i) throw usage(`--stack ${name} is given twice: each stack is one org`);
  }
  const file = values["write-inventory"];
  for (const option of ["contact-email", "draft-stack"] as const)
    if (values[option] !== undefined && file === undefined)
      throw usage(`--${option} shapes the draft inventory only: give --write-inventory FILE with it`);
  const contactEmail = values["contact-email"];
  if (contactEmail !== undefined) {
    const broken = emailAddress(contactEmail);
    if (broken) throw usage(`--contact-email ${broken}`);
  }
  const draftStack = values["draft-stack"];
  if (draftStack !== undefined && !stacks.includes(draftStack))
    throw usage(
      `--draft-stack ${JSON.stringify(draftStack)} must be one of the --stack given (${stacks.map((s) => JSON.stringify(s)).join(", ")})`,
    );
  return {
    stacks,
    ...(within !== undefined ? { within } : {}),
    now,
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values.json !== undefined ? { json: values.json } : {}),
    ...(file !== undefined
      ? {
          draft: {
            file,
            options: {
              org: draftStack ?? stacks[0]!,
              ...(contactEmail !== undefined ? { contactEmail } : {}),
            },
          },
        }
      : {}),
    ...(values.state !== undefined ? { state: values.state } : {}),
    ...(values["work-dir"] !== undefined ? { workDir: values["work-dir"] } : {}),
  };
}

async function runDiscover(argv: readonly string[], write: DiscoverWriters): Promise<number> {
  const plan = discoverPlan(argv);
  if (plan === "help") {
    console.log(discoverHelp);
    return 0;
  }
  const { stacks, within, now } = plan;
  const values = {
    out: plan.out,
    json: plan.json,
    "write-inventory": plan.draft?.file,
    ...(plan.state !== undefined ? { state: plan.state } : {}),
    ...(plan.workDir !== undefined ? { "work-dir": plan.workDir } : {}),
  };
  // Every connection first: a missing one stops the command before any org is logged in to.
  const orgs: OrgToDiscover[] = [];
  for (const stack of stacks)
    orgs.push({
      label: stack,
      connection: await stackConnection({ ...values, stack }),
    });
  const document = await discover(orgs, now);

  const markdown = write.renderDiscovery(document, now);
  if (values.out) writeFile("--out", values.out, markdown);
  else process.stdout.write(markdown);
  if (values.json) writeFile("--json", values.json, discoveryJson(document));
  if (values["write-inventory"])
    writeFile("--write-inventory", values["write-inventory"], write.draftInventory(document, plan.draft!.options));
  const said = values.out ? console.log : console.error;
  for (const [option, file] of [
    ["report", values.out],
    ["JSON document", values.json],
    ["draft inventory", values["write-inventory"]],
  ] as const)
    if (file) said(`${option} written to ${file}`);

  if (within === undefined) return 0;
  const gate = discoveryGate(document, now, within);
  // Gate lines go to stderr when the report is on stdout, so that the report stays clean Markdown.
  const line = values.out ? console.log : console.error;
  for (const finding of gate.findings)
    (finding.status === "fail" || finding.status === "unreadable" ? console.error : line)(
      `${statusLabel[finding.status]} ${finding.message}`,
    );
  (values.out ? console.log : console.error)(gate.summary);
  return gate.exitCode;
}

const statusLabel = {
  fail: "FAIL",
  unreadable: "UNREAD",
  warn: "WARN",
  ok: "ok  ",
} as const;

/**
 * The org connection in the configuration of stack `values.stack` (secrets decrypted, as the engine hands
 * them to the provider), read through the Automation API without running a program.
 * @throws NoStackError `ERR_NO_STACK`; OrgConnectionError `ERR_ORG_CONNECTION` when the stack has no org
 * connection; ValidationError `ERR_VALIDATION` naming each broken rule of it; the stack's secrets errors.
 */
async function stackConnection(values: { stack: string; state?: string; "work-dir"?: string }): Promise<OrgConnection> {
  const location = stackLocation(values);
  let config: Record<string, { value: string }>;
  try {
    const stack = await openLocalStack({
      ...location,
      program: async () => ({}),
      mustExist: true,
      onNotice: (notice) => console.error(`[salesforce-certs] ${notice}`),
    });
    config = await stack.getAllConfig();
  } catch (error) {
    if (error instanceof Error && /no stack named|stack .* not found/i.test(error.message)) {
      throw new NoStackError(
        `stack '${location.stackName}' does not exist in ${location.backendUrl ?? location.stateDir}: name a stack that holds an org connection with --stack (and --state, --work-dir)`,
      );
    }
    throw stackSecretsError(error, location) ?? error;
  }
  let connection: OrgConnection | undefined;
  try {
    connection = orgConnectionFromConfig({ get: (key) => config[key]?.value });
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError(`the org connection of stack '${location.stackName}'`, error.issues);
    throw error;
  }
  if (!connection)
    throw new OrgConnectionError(
      `stack '${location.stackName}' has no org connection: set ${orgConfigKey} (loginUrl, username, consumerKey) and the secret ${orgPrivateKeyConfigKey} (pulumi config set --secret ${orgPrivateKeyConfigKey} < key.pem; README: Connect an org)`,
    );
  return connection;
}

/**
 * Writes `text` to `file`.
 * @throws ReportOutError `ERR_REPORT_OUT` (exit 2) naming the option, the path and what is wrong with it.
 */
function writeFile(option: string, file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === "EISDIR"
        ? "is a folder: name a file"
        : code === "ENOENT"
          ? `the folder ${path.dirname(file)} does not exist: create it first`
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : `cannot be written (${code ?? (error as Error).message})`;
    throw new ReportOutError(`discover: ${option} ${file}: ${problem}`);
  }
}
