/**
 * The stand-in org playing the SAML Identity Provider: a SAML Response whose Assertion is signed
 * (enveloped, exclusive C14N, RSA-SHA256, as Salesforce sends it) by xml-crypto, with the signature value
 * made by the org itself (`StandInOrg.sign`) with the key of the certificate its IdP settings name: the
 * test never holds that key.
 */
import { SignedXml } from "xml-crypto";
import { unsignedSamlResponse, withSignedAssertion, type ResponseSpec } from "./saml";
import { myDomainUrl, partner } from "./saml-fixtures";
import type { StandInOrg } from "./stand-in-org";

const rsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/** Who the assertion is from and for. */
export type OrgAssertionSpec = ResponseSpec;

/** The certificate the org's IdP signs with now (its IdP settings), or undefined when it is off. */
export function orgIdpCertificate(org: StandInOrg): string | undefined {
  const idp = org.state.identityProvider;
  return idp?.enableIdentityProvider ? idp.certificateName : undefined;
}

/** A SAML Response signed by the org with the key of its certificate `certificateName`. */
export function orgSignedSamlResponse(org: StandInOrg, certificateName: string, spec: OrgAssertionSpec): string {
  const certificate = org.state.certificate(certificateName);
  if (!certificate) throw new Error(`the org has no certificate ${certificateName}`);
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
  return withSignedAssertion(unsignedSamlResponse(spec), signature);
}

/** The arguments of the Acme partner portal SamlSpBinding of the org-mode tests, but its name, label and IdP certificate. */
export function acmePartnerSsoArguments() {
  return {
    contactEmail: "platform@acme.example",
    spEntityId: partner.entityId,
    acsUrl: partner.acsUrl,
    nameIdFormat: "emailAddress" as const,
    myDomainUrl,
    preAuthorized: { permissionSets: ["Partner_Portal_Users"] },
    publishDays: 7,
    overlapDays: 7,
  };
}
