/**
 * @module The SAML 2.0 IdP metadata a partner imports when Salesforce is the Identity Provider: entity ID
 * and endpoints derived from the org's My Domain, NameID formats, and one signing `KeyDescriptor` per
 * published certificate (two while a new IdP certificate is being introduced). Element order follows
 * the OASIS metadata schema (`IDPSSODescriptorType`); the tests validate it against that schema.
 */
import { pemToDer } from "../crypto/pem";
import { escapeXml } from "./xml";

/** NameID formats by the short names our inputs use. */
export const nameIdFormats = {
  unspecified: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
  emailAddress: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
  transient: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
} as const;

export type NameIdFormat = keyof typeof nameIdFormats;

const postBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const redirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/** Salesforce's IdP endpoints under a My Domain URL. */
export function idpEndpoints(myDomainUrl: string) {
  const base = myDomainUrl.replace(/\/+$/, "");
  return {
    entityId: base,
    ssoPostUrl: `${base}/idp/endpoint/HttpPost`,
    ssoRedirectUrl: `${base}/idp/endpoint/HttpRedirect`,
    sloUrl: `${base}/services/auth/idp/saml2/logout`,
  };
}

/** What the metadata says. */
export interface IdpMetadataSpec {
  myDomainUrl: string;
  nameIdFormat: NameIdFormat;
  /** True when the SP must sign its requests (it gave a request-signing certificate). */
  wantAuthnRequestsSigned: boolean;
  /** Signing certificates (PEM), the one the org signs with first. */
  signingCertificatePems: readonly string[];
}

/** The IdP metadata XML. */
export function idpMetadataXml(spec: IdpMetadataSpec): string {
  const endpoints = idpEndpoints(spec.myDomainUrl);
  const keys = spec.signingCertificatePems.map(
    (pem) =>
      `    <md:KeyDescriptor use="signing">\n      <ds:KeyInfo>\n        <ds:X509Data>\n          <ds:X509Certificate>${pemToDer(pem).toString("base64")}</ds:X509Certificate>\n        </ds:X509Data>\n      </ds:KeyInfo>\n    </md:KeyDescriptor>`,
  );
  const url = (u: string) => escapeXml(u);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${url(endpoints.entityId)}">`,
    `  <md:IDPSSODescriptor WantAuthnRequestsSigned="${spec.wantAuthnRequestsSigned}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    ...keys,
    `    <md:SingleLogoutService Binding="${postBinding}" Location="${url(endpoints.sloUrl)}"/>`,
    `    <md:SingleLogoutService Binding="${redirectBinding}" Location="${url(endpoints.sloUrl)}"/>`,
    `    <md:NameIDFormat>${nameIdFormats[spec.nameIdFormat]}</md:NameIDFormat>`,
    `    <md:SingleSignOnService Binding="${postBinding}" Location="${url(endpoints.ssoPostUrl)}"/>`,
    `    <md:SingleSignOnService Binding="${redirectBinding}" Location="${url(endpoints.ssoRedirectUrl)}"/>`,
    `  </md:IDPSSODescriptor>`,
    `</md:EntityDescriptor>`,
    ``,
  ].join("\n");
}
