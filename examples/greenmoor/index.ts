/**
 * Greenmoor Software's certificates, declared directly in TypeScript.
 *
 * Greenmoor's Salesforce org is the SAML Identity Provider for a partner's Service Provider (it signs
 * assertions with `idpSigning`, imported into the org from the JKS output), and its CI logs in to the org
 * through the OAuth 2.0 JWT Bearer Flow (it signs JWTs with `ciJwt`). Each purpose has its own key pair.
 *
 * Run it with `pulumi up` in this folder (its Pulumi.yaml names this file). It imports the library by
 * its package name, as your own project does once `pulumi-salesforce-certs` is installed; Pulumi runs a
 * module that *is* a function (`export =`) as the program.
 */
import * as pulumi from "@pulumi/pulumi";
import { CertificateAndKeyPair, JwtIntegration, SamlSpBinding } from "pulumi-salesforce-certs";

/** Demo value, not a secret: set GREENMOOR_KEYSTORE_PASSWORD for a real keystore. */
const keystorePassword = pulumi.secret(process.env["GREENMOOR_KEYSTORE_PASSWORD"] ?? "demo-keystore-password");

export = async function greenmoor(): Promise<Record<string, pulumi.Output<unknown>>> {
  const idpSigning = new CertificateAndKeyPair("idp-signing", {
    uniqueName: "Greenmoor_IdP_Signing",
    label: "Greenmoor IdP signing (partner SSO)",
    keySize: 4096,
    subject: {
      commonName: "greenmoor.my.salesforce.com",
      company: "Greenmoor Software",
      department: "Platform",
      city: "Leeds",
      country: "GB",
    },
    // Partners need time to load new metadata: renew two months ahead, publish both for three weeks.
    renewal: { daysBeforeExpiry: 60 },
    overlapDays: 21,
    keystorePassword,
  });

  const ciJwt = new CertificateAndKeyPair("ci-jwt", {
    uniqueName: "Greenmoor_CI_JWT",
    label: "Greenmoor CI (JWT Bearer Flow)",
    subject: { commonName: "ci.greenmoor.example", email: "platform@greenmoor.example", company: "Greenmoor Software" },
    renewal: { percentOfLifetime: 75 },
  });

  // The partner's portal trusts Greenmoor's org as its SAML Identity Provider.
  const partnerSso = new SamlSpBinding("partner-sso", {
    apiName: "Partner_Portal_SSO",
    label: "Partner portal",
    contactEmail: "platform@greenmoor.example",
    spEntityId: "https://portal.partner.example/saml/metadata",
    acsUrl: "https://portal.partner.example/saml/acs",
    nameIdFormat: "emailAddress",
    myDomainUrl: "https://greenmoor.my.salesforce.com",
    idpCertificate: idpSigning,
    preAuthorized: { permissionSets: ["Partner_Portal_Users"] },
    publishDays: 14,
  });

  // CI deploys to the org as an integration user, logging in with the JWT Bearer Flow.
  const ci = new JwtIntegration("ci", {
    apiName: "Greenmoor_CI",
    label: "Greenmoor CI",
    contactEmail: "platform@greenmoor.example",
    certificate: ciJwt,
    username: "ci@greenmoor.example",
    audience: "https://login.salesforce.com",
    preAuthorized: { permissionSets: ["Greenmoor_CI_Deployer"] },
    scopes: ["Api"],
  });

  return {
    idpSigningCertificatePem: idpSigning.certificatePem,
    idpSigningSha256Fingerprint: idpSigning.sha256Fingerprint,
    idpSigningNotAfter: idpSigning.notAfter,
    idpSigningNextRotation: idpSigning.nextRotation,
    idpSigningJks: idpSigning.jksBase64,
    idpSigningSalesforceFiles: idpSigning.salesforceFiles,
    ciJwtCertificatePem: ciJwt.certificatePem,
    ciJwtSha256Fingerprint: ciJwt.sha256Fingerprint,
    ciJwtNotAfter: ciJwt.notAfter,
    ciJwtNextRotation: ciJwt.nextRotation,
    ciJwtPublicKeyJwk: ciJwt.publicKeyJwk,
    ciJwtPrivateKeyPem: ciJwt.privateKeyPem,
    partnerIdpMetadata: partnerSso.idpMetadataXml,
    partnerSsoPhase: partnerSso.nextStep,
    partnerHandoff: partnerSso.handoffText,
    partnerSalesforceFiles: partnerSso.salesforceFiles,
    ciConsumerKey: ci.consumerKey,
    ciLoginCommand: ci.sfLoginJwtCommand,
    ciLoginKey: ci.privateKeyPem,
    ciActiveSlot: ci.activeSlot,
    ciSalesforceFiles: ci.salesforceFiles,
  };
};
