/**
 * @module The stack's own org connection: a `JwtIntegration` with `orgConnection: true`.
 *
 * Bootstrap once by hand: an app made in Setup and its key in the stack configuration
 * (`salesforce-certs:org`, `salesforce-certs:orgPrivateKey`). The integration's first `up` deploys its
 * apps through that connection. From then on the provider logs in as the integration's active slot for
 * the integration's own changes, its refresh and its destroy (its state keeps that slot's key, see
 * `storedSlots`), so it rotates the credential it logs in with: the new slot is deployed while logged in
 * with the old one and proven with a login before the old one is retired. The other resources reach the
 * org through `SalesforceOrgProvider` (org-provider.ts), configured with the
 * integration's outputs.
 *
 * When the integration's own login is refused (its app deleted or changed by hand), the configured
 * connection is used instead, with a warning: a new bootstrap repairs the stack.
 */
import crypto = require("node:crypto");
import type { JwtIntegrationState } from "./lifecycle";
import { configuredOrg, orgClient } from "../org/configured-org";
import type { OrgMetadataClient } from "../org/metadata-client";
import { orgConfigKey, orgConnectionDefaults, orgPrivateKeyConfigKey, type OrgConnection } from "../org/org-config";
import { OrgLoginError } from "../errors";

/** The parts of an integration's state its own login needs. */
export type ConnectionState = Pick<
  JwtIntegrationState,
  "apiName" | "orgConnection" | "loginUrl" | "username" | "audience" | "activeSlot" | "slots" | "slotKeys"
>;

const clients = new Map<string, Promise<OrgMetadataClient>>();

/** True when `state` is the stack's own connection: it works in the org even with no connection configured. */
export function isOwnConnection(state: Partial<Pick<JwtIntegrationState, "orgConnection">> | undefined): boolean {
  return state?.orgConnection === true;
}

/** The connection that logs in as the active slot of `state`, or undefined when its key is not stored. */
export function ownConnectionSettings(state: ConnectionState): OrgConnection | undefined {
  const slot = state.slots[state.activeSlot];
  const privateKeyPem = state.slotKeys[state.activeSlot];
  if (!isOwnConnection(state) || !slot || !privateKeyPem) return undefined;
  const base = configuredOrg();
  const settings = base && !base.knownAtUp ? base : orgConnectionDefaults;
  return {
    apiVersion: settings.apiVersion,
    pollIntervalSeconds: settings.pollIntervalSeconds,
    pollTimeoutSeconds: settings.pollTimeoutSeconds,
    validateDeploys: settings.validateDeploys,
    loginUrl: new URL(state.loginUrl).origin,
    audience: new URL(state.audience).origin,
    username: state.username,
    consumerKey: slot.consumerKey,
    privateKeyPem,
  };
}

/**
 * A Metadata API client for work on the integration `state`: logged in as its active slot when it is the
 * stack's own connection with a stored key, else through the configured connection. One login per slot
 * credential per process.
 * @throws OrgLoginError when no login works, naming both and what to do.
 */
export async function orgClientFor(state: ConnectionState | undefined): Promise<OrgMetadataClient> {
  const own = state ? ownConnectionSettings(state) : undefined;
  if (!own) return orgClient();
  const cacheKey = `${own.loginUrl} ${own.consumerKey} ${crypto.createHash("sha256").update(own.privateKeyPem).digest("hex")}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = (async () => {
      const { loginToOrg }: typeof import("../org/org-login") = require("../org/org-login");
      const { OrgMetadataClient }: typeof import("../org/metadata-client") = require("../org/metadata-client");
      const paths = {
        object: `JwtIntegration ${state!.apiName} (the stack's org connection, slot ${state!.activeSlot})`,
        privateKey: `JwtIntegration ${state!.apiName}'s key`,
      };
      return new OrgMetadataClient(await loginToOrg(own, { paths }));
    })();
    clients.set(cacheKey, client);
    client.catch(() => clients.delete(cacheKey));
  }
  try {
    return await client;
  } catch (error) {
    // Only a refused login falls back: an org that cannot be reached refuses every connection alike.
    if (!(error instanceof OrgLoginError) || error.reason === "unreachable" || /^ERROR_HTTP_/.test(error.reason))
      throw error;
    const configured = configuredOrg();
    const slotApp = state!.slots[state!.activeSlot]!.appName;
    if (!configured || configured.knownAtUp) {
      throw new OrgLoginError(
        error.reason,
        `JwtIntegration ${state!.apiName} is the stack's org connection, and logging in as its app ${slotApp} failed: ${error.message} Bootstrap again: make an app by hand, set ${orgConfigKey} and the secret ${orgPrivateKeyConfigKey} to it, and run pulumi up: the provider logs in with it and repairs ${slotApp}.`,
      );
    }
    console.log(
      `JwtIntegration ${state!.apiName}: logging in as its app ${slotApp} failed (${error.message}); using the connection of ${orgConfigKey} (${configured.consumerKey}) instead`,
    );
    try {
      return await orgClient();
    } catch (fallback) {
      if (!(fallback instanceof OrgLoginError)) throw fallback;
      throw new OrgLoginError(
        fallback.reason,
        `JwtIntegration ${state!.apiName} is the stack's org connection, and no login works: as its app ${slotApp}: ${error.message} Through ${orgConfigKey}: ${fallback.message} Bootstrap again: make an app by hand, set ${orgConfigKey} and the secret ${orgPrivateKeyConfigKey} to it, and run pulumi up: the provider logs in with it and repairs ${slotApp}.`,
      );
    }
  }
}

/**
 * After the first deploy of the stack's own connection: waits until its slot A logs in (a real token
 * request), since the resources on a `SalesforceOrgProvider` log in as it next, and a new app takes 2 to 10
 * minutes to reach Salesforce's login servers. Bounded by `pollTimeoutSeconds`; past it, says what to do
 * and returns (the apps exist: the state must record them).
 */
export async function awaitFirstLogin(
  state: Pick<JwtIntegrationState, "apiName" | "loginUrl" | "username" | "audience" | "slots">,
  privateKeyPem: string,
): Promise<void> {
  const { requestJwtBearerToken }: typeof import("../salesforce/jwt-bearer") = require("../salesforce/jwt-bearer");
  const { currentTime }: typeof import("../rotation/clock") = require("../rotation/clock");
  const slot = state.slots.A!;
  const settings = configuredOrg() ?? orgConnectionDefaults;
  const deadline = Date.now() + settings.pollTimeoutSeconds * 1000;
  let last = "";
  for (;;) {
    const result = await requestJwtBearerToken(
      state.loginUrl,
      { consumerKey: slot.consumerKey, username: state.username, audience: state.audience, privateKeyPem },
      { now: currentTime() },
    );
    if (result.ok) {
      console.log(`JwtIntegration ${state.apiName}: ${slot.appName} logs in: from now on the provider logs in as it`);
      return;
    }
    last = `${result.error}: ${result.description}`;
    if (Date.now() + settings.pollIntervalSeconds * 1000 > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, settings.pollIntervalSeconds * 1000));
  }
  console.log(
    `JwtIntegration ${state.apiName}: ${slot.appName} does not log in yet after ${settings.pollTimeoutSeconds} s (${last}); a new app can take 2 to 10 minutes to reach the login servers. Resources on its SalesforceOrgProvider fail until it does: run pulumi up again in a few minutes.`,
  );
}
