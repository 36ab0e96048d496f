/**
 * The stand-in org playing the SAML Identity Provider: a SAML Response whose Assertion is signed
 * (enveloped, exclusive C14N, RSA-SHA256, as Salesforce sends it) by xml-crypto, with the signature value
 * made by the org itself (`StandInOrg.sign`) with the key of the certificate its IdP settings name: the
 * test never holds that key.
 */
import crypto from "node:crypto";
import { SignedXml } from "xml-crypto";
import type { StandInOrg } from "./stand-in-org";

const rsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/** Who the assertion is for. */
export interface OrgAssertionSpec {
  issuer: string;
  spEntityId: string;
  acsUrl: string;
  nameId: string;
}

/** The certificate the org's IdP signs with now (its IdP settings), or undefined when it is off. */
export function orgIdpCertificate(org: StandInOrg): string | undefined {
  const idp = org.state.identityProvider;
  return idp?.enableIdentityProvider ? idp.certificateName : undefined;
}

/** A SAML Response signed by the org with the key of its certificate `certificateName`. */
export function orgSignedSamlResponse(org: StandInOrg, certificateName: string, spec: OrgAssertionSpec): string {
  const certificate = org.state.certificate(certificateName);
  if (!certificate) throw new Error(`the org has no certificate ${certificateName}`);
  const now = new Date();
  const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();
  const id = () => `_${crypto.randomBytes(16).toString("hex")}`;
  const xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" IssueInstant="${at(0)}" Destination="${spec.acsUrl}">` +
    `<saml:Issuer>${spec.issuer}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion ID="${id()}" Version="2.0" IssueInstant="${at(0)}">` +
    `<saml:Issuer>${spec.issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${spec.nameId}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${at(300_000)}" Recipient="${spec.acsUrl}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${at(-60_000)}" NotOnOrAfter="${at(300_000)}"><saml:AudienceRestriction><saml:Audience>${spec.spEntityId}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${at(0)}" SessionIndex="${id()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `</saml:Assertion></samlp:Response>`;
  // The signature value comes from the org: xml-crypto hands the canonical SignedInfo to this algorithm.
  class SignedByTheOrg {
    getSignature(signedInfo: string): string {
      return org.sign(certificateName, signedInfo, "sha256").toString("base64");
    }
    verifySignature(): boolean {
      throw new Error("only signs");
    }
    getAlgorithmName(): string {
      return rsaSha256;
    }
  }
  const signature = new SignedXml({
    // Never used to sign (the algorithm above asks the org); xml-crypto requires a value.
    privateKey: "held by the org",
    publicCert: certificate.contentPem,
    signatureAlgorithm: rsaSha256,
    canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
  });
  signature.SignatureAlgorithms = { ...signature.SignatureAlgorithms, [rsaSha256]: SignedByTheOrg as never };
  signature.addReference({
    xpath: "//*[local-name(.)='Assertion']",
    digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
    transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"],
  });
  signature.computeSignature(xml, { prefix: "ds", location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: "after" } });
  return signature.getSignedXml();
}
