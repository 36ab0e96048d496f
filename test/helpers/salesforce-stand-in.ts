/**
 * A local stand-in for the parts of a Salesforce org the JWT Bearer Flow touches, following Salesforce's
 * documented wire format (shared/research/salesforce.md §5, org-mode.md §1.1, §2, §3):
 *  - `POST /services/oauth2/token` with grant_type jwt-bearer: the assertion is verified (by jose) against
 *    the certificate of the app whose consumer key is `iss`, as found in the metadata "deployed" to the
 *    stand-in; `aud`, `exp` (at most 3 minutes ahead, see {@link assertionExpiry}) and the user's
 *    pre-authorization are checked; errors are Salesforce's
 *    `{error, error_description}` bodies with HTTP 400;
 *  - the REST calls @salesforce/core makes after a login (`GET /services/data`, SOQL on ScratchOrgInfo
 *    and Organization), with `Authorization: Bearer` checked.
 * "Deploying" reads our emitted source-format files with @salesforce/source-deploy-retrieve, as
 * `sf project deploy` would, so the stand-in trusts only what a real deploy would carry.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { SourceComponent } from "@salesforce/source-deploy-retrieve";
import { judgeJwtBearerRequest } from "./jwt-bearer-judge";
import { testNow } from "./test-clock";
import { withSourceComponents } from "./source-components";

const orgId = "00D5g000004GrEEAAC";

/** An app as the org knows it after a deploy. */
export interface DeployedApp {
  type: "ExternalClientApplication" | "ConnectedApp";
  name: string;
  consumerKey: string;
  certificatePem?: string;
  permissionSets: string[];
  profiles: string[];
}

/** A user of the org. */
export interface StandInUser {
  username: string;
  profile: string;
  permissionSets: string[];
}

export interface SalesforceStandIn {
  url: string;
  /** Apps by consumer key, from the last deploys. */
  apps: Map<string, DeployedApp>;
  /** Every request: method and path. */
  requests: string[];
  /** Reads source-format files (path → content, as our `salesforceFiles` outputs) and updates the org's apps. */
  deploy(files: Record<string, string>): Promise<DeployedApp[]>;
  close(): Promise<void>;
}

/**
 * Starts a stand-in on 127.0.0.1 with the given users; `audiences` are accepted besides its own URL;
 * `clock` is the org's time, against which `exp` is judged (default: the tests' clock, test-clock.ts).
 */
export async function startSalesforceStandIn(
  users: StandInUser[],
  audiences: string[] = ["https://login.salesforce.com"],
  clock: () => Date = testNow,
): Promise<SalesforceStandIn> {
  const apps = new Map<string, DeployedApp>();
  const tokens = new Set<string>();
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push(`${request.method} ${request.url}`);
      handle(request, Buffer.concat(chunks).toString("utf8"))
        .then(({ status, body }) => {
          response.writeHead(status, { "content-type": "application/json;charset=UTF-8" });
          response.end(JSON.stringify(body));
        })
        .catch((error: Error) => {
          response.writeHead(500, { "content-type": "application/json" });
          response.end(JSON.stringify([{ errorCode: "UNKNOWN_EXCEPTION", message: error.message }]));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accepted = new Set([url, ...audiences]);

  async function handle(request: http.IncomingMessage, body: string): Promise<{ status: number; body: unknown }> {
    const { pathname, searchParams } = new URL(request.url ?? "/", url);
    if (request.method === "POST" && pathname === "/services/oauth2/token") return token(new URLSearchParams(body));
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !tokens.has(bearer))
      return { status: 401, body: [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }] };
    if (request.method === "GET" && pathname === "/services/data") {
      return {
        status: 200,
        body: Array.from({ length: 10 }, (_, i) => ({
          label: `v${59 + i}`,
          url: `/services/data/v${59 + i}.0`,
          version: `${59 + i}.0`,
        })),
      };
    }
    if (request.method === "GET" && /^\/services\/data\/v\d+\.\d+\/query\/?$/.test(pathname))
      return query(searchParams.get("q") ?? "");
    return { status: 404, body: [{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }] };
  }

  async function token(form: URLSearchParams): Promise<{ status: number; body: unknown }> {
    const judged = await judgeJwtBearerRequest(form, {
      appOf: (key) => apps.get(key),
      audiences: [...accepted],
      users,
      now: clock().getTime(),
    });
    if (!judged.granted) return judged.answer;
    const accessToken = `${orgId.slice(0, 15)}!AQ${crypto.randomBytes(24).toString("base64url")}`;
    tokens.add(accessToken);
    const userId = `005${crypto.createHash("sha1").update(judged.user.username).digest("hex").slice(0, 15)}`;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        scope: "api",
        instance_url: url,
        id: `${url}/id/${orgId}/${userId}`,
        token_type: "Bearer",
        issued_at: String(clock().getTime()),
      },
    };
  }

  async function query(soql: string): Promise<{ status: number; body: unknown }> {
    if (/\bFROM\s+ScratchOrgInfo\b/i.test(soql)) {
      return {
        status: 400,
        body: [{ message: "sObject type 'ScratchOrgInfo' is not supported.", errorCode: "INVALID_TYPE" }],
      };
    }
    if (/\bFROM\s+Organization\b/i.test(soql)) {
      return {
        status: 200,
        body: {
          totalSize: 1,
          done: true,
          records: [
            {
              attributes: { type: "Organization", url: `/services/data/v66.0/sobjects/Organization/${orgId}` },
              Name: "Greenmoor Software",
              InstanceName: "GS0",
              IsSandbox: false,
              TrialExpirationDate: null,
              NamespacePrefix: null,
              OrganizationType: "Developer Edition",
            },
          ],
        },
      };
    }
    return {
      status: 400,
      body: [{ message: `unexpected query in the stand-in: ${soql}`, errorCode: "MALFORMED_QUERY" }],
    };
  }

  return {
    url,
    apps,
    requests,
    async deploy(files) {
      const deployed = await readApps(files);
      for (const app of deployed) {
        for (const [key, existing] of apps)
          if (existing.name === app.name && existing.type === app.type) apps.delete(key);
        apps.set(app.consumerKey, app);
      }
      return deployed;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export { assertionExpiry, expiryLeewayMs, maxAssertionLifetimeMs } from "./jwt-bearer-judge";

/** Reads apps from source-format files the way `sf project deploy` does: through source-deploy-retrieve. */
function readApps(files: Record<string, string>): Promise<DeployedApp[]> {
  return withSourceComponents(files, async (components) => {
    const byType = (type: string) => components.filter((c) => c.type.name === type);
    const xmlOf = async (component: SourceComponent, root: string) =>
      ((await component.parseXml()) as Record<string, Record<string, unknown>>)[root]!;
    const apps: DeployedApp[] = [];
    for (const component of byType("ConnectedApp")) {
      const xml = await xmlOf(component, "ConnectedApp");
      const oauth = xml["oauthConfig"] as Record<string, unknown>;
      apps.push({
        type: "ConnectedApp",
        name: component.fullName,
        ...(oauth["certificate"] ? { certificatePem: String(oauth["certificate"]) } : {}),
        consumerKey: String(oauth["consumerKey"]),
        permissionSets: list(xml["permissionSetName"]),
        profiles: list(xml["profileName"]),
      });
    }
    for (const component of byType("ExtlClntAppGlobalOauthSettings")) {
      const oauth = await xmlOf(component, "ExtlClntAppGlobalOauthSettings");
      const appName = String(oauth["externalClientApplication"]);
      let policy: Record<string, unknown> | undefined;
      for (const candidate of byType("ExtlClntAppOauthConfigurablePolicies")) {
        const xml = await xmlOf(candidate, "ExtlClntAppOauthConfigurablePolicies");
        if (xml["externalClientApplication"] === appName) policy = xml;
      }
      const preAuthorized = policy?.["permittedUsersPolicyType"] === "AdminApprovedPreAuthorized";
      apps.push({
        type: "ExternalClientApplication",
        name: appName,
        consumerKey: String(oauth["consumerKey"]),
        ...(oauth["certificate"] ? { certificatePem: String(oauth["certificate"]) } : {}),
        permissionSets: preAuthorized ? commaList(policy?.["commaSeparatedPermissionSet"]) : [],
        profiles: preAuthorized ? commaList(policy?.["commaSeparatedProfile"]) : [],
      });
    }
    return apps;
  });
}

function list(value: unknown): string[] {
  return value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String);
}

function commaList(value: unknown): string[] {
  return typeof value === "string" && value.length > 0 ? value.split(",").map((s) => s.trim()) : [];
}
