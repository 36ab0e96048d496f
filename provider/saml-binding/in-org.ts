/**
 * @module A `SamlSpBinding` in an org (org mode): its SAML app (the External Client App with its SAML
 * policy, or a legacy Connected App with `samlConfig`) and the org's `IdentityProviderSettings`, deployed
 * from the deploy channel of its `salesforceFiles`, read back after each deploy and delete (org/read-back.ts)
 * and at refresh to see drift, and removed with the binding.
 * Rules:
 *  - the IdP settings are deployed only naming a certificate the org lists: a provider-held key pair
 *    (`custody: "provider"`) must be imported by hand first (the Metadata API cannot import a key), and
 *    until then the binding deploys its app without the settings and says so;
 *  - a Connected App is only updated (Salesforce creates none since Spring '26), as for JwtIntegration;
 *  - on delete the IdP is turned off only when it signs with a certificate of this binding and no other
 *    SAML app is left in the org (one IdP serves every SP); otherwise it is left as it is.
 */
import crypto from "node:crypto";
import { OrgConnectedAppCreateError } from "../errors";
import { publishedCertificates } from "../rotation/idp-stages";
import { channelOf } from "../salesforce/file-channels";
import { SalesforceNameSet, sameSalesforceName } from "../salesforce/names";
import { samlAppName, type SamlSpBindingState } from "./lifecycle";
import { disableIdentityProvider, readIdentityProvider } from "../org/idp-settings";
import type { OrgMetadataClient } from "../org/metadata-client";
import { assertReadBack, readBackAbsent, type ReadBackMismatch } from "../org/read-back";

const idpSettingsPath = "settings/IdentityProvider.settings-meta.xml";

/** The binding's state as the org side reads it. */
type BindingFacts = Pick<SamlSpBindingState, "apiName" | "appName" | "appType" | "stages" | "salesforceFiles">;

/** What one binding deploys to the org. */
export interface SamlOrgDeploy {
  /** Source files (path → content) of the deploy channel. */
  files: Record<string, string>;
  /** The certificate the IdP settings name, when they are deployed. */
  idpCertificate?: string;
  /** The certificate the IdP should sign with but the org does not list (the settings are then left out). */
  unlisted?: string;
  /** A digest of `files`: the state keeps the last one deployed, so a change shows in preview. */
  digest: string;
}

/** The files to deploy for `state`, given the certificates the org lists. */
export function samlOrgDeploy(state: BindingFacts, listed: ReadonlySet<string>): SamlOrgDeploy {
  const files = Object.fromEntries(
    Object.entries(state.salesforceFiles).filter(([key, content]) => channelOf(key, content).channel === "deploy"),
  );
  const name = state.stages.signing.certificateName;
  const lists = listed.has(name);
  if (!lists) delete files[idpSettingsPath];
  const sorted = Object.keys(files)
    .sort()
    .map((key) => [key, files[key]]);
  const digest = crypto.createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
  return { files, digest, ...(lists ? { idpCertificate: name } : { unlisted: name }) };
}

/** The app's components in words: `ExternalClientApplication Partner_SSO (SAML policy)`. */
export function describeSamlApp(state: Pick<SamlSpBindingState, "apiName" | "appName" | "appType">): string {
  return state.appType === "ConnectedApp"
    ? `ConnectedApp ${samlAppName(state)} (samlConfig)`
    : `ExternalClientApplication ${samlAppName(state)} (SAML policy)`;
}

/** What a deploy does, in words, for preview and up. */
export function describeSamlOrgDeploy(
  state: Pick<SamlSpBindingState, "apiName" | "appName" | "appType">,
  deploy: SamlOrgDeploy,
  org: string,
): string {
  const idp = deploy.idpCertificate
    ? ` and IdentityProviderSettings (the org's IdP signs with ${deploy.idpCertificate})`
    : `; not IdentityProviderSettings: the org does not list ${deploy.unlisted} (a provider-held key pair: import its keystore under Setup › Certificate and Key Management › Import from Keystore, and the next pulumi up points the IdP at it)`;
  return `deploys ${describeSamlApp(state)}${idp} to ${org}`;
}

/**
 * Refuses to create a Connected App: the binding's app must be listed by the org already.
 * @throws OrgConnectedAppCreateError `ERR_ORG_CONNECTED_APP_CREATE` naming the app and what to do.
 */
export async function refuseNewSamlConnectedApp(
  client: OrgMetadataClient,
  state: Pick<SamlSpBindingState, "apiName" | "appName" | "appType">,
): Promise<void> {
  if (state.appType !== "ConnectedApp") return;
  const name = samlAppName(state);
  if ((await client.list("ConnectedApp")).some((app) => sameSalesforceName(app.fullName, name))) return;
  throw new OrgConnectedAppCreateError(
    `SamlSpBinding ${state.apiName}: appType ConnectedApp: the org at ${client.session.instanceUrl} has no Connected App ${state.apiName}, and Salesforce no longer creates Connected Apps (Spring '26); only existing ones are updated. Use appType ExternalClientApp, or create the Connected App ${state.apiName} by hand once and run pulumi up again.`,
  );
}

/** Each difference between what `state` deploys and what the org holds, in words; empty when in step. */
export async function observeSamlOrg(
  client: OrgMetadataClient,
  state: BindingFacts,
  listed: ReadonlySet<string>,
): Promise<string[]> {
  const drift: string[] = [];
  const type = state.appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApplication";
  const app = samlAppName(state);
  if (!(await client.read(type, [app])).get(app)) drift.push(`${type} ${app} is not in the org`);
  const name = state.stages.signing.certificateName;
  if (listed.has(name)) {
    const idp = await readIdentityProvider(client);
    if (!idp?.enableIdentityProvider) drift.push(`the org's IdP is off (it should sign with ${name})`);
    else if (!sameSalesforceName(idp.certificateName, name))
      drift.push(`the org's IdP signs with ${idp.certificateName} instead of ${name}`);
  }
  return drift;
}

/**
 * Read-back after a deploy (org/read-back.ts): the app is in the org, and when the deploy named the IdP's
 * certificate, the IdentityProviderSettings read again are enabled and name it. Returns the drift in words
 * (as {@link observeSamlOrg}) and one mismatch per component for the error.
 */
export async function readBackSamlOrg(
  client: OrgMetadataClient,
  state: Pick<SamlSpBindingState, "apiName" | "appName" | "appType">,
  deploy: SamlOrgDeploy,
): Promise<{ drift: string[]; mismatches: ReadBackMismatch[] }> {
  const drift: string[] = [];
  const mismatches: ReadBackMismatch[] = [];
  const type = state.appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApplication";
  const app = samlAppName(state);
  if (!(await client.read(type, [app])).get(app)) {
    drift.push(`${type} ${app} is not in the org`);
    mismatches.push({ component: `${type} ${app}`, expected: "present", read: "no such component" });
  }
  const name = deploy.idpCertificate;
  if (name) {
    const idp = await readIdentityProvider(client);
    // The org may spell the name in another case than the deploy did (names.ts).
    if (!idp?.enableIdentityProvider || !sameSalesforceName(idp.certificateName, name)) {
      drift.push(
        !idp?.enableIdentityProvider
          ? `the org's IdP is off (it should sign with ${name})`
          : `the org's IdP signs with ${idp.certificateName} instead of ${name}`,
      );
      mismatches.push({
        component: "IdentityProviderSettings IdentityProvider",
        expected: `enabled, signing with certificate ${name}`,
        read: idp
          ? `${idp.enableIdentityProvider ? "enabled" : "disabled"}, certificate ${idp.certificateName || "none"}`
          : "no settings",
      });
    }
  }
  return { drift, mismatches };
}

/** The other SAML apps of the org (SAML policies of other External Client Apps, Connected Apps with samlConfig). */
async function otherSamlApps(client: OrgMetadataClient, apiName: string): Promise<string[]> {
  const policies = (await client.list("ExtlClntAppSamlConfigurablePolicies"))
    .map((p) => p.fullName)
    .filter((name) => !sameSalesforceName(name, `${apiName}_samlPlcy`));
  const connected = (await client.list("ConnectedApp"))
    .map((app) => app.fullName)
    .filter((name) => !sameSalesforceName(name, apiName));
  const records =
    connected.length > 0
      ? await client.read("ConnectedApp", connected)
      : new Map<string, Record<string, unknown> | undefined>();
  const saml = connected.filter((name) => records.get(name)?.["samlConfig"] !== undefined);
  return [
    ...policies.map((name) => `ExtlClntAppSamlConfigurablePolicies ${name}`),
    ...saml.map((name) => `ConnectedApp ${name}`),
  ];
}

/** What {@link deleteSamlOrg} did, in words. */
export interface SamlOrgRemoval {
  app: string;
  idp: string;
}

/**
 * Removes the binding from the org: the External Client App (its SAML policy and policies first; a
 * Connected App stays), then turns the IdP off if it signs with one of this binding's certificates and no
 * other SAML app is left; otherwise the IdP settings stay as they are.
 */
export async function deleteSamlOrg(client: OrgMetadataClient, state: BindingFacts): Promise<SamlOrgRemoval> {
  const name = samlAppName(state);
  let app: string;
  if (state.appType === "ConnectedApp") {
    app = `left ConnectedApp ${name} in the org (Salesforce would not let it be created again); delete it in Setup if it is no longer used`;
  } else {
    await client.delete("ExtlClntAppSamlConfigurablePolicies", [`${name}_samlPlcy`]);
    await client.delete("ExtlClntAppConfigurablePolicies", [`${name}_plcy`]);
    const outcome = await client.delete("ExternalClientApplication", [name]);
    assertReadBack(client.session, await readBackAbsent(client, "ExternalClientApplication", [name]));
    app = outcome.some((o) => o.outcome === "deleted")
      ? `deleted ExternalClientApplication ${name}`
      : `ExternalClientApplication ${name} was already gone`;
  }
  const idp = await readIdentityProvider(client);
  const ours = new SalesforceNameSet(publishedCertificates(state.stages).map((c) => c.certificateName));
  if (!idp?.enableIdentityProvider) return { app, idp: "the org's IdP is off already" };
  if (!ours.has(idp.certificateName))
    return { app, idp: `left the org's IdP on: it signs with ${idp.certificateName}, which this binding did not set` };
  const others = await otherSamlApps(client, name);
  if (others.length > 0)
    return {
      app,
      idp: `left the org's IdP on (signing with ${idp.certificateName}): other SAML apps use it (${others.join(", ")})`,
    };
  await disableIdentityProvider(client, idp.certificateName);
  const after = await readIdentityProvider(client);
  if (after?.enableIdentityProvider)
    assertReadBack(client.session, [
      {
        component: "IdentityProviderSettings IdentityProvider",
        expected: "disabled",
        read: `enabled, signing with ${after.certificateName}`,
      },
    ]);
  return {
    app,
    idp: `turned the org's IdP off (no SAML app is left), so that certificate ${idp.certificateName} can be deleted`,
  };
}
