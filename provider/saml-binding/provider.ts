/**
 * @module What `SamlSpBinding` does in the provider process. Loaded by name through
 * `pulumi-salesforce-certs/runtime`.
 */
import { adoptionAllowed, alreadyInOrg } from "../org/adoption";
import type * as pulumi from "@pulumi/pulumi";
import { clockFailure, currentTime } from "../rotation/clock";
import { toCheckResult } from "../dynamic/check-result";
import { unknownValue } from "../dynamic/unknown-value";
import { checkSamlSpBindingArgs, samlApiVersionIssue, type SamlSpBindingInputs } from "./args";
import { withoutAbsentOutputs } from "../dynamic/absent-outputs";
import {
  applySamlUpdate,
  createSamlSpBinding,
  describeClockStep,
  planSamlUpdate,
  samlReplacingInputs,
  type SamlOrgView,
  type SamlSpBindingState,
} from "./lifecycle";
import { configuredOrg, needsOrgConnection, orgClient, orgConfigurationFailure } from "../org/configured-org";
import { readAdoptedSamlApp, samlAppMetadataType } from "./adoption";
import { assertSameOrg, keptRecord, recordOf } from "../org/org-identity";
import { keepingState, readBackError } from "../org/read-back";
import { withOrgDrift } from "../dynamic/org-drift";
import { notValidated, validateDeploy, validatesDeploys } from "../org/preview-validation";
import { listedCertificates } from "../org/idp-settings";
import { sameSalesforceName } from "../salesforce/names";
import { decodeSamlState, encodeSamlState } from "./state";
import {
  deleteSamlOrg,
  describeSamlApp,
  describeSamlOrgDeploy,
  observeSamlOrg,
  readBackSamlOrg,
  refuseNewSamlConnectedApp,
  samlOrgDeploy,
  type SamlOrgDeploy,
} from "./in-org";

const sha1Warning = (apiName: string) =>
  `warning: SamlSpBinding ${apiName}: assertions are signed with SHA-1 (acknowledgeSha1 is set); move the partner to SHA-256`;

/** The checked inputs: the argument rules, plus the bound certificate's revision (not an argument users give). */
type StoredInputs = SamlSpBindingInputs & { certificateRevision?: number };

/**
 * What org mode adds to the stored state: the digest of the files last deployed to the org (a change of
 * them shows in preview), and the differences `refresh` saw between the org and the state.
 */
interface OrgFacts {
  orgDeployed?: string;
  orgDrift?: string[];
  /** The org the binding was deployed to (org/org-identity.ts); writes elsewhere are refused. */
  orgId?: string;
  orgInstanceUrl?: string;
}

/** The implementation behind the serialised `samlSpBindingProvider` shell. */
export const samlSpBindingImplementation: pulumi.dynamic.ResourceProvider<StoredInputs, SamlSpBindingState> = {
  async check(olds, news) {
    const clock = clockFailure() ?? orgConfigurationFailure();
    if (clock) return { failures: [clock] };
    // A certificate's absent outputs arrive as null (see dynamic/absent-outputs.ts): the rules read them as absent.
    const { certificateRevision, ...raw } = withoutAbsentOutputs(news as unknown as Record<string, unknown>);
    const checked = checkSamlSpBindingArgs(raw);
    const org = configuredOrg();
    const versionIssue = checked.ok && org ? samlApiVersionIssue(checked.inputs, org.apiVersion) : undefined;
    const orgIssue =
      checked.ok && !org && checked.inputs.adopt
        ? { path: "adopt", message: `${needsOrgConnection}: an app is adopted from the org` }
        : undefined;
    const issue = versionIssue ?? orgIssue;
    const result = issue ? { ok: false as const, issues: [issue] } : checked;
    const creates = Object.keys(olds ?? {}).length === 0;
    if (result.ok && org && creates && result.inputs.adopt) {
      const app = result.inputs.adopt.app ?? "(its name is known only in up)";
      console.log(
        `SamlSpBinding ${result.inputs.apiName}: adopts ${samlAppMetadataType(result.inputs.appType)} ${app} and the IdP settings from ${org.loginUrl}; deploys nothing (up first checks that the app's entity ID, ACS URL, NameID format, subject type and signing algorithm equal the binding's, and that the IdP is on and signs with the bound certificate)`,
      );
    } else if (result.ok && org && creates) {
      const validated = await validateCreate(result.inputs);
      console.log(
        `SamlSpBinding ${result.inputs.apiName}: creating deploys ${describeSamlApp(result.inputs)} to ${org.loginUrl}, and IdentityProviderSettings naming the bound certificate if the org lists it then (custody org: the certificate is deployed first, in the same run; a provider-held key pair must be imported by hand first); then reads back the app and the IdP settings${validated}`,
      );
    }
    if (!result.ok || certificateRevision === undefined || certificateRevision === null) return toCheckResult(result);
    return toCheckResult({
      ok: true as const,
      inputs: { ...result.inputs, certificateRevision: certificateRevision as number },
    });
  },

  async diff(_id, stored, news) {
    const olds = decodeSamlState(stored, false);
    // An adopted app keeps its own name (appName): apiName does not name it, so a new apiName is no new app.
    // Replacing would adopt the same app again and then delete it with the old binding.
    const replaces = samlReplacingInputs.filter(
      (field) =>
        news[field] !== unknownValue &&
        olds[field] !== news[field] &&
        !(field === "apiName" && olds.appName !== undefined),
    );
    if (replaces.length > 0) {
      console.log(
        `SamlSpBinding ${olds.apiName}: replaced (${replaces.join(", ")} changed: a different app in Salesforce)`,
      );
      return { changes: true, replaces, deleteBeforeReplace: false };
    }
    if (news.signingAlgorithm === "SHA1") console.log(sha1Warning(news.apiName));
    const now = currentTime();
    const org = await orgView();
    if (news.certificateSha256Fingerprint === unknownValue) {
      // Either way (the certificate keeps its key, or a new one is published) the org gets the files of the
      // clock's step: publishing a certificate changes nothing the org is given.
      const inForce = olds.stages.next ?? olds.stages.signing;
      const asInForce: SamlSpBindingInputs = {
        ...news,
        idpCertificateName: inForce.certificateName,
        certificateSha256Fingerprint: inForce.sha256Fingerprint,
        certificateSha1Fingerprint: inForce.sha1Fingerprint,
        certificateNotAfter: inForce.notAfter,
      };
      delete asInForce.certificatePem;
      delete asInForce.previousCertificatePem;
      const steps = org
        ? orgSteps(
            olds,
            applySamlUpdate(olds, asInForce, planSamlUpdate(olds, asInForce, now, org.view), now, org.view),
            org,
          )
        : undefined;
      const unvalidated = steps?.deploys
        ? notValidated(
            "the IdP certificate is updated in this run, so the files are known only in up, which validates them before it deploys",
          )
        : "";
      console.log(
        `SamlSpBinding ${news.apiName}: ${describeClockStep(olds, news, now, org?.view)}; the IdP certificate is updated in this run: if it rotates, the new one is published next to the signing one first, and the org keeps signing with the old one${steps?.text ?? ""}${unvalidated}`,
      );
      return { changes: true, replaces: [], deleteBeforeReplace: false };
    }
    const plan = planSamlUpdate(olds, news, now, org?.view);
    const steps = org ? orgSteps(olds, applySamlUpdate(olds, news, plan, now, org.view), org) : undefined;
    // The update's deploy, validated when asked (preview-validation): orgSteps gives update the same files.
    const validated = steps?.deploys
      ? await validateDeploy(`SamlSpBinding ${news.apiName}`, { files: steps.deploy.files })
      : "";
    console.log(plan.message + (steps?.text ?? "") + validated);
    return {
      changes:
        plan.step.kind !== "none" || plan.settingsChanged || certificateUpdated(olds, news) || steps?.deploys === true,
      replaces: [],
      deleteBeforeReplace: false,
    };
  },

  async create(inputs) {
    if (inputs.signingAlgorithm === "SHA1") console.log(sha1Warning(inputs.apiName));
    const org = await orgView();
    const state: SamlSpBindingState & OrgFacts = createSamlSpBinding(inputs, currentTime());
    if (org && inputs.adopt) {
      const client = await orgClient();
      const adopted = await readAdoptedSamlApp(client, { ...inputs, adopt: inputs.adopt });
      const taken: SamlSpBindingState & OrgFacts = createSamlSpBinding(inputs, currentTime(), adopted);
      Object.assign(taken, recordOf(client.session));
      // Recorded as deployed: the org holds what the binding describes, so nothing is deployed until the files change.
      taken.orgDeployed = createDeploy(taken, org.view).digest;
      console.log(
        `SamlSpBinding ${inputs.apiName}: adopted ${samlAppMetadataType(inputs.appType)} ${adopted} and the IdP settings (signing with ${inputs.idpCertificateName}) from ${client.session.instanceUrl}; deployed nothing`,
      );
      return { id: inputs.apiName, outs: encodeSamlState(taken) };
    }
    if (org) {
      // An External Client App the org already holds under this name is another's, or left by an interrupted run: see adoption.ts.
      const client = await orgClient();
      if (
        state.appType !== "ConnectedApp" &&
        !adoptionAllowed(state.apiName) &&
        (await client.list("ExternalClientApplication")).some((app) => sameSalesforceName(app.fullName, state.apiName))
      ) {
        throw alreadyInOrg("ExternalClientApplication", [state.apiName], client.session.instanceUrl);
      }
      Object.assign(state, recordOf(client.session));
      state.orgDeployed = await deployToOrg(state, createDeploy(state, org.view), state, inputs);
    }
    return { id: inputs.apiName, outs: encodeSamlState(state) };
  },

  async update(_id, stored, news) {
    const olds = decodeSamlState(stored, false) as SamlSpBindingState & OrgFacts;
    const now = currentTime();
    const org = await orgView();
    const plan = planSamlUpdate(olds, news, now, org?.view);
    if (plan.step.kind !== "none" || plan.waitsFor) console.log(plan.message);
    else if (certificateUpdated(olds, news))
      console.log(`SamlSpBinding ${news.apiName}: the IdP certificate was updated without a new key: ${plan.message}`);
    const next: SamlSpBindingState & OrgFacts = applySamlUpdate(olds, news, plan, now, org?.view);
    if (org) {
      const steps = orgSteps(olds, next, org);
      if (olds.orgId) Object.assign(next, { orgId: olds.orgId, orgInstanceUrl: olds.orgInstanceUrl });
      if (steps.deploys) {
        const client = await orgClient();
        assertSameOrg(client.session, olds, `SamlSpBinding ${olds.apiName}`);
        Object.assign(next, keptRecord(olds, client.session));
      }
      next.orgDeployed = steps.deploys ? await deployToOrg(next, steps.deploy, olds, news) : olds.orgDeployed!;
    }
    return { outs: encodeSamlState(next) };
  },

  /**
   * Refresh: in artefact mode the state is the truth (nothing to read elsewhere). In org mode the app and
   * the org's IdP settings are read; a difference is recorded (`orgDrift`), so that the next `up`
   * deploys the files again.
   */
  async read(id, props) {
    if (!configuredOrg() || !props) return { id, props };
    const state = decodeSamlState(props);
    const client = await orgClient();
    const drift = await observeSamlOrg(client, state, await listedCertificates(client));
    return { id, props: withOrgDrift(props, drift, `SamlSpBinding ${state.apiName}`, "deploys the files again") };
  },

  /**
   * Nothing outside the state to remove in artefact mode. In org mode the External Client App leaves the
   * org (a Connected App stays), and the org's IdP is turned off when it signs with this binding's
   * certificate and no other SAML app is left (see in-org.ts).
   */
  async delete(_id, props) {
    if (!configuredOrg()) return;
    const state = decodeSamlState(props);
    const client = await orgClient();
    assertSameOrg(client.session, state as OrgFacts, `SamlSpBinding ${state.apiName}`);
    const removal = await deleteSamlOrg(client, state);
    console.log(`SamlSpBinding ${state.apiName}: ${removal.app}; ${removal.idp} (${client.session.instanceUrl})`);
  },
};

/** What a create deploys: one function for check, which validates it when asked, and create, which deploys it. */
function createDeploy(state: SamlSpBindingState, view: SamlOrgView): SamlOrgDeploy {
  return samlOrgDeploy(state, view.listedCertificates);
}

/**
 * Validates a create's deploy when asked: its files are known in check when the bound certificate is
 * (not when the certificate is created or updated in the same run: then only up knows them).
 */
async function validateCreate(inputs: SamlSpBindingInputs): Promise<string> {
  if (!validatesDeploys()) return "";
  if (JSON.stringify(inputs).includes(unknownValue))
    return notValidated(
      "its certificate is created or updated in this run, so the files are known only in up, which validates them before it deploys",
    );
  const org = (await orgView())!;
  return validateDeploy(`SamlSpBinding ${inputs.apiName}`, {
    files: createDeploy(createSamlSpBinding(inputs, currentTime()), org.view).files,
  });
}

/** The org view of this run (org mode only): the certificates the org lists. */
async function orgView(): Promise<{ view: SamlOrgView; url: string } | undefined> {
  const org = configuredOrg();
  if (!org) return undefined;
  return { view: { listedCertificates: await listedCertificates(await orgClient()) }, url: org.loginUrl };
}

/** What an update deploys to the org: the files, when they differ from those last deployed or the org drifted. */
function orgSteps(
  olds: OrgFacts & Pick<SamlSpBindingState, "apiName" | "appType">,
  next: SamlSpBindingState,
  org: { view: SamlOrgView; url: string },
): { deploys: boolean; deploy: SamlOrgDeploy; text: string } {
  const deploy = samlOrgDeploy(next, org.view.listedCertificates);
  const drift = olds.orgDrift ?? [];
  const deploys = deploy.digest !== olds.orgDeployed || drift.length > 0;
  const repair = drift.length > 0 ? ` (repairs: ${drift.join("; ")})` : "";
  const waiting = deploy.unlisted
    ? `; the org does not list ${deploy.unlisted}, so its IdP is not pointed at it: import its keystore under Setup › Certificate and Key Management › Import from Keystore, and the next pulumi up does`
    : "";
  return {
    deploys,
    deploy,
    text: deploys
      ? `; in the org: ${describeSamlOrgDeploy(next, deploy, org.url)}${repair}; then reads back the app${deploy.idpCertificate ? " and the IdP settings" : ""}`
      : `; in the org: nothing to deploy${waiting}`,
  };
}

/**
 * Deploys the binding's files (a Connected App only when it exists) and reads the app and the IdP settings
 * back; returns the digest to store. A read-back that differs throws {@link OrgReadBackError} carrying
 * `state` with the difference as its `orgDrift`: Pulumi keeps that state, and its drift makes the next `up`
 * deploy again.
 */
async function deployToOrg(
  state: SamlSpBindingState & OrgFacts,
  deploy: SamlOrgDeploy,
  recorded: OrgFacts,
  inputs: StoredInputs,
): Promise<string> {
  const client = await orgClient();
  assertSameOrg(client.session, recorded, `SamlSpBinding ${state.apiName}`);
  await refuseNewSamlConnectedApp(client, state);
  const outcome = await client.deploy({ files: deploy.files });
  console.log(
    `SamlSpBinding ${state.apiName}: ${describeSamlOrgDeploy(state, deploy, client.session.instanceUrl).replace(/^deploys/, "deployed")} (deploy ${outcome.id})`,
  );
  const { drift, mismatches } = await readBackSamlOrg(client, state, deploy);
  if (mismatches.length > 0) {
    const kept = encodeSamlState({ ...state, orgDeployed: deploy.digest, orgDrift: drift } as SamlSpBindingState);
    throw keepingState(readBackError(client.session, mismatches), state.apiName, kept, inputs);
  }
  return deploy.digest;
}

/**
 * True when the bound certificate was updated since this binding last was: preview could not see its
 * outputs and said this binding changes, so `up` updates it too (recording the new revision).
 */
function certificateUpdated(olds: SamlSpBindingState, news: StoredInputs): boolean {
  const revision = news.certificateRevision as unknown;
  return revision !== undefined && revision !== unknownValue && (olds as StoredInputs).certificateRevision !== revision;
}
