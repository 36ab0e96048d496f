/**
 * @module The apps of a `JwtIntegration` in an org (org mode): deployed from the deploy channel of its
 * `salesforceFiles` (file-channels.ts), read back to see drift (an app deleted, a certificate changed by
 * hand), read back after each deploy and delete (org/read-back.ts), deleted with the resource. A legacy Connected App is only updated: since Spring '26 Salesforce
 * creates no new Connected App, so one the org does not list is refused before anything is deployed.
 */
import crypto = require("node:crypto");
import { describeCertificate } from "../crypto/certificate-facts";
import {
  OrgConnectedAppCreateError,
  OrgDeployError,
  OrgJwtAdoptError,
  OrgJwtCertificateError,
  OrgLoginError,
} from "../errors";
import { adoptionAllowed, alreadyInOrg } from "../org/adoption";
import {
  holdsAdoptedCertificate,
  jwtIntegrationViews,
  type AdoptableApp,
  type JwtIntegrationState,
  type PublicSlot,
} from "./lifecycle";
import type { SlotName } from "../rotation/jwt-slots";
import { channelOf } from "../salesforce/file-channels";
import { findSalesforceName, SalesforceNameSet, sameSalesforceName } from "../salesforce/names";
import { isPreAuthorizationFormProblem, preAuthorizedNames, withPreAuthorizationIds } from "../salesforce/oauth-apps";
import { comparableFingerprint, type JwtIntegrationInputs } from "./args";
import type { DeployOutcome, OrgMetadataClient } from "../org/metadata-client";
import { assertReadBack, readBackAbsent, type ReadBackMismatch } from "../org/read-back";

/**
 * The children of an External Client App, in the order they are deleted (before their parent). The global
 * OAuth settings (consumer key, certificate) go last: a session granted through the app may end with them.
 */
const ecaChildTypes = [
  "ExtlClntAppOauthSettings",
  "ExtlClntAppOauthConfigurablePolicies",
  "ExtlClntAppConfigurablePolicies",
  "ExtlClntAppGlobalOauthSettings",
] as const;

/** The slot apps of a state, by slot. */
function slotApps(state: Pick<JwtIntegrationState, "slots">): [SlotName, PublicSlot][] {
  return (["A", "B"] as const).flatMap((name) =>
    state.slots[name] ? [[name, state.slots[name]!] as [SlotName, PublicSlot]] : [],
  );
}

/** The metadata type of the integration's apps. */
function appTypeName(state: Pick<JwtIntegrationState, "appType">): "ExternalClientApplication" | "ConnectedApp" {
  return state.appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApplication";
}

/**
 * The files to deploy for `state`: the deploy channel of its `salesforceFiles`, with each slot's
 * certificate filled in from the PEMs known (the state's own, the bound certificate's, its previous one).
 * @throws OrgJwtCertificateError `ERR_ORG_JWT_CERTIFICATE` when a slot's certificate is known only by its
 * fingerprint: deploying without it would turn the JWT Bearer Flow off for that app.
 */
export function jwtAppFiles(
  state: JwtIntegrationState,
  inputs: Pick<JwtIntegrationInputs, "boundCertificatePem" | "certificatePem" | "previousCertificatePem">,
): Record<string, string> {
  const pems = new Map<string, string>();
  for (const pem of [inputs.boundCertificatePem, inputs.certificatePem, inputs.previousCertificatePem]) {
    if (pem) pems.set(describeCertificate(pem).sha256Fingerprint, pem);
  }
  const slots: Partial<Record<SlotName, PublicSlot>> = {};
  for (const [name, slot] of slotApps(state)) {
    const pem = slot.certificatePem ?? (slot.sha256Fingerprint ? pems.get(slot.sha256Fingerprint) : undefined);
    if (slot.sha256Fingerprint && !pem) {
      throw new OrgJwtCertificateError(
        `JwtIntegration ${state.apiName}: slot ${name} (${slot.appName}) holds certificate ${slot.sha256Fingerprint.slice(0, 23)}…, whose PEM this run was not given; nothing was deployed. Run pulumi up again with the stack's org configuration (salesforce-certs:org) set, so that the program hands the certificate over.`,
      );
    }
    slots[name] = pem ? { ...slot, certificatePem: pem } : slot;
  }
  const { salesforceFiles } = jwtIntegrationViews({ ...state, slots, slotKeys: {} });
  const untouched = untouchedApp(state);
  return Object.fromEntries(
    Object.entries(salesforceFiles).filter(
      ([key, content]) => channelOf(key, content).channel === "deploy" && !(untouched && ofApp(key, untouched)),
    ),
  );
}

/**
 * The adopted app while it serves clients with the certificate it was adopted with: it is deployed by
 * none of the integration's deploys (its settings stay the org's, its clients keep logging in) until the
 * managed certificate replaces its own, or its slot is retired, when it takes the integration's settings.
 */
function untouchedApp(state: JwtIntegrationState): string | undefined {
  const adopted = state.adopted;
  if (!adopted || state.slots[adopted.slot]?.sha256Fingerprint !== adopted.sha256Fingerprint) return undefined;
  return adopted.appName;
}

/** True when the source file `path` is one of the app `app`'s (its own file, or one of its External Client App children). */
function ofApp(path: string, app: string): boolean {
  const base = (path.split("/").pop() ?? "").split(".")[0]!;
  return ["", "_glbloauth", "_oauth", "_oauthPlcy", "_plcy"].some((suffix) =>
    sameSalesforceName(base, `${app}${suffix}`),
  );
}

/**
 * The slot app not yet made in the org: an adopting integration makes its generated slot app only when
 * the managed certificate first goes to it, so until then its absence is no drift.
 */
export function notYetMade(state: JwtIntegrationState): SlotName | undefined {
  if (!holdsAdoptedCertificate(state) || state.strategy !== "twoSlots") return undefined;
  const idle = state.adopted!.slot === "A" ? "B" : "A";
  return state.slots[idle]?.sha256Fingerprint === undefined ? idle : undefined;
}

/**
 * Reads the app `inputs.adopt` names (of the integration's `appType`, its name matched without case) and
 * checks it against `adopt`: it holds a certificate, whose SHA-256 fingerprint is the one given, and the
 * key given (if any) is that certificate's. An External Client App's consumer key and certificate are in
 * its global OAuth settings, read as `<app>_glbloauth`, the name this project and the field notes' deploy
 * bundle (org-mode.md §7, sfdx-hardis) give them; how Setup names the settings of an app made there is not
 * documented, so an app whose settings are not under that name is refused, never guessed.
 * @throws OrgJwtAdoptError `ERR_ORG_JWT_ADOPT`, naming the `adopt` field and the difference (never the key).
 */
export async function readAdoptedApp(client: OrgMetadataClient, inputs: JwtIntegrationInputs): Promise<AdoptableApp> {
  const adopt = inputs.adopt!;
  const type = inputs.appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApplication";
  const org = client.session.instanceUrl;
  const refuse = (why: string) =>
    new OrgJwtAdoptError(
      `JwtIntegration ${inputs.apiName}: ${why}; nothing was deployed or recorded (the org at ${org} is unchanged)`,
    );
  const listed = (await client.list(type)).map((app) => app.fullName);
  const appName = findSalesforceName(listed, adopt.app);
  if (!appName) throw refuse(`adopt.app: the org has no ${type} ${adopt.app} (appType ${inputs.appType})`);
  const settingsType = type === "ConnectedApp" ? "ConnectedApp" : "ExtlClntAppGlobalOauthSettings";
  const settingsName = type === "ConnectedApp" ? appName : `${appName}_glbloauth`;
  const record = (await client.read(settingsType, [settingsName])).get(settingsName);
  if (!record)
    throw refuse(
      `adopt.app: the org lists ${type} ${appName} but returns no ${settingsType} ${settingsName}, where its consumer key and certificate would be`,
    );
  const holder = (type === "ConnectedApp" ? (record["oauthConfig"] ?? {}) : record) as Record<string, unknown>;
  const certificatePem = typeof holder["certificate"] === "string" ? holder["certificate"].trim() : "";
  const consumerKey = typeof holder["consumerKey"] === "string" ? holder["consumerKey"] : "";
  if (!certificatePem)
    throw refuse(`adopt.app: ${type} ${appName} holds no certificate, so there is no JWT Bearer login to adopt`);
  if (!consumerKey) throw refuse(`adopt.app: the org returned no consumer key for ${type} ${appName}`);
  let fingerprint: string;
  let publicKey: crypto.KeyObject;
  try {
    fingerprint = describeCertificate(certificatePem).sha256Fingerprint;
    publicKey = new crypto.X509Certificate(certificatePem).publicKey;
  } catch {
    throw refuse(`adopt.app: the certificate of ${type} ${appName} does not parse as an X.509 certificate`);
  }
  if (comparableFingerprint(fingerprint) !== comparableFingerprint(adopt.sha256Fingerprint))
    throw refuse(
      `adopt.sha256Fingerprint: ${type} ${appName} holds certificate ${fingerprint}, not ${adopt.sha256Fingerprint} (changed since it was read, or another app)`,
    );
  if (adopt.privateKeyPem) {
    const given = crypto.createPublicKey(adopt.privateKeyPem).export({ type: "spki", format: "der" });
    if (!given.equals(publicKey.export({ type: "spki", format: "der" })))
      throw refuse(
        `adopt.privateKeyPem: the key given is not the key of the certificate ${type} ${appName} holds (${fingerprint.slice(0, 23)}…), so it is not the key its clients sign with`,
      );
  }
  return { appName, consumerKey, certificatePem };
}

/**
 * Refuses to create a Connected App: every slot app of a `ConnectedApp` integration must be listed by
 * the org already.
 * @throws OrgConnectedAppCreateError `ERR_ORG_CONNECTED_APP_CREATE` naming the apps and what to do.
 */
export async function refuseNewConnectedApps(client: OrgMetadataClient, state: JwtIntegrationState): Promise<void> {
  if (state.appType !== "ConnectedApp") return;
  const listed = new SalesforceNameSet((await client.list("ConnectedApp")).map((app) => app.fullName));
  const missing = slotApps(state)
    .map(([, slot]) => slot.appName)
    .filter((name) => !listed.has(name));
  if (missing.length === 0) return;
  throw new OrgConnectedAppCreateError(
    `JwtIntegration ${state.apiName}: appType ConnectedApp: the org at ${client.session.instanceUrl} has no Connected App ${missing.join(", ")}, and Salesforce no longer creates Connected Apps (Spring '26); only existing ones are updated. Use appType ExternalClientApp, or create the Connected App ${missing.join(", ")} by hand once (with this integration's consumerKey) and run pulumi up again.`,
  );
}

/**
 * Refuses to create External Client Apps the org already holds under the slot names (another stack's,
 * or left by an interrupted run), unless named in SALESFORCE_CERTS_ADOPT (adoption.ts). For creates only:
 * an update deploys the apps this resource made.
 */
export async function refuseTakingOverApps(client: OrgMetadataClient, state: JwtIntegrationState): Promise<void> {
  if (appTypeName(state) !== "ExternalClientApplication") return;
  const listed = (await client.list("ExternalClientApplication")).map((app) => app.fullName);
  // Named as the org spells them: an app differing only in case is the same app (names.ts).
  const taken = slotApps(state)
    .map(([, slot]) => findSalesforceName(listed, slot.appName))
    .filter((name): name is string => name !== undefined && !adoptionAllowed(name));
  if (taken.length > 0) throw alreadyInOrg("ExternalClientApplication", taken, client.session.instanceUrl);
}

/**
 * Deploys the apps of `state` (Connected Apps only when they exist); one all-or-nothing deploy. An
 * External Client App pre-authorizes permission sets and profiles by name; when the org refuses the names
 * (`We couldn't find permission sets called …`: the field description says IDs, practitioners report
 * names, org-mode.md §7), their IDs are looked up with a Tooling query and the deploy is sent again with
 * them, and the log says which form the org took.
 */
export async function deployJwtApps(
  client: OrgMetadataClient,
  state: JwtIntegrationState,
  files: Record<string, string>,
): Promise<DeployOutcome> {
  await refuseNewConnectedApps(client, state);
  try {
    return await client.deploy({ files });
  } catch (error) {
    const names = preAuthorizedNames(files);
    if (
      !(error instanceof OrgDeployError) ||
      !error.failures.some((f) => isPreAuthorizationFormProblem(f.problem)) ||
      names.PermissionSet.length + names.Profile.length === 0
    )
      throw error;
    const ids = {
      PermissionSet: await client.idsByName("PermissionSet", names.PermissionSet),
      Profile: await client.idsByName("Profile", names.Profile),
    };
    const outcome = await client.deploy({ files: withPreAuthorizationIds(files, ids) });
    const listed = [...ids.PermissionSet, ...ids.Profile].map(([name, id]) => `${name} = ${id}`).join(", ");
    console.log(
      `JwtIntegration ${state.apiName}: the org at ${client.session.instanceUrl} refused pre-authorization by name (${error.failures.find((f) => isPreAuthorizationFormProblem(f.problem))!.problem}); it took the IDs instead (${listed})`,
    );
    return outcome;
  }
}

/** What the org holds for one slot app: absent, or the certificate of its OAuth settings (none: JWT off). */
export type ObservedSlot = { app: "absent" } | { app: "present"; sha256Fingerprint: string | undefined };

/** Reads each slot app's certificate from the org (ECA global OAuth settings, or the Connected App's oauthConfig). */
export async function observeJwtApps(
  client: OrgMetadataClient,
  state: JwtIntegrationState,
): Promise<Partial<Record<SlotName, ObservedSlot>>> {
  const apps = slotApps(state);
  const connected = appTypeName(state) === "ConnectedApp";
  const names = apps.map(([, slot]) => (connected ? slot.appName : `${slot.appName}_glbloauth`));
  const records = await client.read(connected ? "ConnectedApp" : "ExtlClntAppGlobalOauthSettings", names);
  const observed: Partial<Record<SlotName, ObservedSlot>> = {};
  apps.forEach(([name], i) => {
    const record = records.get(names[i]!);
    if (!record) {
      observed[name] = { app: "absent" };
      return;
    }
    const holder = connected ? ((record["oauthConfig"] ?? {}) as Record<string, unknown>) : record;
    const pem = typeof holder["certificate"] === "string" ? holder["certificate"].trim() : "";
    let sha256Fingerprint: string | undefined;
    try {
      sha256Fingerprint = pem ? describeCertificate(pem).sha256Fingerprint : undefined;
    } catch {
      sha256Fingerprint = "unreadable";
    }
    observed[name] = { app: "present", sha256Fingerprint };
  });
  return observed;
}

/** Each difference between the slots of `state` and what the org holds, in words; empty when in step. */
export function jwtAppDrift(state: JwtIntegrationState, observed: Partial<Record<SlotName, ObservedSlot>>): string[] {
  const drift: string[] = [];
  const unmade = notYetMade(state);
  for (const [name, slot] of slotApps(state)) {
    const seen = observed[name];
    if (name === unmade && (!seen || seen.app === "absent")) continue;
    if (!seen || seen.app === "absent") drift.push(`${slot.appName} is not in the org`);
    else if (seen.sha256Fingerprint !== slot.sha256Fingerprint) {
      const short = (fingerprint: string | undefined) => (fingerprint ? `${fingerprint.slice(0, 23)}…` : "none");
      drift.push(
        `${slot.appName} holds certificate ${short(seen.sha256Fingerprint)} instead of ${short(slot.sha256Fingerprint)}`,
      );
    }
  }
  return drift;
}

/**
 * Read-back after a deploy (org/read-back.ts): each slot app, read again with `readMetadata`, must hold the
 * certificate this deploy gave it (the fingerprint the state records; none for a slot without one).
 * Returns the drift in words (as {@link jwtAppDrift}, what the state records when the read-back fails)
 * and one mismatch per app for the error.
 */
export async function readBackJwtApps(
  client: OrgMetadataClient,
  state: JwtIntegrationState,
): Promise<{ drift: string[]; mismatches: ReadBackMismatch[] }> {
  const observed = await observeJwtApps(client, state);
  const connected = appTypeName(state) === "ConnectedApp";
  const short = (fingerprint: string | undefined) =>
    fingerprint ? `certificate ${fingerprint.slice(0, 23)}…` : "no certificate";
  const mismatches: ReadBackMismatch[] = [];
  for (const [name, slot] of slotApps(state)) {
    const seen = observed[name];
    if (seen?.app === "present" && seen.sha256Fingerprint === slot.sha256Fingerprint) continue;
    mismatches.push({
      component: connected
        ? `ConnectedApp ${slot.appName}`
        : `ExtlClntAppGlobalOauthSettings ${slot.appName}_glbloauth`,
      expected: `slot ${name}'s app holding ${short(slot.sha256Fingerprint)}`,
      read: !seen || seen.app === "absent" ? "no such component" : short(seen.sha256Fingerprint),
    });
  }
  return { drift: jwtAppDrift(state, observed), mismatches };
}

/** Read-back after a delete: each of `apps` (External Client Apps) must be gone. */
export async function readBackJwtAppsGone(client: OrgMetadataClient, apps: readonly string[]): Promise<void> {
  assertReadBack(client.session, await readBackAbsent(client, "ExternalClientApplication", apps));
}

/**
 * Deletes the slot apps of `state` from the org (an External Client App's children first); absent ones
 * are fine. A Connected App is left in place: Salesforce would not let it be created again.
 */
export async function deleteJwtApps(client: OrgMetadataClient, state: JwtIntegrationState): Promise<string[]> {
  const apps = slotApps(state).map(([, slot]) => slot.appName);
  if (appTypeName(state) === "ConnectedApp") return [];
  const suffixes: Record<(typeof ecaChildTypes)[number], string> = {
    ExtlClntAppGlobalOauthSettings: "_glbloauth",
    ExtlClntAppOauthSettings: "_oauth",
    ExtlClntAppOauthConfigurablePolicies: "_oauthPlcy",
    ExtlClntAppConfigurablePolicies: "_plcy",
  };
  for (const type of ecaChildTypes)
    await client.delete(
      type,
      apps.map((app) => `${app}${suffixes[type]}`),
    );
  const outcomes = await client.delete("ExternalClientApplication", apps);
  return outcomes.filter((o) => o.outcome === "deleted").map((o) => o.fullName);
}

/**
 * Deletes the apps of the stack's own org connection while logged in through its active slot (`client`):
 * the other slot first, then the active slot, whose session the org may end once its OAuth settings are
 * gone. What is left then (the app's header, which holds no certificate and allows no login) is deleted
 * through `fallback` (the configured connection) when there is one, else returned in `left` for the user
 * to delete in Setup.
 */
export async function deleteOwnConnectionApps(
  client: OrgMetadataClient,
  state: JwtIntegrationState,
  fallback: (() => Promise<OrgMetadataClient>) | undefined,
): Promise<{ deleted: string[]; left: string[] }> {
  const only = (keep: (name: SlotName) => boolean): JwtIntegrationState => ({
    ...state,
    slots: Object.fromEntries(slotApps(state).filter(([name]) => keep(name))),
  });
  const deleted = await deleteJwtApps(
    client,
    only((name) => name !== state.activeSlot),
  );
  const active = only((name) => name === state.activeSlot);
  try {
    return { deleted: [...deleted, ...(await deleteJwtApps(client, active))], left: [] };
  } catch (error) {
    if (!/Unable to refresh session/i.test((error as Error).message ?? "")) throw error;
    const left = { deleted, left: slotApps(active).map(([, slot]) => slot.appName) };
    if (!fallback) return left;
    let other: OrgMetadataClient;
    try {
      other = await fallback();
    } catch (refused) {
      // The configured connection's app may be gone too (the README lets the bootstrap app be deleted).
      if (refused instanceof OrgLoginError) return left;
      throw refused;
    }
    return { deleted: [...deleted, ...(await deleteJwtApps(other, active))], left: [] };
  }
}

/** The apps a deploy of `state`'s files holds, for messages: all but an adopted app still untouched ({@link untouchedApp}). */
export function describeDeployedJwtApps(state: JwtIntegrationState): string {
  const untouched = untouchedApp(state);
  return describeJwtApps({
    appType: state.appType,
    slots: Object.fromEntries(slotApps(state).filter(([, slot]) => slot.appName !== untouched)),
  });
}

/** The components a deploy of `files` names, for messages (`ExternalClientApplication Acme_CI_A, …`). */
export function describeJwtApps(state: Pick<JwtIntegrationState, "appType" | "slots">): string {
  return `${appTypeName(state)} ${slotApps(state)
    .map(([, slot]) => slot.appName)
    .join(", ")}`;
}
