/**
 * @module `SalesforceOrgProvider`: an explicit provider for this library's resources that logs in to the
 * org as the stack's own connection, a `JwtIntegration` declared with `orgConnection: true`
 * (org/own-connection.ts). When the integration rotates, the provider's configuration changes with it
 * and the resources that use the provider log in with the new credential from then on.
 *
 * Pulumi's way of handing one resource's outputs to a provider: the dynamic provider process of this
 * provider is configured (`configure`) with these inputs instead of the stack configuration. The
 * integration's key is stored once more here, encrypted, as the provider's configuration: `pulumi
 * refresh` and `pulumi destroy`, which do not run the program, configure the provider from it.
 */
import * as pulumi from "@pulumi/pulumi";
import { orgConfigKey, orgPrivateKeyConfigKey } from "../org/org-config";
import { orgProviderMark, orgSourceConfigKey } from "../org/configured-org";
import type { JwtIntegration } from "./resource";
import { OrgConnectionError } from "../errors";

/** Arguments of a {@link SalesforceOrgProvider}. */
export interface SalesforceOrgProviderArgs {
  /** The stack's own connection: a `JwtIntegration` declared with `orgConnection: true`. */
  loginWith: JwtIntegration;
}

/** The settings of `salesforce-certs:org` that tune a connection rather than name it; kept from the stack configuration. */
const tuningFields = ["apiVersion", "pollIntervalSeconds", "pollTimeoutSeconds", "validateDeploys"] as const;

/**
 * A provider that works in the org as the stack's own connection. Pass it to org-mode resources
 * (`{ provider }`); the integration itself keeps the default provider (it logs in as itself).
 *
 * @example
 * ```ts
 * const deployer = new JwtIntegration("deployer", { ...args, orgConnection: true });
 * const org = new SalesforceOrgProvider("greenmoor", { loginWith: deployer });
 * new CertificateAndKeyPair("idp", { uniqueName: "Greenmoor_IdP", custody: "org" }, { provider: org });
 * ```
 */
export class SalesforceOrgProvider extends pulumi.ProviderResource {
  constructor(name: string, args: SalesforceOrgProviderArgs, opts?: pulumi.ResourceOptions) {
    const integration = args.loginWith;
    if (integration.orgConnectionArgument !== true) {
      throw new OrgConnectionError(
        `SalesforceOrgProvider ${name}: loginWith must be a JwtIntegration declared with orgConnection: true (JwtIntegration ${integration.declaredName} is not): only the stack's own connection keeps the key the provider logs in with`,
      );
    }
    const configured = new pulumi.Config("salesforce-certs").getObject<Record<string, unknown>>("org") ?? {};
    const tuning = Object.fromEntries(
      tuningFields.filter((field) => configured[field] !== undefined).map((field) => [field, configured[field]]),
    );
    const connection = pulumi
      .all([integration.loginUrl, integration.audience, integration.username, integration.consumerKey])
      .apply(([loginUrl, audience, username, consumerKey]) =>
        JSON.stringify({
          loginUrl: new URL(loginUrl).origin,
          audience: new URL(audience).origin,
          username,
          consumerKey,
          ...tuning,
        }),
      );
    super(
      "pulumi-nodejs",
      name,
      {
        [orgConfigKey]: connection,
        [orgPrivateKeyConfigKey]: pulumi.secret(integration.privateKeyPem),
        [orgSourceConfigKey]: `JwtIntegration ${integration.declaredName}`,
      },
      opts,
    );
    (this as unknown as Record<symbol, boolean>)[orgProviderMark] = true;
  }
}
