/**
 * Greenmoor Software's certificates, declared directly in TypeScript.
 *
 * Greenmoor's Salesforce org is the SAML Identity Provider for a partner's Service Provider (it signs
 * assertions with `idpSigning`), and its CI logs in to the org through the OAuth 2.0 JWT Bearer Flow
 * (it signs JWTs with `ciJwt`). Each purpose has its own key pair.
 *
 * Run it with `npm start` (Automation API, local backend), or with `pulumi up` where a Node.js
 * language host is installed: a module whose default export is a function is run as the program.
 */
import * as pulumi from "@pulumi/pulumi";
import { CertificateAndKeyPair } from "../../provider";

export default async function greenmoor(): Promise<Record<string, pulumi.Output<unknown>>> {
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
  });

  const ciJwt = new CertificateAndKeyPair("ci-jwt", {
    uniqueName: "Greenmoor_CI_JWT",
    label: "Greenmoor CI (JWT Bearer Flow)",
    subject: { commonName: "ci.greenmoor.example", email: "platform@greenmoor.example", company: "Greenmoor Software" },
  });

  return {
    idpSigningCertificatePem: idpSigning.certificatePem,
    idpSigningSha256Fingerprint: idpSigning.sha256Fingerprint,
    idpSigningNotAfter: idpSigning.notAfter,
    ciJwtCertificatePem: ciJwt.certificatePem,
    ciJwtSha256Fingerprint: ciJwt.sha256Fingerprint,
    ciJwtNotAfter: ciJwt.notAfter,
    ciJwtPrivateKeyPem: ciJwt.privateKeyPem,
  };
}
