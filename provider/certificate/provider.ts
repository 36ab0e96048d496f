/**
 * @module What `CertificateAndKeyPair` does in the provider process: check, diff (with the rotation
 * message preview shows), create and update. Loaded by name through `pulumi-salesforce-certs/runtime`.
 */
import { certificateGenerationName } from "../validate/generated-names";
import type * as pulumi from "@pulumi/pulumi";
import { clockFailure, currentTime } from "../rotation/clock";
import { toCheckResult } from "../dynamic/check-result";
import { describePlan } from "../rotation/rotation-plan";
import { checkCertificateArgs, type CertificateInputs } from "./args";
import {
  applyUpdate,
  assertNoChainAtCreate,
  clearPending,
  issueCertificate,
  nextSalesforceName,
  withOrgPending,
  planChanges,
  planUpdate,
  rotationState,
  type NewKeyPair,
  type UpdatePlan,
} from "./lifecycle";
import { decodeCertificateState, encodeCertificateState, type CertificateState } from "./state";
import { generateRsaKeyPairInBackground } from "../crypto/rsa-key-pair";
import { configuredOrg, needsOrgConnection, orgClient, orgConfigurationFailure } from "../org/configured-org";
import { currentOrgCertificate, deleteOrgCertificates, heldBy, obtainOrgCertificate } from "./in-org";
import { keptRecord, recordOf } from "../org/org-identity";
import { identityProviderSigningWith } from "../org/idp-settings";
import { notValidated } from "../org/preview-validation";
import { validateOrgCertificate } from "./in-org";
import { unknownValue } from "../dynamic/unknown-value";
import { chainOverSigned, isCertificationRequest, sameLeaf, uploadOrgChain } from "./in-org-ca";
import { readAdoptedCertificate } from "./adoption";
import { findSalesforceName, sameSalesforceName } from "../salesforce/names";

/**
 * The key pair of a new certificate (create or rotation): generated here, or by the org for custody org
 * (with caSigned, the org's CSR). `renew`: the org's certificate `salesforceName` is this resource's own,
 * still awaiting its chain, and is deployed again for a new key pair and CSR.
 */
async function newKeyPair(
  inputs: CertificateInputs,
  salesforceName: string,
  renew = false,
  held?: CertificateState,
): Promise<NewKeyPair> {
  if (inputs.custody !== "org") return generateRsaKeyPairInBackground(inputs.keySize);
  const client = await orgClient();
  const obtained = await obtainOrgCertificate(client, salesforceName, inputs, renew, heldBy(inputs, held));
  const csr = isCertificationRequest(obtained.certificatePem);
  const how = obtained.adopted
    ? "took over the certificate the org already had under that name (named in SALESFORCE_CERTS_ADOPT)"
    : csr
      ? "deployed; Salesforce generated the key pair and a certificate signing request: have your CA sign output csrPem and give the chain as signedChainPem"
      : "deployed; Salesforce generated the key pair";
  console.log(
    `CertificateAndKeyPair ${inputs.uniqueName}: Certificate ${salesforceName} in ${client.session.instanceUrl}: ${how}`,
  );
  return csr ? { orgCsrPem: obtained.certificatePem } : { orgCertificatePem: obtained.certificatePem };
}

/**
 * Where a rotation deploys (custody org): the name of the next key pair, counted after a chain this same
 * update adopts (the adopted certificate is then in force, and its name is not deployed over); `renew` when
 * that name is this resource's CA-signed certificate still awaiting its chain (deployed again, the org makes
 * a new key pair and CSR for it).
 */
function rotationTarget(
  state: CertificateState,
  news: CertificateInputs,
  plan: UpdatePlan,
  now: Date,
): { name: string; renew: boolean } {
  const settled =
    plan.adopt === "pending"
      ? applyUpdate(state, news, { ...plan, rotation: { ...plan.rotation, rotate: undefined } }, now)
      : state;
  return { name: nextSalesforceName(settled), renew: settled.csrPem !== undefined };
}

/** Custody org: uploads the chain `plan` adopts to the org's certificate it belongs to (checked against the key the org holds first). */
async function uploadAdoptedChain(state: CertificateState, news: CertificateInputs, plan: UpdatePlan): Promise<void> {
  if (state.custody !== "org" || !plan.adopt) return;
  const name = plan.adopt === "pending" ? nextSalesforceName(state) : state.salesforceName;
  const client = await orgClient();
  await uploadOrgChain(client, news.uniqueName, name, news, news.signedChainPem!, state);
  console.log(
    `CertificateAndKeyPair ${news.uniqueName}: Certificate ${name} in ${client.session.instanceUrl}: uploaded the CA-signed chain (signedChainPem); the org now signs with it`,
  );
}

/** The implementation behind the serialised `certificateAndKeyPairProvider` shell. */
export const certificateAndKeyPairImplementation: pulumi.dynamic.ResourceProvider<CertificateInputs, CertificateState> =
  {
    async check(olds, news) {
      const failure = clockFailure() ?? orgConfigurationFailure();
      if (failure) return { failures: [failure] };
      const previousChainPem = (olds as Partial<CertificateInputs> | undefined)?.signedChainPem;
      const result = checkCertificateArgs(news as unknown as Record<string, unknown>, {
        now: currentTime(),
        previousChainPem,
      });
      if (result.ok && result.inputs.custody === "org" && !configuredOrg()) {
        return { failures: [{ property: "custody", reason: `custody: org ${needsOrgConnection}` }] };
      }
      if (result.ok)
        for (const w of result.warnings)
          console.log(`warning: CertificateAndKeyPair ${result.inputs.uniqueName}: ${w.path} ${w.message}`);
      if (result.ok && result.inputs.adopt && Object.keys(olds ?? {}).length === 0) {
        console.log(
          `CertificateAndKeyPair ${result.inputs.uniqueName}: adopts Certificate ${await orgSpelling(result.inputs.uniqueName)} from ${configuredOrg()!.loginUrl}; deploys nothing (up first checks that its fingerprint, keySize, caSigned, label and privateKeyExportable equal the org's)`,
        );
      } else if (result.ok && result.inputs.custody === "org" && Object.keys(olds ?? {}).length === 0) {
        const validated = await validateCertificateCreate(result.inputs);
        const csr = result.inputs.caSigned
          ? ", and makes a certificate signing request, output as csrPem: the certificate waits for its chain, given as signedChainPem once your CA has signed it"
          : "";
        console.log(
          `CertificateAndKeyPair ${result.inputs.uniqueName}: creating deploys Certificate ${result.inputs.uniqueName} to ${configuredOrg()!.loginUrl} (Salesforce generates the key pair and keeps it${csr}; refused if the org already holds that name, unless named in SALESFORCE_CERTS_ADOPT), then reads it back (subject, key size)${validated}`,
        );
      }
      return toCheckResult(result);
    },

    async diff(_id, olds, news) {
      if (olds.uniqueName !== news.uniqueName) {
        console.log(
          `CertificateAndKeyPair ${olds.uniqueName}: replaced by ${news.uniqueName} (a new unique name is a new Salesforce certificate)`,
        );
        return { changes: true, replaces: ["uniqueName"], deleteBeforeReplace: false };
      }
      const state = decodeCertificateState(olds, { keys: false });
      // Inputs stored before org mode (compared on refresh) have no custody: the provider's.
      const custody = news.custody ?? "provider";
      if (state.custody !== custody) {
        console.log(
          `CertificateAndKeyPair ${news.uniqueName}: replaced (custody ${state.custody} → ${custody}: a new key pair, held by ${custody === "org" ? "the org" : "this provider"})`,
        );
        return { changes: true, replaces: ["custody"], deleteBeforeReplace: false };
      }
      const { plan, kept, left } = await keepingWhatTheIdpSignsWith(state, planUpdate(state, news, currentTime()));
      if (state.custody === "org" && plan.adopt === "current")
        throw chainOverSigned(news.uniqueName, state.salesforceName);
      const adoption = plan.adopt
        ? `; adopts the CA-signed chain given in signedChainPem (${plan.adopt === "pending" ? "for the key of the CSR" : "for the key in force"})`
        : "";
      // The rotation's deploy (custody org), validated when asked (preview-validation): the name update deploys.
      const target =
        state.custody === "org" && plan.rotation.rotate ? rotationTarget(state, news, plan, currentTime()) : undefined;
      const validated = target
        ? await validateOrgCertificate(`CertificateAndKeyPair ${news.uniqueName}`, target.name, news, target.renew)
        : "";
      console.log(
        describePlan(
          news.uniqueName,
          plan.rotation,
          news.renewal,
          rotationState(state),
          news.caSigned,
          news.overlapDays,
        ) +
          adoption +
          orgSteps(state, plan, kept, left, target) +
          validated,
      );
      // A state stored by an earlier release (another shape, the same facts) is no change: the next update rewrites it.
      return { changes: planChanges(plan), replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs) {
      if (inputs.adopt) return adoptCertificate(inputs);
      assertNoChainAtCreate(inputs);
      const outs = issueCertificate(inputs, currentTime(), await newKeyPair(inputs, inputs.uniqueName));
      // Custody org: the org it was made in, so that no later write reaches another (org/org-identity.ts).
      const made = inputs.custody === "org" ? recordOf((await orgClient()).session) : {};
      return { id: inputs.uniqueName, outs: encodeCertificateState({ ...outs, ...made, revision: 1 }) };
    },

    async update(_id, olds, news) {
      const now = currentTime();
      const state = decodeCertificateState(olds);
      const { plan } = await keepingWhatTheIdpSignsWith(state, planUpdate(state, news, now));
      // Every update is a new revision: dependents compare it to learn that this certificate was updated.
      await uploadAdoptedChain(state, news, plan);
      const org = state.custody === "org";
      const target = org && plan.rotation.rotate ? rotationTarget(state, news, plan, now) : undefined;
      const keyPair = plan.rotation.rotate
        ? await newKeyPair(
            news,
            target ? target.name : certificateGenerationName(news.uniqueName, state.generation + 1),
            target?.renew === true,
            state,
          )
        : undefined;
      const made = org && news.custody === "org" ? keptRecord(state, (await orgClient()).session) : {};
      const outs = { ...applyUpdate(state, news, plan, now, keyPair), ...made, revision: (state.revision ?? 1) + 1 };
      // The previous certificate leaves the org with the state: after the overlap, or when replaced.
      const previous = state.previousCertificate?.salesforceName;
      const dropped = previous && outs.previousCertificate?.salesforceName !== previous ? [previous] : [];
      if (state.custody === "org" && dropped.length > 0) {
        const client = await orgClient();
        // A rotation while the IdP still signs with the previous certificate: the state lets go of it, the org keeps it.
        const signing = await identityProviderSigningWith(client);
        // The IdP names the certificate as the org spells it, which may differ in case (an adopted one).
        const signsWith = (name: string) => signing !== undefined && sameSalesforceName(name, signing);
        const deletable = dropped.filter((name) => !signsWith(name));
        if (dropped.some(signsWith)) {
          console.log(
            `CertificateAndKeyPair ${news.uniqueName}: left the certificate ${signing} in the org: its IdP still signs with it (IdentityProviderSettings), so Salesforce refuses to delete it; delete it in Setup once the IdP signs with another certificate`,
          );
        }
        await deleteOrgCertificates(client, deletable, state);
        if (deletable.length > 0)
          console.log(
            `CertificateAndKeyPair ${news.uniqueName}: deleted the previous certificate ${deletable.join(", ")} from the org (overlap over)`,
          );
      }
      if ((plan.rotation.rotate || plan.adopt === "pending") && outs.lastRotation) {
        const next = outs.awaitingSignature
          ? "; sign the CSR in output csrPem and give the chain as signedChainPem"
          : "";
        console.log(`CertificateAndKeyPair ${news.uniqueName}: rotated (${outs.lastRotation.reason})${next}`);
      }
      return { outs: encodeCertificateState(outs) };
    },

    /** Refresh: a certificate in the org is read back (replaced or deleted in Setup shows as a change); the rest is state. */
    async read(id, props) {
      const state = decodeCertificateState(props as CertificateState, { keys: false });
      if (state.custody !== "org") return { id, props };
      const client = await orgClient();
      const gone = (name: string) =>
        console.log(
          `CertificateAndKeyPair ${state.uniqueName}: the org has no certificate ${name} any more (deleted in Setup?): the next pulumi up creates it again`,
        );
      let next: CertificateState = state;
      if (state.certificatePem) {
        const certificatePem = await currentOrgCertificate(client, state.salesforceName);
        if (!certificatePem) {
          gone(state.salesforceName);
          return { id: "" };
        }
        // A CA-signed chain with the same leaf is the same certificate, however the org formats the chain.
        if (!(state.caSigned && sameLeaf(certificatePem, state.certificateChainPem ?? "")))
          next = { ...state, certificatePem, certificateChainPem: certificatePem };
      }
      if (state.csrPem) {
        const refreshed = await refreshOrgCsr(client, next);
        if (!refreshed) {
          gone(state.salesforceName);
          return { id: "" };
        }
        next = refreshed;
      }
      if (
        state.previousCertificate &&
        !(await currentOrgCertificate(client, state.previousCertificate.salesforceName))
      ) {
        next = { ...next, previousCertificate: undefined };
        delete next.previousCertificate;
      }
      return { id, props: encodeCertificateState(next) };
    },

    /** A certificate with custody org leaves the org with the resource (Salesforce refuses while something uses it). */
    async delete(_id, props) {
      const state = decodeCertificateState(props as CertificateState, { keys: false });
      if (state.custody !== "org") return;
      const awaiting = state.csrPem ? [nextSalesforceName(state)] : [];
      const names = [
        ...new Set([
          state.salesforceName,
          ...awaiting,
          ...(state.previousCertificate ? [state.previousCertificate.salesforceName] : []),
        ]),
      ];
      const client = await orgClient();
      await deleteOrgCertificates(client, names, state);
      // The key pair leaves the org with it: say so, as the apps' deletes do.
      console.log(
        `CertificateAndKeyPair ${state.uniqueName}: deleted Certificate ${names.join(", ")} and the key pair Salesforce kept for it from ${client.session.instanceUrl}`,
      );
    },
  };

/**
 * Create with `adopt` (custody org): the org's certificate of that name becomes the first key pair, recorded
 * as a certificate this resource deployed would be (its PEM or, awaiting its chain, its CSR; the org), so
 * that rotations work unchanged. Nothing is deployed (see adoption.ts).
 */
async function adoptCertificate(inputs: CertificateInputs): Promise<{ id: string; outs: CertificateState }> {
  const client = await orgClient();
  const adopted = await readAdoptedCertificate(client, { ...inputs, adopt: inputs.adopt! });
  const keyPair = isCertificationRequest(adopted.pem) ? { orgCsrPem: adopted.pem } : { orgCertificatePem: adopted.pem };
  const outs = issueCertificate(inputs, currentTime(), keyPair);
  const awaiting = outs.awaitingSignature ? " (it awaits its CA-signed chain: output csrPem is the org's CSR)" : "";
  console.log(
    `CertificateAndKeyPair ${inputs.uniqueName}: adopted Certificate ${adopted.name} from ${client.session.instanceUrl}; deployed nothing${awaiting}`,
  );
  return { id: inputs.uniqueName, outs: encodeCertificateState({ ...outs, ...recordOf(client.session), revision: 1 }) };
}

/** Certificate `name` as the org spells it, when the org can be read now (preview words only). */
async function orgSpelling(name: string): Promise<string> {
  try {
    return (
      findSalesforceName(
        (await (await orgClient()).list("Certificate")).map((c) => c.fullName),
        name,
      ) ?? name
    );
  } catch {
    return name;
  }
}

/** Validates a create's Certificate deploy (custody org) when asked; its inputs may be unknown in preview. */
async function validateCertificateCreate(inputs: CertificateInputs): Promise<string> {
  const fields = [inputs.uniqueName, inputs.label, inputs.keySize, inputs.privateKeyExportable] as unknown[];
  if (fields.includes(unknownValue))
    return notValidated("its settings are known only in up, which validates the deploy before it makes it");
  return validateOrgCertificate(`CertificateAndKeyPair ${inputs.uniqueName}`, inputs.uniqueName, inputs);
}

/**
 * Refresh of a CA-signed key pair awaiting its chain (custody org): the org's CSR replaces the stored one
 * when the org holds another (renewed in Setup); gone from the org, the issue is dropped (and with no
 * certificate in force, the resource is: undefined). A chain the org holds already is left to `up`.
 */
async function refreshOrgCsr(
  client: Awaited<ReturnType<typeof orgClient>>,
  state: CertificateState,
): Promise<CertificateState | undefined> {
  const name = nextSalesforceName(state);
  const held = await currentOrgCertificate(client, name);
  if (held === undefined) {
    if (!state.certificatePem) return undefined;
    console.log(
      `CertificateAndKeyPair ${state.uniqueName}: the org has no certificate ${name} any more (deleted in Setup?): its CSR is dropped; the next rotation makes a new one`,
    );
    return clearPending(state);
  }
  if (!isCertificationRequest(held) || held === state.csrPem) return state;
  console.log(
    `CertificateAndKeyPair ${state.uniqueName}: the org holds another CSR for Certificate ${name} (made again in Setup?): output csrPem is now that one; sign it instead`,
  );
  return withOrgPending(state, held, state.pendingSince ?? currentTime().toISOString());
}

/** What an update does in the org, for the preview's line (custody org only). */
function orgSteps(
  state: CertificateState,
  plan: UpdatePlan,
  kept: string | undefined,
  left: string | undefined,
  target: { name: string; renew: boolean } | undefined,
): string {
  if (state.custody !== "org") return "";
  const org = configuredOrg()?.loginUrl ?? "the org";
  const steps: string[] = [];
  if (kept) {
    steps.push(
      `keeps Certificate ${kept} in ${org} although its overlap ended: the org's IdP still signs with it (IdentityProviderSettings), and Salesforce refuses to delete it; the first pulumi up after the IdP has switched (a SamlSpBinding switches it on its switch day) deletes it`,
    );
  }
  if (plan.adopt) {
    const name = plan.adopt === "pending" ? nextSalesforceName(state) : state.salesforceName;
    const key = plan.adopt === "pending" ? "the key of the org's CSR" : "the key the org holds for it";
    steps.push(
      `uploads the CA-signed chain (signedChainPem) to Certificate ${name} in ${org}, once its leaf is checked against ${key}`,
    );
  }
  if (plan.rotation.rotate && target) {
    const made = state.caSigned
      ? "Salesforce generates the key pair and a CSR, output as csrPem; the certificate in force stays until the CA-signed chain is given as signedChainPem"
      : "Salesforce generates the key pair";
    const again = target.renew ? " again (the CSR awaiting its chain is replaced by a new key pair and CSR)" : "";
    steps.push(
      `deploys Certificate ${target.name}${again} to ${org} (${made}), then reads it back (subject, key size, a new key)`,
    );
  }
  if (plan.rotation.dropPrevious && state.previousCertificate) {
    const name = state.previousCertificate.salesforceName;
    steps.push(
      name === left
        ? `leaves Certificate ${name} in ${org} (the org's IdP still signs with it, so Salesforce refuses to delete it): delete it in Setup once the IdP signs with another certificate`
        : `deletes Certificate ${name} from ${org}`,
    );
  }
  return steps.length > 0 ? `; in the org: ${steps.join("; ")}` : "";
}

/**
 * The plan, without dropping the previous certificate (custody org) while the org's IdP still signs with
 * it: Salesforce would refuse the delete and fail the run. It stays, overlap or not, until an `up` after
 * the IdP switched (a SamlSpBinding switches it on its switch day); `kept` names it. When the certificate
 * rotates again in the same run the state cannot keep two previous certificates: the org keeps it
 * (`left`), and update does not delete it.
 */
async function keepingWhatTheIdpSignsWith(
  state: CertificateState,
  plan: UpdatePlan,
): Promise<{ plan: UpdatePlan; kept?: string; left?: string }> {
  const previous = state.previousCertificate?.salesforceName;
  if (state.custody !== "org" || !plan.rotation.dropPrevious || !previous) return { plan };
  const signing = await identityProviderSigningWith(await orgClient());
  if (signing === undefined || !sameSalesforceName(signing, previous)) return { plan };
  if (plan.rotation.rotate) return { plan, left: previous };
  return { plan: { ...plan, rotation: { ...plan.rotation, dropPrevious: false } }, kept: previous };
}
