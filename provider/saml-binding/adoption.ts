/**
 * @module Adopting the SAML app and IdP settings an org already has (`adopt: { app }`, org mode), the way
 * `discover` drafts it: at create, the binding takes over the app `app` of its `appType` and the org's
 * `IdentityProviderSettings` without deploying anything, so SSO goes on as it is. It does so only when they
 * are what the binding describes; otherwise the create is refused, naming each difference with the org's
 * value and ours, before anything is written:
 *  - the app: an External Client App with its SAML policy, which the binding manages under the name
 *    `<app>_samlPlcy` (it deploys and deletes it under that name, in-org.ts), linked to the app; or a
 *    Connected App with `samlConfig`. Fields compared (Metadata API `ExtlClntAppSamlConfigurablePolicies`:
 *    entityUrl, acsUrl, nameIdFormat, subjectType, signingAlgorithmType; `ConnectedApp.samlConfig`: entityUrl,
 *    acsUrl, samlNameIdFormat, samlSubjectType, samlSigningAlgoType, as saml-apps.ts writes them);
 *  - the IdP settings: enabled, and naming the binding's certificate (names compare without case).
 * The app's other settings (label, description, pre-authorized users) are not compared: the binding's first
 * deploy to the app (a staged IdP switch) writes its own, as for an app it made.
 */
import { OrgAdoptionRefusedError } from "../errors";
import { readIdentityProvider } from "../org/idp-settings";
import type { OrgMetadataClient } from "../org/metadata-client";
import { orgLabel } from "../org/read-back";
import { nameIdFormatNames } from "../salesforce/saml-apps";
import { findSalesforceName, sameSalesforceName } from "../salesforce/names";
import type { SamlSpBindingInputs } from "./args";

/** One field in which the org differs from what the binding describes. */
export interface SamlAdoptionDifference {
  field: string;
  org: string;
  ours: string;
}

/** The app type as the Metadata API names it. */
export function samlAppMetadataType(appType: SamlSpBindingInputs["appType"]): string {
  return appType === "ConnectedApp" ? "ConnectedApp" : "ExternalClientApplication";
}

/** The SAML fields of a policy or `samlConfig` record, keyed by the binding's input names. */
function samlFieldsOf(record: Record<string, unknown>, appType: SamlSpBindingInputs["appType"]) {
  const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));
  return appType === "ConnectedApp"
    ? {
        spEntityId: text(record["entityUrl"]),
        acsUrl: text(record["acsUrl"]),
        nameIdFormat: text(record["samlNameIdFormat"]),
        subjectType: text(record["samlSubjectType"]),
        signingAlgorithm: text(record["samlSigningAlgoType"]),
      }
    : {
        spEntityId: text(record["entityUrl"]),
        acsUrl: text(record["acsUrl"]),
        nameIdFormat: text(record["nameIdFormat"]),
        subjectType: text(record["subjectType"]),
        signingAlgorithm: text(record["signingAlgorithmType"]),
      };
}

/**
 * Each difference between the org's SAML record (`saml`: the policy, or the Connected App's `samlConfig`)
 * and IdP settings and what `inputs` describe; empty when they may be adopted.
 */
export function samlAdoptionDifferences(
  saml: Record<string, unknown>,
  idp: { certificateName: string; enableIdentityProvider: boolean } | undefined,
  inputs: Pick<
    SamlSpBindingInputs,
    "appType" | "spEntityId" | "acsUrl" | "nameIdFormat" | "subjectType" | "signingAlgorithm" | "idpCertificateName"
  >,
): SamlAdoptionDifference[] {
  const held = samlFieldsOf(saml, inputs.appType);
  const ours = {
    spEntityId: inputs.spEntityId,
    acsUrl: inputs.acsUrl,
    nameIdFormat: nameIdFormatNames[inputs.nameIdFormat],
    subjectType: inputs.subjectType,
    signingAlgorithm: inputs.signingAlgorithm,
  };
  const differences: SamlAdoptionDifference[] = [];
  for (const field of Object.keys(ours) as (keyof typeof ours)[]) {
    if (held[field] !== ours[field])
      differences.push({
        field,
        org: JSON.stringify(held[field] || "(none)"),
        ours: JSON.stringify(ours[field]),
      });
  }
  if (!idp?.enableIdentityProvider)
    differences.push({
      field: "IdentityProviderSettings.enableIdentityProvider",
      org: idp ? "false" : "(no IdP settings)",
      ours: "true",
    });
  if (!sameSalesforceName(idp?.certificateName ?? "", inputs.idpCertificateName))
    differences.push({
      field: "IdentityProviderSettings.certificateName",
      org: idp?.certificateName || "(none)",
      ours: inputs.idpCertificateName,
    });
  return differences;
}

/**
 * The app `inputs.adopt.app` to adopt, as the org spells its name, after comparing it and the IdP settings
 * with `inputs`. Reads only.
 * @throws OrgAdoptionRefusedError `ERR_ORG_ADOPTION_REFUSED` when the org has no such app (or, for an
 * External Client App, no SAML policy `<app>_samlPlcy` linked to it) or anything differs, each difference
 * named with the org's value and ours; nothing was deployed.
 */
export async function readAdoptedSamlApp(
  client: OrgMetadataClient,
  inputs: SamlSpBindingInputs & { adopt: { app: string } },
): Promise<string> {
  const type = samlAppMetadataType(inputs.appType);
  const org = orgLabel(client.session);
  const subject = `SamlSpBinding ${inputs.apiName}`;
  const refuse = (why: string) =>
    new OrgAdoptionRefusedError(
      `${subject}: cannot adopt ${type} ${inputs.adopt.app} and the IdP settings from ${org}: ${why}; nothing was deployed. Run salesforce-certs discover again and review the entry, or make the binding's settings equal the org's.`,
    );
  const app = findSalesforceName(
    (await client.list(type)).map((c) => c.fullName),
    inputs.adopt.app,
  );
  if (app === undefined) throw refuse(`the org holds no ${type} of that name (appType ${inputs.appType})`);
  let saml: Record<string, unknown> | undefined;
  if (inputs.appType === "ConnectedApp") {
    const record = (await client.read("ConnectedApp", [app])).get(app);
    saml = record?.["samlConfig"] as Record<string, unknown> | undefined;
    if (!saml) throw refuse(`ConnectedApp ${app} has no samlConfig: it is not a SAML app`);
  } else {
    const policy = `${app}_samlPlcy`;
    saml = (await client.read("ExtlClntAppSamlConfigurablePolicies", [policy])).get(policy);
    const link = saml ? String(saml["externalClientApplication"] ?? "") : "";
    if (!saml || !sameSalesforceName(link, app))
      throw refuse(
        `the org holds no SAML policy ${policy} of that app (the binding manages an External Client App's SAML policy under that name)`,
      );
  }
  const differences = samlAdoptionDifferences(saml, await readIdentityProvider(client), inputs);
  if (differences.length > 0)
    throw refuse(
      `they differ from this binding (${differences.map((d) => `${d.field}: the org's ${d.org}, ours ${d.ours}`).join("; ")})`,
    );
  return app;
}
