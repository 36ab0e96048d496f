/**
 * @module What the stand-in org holds between calls: users, certificates (deleted ones are kept, because
 * the Tooling API still returns them: salesforce.md §7), every other deployed component as the record its
 * XML parsed to, issued sessions, and deploy jobs. A deploy works on a {@link OrgState.draft} copy and
 * commits it only when something may persist (org-mode.md §5 rollbackOnError / checkOnly).
 *
 * Names ignore case, as Salesforce's do: a component's `fullName` must be unique "as it must be when you
 * create … in the Salesforce user interface" (Metadata base type,
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/metadata.htm), where API names
 * differing only in case collide; practitioners: "Salesforce metadata is case-insensitive"
 * (http://docs.gearset.com/articles/2425681-items-with-names-in-different-cases). So every lookup, create,
 * update and delete here folds case, two names differing only in case never coexist, and an update keeps
 * the spelling the component was created with. UNKNOWN: whether Salesforce renames the stored spelling on
 * such an update, or fails the deploy ("deploying a case difference may cause the deployment to fail",
 * same page); the stand-in keeps the stored spelling and succeeds, and the provider never relies on either
 * (it refuses a case variant of a name it did not create).
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
  /**
   * Holds "View Setup and Configuration": without it every Metadata API call and every Tooling query is
   * refused (metadata-api.ts, tooling.ts).
   */
  viewSetup: boolean;
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
  /** Present when the app takes no OAuth login: why (a disabled plug-in, see {@link oauthBlocked}). */
  blocked?: string;
}

/** `IdentityProviderSettings` as deployed (strings, as the Metadata API returns untyped settings). */
export interface IdentityProviderState {
  certificateName: string;
  enableIdentityProvider: boolean;
}

/** The form under which Salesforce takes two names for one (names are ASCII API names). */
export const foldName = (name: string) => name.toLowerCase();
/** True when `a` and `b` name one component. */
export const sameName = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && foldName(a) === foldName(b);

const key = (type: string, fullName: string) => `${type}:${foldName(fullName)}`;

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

/** The apps as the login servers knew them from `since` (epoch ms) on. */
export interface AppsSnapshot {
  since: number;
  apps: OrgApp[];
}

/** The org's state. Read it freely in tests; only the stand-in's calls change it. */
export class OrgState {
  /**
   * Every change of {@link apps}, oldest first: the token endpoint judges a login against the apps as they
   * were a propagation delay ago (start.ts `propagationDelayMs`), while metadata reads see changes at once.
   * Only the org's own state keeps it (a deploy's draft does not).
   */
  readonly appHistory: AppsSnapshot[] = [];

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
    return this.certificateRecords.find((c) => sameName(c.fullName, fullName) && !c.deleted);
  }

  /** The component `type`/`fullName` (types as readMetadata names them; settings as `IdentityProviderSettings`/`IdentityProvider`). */
  component(type: string, fullName: string): OrgComponent | undefined {
    return this.componentRecords.get(key(type, fullName));
  }

  /** Every component of `type`. */
  components(type: string): OrgComponent[] {
    return [...this.componentRecords.values()].filter((c) => c.type === type);
  }

  /** Creates or replaces the component; a replaced one keeps its stored spelling of `fullName`. */
  putComponent(component: OrgComponent): void {
    const stored = this.componentRecords.get(key(component.type, component.fullName));
    this.componentRecords.set(
      key(component.type, component.fullName),
      stored ? { ...component, fullName: stored.fullName } : component,
    );
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
      const policy = this.components("ExtlClntAppOauthConfigurablePolicies").find((p) =>
        sameName(text(p.record["externalClientApplication"]), name),
      )?.record;
      const preAuthorized = text(policy?.["permittedUsersPolicyType"]) === "AdminApprovedPreAuthorized";
      const blocked = this.oauthBlocked(name);
      apps.push({
        type: "ExternalClientApplication",
        name,
        consumerKey: text(oauth.record["consumerKey"]) ?? "",
        certificatePem: text(oauth.record["certificate"]),
        ...(preAuthorized ? this.preAuthorizedBy(policy) : { profiles: [], permissionSets: [] }),
        ...(blocked ? { blocked } : {}),
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

  /**
   * The profiles and permission sets a policy record pre-authorizes, as names: stored as deployed (names,
   * or ids when the org takes ids, component-rules.ts), read back to names, which logins and SSO compare.
   */
  private preAuthorizedBy(policy: Record<string, XmlValue> | undefined): Pick<OrgApp, "profiles" | "permissionSets"> {
    return {
      profiles: commaList(policy?.["commaSeparatedProfile"]).map((v) => nameOfId("Profile", v, this.users) ?? v),
      permissionSets: commaList(policy?.["commaSeparatedPermissionSet"]).map(
        (v) => nameOfId("PermissionSet", v, this.users) ?? v,
      ),
    };
  }

  /**
   * Whom the SAML app `name` pre-authorizes for SSO, as names: the External Client App's SAML policy
   * (`commaSeparatedProfile`/`commaSeparatedPermissionSet`, ids read back to names as for OAuth), else a
   * Connected App's `profileName`/`permissionSetName` beside its `samlConfig`; undefined when the org holds
   * no SAML policy for it.
   */
  samlPreAuthorization(name: string): Pick<OrgApp, "profiles" | "permissionSets"> | undefined {
    const policy = this.components("ExtlClntAppSamlConfigurablePolicies").find((p) =>
      sameName(text(p.record["externalClientApplication"]), name),
    )?.record;
    if (policy) return this.preAuthorizedBy(policy);
    const app = this.component("ConnectedApp", name)?.record;
    if (!app?.["samlConfig"]) return undefined;
    return { profiles: names(app["profileName"]), permissionSets: names(app["permissionSetName"]) };
  }

  /** The plug-in policies (`ExtlClntAppConfigurablePolicies`) of the External Client App `name`, if deployed. */
  private pluginPolicies(name: string): Record<string, XmlValue> | undefined {
    return this.components("ExtlClntAppConfigurablePolicies").find((p) =>
      sameName(text(p.record["externalClientApplication"]), name),
    )?.record;
  }

  /**
   * Why the External Client App `name` takes no OAuth login, or undefined. Its plug-in policies
   * (`ExtlClntAppConfigurablePolicies`, https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappconfigurablepolicies.htm):
   * `isEnabled` false disables every plug-in, `isOauthPluginEnabled` false the OAuth one; both default to
   * true, so an app without the policy file is enabled. Its `distributionState` must be `Local` or
   * `Packaged`, the two values of the ExternalClientApplication type (shared/research/salesforce.md §3).
   */
  oauthBlocked(name: string): string | undefined {
    const policy = this.pluginPolicies(name);
    if (text(policy?.["isEnabled"]) === "false") return "its plug-ins are disabled (isEnabled false)";
    if (text(policy?.["isOauthPluginEnabled"]) === "false") return "its OAuth plug-in is disabled";
    const state = text(this.component("ExternalClientApplication", name)?.record["distributionState"]);
    if (state !== "Local" && state !== "Packaged") return `its distributionState is ${state ?? "missing"}`;
    return undefined;
  }

  /**
   * Why the External Client App `name` sends no SAML SSO, or undefined (a Connected App has no plug-in
   * flags: undefined). The same plug-in policies as {@link oauthBlocked}: `isEnabled` false disables every
   * plug-in. Stricter than OAuth, because the SAML policy type's page
   * (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappsamlconfigurablepolicies.htm,
   * "Special Access Rules"; shared/research/salesforce.md §3) requires of the parent app "an associated
   * ExtlClntAppConfigurablePolicies … where the isSamlPluginEnabled field is set to true" and a
   * `distributionState` of `Local` ("external client apps with SAML configurations can't be packaged"): so
   * a missing policy or flag, or `Packaged`, sends no SSO either.
   * UNKNOWN, not modelled: what the real IdP answers to the user or the SP when it refuses (an error page at
   * `/idp/login`?) and whether such a change waits for propagation as token logins do; the stand-in
   * refuses at once with this reason (org-saml.ts), and the provider depends on neither.
   */
  samlBlocked(name: string): string | undefined {
    if (!this.component("ExternalClientApplication", name)) return undefined;
    const policy = this.pluginPolicies(name);
    if (!policy) return "it has no plug-in policies (ExtlClntAppConfigurablePolicies), so no SAML plug-in";
    if (text(policy["isEnabled"]) === "false") return "its plug-ins are disabled (isEnabled false)";
    if (text(policy["isSamlPluginEnabled"]) !== "true") return "its SAML plug-in is disabled";
    const state = text(this.component("ExternalClientApplication", name)?.record["distributionState"]);
    if (state !== "Local") return `its distributionState is ${state ?? "missing"}, not Local`;
    return undefined;
  }

  /** Which live components refer to certificate `fullName` by name (IdP settings while enabled, SAML encryption/decryption certificates). */
  usesOfCertificate(fullName: string): string[] {
    const uses: string[] = [];
    const idp = this.identityProvider;
    if (idp?.enableIdentityProvider && sameName(idp.certificateName, fullName))
      uses.push("IdentityProviderSettings:IdentityProvider");
    const refersTo = (value: XmlValue | undefined): boolean =>
      !!value &&
      typeof value === "object" &&
      (Array.isArray(value)
        ? value.some(refersTo)
        : Object.entries(value).some(
            ([k, v]) => (/^(encryption|decryption)Certificate$/.test(k) && sameName(text(v), fullName)) || refersTo(v),
          ));
    for (const c of this.componentRecords.values())
      if (c.type !== "IdentityProviderSettings" && refersTo(c.record)) uses.push(`${c.type}:${c.fullName}`);
    return uses;
  }

  /**
   * Records {@link apps} as of `since` (epoch ms) when they differ from the last record: the app record,
   * its global OAuth settings and certificate, its policies, a Connected App's oauthConfig, all at once
   * (each is part of the {@link OrgApp} the token endpoint sees).
   */
  recordApps(since: number): void {
    const apps = this.apps;
    const last = this.appHistory.at(-1);
    if (last && JSON.stringify(last.apps) === JSON.stringify(apps)) return;
    this.appHistory.push({ since, apps: structuredClone(apps) });
  }

  /** The apps the login servers know at `at` (epoch ms): the last record from `at` or before; none before the first. */
  appsKnownAt(at: number): OrgApp[] {
    for (let i = this.appHistory.length - 1; i >= 0; i--)
      if (this.appHistory[i]!.since <= at) return this.appHistory[i]!.apps;
    return [];
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
