/**
 * The Greenmoor story's props: an inventory repository in a temp folder holding the org-mode example
 * inventory (examples/greenmoor-org), driven as its users drive it
 * (`salesforce-certs up|preview|destroy --inventory FILE`, plain `pulumi config`/`refresh`/`stack output`
 * with the environment the command line gives the engine), against a stand-in org; and the two judges
 * of every step: CI's JWT Bearer token request (signed by jose, sent by jsforce) and a node-saml SP
 * configured from the published IdP metadata, judging an assertion the org signs.
 *
 * Commands run asynchronously: the stand-in org answers from this process, so a blocking spawn would
 * stall it.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as jose from "jose";
import * as jsforce from "jsforce";
import { engineEnvironment, locateEngine } from "../../provider/engine/engine-environment";
import { stateFilePath } from "../../provider/engine/local-stack";
import { repoRoot } from "./cli";
import { orgIdpCertificate, orgSignedSamlResponse } from "./org-saml";
import { serviceProviderFromMetadata, spAccepts } from "./saml";
import { partner } from "./saml-fixtures";
import type { StandInOrg } from "./stand-in-org";

/** Greenmoor's CI user: the integration's app pre-authorizes permission set Greenmoor_CI_Deployer. */
export const greenmoorCiUser = {
  username: "ci@greenmoor.example",
  profile: "Standard User",
  permissionSets: ["Greenmoor_CI_Deployer"],
};

/** The partner's user whom the org asserts. */
export const partnerUser = "ada@partner.example";

/** Greenmoor's org-mode inventory, the example users copy. */
export const greenmoorOrgExample = path.join(repoRoot, "examples", "greenmoor-org", "inventory.yaml");

/**
 * The example inventory for an org at `loginUrl`: CI's integration logs in there instead of
 * https://login.salesforce.com (the one line a user adapts for a My Domain login).
 */
export function greenmoorOrgInventory(loginUrl: string): string {
  const example = fs.readFileSync(greenmoorOrgExample, "utf8");
  const line = "    loginUrl: https://login.salesforce.com\n";
  if (example.split(line).length !== 2) throw new Error(`${greenmoorOrgExample}: expected one line "${line.trim()}"`);
  return example.replace(line, `    loginUrl: ${loginUrl}\n`);
}

/** What a command printed (stdout and stderr together, as a person reads them) and its exit status. */
export interface Run {
  status: number | null;
  text: string;
}

/** Greenmoor's inventory repository: a project folder with its stack, on a file backend inside it. */
export interface GreenmoorRepo {
  dir: string;
  inventory: string;
  /** Everything every command printed, for the leak check. */
  log: string[];
  /** `salesforce-certs ...args --stack greenmoor` at provider time `now`. */
  cli(args: string[], now: string): Promise<Run>;
  /** Plain `pulumi ...args --stack greenmoor` at provider time `now`; `input` goes to its stdin. */
  pulumi(args: string[], now: string, input?: string): Promise<Run>;
  /** The stack outputs, secrets in plain text (for the judges only: never printed). */
  outputs(): Promise<Record<string, any>>;
  /** The checkpoint file as stored (secrets encrypted). */
  readState(): string;
  dispose(): void;
}

const stackName = "greenmoor";
const passphrase = "greenmoor-story-passphrase";
const proxyVariables = ["https_proxy", "http_proxy", "HTTPS_PROXY", "HTTP_PROXY"];

function withoutProxies(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of proxyVariables) delete copy[name];
  return copy;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  log: string[],
  input?: string,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let text = "";
    const collect = (chunk: Buffer) => {
      text += chunk.toString("utf8");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (status) => {
      log.push(text);
      resolve({ status, text });
    });
    child.stdin.end(input ?? "");
  });
}

/**
 * A new inventory repository for `org`: the inventory file, a Pulumi.yaml that runs this package's
 * inventory program (the file `salesforce-certs` writes in a folder without one), the stack, and the org
 * connection set exactly as README "Connect an org" says (`pulumi config set --path`, the key `--secret`
 * from stdin).
 */
export async function openGreenmoorRepo(
  org: StandInOrg,
  deployer: { username: string; consumerKey: string; privateKeyPem: string },
  now: string,
): Promise<GreenmoorRepo> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-greenmoor-"));
  const inventory = path.join(dir, "inventory.yaml");
  fs.writeFileSync(inventory, greenmoorOrgInventory(org.url));
  const main = path.relative(dir, path.join(repoRoot, "build", "provider", "inventory", "inventory-main.js"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: salesforce-certs\nruntime: nodejs\nmain: ${main}\n`);
  const stateDir = path.join(dir, ".pulumi-state");
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const engine = locateEngine(repoRoot);
  const log: string[] = [];
  const base = withoutProxies({ ...process.env, PULUMI_CONFIG_PASSPHRASE: passphrase });
  delete base["PULUMI_BACKEND_URL"];
  const engineEnv = { ...base, ...engineEnvironment({ stackName, stateDir, passphrase }, engine) };
  const repo: GreenmoorRepo = {
    dir,
    inventory,
    log,
    cli: (args, at) =>
      run(
        process.execPath,
        [path.join(repoRoot, "build", "provider", "cli", "main.js"), ...args, "--stack", stackName],
        dir,
        { ...base, SALESFORCE_CERTS_NOW: at },
        log,
      ),
    pulumi: (args, at, input) =>
      run(
        engine.cli,
        [...args, "--stack", stackName, "--non-interactive"],
        dir,
        { ...engineEnv, SALESFORCE_CERTS_NOW: at },
        log,
        input,
      ),
    outputs: async () => {
      const got = await run(
        engine.cli,
        ["stack", "output", "--json", "--show-secrets", "--stack", stackName, "--non-interactive"],
        dir,
        engineEnv,
        [],
      );
      if (got.status !== 0) throw new Error(`pulumi stack output: ${got.text}`);
      return JSON.parse(got.text) as Record<string, any>;
    },
    readState: () => fs.readFileSync(stateFilePath(stateDir, "salesforce-certs", stackName), "utf8"),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  const must = async (done: Promise<Run>, what: string) => {
    const result = await done;
    if (result.status !== 0) throw new Error(`${what}: ${result.text}`);
  };
  await must(repo.pulumi(["stack", "init"], now), "pulumi stack init");
  for (const [field, value] of [
    ["loginUrl", org.url],
    ["username", deployer.username],
    ["consumerKey", deployer.consumerKey],
    ["pollIntervalSeconds", "1"],
  ] as const) {
    await must(
      repo.pulumi(["config", "set", "--path", `salesforce-certs:org.${field}`, value], now),
      `pulumi config set org.${field}`,
    );
  }
  await must(
    repo.pulumi(["config", "set", "--secret", "salesforce-certs:orgPrivateKey"], now, deployer.privateKeyPem),
    "pulumi config set --secret orgPrivateKey",
  );
  return repo;
}

/** CI's credential as the stack publishes it: the consumer key, the login key, where to log in. */
export interface CiCredential {
  consumerKey: string;
  privateKeyPem: string;
  tokenEndpoint: string;
}

/** The credential the outputs give CI for `name`. */
export function ciCredential(outputs: Record<string, any>, name = "Greenmoor_CI"): CiCredential {
  const integration = outputs["jwtIntegrations"][name];
  return {
    consumerKey: integration.consumerKey,
    privateKeyPem: outputs["jwtLoginKeys"][name],
    tokenEndpoint: integration.tokenEndpoint,
  };
}

/**
 * CI's login as a client makes it: a JWT signed by jose (RS256, iss/sub/aud/exp at the org's clock `now`)
 * posted by jsforce to the token endpoint. "ok" or the error the org answered.
 */
export async function ciLogsIn(credential: CiCredential, now: string): Promise<string> {
  try {
    const issuedAt = Math.floor(Date.parse(now) / 1000);
    const assertion = await new jose.SignJWT({})
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer(credential.consumerKey)
      .setSubject(greenmoorCiUser.username)
      .setAudience("https://login.salesforce.com")
      .setExpirationTime(issuedAt + 180)
      .sign(await jose.importPKCS8(pkcs8(credential.privateKeyPem), "RS256"));
    const loginUrl = new URL(credential.tokenEndpoint).origin;
    const token = await new jsforce.OAuth2({ loginUrl }).requestToken({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion,
    });
    return token.access_token ? "ok" : "no token";
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

/** jose imports PKCS #8 only; the provider may emit PKCS #1. */
function pkcs8(pem: string): string {
  return crypto.createPrivateKey(pem).export({ type: "pkcs8", format: "pem" }).toString();
}

/** The SAML app of the example inventory's binding, through which the org signs the partner's assertions. */
const partnerApp = "Partner_Portal_SSO";

/**
 * The partner's SP, configured from `metadataXml`, judging an assertion the org signs now, through the
 * SAML app it holds for the partner (built from that app's deployed policy), with the certificate its
 * IdentityProviderSettings name (or with `certificateName`): `accepted <user>` or `rejected: …` (`the
 * IdP is off` when the org signs with none; a rejection naming the app when the org no longer holds it).
 */
export async function partnerAccepts(
  org: StandInOrg,
  metadataXml: string,
  certificateName = orgIdpCertificate(org),
): Promise<string> {
  if (!certificateName) return "the IdP is off";
  // An org without the partner's SAML app (deleted by hand) sends the partner no assertion at all.
  if (!org.state.component("ExternalClientApplication", partnerApp) && !org.state.component("ConnectedApp", partnerApp))
    return `rejected: the org has no SAML app ${partnerApp}, so it sends no assertion`;
  const response = orgSignedSamlResponse(org, certificateName, partnerApp, { nameId: partnerUser });
  return spAccepts(serviceProviderFromMetadata(metadataXml, partner), response);
}

/**
 * The engine's change counts in what a command printed: a preview's `~ 2 to update` or an update's
 * `~ 2 updated`, as `{ update: 2 }`.
 */
export function changeCounts(text: string, form: "planned" | "done"): Record<string, number> {
  const verbs =
    form === "planned"
      ? { create: "to create", update: "to update", delete: "to delete", replace: "to replace" }
      : { create: "created", update: "updated", delete: "deleted", replace: "replaced" };
  const counts: Record<string, number> = {};
  for (const [op, words] of Object.entries(verbs)) {
    const found = new RegExp(`^\\s+[-+~]+ (\\d+) ${words}$`, "m").exec(text);
    if (found) counts[op] = Number(found[1]);
  }
  return counts;
}
