/**
 * Org mode in tests: a stand-in org (test/helpers/stand-in-org) whose clock follows the provider's
 * (SALESFORCE_CERTS_NOW), with a pre-existing Connected App through which the provider logs in (the
 * bootstrap a person does once by hand), and the stack configuration that points a stack at it.
 * The deployer's key pair and certificate are made by openssl, not by our code.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import * as jsforce from "jsforce";
import { opensslSelfSigned } from "./openssl-ca";
import { startStandInOrg, type StandInOrg, type StandInOrgOptions } from "./stand-in-org";
import { daysAfter } from "./test-clock";

/** The stand-in, the deployer's credential, and the clock both sides read. */
export interface OrgForProvider {
  org: StandInOrg;
  deployer: { username: string; consumerKey: string; privateKeyPem: string; certificatePem: string };
  /** Sets the clock of the org (and, through `configure`, of the stack given to it). */
  setClock(iso: string): void;
  /** Points `stack` at the org: `salesforce-certs:org` and the secret `salesforce-certs:orgPrivateKey`. */
  configure(stack: Stack, extra?: Record<string, unknown>): Promise<void>;
  /** A person in Setup, as the deployer user: a jsforce connection with a fresh session (no login, no app). */
  admin(): jsforce.Connection;
}

/** Starts a stand-in org at `startAt` with a deployer app; `options` go to the stand-in. */
export async function startOrgForProvider(startAt: string, options: StandInOrgOptions = {}): Promise<OrgForProvider> {
  let now = new Date(startAt);
  // The deployer's key pair and self-signed certificate, made by openssl on the org's clock (ten years).
  const credential = opensslSelfSigned("pulumi-deployer", now, daysAfter(3650, now));
  const username = "deployer@acme.example";
  const consumerKey = "3MVG9Deployer.Pulumi.Acme.Stand.In.Consumer.Key";
  const org = await startStandInOrg({
    ...options,
    now: () => now,
    users: [{ username, profile: "System Administrator" }, ...(options.users ?? [])],
    connectedApps: [
      {
        fullName: "Pulumi_Deployer",
        consumerKey,
        certificatePem: credential.certificatePem,
        profiles: ["System Administrator"],
      },
      ...(options.connectedApps ?? []),
    ],
  });
  let stacks: Stack[] = [];
  return {
    org,
    deployer: { username, consumerKey, ...credential },
    setClock: (iso) => {
      now = new Date(iso);
      for (const stack of stacks)
        (stack.workspace as { envVars: Record<string, string> }).envVars["SALESFORCE_CERTS_NOW"] = iso;
    },
    admin: () =>
      new jsforce.Connection({ instanceUrl: org.url, accessToken: org.issueSession(username), version: "66.0" }),
    configure: async (stack, extra = {}) => {
      stacks = [...stacks, stack];
      (stack.workspace as { envVars: Record<string, string> }).envVars["SALESFORCE_CERTS_NOW"] = now.toISOString();
      await stack.setConfig("salesforce-certs:org", {
        value: JSON.stringify({ loginUrl: org.url, username, consumerKey, pollIntervalSeconds: 1, ...extra }),
      });
      await stack.setConfig("salesforce-certs:orgPrivateKey", { value: credential.privateKeyPem, secret: true });
    },
  };
}

/** The org's CI user, whom the Acme CI integrations' apps pre-authorize through permission set CI_Deployer. */
export const ciUser = { username: "ci@acme.example", profile: "Standard User", permissionSets: ["CI_Deployer"] };

/** The arguments of the Acme CI JwtIntegration of the org-mode tests, but its certificate, logging in at `loginUrl`. */
export function acmeCiArguments(loginUrl: string) {
  return {
    apiName: "Acme_CI",
    label: "Acme CI",
    contactEmail: "platform@acme.example",
    username: ciUser.username,
    audience: "https://login.salesforce.com",
    loginUrl,
    preAuthorized: { permissionSets: ["CI_Deployer"] },
    overlapDays: 7,
  };
}
