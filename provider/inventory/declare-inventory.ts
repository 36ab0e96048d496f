/**
 * @module Declares every resource of a loaded inventory and returns the stack outputs (see
 * stack-outputs.ts): per certificate, per integration, and the wiring (certificate → integrations).
 */
import * as pulumi from "@pulumi/pulumi";
import { CertificateAndKeyPair } from "../certificate/resource";
import { JwtIntegration } from "../jwt-integration/resource";
import { SalesforceOrgProvider } from "../jwt-integration/org-provider";
import { SamlSpBinding } from "../saml-binding/resource";
import { InventoryError } from "../errors";
import { environmentVariableName } from "../validate/rules";
import { privateKeyEnvName, privateKeyEnvWords } from "./entry-rules";
import type { Inventory, JwtIntegrationAdoption } from "./inventory-types";
import { type Consumer, inventoryStackOutputs } from "./stack-outputs";

/**
 * Every inventory resource is protected: dropping an entry from the inventory makes Pulumi refuse to
 * delete it (and its private key) until the removal is acknowledged (see README, "Removing a
 * certificate or integration").
 */
const keep: pulumi.CustomResourceOptions = { protect: true };

/**
 * Declares the inventory's resources; returns the stack outputs. With an `orgConnection` integration,
 * it and its certificate are declared first, with the stack's default provider, and the resources that
 * work in the org (certificates with custody org, the other integrations, the SAML bindings) use a
 * `SalesforceOrgProvider` that logs in as it.
 */
export function declareInventory(inventory: Inventory): Record<string, pulumi.Input<unknown>> {
  // Keys of adopted apps are read first: a missing one stops the program before any resource is declared.
  const jwtAdoptions = Object.fromEntries(
    Object.entries(inventory.jwtIntegrations).flatMap(([name, entry]) =>
      entry.adopt ? [[name, jwtAdoptionArgs(name, entry.adopt)] as const] : [],
    ),
  );
  const certificates: Record<string, CertificateAndKeyPair> = {};
  const wiring: Record<string, Consumer[]> = {};
  const connectionName = Object.keys(inventory.jwtIntegrations).find(
    (name) => inventory.jwtIntegrations[name]!.orgConnection === true,
  );
  const connectionCertificate = connectionName ? inventory.jwtIntegrations[connectionName]!.certificate : undefined;
  const jwtIntegrations: Record<string, JwtIntegration> = {};
  let orgProvider: SalesforceOrgProvider | undefined;
  const inOrg = (yes: boolean): pulumi.CustomResourceOptions =>
    yes && orgProvider ? { ...keep, provider: orgProvider } : keep;
  const certificateNames = Object.keys(inventory.certificates).sort(
    (a, b) => Number(b === connectionCertificate) - Number(a === connectionCertificate),
  );
  for (const name of certificateNames) {
    const entry = inventory.certificates[name]!;
    const { owner: _owner, keystorePasswordEnv, signedChainFile: _file, ...args } = entry;
    const password = keystorePasswordEnv ? process.env[keystorePasswordEnv] : undefined;
    if (keystorePasswordEnv && !password) {
      // An inventory that did not go through loadInventory may hold the password here: never print it.
      const notAName = environmentVariableName(keystorePasswordEnv);
      pulumi.log.warn(
        `certificates.${name}.keystorePasswordEnv: ${notAName ?? `${keystorePasswordEnv} is not set`}, so no keystore is produced`,
      );
    }
    certificates[name] = new CertificateAndKeyPair(
      name,
      { ...args, uniqueName: name, ...(password ? { keystorePassword: pulumi.secret(password) } : {}) },
      inOrg(entry.custody === "org"),
    );
    wiring[name] = [];
    if (name === connectionCertificate) {
      declareJwt(connectionName!);
      orgProvider = new SalesforceOrgProvider("org-connection", { loginWith: jwtIntegrations[connectionName!]! });
    }
  }

  function declareJwt(name: string): void {
    const { owner: _owner, certificate, contactEmail, adopt, ...args } = inventory.jwtIntegrations[name]!;
    jwtIntegrations[name] = new JwtIntegration(
      name,
      {
        ...args,
        apiName: name,
        contactEmail: contactEmail ?? inventory.org.contactEmail ?? "",
        certificate: certificates[certificate]!,
        ...(adopt ? { adopt: jwtAdoptions[name] } : {}),
      },
      inOrg(name !== connectionName),
    );
  }
  for (const name of Object.keys(inventory.jwtIntegrations)) if (name !== connectionName) declareJwt(name);
  for (const [name, entry] of Object.entries(inventory.jwtIntegrations))
    wiring[entry.certificate]!.push({ kind: "jwt", name });

  const samlBindings: Record<string, SamlSpBinding> = {};
  for (const [name, entry] of Object.entries(inventory.samlBindings)) {
    const {
      owner: _owner,
      partnerContact: _contact,
      certificate,
      spSigningCertificateFile: _file,
      contactEmail,
      myDomainUrl,
      ...args
    } = entry;
    samlBindings[name] = new SamlSpBinding(
      name,
      {
        ...args,
        apiName: name,
        contactEmail: contactEmail ?? inventory.org.contactEmail ?? "",
        myDomainUrl: myDomainUrl ?? inventory.org.myDomainUrl ?? "",
        idpCertificate: certificates[certificate]!,
      },
      inOrg(true),
    );
    wiring[certificate]!.push({ kind: "saml", name });
  }

  return inventoryStackOutputs(inventory, { certificates, jwtIntegrations, samlBindings, wiring });
}

/** What a JwtIntegration's `adopt` argument is given: the key as a secret, never the variable's name. */
export interface JwtAdoptionArgs {
  app: string;
  sha256Fingerprint: string;
  privateKeyPem?: pulumi.Output<string>;
}

/**
 * JWT integration `name`'s `adopt` argument: the key the app's clients use now is read from the environment
 * variable the entry names, here and only here, and goes to the resource as a secret.
 * @throws InventoryError `ERR_INVENTORY` when the variable is not a name or is not set (naming the entry and field, never a value).
 */
export function jwtAdoptionArgs(name: string, adopt: JwtIntegrationAdoption): JwtAdoptionArgs {
  const { privateKeyEnv, ...rest } = adopt;
  if (privateKeyEnv === undefined) return rest;
  const field = `jwtIntegrations.${name}.adopt.privateKeyEnv`;
  if (!privateKeyEnvName(privateKeyEnv)) throw new InventoryError(`${field}: ${privateKeyEnvWords}`);
  const pem = process.env[privateKeyEnv];
  if (!pem)
    throw new InventoryError(
      `${field}: the environment variable ${privateKeyEnv} is not set (or is empty): set it to the PEM private key app ${rest.app}'s clients use now, or remove privateKeyEnv to record that the key is held elsewhere`,
    );
  return { ...rest, privateKeyPem: pulumi.secret(pem) };
}
