/**
 * @module The Metadata API's CRUD calls (org-mode.md §1.3, §4, §5; salesforce.md §1, §6):
 *  - `readMetadata`: one `records xsi:type="T"` per name, `<records xsi:nil="true"/>` for an absent one
 *    (jsforce then gives `{}`, or `{caSigned:false, masterLabel:""}` for Certificate). A Certificate's
 *    `content` is base64 of its PEM (certificate, CSR, or uploaded chain), after fullName and before
 *    caSigned, encryptedWithPlatformEncryption, expirationDate, keySize, masterLabel, privateKeyExportable
 *    (the `xsd:sequence` order of the Metadata API WSDL, API 63.0, where Certificate extends
 *    MetadataWithContent). Other
 *    types return the record as deployed (strings: jsforce leaves them untyped).
 *  - `listMetadata`: FileProperties per live component (`certs/<n>.crt`, ids `0P1…` for certificates); none → no result.
 *  - `deleteMetadata`: one result per name (the SaveResult fields); an absent name →
 *    `INVALID_CROSS_REFERENCE_KEY`; a certificate in use by the enabled IdP or named by an app's SAML
 *    settings is refused (no public text: a placeholder); deleting an External Client App removes its
 *    children (not documented; the stand-in's choice). Deleted certificates stay visible to Tooling.
 *  - a type newer than the URL's API version → fault `INVALID_TYPE: Cannot use: T in this version`; a deploy
 *    reads the same {@link typeSince} table at its package.xml version (deploy.ts), so no type is accepted
 *    inside a deploy that the CRUD calls at that version would refuse.
 *  - names ignore case (org-state.ts): readMetadata answers in the spelling the org holds.
 *  - the types that name or hold a certificate an org depends on (salesforce.md "Who uses a certificate")
 *    are read and listed like any other component, as the records a test put in the org's state
 *    (start.ts `existing`); the stand-in does not deploy them. `SamlSsoConfig` (API 28.0+, salesforce.md §4,
 *    https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_samlssoconfig.htm):
 *    `validationCert` is an `xsd:string` in the WSDL (API 63.0); a file retrieved from a real org
 *    (github.com/claytonboss7/githubpages, docs/Metadata/samlssoconfigs/cloudforia_SAML_SSO_Setting.md)
 *    holds it as the base64 of the certificate's DER on one line, no PEM armour, and its
 *    `requestSigningCertId` as the 15-character id (`0P13w000001DX79`): the stand-in answers both that way,
 *    so a reader must compare ids on their first 15 characters. `NamedCredential` (API 30.0+,
 *    https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_namedcredential.htm):
 *    the legacy `certificate` field, or `namedCredentialParameters` with `parameterType` ClientCertificate
 *    and `certificate` (both in the WSDL). `ExternalCredential` (API 56.0+,
 *    https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_externalcredential.htm):
 *    `externalCredentialParameters` of `parameterType` SigningCertificate carry a certificate name (the
 *    WSDL's ExternalCredentialParamType). UNKNOWN: the API versions of the 15-character id form and of
 *    the validationCert encoding; whether listMetadata names a SamlSsoConfig by its API name or its `name`
 *    (the stand-in: its API name, as the file name is).
 *  - a user without "View Setup and Configuration" (start.ts `StandInUserOption`) gets the Metadata API's
 *    refusal on every call: fault `sf:INSUFFICIENT_ACCESS`, `INSUFFICIENT_ACCESS: use of the Metadata API
 *    requires a user with the ModifyAllData or ModifyMetadata permissions` (a recorded answer:
 *    https://github.com/pgonzaleznetwork/sfdc-soup/issues/8). Salesforce's "Modify Metadata" and "Modify All
 *    Data" both need "View Setup and Configuration", and NamedCredential needs it to be read at all since
 *    Spring '20 (salesforce.md "Who uses a certificate"). UNKNOWN: whether a user holding Modify Metadata
 *    but lacking View Setup exists at all, and the exact text Salesforce gives such a user.
 */
import { registry } from "@salesforce/source-deploy-retrieve";
import { placeholder } from "./component-rules";
import { sameName, type OrgCertificate, type OrgState } from "./org-state";
import { asList, SoapFault, type XmlValue } from "./soap";

/** The API version each modelled type appeared in (Metadata API docs, via the research notes). */
export const typeSince: Record<string, number> = {
  Certificate: 36,
  ConnectedApp: 29,
  ExternalClientApplication: 59,
  ExtlClntAppOauthSettings: 59,
  ExtlClntAppGlobalOauthSettings: 59,
  ExtlClntAppOauthConfigurablePolicies: 59,
  ExtlClntAppConfigurablePolicies: 60,
  ExtlClntAppSamlConfigurablePolicies: 63,
  ExternalClientAppSettings: 58,
  IdentityProviderSettings: 57,
  // Who uses a certificate (salesforce.md "Who uses a certificate"): read by discover, never deployed here.
  SamlSsoConfig: 28,
  NamedCredential: 30,
  ExternalCredential: 56,
};

/** Throws the fault Salesforce answers for a type the URL's version does not know. */
export function checkTypeVersion(type: string, apiVersion: number): void {
  const since = typeSince[type];
  if (since === undefined || since > apiVersion)
    throw new SoapFault("INVALID_TYPE", `Cannot use: ${type} in this version`);
}

/** The record readMetadata returns for a certificate. */
export function certificateRecord(c: OrgCertificate): Record<string, XmlValue> {
  return {
    "@xsi:type": "Certificate",
    // Metadata's fullName, then MetadataWithContent's content, then Certificate's own fields (WSDL order).
    fullName: c.fullName,
    content: Buffer.from(c.contentPem).toString("base64"),
    caSigned: c.caSigned,
    encryptedWithPlatformEncryption: c.encryptedWithPlatformEncryption,
    ...(c.expirationDate ? { expirationDate: c.expirationDate.toISOString() } : {}),
    keySize: c.keySize,
    masterLabel: c.masterLabel,
    privateKeyExportable: c.privateKeyExportable,
  };
}

/** The fault every Metadata API call of a user without "View Setup and Configuration" gets (module docs). */
export function insufficientAccess(): SoapFault {
  return new SoapFault(
    "INSUFFICIENT_ACCESS",
    "use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions",
  );
}

/** `readMetadata{type, fullNames*}` → `{records*}`. */
export function readMetadata(state: OrgState, body: Record<string, unknown>, apiVersion: number): XmlValue {
  const type = String(body["type"] ?? "");
  checkTypeVersion(type, apiVersion);
  const records = asList(body["fullNames"] as string | string[] | undefined).map((name): XmlValue => {
    if (type === "Certificate") {
      const c = state.certificate(name);
      return c ? certificateRecord(c) : null;
    }
    const stored = state.component(type, name);
    return stored ? { "@xsi:type": type, fullName: stored.fullName, ...stored.record } : null;
  });
  return { records };
}

function fileName(type: string, fullName: string): string {
  if (type === "IdentityProviderSettings") return "settings/IdentityProvider.settings";
  const entry = registry.types[type.toLowerCase() as keyof typeof registry.types] as
    | { directoryName?: string; suffix?: string }
    | undefined;
  return `${entry?.directoryName ?? type}/${fullName}.${entry?.suffix ?? type}`;
}

/** `listMetadata{queries{type}*, asOfVersion}` → one FileProperties per live component. */
export function listMetadata(
  state: OrgState,
  body: Record<string, unknown>,
  apiVersion: number,
  user: { id: string; name: string },
): XmlValue {
  const results: XmlValue[] = [];
  const properties = (type: string, fullName: string, id: string, created: Date, modified: Date): XmlValue => ({
    createdById: user.id,
    createdByName: user.name,
    createdDate: created.toISOString(),
    fileName: fileName(type, fullName),
    fullName,
    id,
    lastModifiedById: user.id,
    lastModifiedByName: user.name,
    lastModifiedDate: modified.toISOString(),
    manageableState: "unmanaged",
    type,
  });
  for (const query of asList(body["queries"] as { type?: string }[] | undefined)) {
    const type = String(query.type ?? "");
    checkTypeVersion(type, apiVersion);
    if (type === "Certificate") {
      for (const c of state.certificates)
        if (!c.deleted) results.push(properties(type, c.fullName, c.id, c.createdDate, c.lastModifiedDate));
    } else {
      for (const c of state.components(type))
        results.push(properties(type, c.fullName, c.id, c.createdDate, c.lastModifiedDate));
    }
  }
  return results;
}

/** `deleteMetadata{type, fullNames*}` → one `{fullName, success, errors?}` per name, in order. */
export function deleteMetadata(
  state: OrgState,
  body: Record<string, unknown>,
  apiVersion: number,
  now: Date,
): XmlValue {
  const type = String(body["type"] ?? "");
  checkTypeVersion(type, apiVersion);
  return asList(body["fullNames"] as string | string[] | undefined).map((name): XmlValue => {
    const refuse = (statusCode: string, message: string): XmlValue => ({
      errors: { message, statusCode },
      fullName: name,
      success: false,
    });
    if (type === "Certificate") {
      const c = state.certificate(name);
      if (!c) return refuse("INVALID_CROSS_REFERENCE_KEY", `In field: fullName - no Certificate named ${name} found`);
      const uses = state.usesOfCertificate(name);
      if (uses.length > 0)
        return refuse(
          "FIELD_INTEGRITY_EXCEPTION",
          `${placeholder}The certificate ${name} is in use by ${uses.join(", ")} and cannot be deleted`,
        );
      c.deleted = true;
      c.lastModifiedDate = now;
      return { fullName: name, success: true };
    }
    if (type === "IdentityProviderSettings") return refuse("INVALID_TYPE", `${placeholder}Settings cannot be deleted`);
    if (!state.component(type, name))
      return refuse("INVALID_CROSS_REFERENCE_KEY", `In field: fullName - no ${type} named ${name} found`);
    state.removeComponent(type, name);
    if (type === "ExternalClientApplication") {
      for (const child of Object.keys(typeSince).filter((t) => t.startsWith("ExtlClntApp"))) {
        for (const c of state.components(child))
          if (sameName(String(c.record["externalClientApplication"] ?? ""), name))
            state.removeComponent(child, c.fullName);
      }
    }
    return { fullName: name, success: true };
  });
}
