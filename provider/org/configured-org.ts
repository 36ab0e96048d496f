/**
 * @module The org this provider process works on, from the stack configuration the engine hands every
 * dynamic provider (`configure`, see org-config.ts): set once per process, read by each resource. The
 * session is opened on first use and shared by the resources of the run; it lives in this module's state,
 * never in the serialised provider. Without configuration the provider stays in artefact mode.
 */
import type { OrgConnection } from "./org-config";
import { orgConfigKey, orgConnectionDefaults, orgConnectionFromConfig, orgPrivateKeyConfigKey } from "./org-config";
import type { OrgMetadataClient } from "./metadata-client";
import { OrgConnectionError } from "../errors";

let configured: { connection?: OrgConnection; problem?: string; source?: string } = {};
let client: Promise<OrgMetadataClient> | undefined;

/**
 * Where the configuration came from when it is not the stack's: the `SalesforceOrgProvider` of
 * org-provider.ts sets it (`JwtIntegration <name>`) beside the connection it builds from that integration.
 */
export const orgSourceConfigKey = "salesforce-certs:orgSource";

/**
 * Marks a `SalesforceOrgProvider`: resources tell it from other providers by this mark rather than by its
 * class, so that they need not import the class (which itself takes a `JwtIntegration`).
 */
export const orgProviderMark = Symbol.for("pulumi-salesforce-certs:SalesforceOrgProvider");

/** True when `provider` is a `SalesforceOrgProvider`: the resource works in the org through it. */
export function isSalesforceOrgProvider(provider: unknown): boolean {
  return (
    typeof provider === "object" && provider !== null && (provider as Record<symbol, unknown>)[orgProviderMark] === true
  );
}

/** Pulumi's placeholder for a value known only during `up` (a preview of a run that changes it). */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Takes the stack configuration the engine passed to the provider's `configure`. Never throws: a bad configuration is reported by each resource's check. */
export function configureOrg(config: { get(key: string): string | undefined }): void {
  let next: typeof configured;
  const source = config.get(orgSourceConfigKey);
  try {
    const pending = [orgConfigKey, orgPrivateKeyConfigKey].some((key) => config.get(key)?.includes(unknownValue));
    const connection = pending ? pendingConnection(config, source) : orgConnectionFromConfig(config);
    next = connection ? { connection, ...(source ? { source } : {}) } : {};
  } catch (error) {
    next = {
      problem: source ? `the connection from ${source}: ${(error as Error).message}` : (error as Error).message,
    };
  }
  // The engine configures each resource type's provider in the same process: the same connection keeps
  // its session (one login per process, not one per resource type).
  if (JSON.stringify(next) !== JSON.stringify(configured)) client = undefined;
  configured = next;
}

/** Why the org configuration cannot be used (every broken rule), or undefined when it can or is absent. */
export function orgConfigurationProblem(): string | undefined {
  return configured.problem;
}

/** A check() failure for a stack whose org configuration cannot be used, naming every broken rule. */
export function orgConfigurationFailure(): { property: string; reason: string } | undefined {
  return configured.problem === undefined ? undefined : { property: orgConfigKey, reason: configured.problem };
}

/** The configured org connection, or undefined in artefact mode. */
export function configuredOrg(): OrgConnection | undefined {
  return configured.connection;
}

/** What to tell a user who asked for something only an org connection can do. */
export const needsOrgConnection = `needs an org connection: set ${orgConfigKey} (loginUrl, username, consumerKey) and the secret ${orgPrivateKeyConfigKey} (README: Connect an org)`;

/**
 * The connection of a `SalesforceOrgProvider` while a preview cannot know it (its integration is created or
 * rotated in the same run): org mode, with the login URL when known; logging in waits for `up`.
 */
function pendingConnection(
  config: { get(key: string): string | undefined },
  source: string | undefined,
): OrgConnection {
  let loginUrl = `the org of ${source ?? "the stack's connection"}`;
  try {
    const object = JSON.parse(config.get(orgConfigKey) ?? "") as { loginUrl?: unknown };
    if (typeof object.loginUrl === "string" && !object.loginUrl.includes(unknownValue))
      loginUrl = new URL(object.loginUrl).origin;
  } catch {
    // the object itself is unknown: keep the description
  }
  return {
    ...orgConnectionDefaults,
    loginUrl,
    audience: "",
    username: "",
    consumerKey: "",
    privateKeyPem: "",
    knownAtUp: `${source ?? "the stack's connection"} changes in this run`,
  };
}

/** A Metadata API client logged in to the configured org; one login per provider process. */
export function orgClient(): Promise<OrgMetadataClient> {
  const connection = configured.connection;
  if (!connection) throw new OrgConnectionError(`this operation ${needsOrgConnection}`);
  if (connection.knownAtUp)
    throw new OrgConnectionError(
      `cannot log in to ${connection.loginUrl} yet: ${connection.knownAtUp}, so its credential is known only during pulumi up`,
    );
  client ??= (async () => {
    // Loaded on first use: artefact mode never loads jsforce.
    const { loginToOrg }: typeof import("./org-login") = require("./org-login");
    const { OrgMetadataClient }: typeof import("./metadata-client") = require("./metadata-client");
    // A SalesforceOrgProvider's connection is an integration's credential: messages name it, not the config keys.
    const source = configured.source;
    const paths = source
      ? { object: `${source} (the credential of a SalesforceOrgProvider)`, privateKey: `${source}'s key` }
      : undefined;
    return new OrgMetadataClient(await loginToOrg(connection, paths ? { paths } : {}));
  })();
  // A failed login is not cached: the next operation tries again.
  client.catch(() => (client = undefined));
  return client;
}
