/**
 * @module Declares every resource of a loaded inventory and returns the stack outputs: per certificate,
 * per integration, and the wiring (certificate → integrations). Secrets (keys, keystores) are in their
 * own outputs, so the public ones stay readable.
 */
import * as pulumi from "@pulumi/pulumi";
import { CertificateAndKeyPair } from "../certificate/resource";
import { JwtIntegration } from "../jwt-integration/resource";
import { SalesforceOrgProvider } from "../jwt-integration/org-provider";
import { SamlSpBinding } from "../saml-binding/resource";
import { environmentVariableName } from "../validate/rules";
import type { Inventory } from "./inventory-types";

/** Which integrations use a certificate. */
export interface Consumer {
  kind: "jwt" | "saml";
  name: string;
}

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
    const { owner: _owner, certificate, contactEmail, ...args } = inventory.jwtIntegrations[name]!;
    jwtIntegrations[name] = new JwtIntegration(
      name,
      {
        ...args,
        apiName: name,
        contactEmail: contactEmail ?? inventory.org.contactEmail ?? "",
        certificate: certificates[certificate]!,
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

  // In the inventory's order (the org connection and its certificate were declared first).
  const each = <T, R>(
    record: Record<string, T>,
    pick: (value: T, name: string) => R,
    order: Record<string, unknown> = record,
  ) => Object.fromEntries(Object.keys(order).map((name) => [name, pick(record[name]!, name)]));

  return {
    inventory: inventory.file,
    certificates: each(
      certificates,
      (c, name) => ({
        label: c.label,
        owner: inventory.certificates[name]!.owner ?? null,
        caSigned: c.caSigned,
        awaitingSignature: c.awaitingSignature,
        certificatePem: c.certificatePem,
        sha256Fingerprint: c.sha256Fingerprint,
        sha1Fingerprint: c.sha1Fingerprint,
        notBefore: c.notBefore,
        notAfter: c.notAfter,
        nextRotation: c.nextRotation,
        previousCertificate: c.previousCertificate,
        lastRotation: c.lastRotation,
        salesforceFiles: c.salesforceFiles,
      }),
      inventory.certificates,
    ),
    jwtIntegrations: each(
      jwtIntegrations,
      (j, name) => ({
        certificate: inventory.jwtIntegrations[name]!.certificate,
        owner: inventory.jwtIntegrations[name]!.owner ?? null,
        appName: j.appName,
        consumerKey: j.consumerKey,
        activeSlot: j.activeSlot,
        phase: j.phase,
        tokenEndpoint: j.tokenEndpoint,
        sfLoginJwtCommand: j.sfLoginJwtCommand,
        certificateSha256Fingerprint: j.certificateSha256Fingerprint,
        certificateNotAfter: j.certificateNotAfter,
        salesforceFiles: j.salesforceFiles,
      }),
      inventory.jwtIntegrations,
    ),
    samlBindings: each(samlBindings, (b, name) => ({
      certificate: inventory.samlBindings[name]!.certificate,
      owner: inventory.samlBindings[name]!.owner ?? null,
      partnerContact: inventory.samlBindings[name]!.partnerContact ?? null,
      spEntityId: inventory.samlBindings[name]!.spEntityId,
      phase: b.phase,
      nextStep: b.nextStep,
      phaseEndsAt: b.phaseEndsAt,
      signingSha256Fingerprint: b.signingSha256Fingerprint,
      publishedCertificates: b.publishedCertificates,
      metadataDiscoveryUrl: b.metadataDiscoveryUrl,
      idpMetadataXml: b.idpMetadataXml,
      handoffText: b.handoffText,
      salesforceFiles: b.salesforceFiles,
    })),
    jwtLoginKeys: pulumi.secret(each(jwtIntegrations, (j) => j.privateKeyPem, inventory.jwtIntegrations)),
    keystores: pulumi.secret(
      each(certificates, (c) => ({ jksBase64: c.jksBase64, pkcs12Base64: c.pkcs12Base64 }), inventory.certificates),
    ),
    wiring,
  };
}
