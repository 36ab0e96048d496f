/**
 * @module What the stand-in org holds between calls: users, certificates (deleted ones are kept, because
 * the Tooling API still returns them: salesforce.md §7), every other deployed component as the record its
 * XML parsed to, issued sessions, and deploy jobs. A deploy works on a {@link OrgState.draft} copy and
 * commits it only when something may persist (org-mode.md §5 rollbackOnError / checkOnly).
 */
import type { XmlValue } from "./soap";
import { nameOfId } from "./tooling";

/** A user of the org; only these may log in, and only when an app's policy pre-authorizes them. */
export interface OrgUser {
  username: string;
  profile: string;
  permissionSets: string[];
  /** `005…`, 18 characters. */
  id: string;
}

/** A `Certificate` as the org keeps it. `keyId` is an opaque handle of the private key the org keeps; the key is never exposed. */
export interface OrgCertificate {
  /** `0P1…`; a certificate deleted and created again under the same name gets a new id. */
  id: string;
  fullName: string;
  masterLabel: string;
  caSigned: boolean;
  keySize: number;
  privateKeyExportable: boolean;
  encryptedWithPlatformEncryption: boolean;
  /** The PEM the API returns: the self-signed certificate, the CSR (CA-signed, awaiting its chain), or the uploaded chain. */
  contentPem: string;
  /** CA-signed and no chain uploaded yet (Tooling `OptionsIsUnusable`). */
  awaitingChain: boolean;
  /** notAfter of the certificate; undefined while awaiting a chain. */
  expirationDate: Date | undefined;
  createdDate: Date;
  lastModifiedDate: Date;
  deleted: boolean;
  /** How many key pairs this record has had (a redeploy makes a new one). */
  keyGeneration: number;
  keyId: string;
}

/** Any other component (External Client App family, ConnectedApp, IdentityProviderSettings): its record as deployed. */
export interface OrgComponent {
  type: string;
  fullName: string;
  id: string;
  /** The component's XML as parsed (root element's children; attributes dropped). */
  record: Record<string, XmlValue>;
  createdDate: Date;
  lastModifiedDate: Date;
}

/** An app that accepts the JWT Bearer Flow, as the token endpoint sees it (derived from the records). */
export interface OrgApp {
  type: "ExternalClientApplication" | "ConnectedApp";
  name: string;
  consumerKey: string;
  certificatePem: string | undefined;
  /** Pre-authorized profiles and permission sets (empty unless the policy is admin-approved). */
  profiles: string[];
  permissionSets: string[];
}

/** `IdentityProviderSettings` as deployed (strings, as the Metadata API returns untyped settings). */
export interface IdentityProviderState {
  certificateName: string;
  enableIdentityProvider: boolean;
}

const key = (type: string, fullName: string) => `${type}:${fullName}`;

function text(value: XmlValue | undefined): string | undefined {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}

function names(value: XmlValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => text(v)).filter((v): v is string => !!v);
}

function commaList(value: XmlValue | undefined): string[] {
  const t = text(value);
  return t
    ? t
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

/** The org's state. Read it freely in tests; only the stand-in's calls change it. */
export class OrgState {
  constructor(
    readonly users: readonly OrgUser[],
    public certificateRecords: OrgCertificate[] = [],
    public componentRecords: Map<string, OrgComponent> = new Map(),
  ) {}

  /** Every certificate record, deleted ones included, oldest first. */
  get certificates(): readonly OrgCertificate[] {
    return this.certificateRecords;
  }

  /** The live (not deleted) certificate named `fullName`. */
  certificate(fullName: string): OrgCertificate | undefined {
    return this.certificateRecords.find((c) => c.fullName === fullName && !c.deleted);
  }

  /** The component `type`/`fullName` (types as readMetadata names them; settings as `IdentityProviderSettings`/`IdentityProvider`). */
  component(type: string, fullName: string): OrgComponent | undefined {
    return this.componentRecords.get(key(type, fullName));
  }

  /** Every component of `type`. */
  components(type: string): OrgComponent[] {
    return [...this.componentRecords.values()].filter((c) => c.type === type);
  }

  putComponent(component: OrgComponent): void {
    this.componentRecords.set(key(component.type, component.fullName), component);
  }

  removeComponent(type: string, fullName: string): void {
    this.componentRecords.delete(key(type, fullName));
  }

  /** The IdP settings, when deployed. */
  get identityProvider(): IdentityProviderState | undefined {
    const record = this.component("IdentityProviderSettings", "IdentityProvider")?.record;
    return (
      record && {
        certificateName: text(record["certificateName"]) ?? "",
        enableIdentityProvider: text(record["enableIdentityProvider"]) === "true",
      }
    );
  }

  /** Apps that can take a JWT Bearer login: External Client Apps (global OAuth settings + OAuth policies) and Connected Apps. */
  get apps(): OrgApp[] {
    const apps: OrgApp[] = [];
    for (const oauth of this.components("ExtlClntAppGlobalOauthSettings")) {
      const name = text(oauth.record["externalClientApplication"]) ?? "";
      const policy = this.components("ExtlClntAppOauthConfigurablePolicies").find(
        (p) => text(p.record["externalClientApplication"]) === name,
      )?.record;
      const preAuthorized = text(policy?.["permittedUsersPolicyType"]) === "AdminApprovedPreAuthorized";
      apps.push({
        type: "ExternalClientApplication",
        name,
        consumerKey: text(oauth.record["consumerKey"]) ?? "",
        certificatePem: text(oauth.record["certificate"]),
        // Stored as deployed: names, or ids when the org takes ids (component-rules.ts); logins compare names.
        profiles: preAuthorized
          ? commaList(policy?.["commaSeparatedProfile"]).map((v) => nameOfId("Profile", v, this.users) ?? v)
          : [],
        permissionSets: preAuthorized
          ? commaList(policy?.["commaSeparatedPermissionSet"]).map((v) => nameOfId("PermissionSet", v, this.users) ?? v)
          : [],
      });
    }
    for (const app of this.components("ConnectedApp")) {
      const oauth = app.record["oauthConfig"] as Record<string, XmlValue> | undefined;
      if (!oauth) continue;
      const preAuthorized = text(oauth["isAdminApproved"]) === "true";
      apps.push({
        type: "ConnectedApp",
        name: app.fullName,
        consumerKey: text(oauth["consumerKey"]) ?? "",
        certificatePem: text(oauth["certificate"]),
        profiles: preAuthorized ? names(app.record["profileName"]) : [],
        permissionSets: preAuthorized ? names(app.record["permissionSetName"]) : [],
      });
    }
    return apps;
  }

  /** Which live components refer to certificate `fullName` by name (IdP settings while enabled, SAML encryption/decryption certificates). */
  usesOfCertificate(fullName: string): string[] {
    const uses: string[] = [];
    const idp = this.identityProvider;
    if (idp?.enableIdentityProvider && idp.certificateName === fullName)
      uses.push("IdentityProviderSettings:IdentityProvider");
    const refersTo = (value: XmlValue | undefined): boolean =>
      !!value &&
      typeof value === "object" &&
      (Array.isArray(value)
        ? value.some(refersTo)
        : Object.entries(value).some(
            ([k, v]) => (/^(encryption|decryption)Certificate$/.test(k) && text(v) === fullName) || refersTo(v),
          ));
    for (const c of this.componentRecords.values())
      if (c.type !== "IdentityProviderSettings" && refersTo(c.record)) uses.push(`${c.type}:${c.fullName}`);
    return uses;
  }

  /** A copy a deploy can change freely; {@link commit} makes it the org's state. */
  draft(): OrgState {
    return new OrgState(
      this.users,
      this.certificateRecords.map((c) => ({ ...c })),
      new Map([...this.componentRecords].map(([k, c]) => [k, { ...c, record: structuredClone(c.record) }])),
    );
  }

  /** Takes over a draft's certificates and components. */
  commit(draft: OrgState): void {
    this.certificateRecords = draft.certificateRecords;
    this.componentRecords = draft.componentRecords;
  }
}
