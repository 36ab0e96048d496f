/**
 * @module The stand-in org's HTTP server and router (127.0.0.1, random port):
 *  - `POST /services/oauth2/token` → oauth-token.ts (salesforce.md §5, org-mode.md §1.1): the audience by
 *    org kind (`kind`), and no login through an External Client App whose plug-ins are disabled;
 *  - `POST /services/Soap/m/{version}` and `…/m/{version}/{anything}` → the Metadata API (org-mode.md §1.2,
 *    §1.3). The login's metadataServerUrl carries the org id, `/services/Soap/m/29.0/00Di0000000icUB`
 *    (recorded requests: https://gist.github.com/wadewegner/9139536), jsforce posts to the bare version,
 *    and simple-salesforce to `…/m/{version}/deployRequest/{id}`
 *    (https://github.com/simple-salesforce/simple-salesforce/blob/HEAD/simple_salesforce/metadata.py): the
 *    operation is the Body's first child, whatever the path after the version. UNKNOWN: what Salesforce
 *    answers for another org's id in the path; the stand-in ignores the tail. The SOAPAction header is
 *    not required: its value plays no part (jsforce sends `""`, simple-salesforce `deploy`, the recorded
 *    .NET requests `create`); whether Salesforce answers a request with no SOAPAction at all is not
 *    documented, and the stand-in answers it. The SessionHeader's session must be live, else
 *    `sf:INVALID_SESSION_ID`; operations deploy, checkDeployStatus (deploy.ts), readMetadata,
 *    listMetadata, deleteMetadata (metadata-api.ts); others → `sf:UNKNOWN_EXCEPTION`;
 *  - `GET /services/data` (no session needed, as on Salesforce) and
 *    `GET /services/data/vXX.X/tooling/query?q=` with `Authorization: Bearer` → tooling.ts; a bad bearer
 *    token → 401 `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`;
 *  - anything else → 404 `[{"errorCode":"NOT_FOUND",…}]`.
 * Every request is logged (method, path, SOAP operation, status; never bodies, tokens or query strings).
 * App changes reach the token endpoint `propagationDelayMs` after they are made, on the org's clock
 * (oauth-token.ts cites Salesforce's 2–10 minutes): each change is stamped at the request that made it
 * (or, for a change a test makes to the state directly, at the next request); seeded apps are known from
 * the start. Names ignore case everywhere (org-state.ts); deploys check each type against the package's API version
 * (deploy.ts); org-made certificates may follow the CA/Browser caps (`caBrowserCaps`, org-certificates.ts).
 *
 * Not modelled: retrieve/checkRetrieveStatus, create/update/upsert/renameMetadata, describeMetadata,
 * the REST deploy endpoint, Tooling paging (`nextRecordsUrl`) and any SOQL beyond tooling.ts's subset,
 * REST SObject calls, the 10-components-per-CRUD-call limit, AllOrNoneHeader, the user permissions the
 * External Client App settings name (the org opt-in and consumer-secret access are: prerequisites.ts), keystore import (UI-only in Salesforce), refresh
 * tokens, `ignoreWarnings` (no component ever warns), permissions of the calling user, SAML SSO's HTTP
 * endpoints (the org signs SSO responses through test/helpers/org-saml.ts, which refuses them for an
 * External Client App whose SAML plug-in `isSamlPluginEnabled` or `isEnabled` is off, or whose
 * distributionState is not Local: org-state.ts `samlBlocked`), and a My Domain URL or an
 * Experience site as JWT audience (unknown: oauth-token.ts). Time passes during a deploy only with
 * `faults.deploysTakeSeconds` (deploy.ts): a late deploy lands at the first request the org answers, or
 * the first {@link StandInOrg.landDueDeploys}, once its clock has passed the landing point.
 * A user may lack "View Setup and Configuration" (`viewSetupAndConfiguration`): the Metadata API and the
 * Tooling queries refuse them (metadata-api.ts, tooling.ts cite the answers); the token endpoint still
 * logs them in, as logging in needs no Setup permission.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { applyComponent, placeholder, type RuleContext } from "./component-rules";
import { startDeploy, deployStatus, type DeployJob } from "./deploy";
import { certificateTemplatePem } from "./zips";
import { newFaults, type StandInFaults } from "./faults";
import {
  assertReadable,
  currentSettings,
  deployProblem,
  readSettings,
  settingsName,
  settingsType,
  type StandInPrerequisites,
} from "./prerequisites";
import { eighteenCharacterId, newId } from "./ids";
import { deleteMetadata, insufficientAccess, listMetadata, readMetadata } from "./metadata-api";
import { bypassProxies } from "./no-proxy";
import { caBrowserCapDays, isKeptOrgKey, signWithKey } from "./org-certificates";
import { newAccessToken, tokenRequest, type JsonAnswer, type OrgKind } from "./oauth-token";
import { OrgState, type OrgApp, type OrgCertificate, type OrgComponent, type OrgUser } from "./org-state";
import { asBoolean, asList, parseSoapRequest, SoapFault, soapFaultResponse, soapResponse, type XmlValue } from "./soap";
import { insufficientAccessAnswer, toolingQuery, versionList } from "./tooling";
import { testNow } from "../test-clock";

/** A user to create in the org. */
export interface StandInUserOption {
  username: string;
  profile: string;
  permissionSets?: string[];
  /**
   * Holds "View Setup and Configuration" (default true). Without it the Metadata API and the Tooling
   * queries refuse the user (metadata-api.ts, tooling.ts), as Salesforce refuses a user who cannot see Setup.
   */
  viewSetupAndConfiguration?: boolean;
}

/**
 * Records an org already holds when the test starts, put into its state as they are (not through the
 * deploy rules): a brownfield org's history (test/helpers/brownfield.ts). A certificate's `keyId` must be
 * one {@link keepOrgKey} returned (or empty for none).
 */
export interface StandInExistingRecords {
  certificates?: OrgCertificate[];
  /** Record keys in the WSDL's `xsd:sequence` order: readMetadata answers them in this order. */
  components?: OrgComponent[];
}

/** A Connected App that exists before the test (new ones cannot be created: Spring '26). */
export interface StandInConnectedAppSeed {
  fullName: string;
  consumerKey: string;
  /** PEM of the JWT signing certificate (`oauthConfig.certificate`). */
  certificatePem?: string;
  label?: string;
  profiles?: string[];
  permissionSets?: string[];
}

/** A certificate the org made before the test (generated like a deployed one). */
export interface StandInCertificateSeed {
  fullName: string;
  masterLabel?: string;
  keySize?: 2048 | 4096;
  caSigned?: boolean;
}

/** Options of {@link startStandInOrg}; all optional. */
export interface StandInOrgOptions {
  /** Users (default: one `admin@stand-in.example`, profile `System Administrator`). */
  users?: StandInUserOption[];
  /** The 18-character org id (default: a fresh `00D…`). */
  orgId?: string;
  /** Production (default) or sandbox: which JWT `aud` the token endpoint takes (oauth-token.ts). */
  kind?: OrgKind;
  /** checkDeployStatus answers before a deploy reports done: Pending, then InProgress (default 0). */
  deployPolls?: number;
  /** The problem a deploy of a NEW ConnectedApp reports (no public text exists; default: a placeholder). */
  connectedAppCreationBlockedMessage?: string;
  /**
   * What an update does with a field its file leaves out: "cleared" (default: a write replaces the whole
   * record, the field notes' reading) or "kept" (component-rules.ts says why both exist).
   */
  omittedFields?: "cleared" | "kept";
  /**
   * The form of External Client App pre-authorization the org takes: "names" (default, practitioners'
   * evidence) or "ids" (the field description); the other form fails (component-rules.ts).
   */
  preAuthorizationBy?: "names" | "ids";
  /** Validity of org-generated self-signed certificates in days by key size (default 365 for 2048, 730 for 4096). */
  validityDays?: { 2048?: number; 4096?: number };
  /**
   * Caps that validity by the CA/Browser Forum's schedule on the org's clock: 200 days for certificates
   * made from 2026-03-15, 100 from 2027-03-15 (org-certificates.ts `caBrowserCapDays`). Default false.
   */
  caBrowserCaps?: boolean;
  /** The org's clock (default: the tests' fixed instant, test-clock.ts). Used for certificates, `exp` checks and dates. */
  now?: () => Date;
  connectedApps?: StandInConnectedAppSeed[];
  certificates?: StandInCertificateSeed[];
  /** IdentityProviderSettings present from the start (its certificate must be among `certificates`). */
  identityProvider?: { certificateName: string; enableIdentityProvider: boolean };
  /**
   * How long app changes take to reach the token endpoint, on the org's clock (`now`), in ms; default 5
   * minutes, inside Salesforce's documented 2 to 10 (oauth-token.ts). Metadata reads see changes at once.
   */
  propagationDelayMs?: number;
  /** Called after each request is answered. */
  onCall?: (call: StandInCall) => void;
  /** Records the org holds from the start, besides the seeds above (brownfield orgs). */
  existing?: StandInExistingRecords;
  /** The org's External Client App settings (prerequisites.ts); both on by default. */
  prerequisites?: Partial<StandInPrerequisites>;
}

/** One request as logged: never a body, token or query string. */
export interface StandInCall {
  method: string;
  path: string;
  /** The SOAP operation (`deploy`, `readMetadata`, …) of a Metadata API call. */
  operation?: string;
  /** The app a token request logged in through, or whose session a Metadata API call used. */
  app?: string;
  status: number;
}

/** A running stand-in org. */
export interface StandInOrg {
  /** `http://127.0.0.1:<port>`: login URL, token audience and instance URL at once. */
  url: string;
  /** 18 characters, `00D…`. */
  orgId: string;
  /** Certificates (deleted ones too), components, apps, IdP settings, users. */
  state: OrgState;
  /** Every deploy by id (options, polls, outcome). */
  deploys: ReadonlyMap<string, DeployJob>;
  /** The call log, in order. */
  calls: StandInCall[];
  faults: StandInFaults;
  /** The External Client App settings an admin sets in Setup (a deployed settings file overrides them); change them at any time. */
  prerequisites: StandInPrerequisites;
  /** Lands the deploys whose time has come on the org's clock (each request does this first); their ids. */
  landDueDeploys(): string[];
  /** A live session for `username` without a login (for tests that set the org up or change it behind the provider's back). */
  issueSession(username?: string): string;
  /** Signs `data` with the private key of the live certificate `fullName` (e.g. to play the org as SAML IdP); the key never leaves. */
  sign(fullName: string, data: Buffer | string, digest?: string): Buffer;
  close(): Promise<void>;
}

const defaultBlockedMessage = `${placeholder}You can no longer create connected apps. Create an external client app instead, or contact Salesforce Support.`;

function randomOrgId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return eighteenCharacterId(`00D${Array.from(crypto.randomBytes(12), (b) => alphabet[b % 62]).join("")}`);
}

/** Starts a stand-in Salesforce org on 127.0.0.1 (see the module comment for what it answers). */
export async function startStandInOrg(options: StandInOrgOptions = {}): Promise<StandInOrg> {
  bypassProxies();
  const now = options.now ?? testNow;
  const orgId = options.orgId ?? randomOrgId();
  const users: OrgUser[] = (
    options.users ?? [{ username: "admin@stand-in.example", profile: "System Administrator" }]
  ).map((u) => ({
    username: u.username,
    profile: u.profile,
    permissionSets: u.permissionSets ?? [],
    viewSetup: u.viewSetupAndConfiguration ?? true,
    id: eighteenCharacterId(`005${crypto.createHash("sha256").update(u.username).digest("hex").slice(0, 12)}`),
  }));
  const state = new OrgState(users);
  const sessions = new Map<string, OrgUser>();
  const deploys = new Map<string, DeployJob>();
  const calls: StandInCall[] = [];
  const faults = newFaults(() => sessions.clear());
  const prerequisites: StandInPrerequisites = {
    externalClientApps: true,
    consumerSecretsViaMetadataApi: true,
    ...options.prerequisites,
  };
  const validityDays = (keySize: number) => {
    const days = keySize === 4096 ? (options.validityDays?.[4096] ?? 730) : (options.validityDays?.[2048] ?? 365);
    const cap = options.caBrowserCaps ? caBrowserCapDays(now()) : undefined;
    return cap === undefined ? days : Math.min(days, cap);
  };
  const ruleContext = (draft: OrgState): RuleContext => ({
    draft,
    orgId,
    now: now(),
    validityDays,
    connectedAppCreationBlockedMessage: options.connectedAppCreationBlockedMessage ?? defaultBlockedMessage,
    omittedFields: options.omittedFields ?? "cleared",
    preAuthorizationBy: options.preAuthorizationBy ?? "names",
  });
  const sessionApps = new Map<string, string>();
  const issue = (user: OrgUser, app?: OrgApp) => {
    const token = newAccessToken(orgId);
    sessions.set(token, user);
    if (app) sessionApps.set(token, app.name);
    return token;
  };

  seed(state, options, ruleContext(state));
  for (const c of options.existing?.certificates ?? []) {
    if (c.keyId && !isKeptOrgKey(c.keyId)) throw new Error(`stand-in org: certificate ${c.fullName} has no kept key`);
    if (!c.deleted && state.certificate(c.fullName))
      throw new Error(`stand-in org: cannot seed Certificate ${c.fullName}: the name is taken (names ignore case)`);
    state.certificateRecords.push({ ...c });
  }
  for (const c of options.existing?.components ?? []) {
    if (state.component(c.type, c.fullName))
      throw new Error(`stand-in org: cannot seed ${c.type} ${c.fullName}: the name is taken (names ignore case)`);
    state.putComponent(structuredClone(c));
  }
  // Seeded apps existed before the test: the login servers know them already.
  state.recordApps(Number.NEGATIVE_INFINITY);
  const propagationDelayMs = options.propagationDelayMs ?? 5 * 60_000;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const call: StandInCall = {
        method: request.method ?? "",
        path: new URL(request.url ?? "/", "http://x").pathname,
        status: 0,
      };
      const send = (status: number, contentType: string, body: string) => {
        call.status = status;
        calls.push(call);
        response.writeHead(status, { "content-type": contentType });
        response.end(body);
        options.onCall?.(call);
      };
      route(request, Buffer.concat(chunks).toString("utf8"), call)
        .then((answer) => {
          state.recordApps(now().getTime());
          if (answer === "drop") {
            call.status = 0;
            calls.push(call);
            request.socket.destroy();
            options.onCall?.(call);
          } else if ("xml" in answer) send(answer.status, "text/xml;charset=UTF-8", answer.xml);
          else if ("text" in answer) send(answer.status, "text/html;charset=UTF-8", answer.text);
          else send(answer.status, "application/json;charset=UTF-8", JSON.stringify(answer.body));
        })
        .catch((error: Error) =>
          send(
            500,
            "application/json;charset=UTF-8",
            JSON.stringify([{ errorCode: "UNKNOWN_EXCEPTION", message: `stand-in org: ${error.message}` }]),
          ),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  type Answer = JsonAnswer | { status: number; xml: string } | { status: number; text: string } | "drop";

  /**
   * Sessions die with the app they were granted through: an app deleted (its OAuth settings gone) revokes
   * its tokens, as OAuth apps do (an assumption: Salesforce documents revoking tokens when an app's access
   * is revoked, not the exact moment for a deleted External Client App).
   */
  function revokeSessionsOfDeletedApps(): void {
    const live = new Set(state.apps.map((app) => app.name));
    for (const [token, app] of sessionApps) {
      if (live.has(app)) continue;
      sessions.delete(token);
      sessionApps.delete(token);
    }
  }

  /** Lands, in the order they were started, the deploys whose landing point the org's clock has passed. */
  function landDueDeploys(): string[] {
    const at = now();
    const landed: string[] = [];
    for (const job of deploys.values()) {
      if (!job.land || job.landsAt.getTime() > at.getTime()) continue;
      job.land(at);
      landed.push(job.id);
    }
    state.recordApps(at.getTime());
    return landed;
  }

  async function route(request: http.IncomingMessage, body: string, call: StandInCall): Promise<Answer> {
    landDueDeploys();
    revokeSessionsOfDeletedApps();
    const { pathname, searchParams } = new URL(request.url ?? "/", url);
    const method = request.method ?? "";
    if (method === "POST" && pathname === "/services/oauth2/token") {
      if (faults.tokenEndpoint === "closed") return "drop";
      if (faults.tokenEndpoint === "503") return { status: 503, text: "<html><body>Service Unavailable</body></html>" };
      return tokenRequest(new URLSearchParams(body), {
        state,
        url,
        orgId,
        now: now(),
        kind: options.kind ?? "production",
        propagationDelayMs,
        issue: (user, app) => {
          call.app = app.name;
          return issue(user, app);
        },
      });
    }
    const soap = /^\/services\/Soap\/m\/(\d+\.\d)(?:\/[^?#]*)?$/.exec(pathname);
    if (method === "POST" && soap) {
      try {
        return { status: 200, xml: await metadataCall(body, Number(soap[1]), call) };
      } catch (error) {
        if (!(error instanceof SoapFault)) throw error;
        return { status: 500, xml: soapFaultResponse(error) };
      }
    }
    if (method === "GET" && pathname === "/services/data") return versionList();
    const tooling = /^\/services\/data\/(v\d+\.\d)\/tooling\/query\/?$/.exec(pathname);
    if (method === "GET" && tooling) {
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      if (!bearer || !sessions.has(bearer))
        return { status: 401, body: [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }] };
      if (!sessions.get(bearer)!.viewSetup) return insufficientAccessAnswer();
      return toolingQuery(state, searchParams.get("q") ?? "", tooling[1]!);
    }
    return { status: 404, body: [{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }] };
  }

  async function metadataCall(body: string, apiVersion: number, call: StandInCall): Promise<string> {
    const soap = parseSoapRequest(body);
    call.operation = soap.operation;
    const user = soap.sessionId ? sessions.get(soap.sessionId) : undefined;
    call.app = soap.sessionId ? sessionApps.get(soap.sessionId) : undefined;
    if (!user) throw new SoapFault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session");
    if (!user.viewSetup) throw insufficientAccess();
    const who = { id: user.id, name: user.username };
    const b = soap.body;
    let result: XmlValue;
    switch (soap.operation) {
      case "deploy": {
        const deployOptions = (b["DeployOptions"] ?? {}) as Record<string, unknown>;
        const job = await startDeploy(
          String(b["ZipFile"] ?? ""),
          {
            rollbackOnError: asBoolean(deployOptions["rollbackOnError"]),
            checkOnly: asBoolean(deployOptions["checkOnly"]),
            singlePackage: asBoolean(deployOptions["singlePackage"]),
            ignoreWarnings: asBoolean(deployOptions["ignoreWarnings"]),
          },
          (at) => {
            const draft = state.draft();
            return {
              ...ruleContext(draft),
              now: at,
              commit: () => state.commit(draft),
              failingComponents: faults.failingComponents,
              unappliedComponents: faults.unappliedComponents,
              apiVersion,
              refuse: (type) => deployProblem(type, currentSettings(state, prerequisites)),
            };
          },
          now(),
          {
            // A deploy that takes time answers by the clock alone; the poll count delays only one that lands at once.
            polls: faults.deploysTakeSeconds > 0 ? 0 : (options.deployPolls ?? 0),
            landsAt: new Date(now().getTime() + faults.deploysTakeSeconds * 1000),
          },
        );
        deploys.set(job.id, job);
        result = { done: false, id: job.id, state: "Queued" };
        break;
      }
      case "checkDeployStatus": {
        const job = deploys.get(String(b["asyncProcessId"] ?? ""));
        if (!job)
          throw new SoapFault(
            "INVALID_ID_FIELD",
            `${placeholder}No deploy request with id ${String(b["asyncProcessId"] ?? "")}`,
          );
        result = deployStatus(job, asBoolean(b["includeDetails"]), who);
        break;
      }
      case "readMetadata": {
        const type = String(b["type"] ?? "");
        const settings = currentSettings(state, prerequisites);
        assertReadable(type, settings);
        result = readMetadata(state, b, apiVersion);
        if (type === settingsType && !state.component(settingsType, settingsName))
          result = readSettings(asList(b["fullNames"] as string | string[] | undefined), settings);
        break;
      }
      case "listMetadata":
        result = listMetadata(state, b, apiVersion, who);
        break;
      case "deleteMetadata":
        result = deleteMetadata(state, b, apiVersion, now());
        break;
      default:
        throw new SoapFault(
          "UNKNOWN_EXCEPTION",
          `${placeholder}The stand-in org does not model the operation ${soap.operation}`,
        );
    }
    return soapResponse(soap.operation, result);
  }

  return {
    url,
    orgId,
    state,
    deploys,
    calls,
    faults,
    prerequisites,
    landDueDeploys,
    issueSession(username) {
      const user = username === undefined ? users[0] : users.find((u) => u.username === username);
      if (!user) throw new Error(`stand-in org: no user ${username}`);
      return issue(user);
    },
    sign(fullName, data, digest) {
      const certificate = state.certificate(fullName);
      if (!certificate) throw new Error(`stand-in org: no certificate ${fullName}`);
      return signWithKey(certificate.keyId, data, digest);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Puts the seeded certificates, IdP settings and Connected Apps into the org, through the deploy rules. */
function seed(state: OrgState, options: StandInOrgOptions, context: RuleContext): void {
  const put = (type: string, fullName: string, record: Record<string, XmlValue>, content?: string) => {
    const outcome = applyComponent(
      { type, resultType: type, fullName, fileName: "", record, ...(content !== undefined ? { content } : {}) },
      context,
    );
    if (!outcome.ok) throw new Error(`stand-in org: cannot seed ${type} ${fullName}: ${outcome.problem}`);
  };
  for (const c of options.certificates ?? []) {
    put(
      "Certificate",
      c.fullName,
      {
        caSigned: String(c.caSigned ?? false),
        keySize: String(c.keySize ?? 2048),
        masterLabel: c.masterLabel ?? c.fullName,
        privateKeyExportable: "true",
      },
      // A certificate made in Setup: the shape Setup writes, at the stand-in's clock.
      certificateTemplatePem({
        masterLabel: c.masterLabel ?? c.fullName,
        keySize: c.keySize ?? 2048,
        caSigned: c.caSigned ?? false,
        orgId: context.orgId,
        at: context.now,
      }),
    );
  }
  if (options.identityProvider) {
    put("IdentityProviderSettings", "IdentityProvider", {
      certificateName: options.identityProvider.certificateName,
      enableIdentityProvider: String(options.identityProvider.enableIdentityProvider),
    });
  }
  for (const app of options.connectedApps ?? []) {
    const oauthConfig: Record<string, XmlValue> = {
      callbackUrl: "http://localhost:1717/OauthRedirect",
      ...(app.certificatePem ? { certificate: app.certificatePem.trim() } : {}),
      consumerKey: app.consumerKey,
      isAdminApproved: "true",
      scopes: ["Api", "RefreshToken"],
    };
    // Seeds exist already: they bypass the Spring '26 creation block.
    state.putComponent({
      type: "ConnectedApp",
      fullName: app.fullName,
      id: newId("0H4"),
      record: {
        contactEmail: "admin@stand-in.example",
        label: app.label ?? app.fullName,
        oauthConfig,
        permissionSetName: app.permissionSets ?? [],
        profileName: app.profiles ?? [],
      },
      createdDate: context.now,
      lastModifiedDate: context.now,
    });
  }
}
