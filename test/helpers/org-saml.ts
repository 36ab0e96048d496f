/**
 * The stand-in org playing the SAML Identity Provider for one SAML app it holds: a SAML Response built
 * from that app's deployed policy, as Salesforce builds it, never from the test's own constants:
 *  - Destination and SubjectConfirmationData Recipient: the policy's ACS URL (`acsUrl`);
 *  - Audience: its SP entity id (`entityUrl`); Issuer: its `issuer`;
 *  - NameID Format: its `nameIdFormat` (`samlNameIdFormat` on a Connected App);
 *  - signature and digest algorithm: its `signingAlgorithmType` (`samlSigningAlgoType`), SHA256 or SHA1.
 * Fields: https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappsamlconfigurablepolicies.htm
 * and the ConnectedApp `samlConfig` (ConnectedAppSamlConfig) on
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_connectedapp.htm; the
 * SAML names of the NameID formats are SAML 2.0 Core §8.3. The Assertion is signed (enveloped, exclusive
 * C14N, as Salesforce sends it) by xml-crypto, with the signature value made by the org itself
 * (`StandInOrg.sign`) with the key of the certificate its IdP settings name: the test never holds that key.
 * So a deployed policy that differs from what the SP expects (ACS URL, entity id, NameID format) makes the
 * SP refuse the response.
 * Given the org user's `username`, the org sends a response only to a user its SAML app pre-authorizes:
 * one holding a profile or permission set the policy lists (`commaSeparatedProfile`/
 * `commaSeparatedPermissionSet`, names or ids read back to names: `OrgState.samlPreAuthorization`), as the
 * OAuth policy's pre-authorization admits logins (salesforce.md §3, §5). UNKNOWN: whether Salesforce admits
 * every user when the SAML policy lists none; the stand-in then admits nobody, and the provider never
 * relies on either.
 * The org sends no response at all through an External Client App whose plug-ins or SAML plug-in are
 * disabled, or whose distributionState is not Local (`OrgState.samlBlocked` cites the page), as its token
 * endpoint refuses a login through a disabled OAuth plug-in (stand-in-org/oauth-token.ts): the call throws
 * naming the app and the reason. UNKNOWN: what the real IdP shows instead; only the refusal is modelled.
 */
import crypto from "node:crypto";
import { SignedXml } from "xml-crypto";
import { myDomainUrl, partner } from "./saml-fixtures";
import type { StandInOrg } from "./stand-in-org";
import { testNow } from "./test-clock";

/** Signature and digest algorithm URIs (XML Signature 1.1, RFC 6931) per Salesforce signing algorithm. */
const algorithms = {
  SHA256: {
    signature: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    digest: "http://www.w3.org/2001/04/xmlenc#sha256",
    hash: "sha256",
  },
  SHA1: {
    signature: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    digest: "http://www.w3.org/2000/09/xmldsig#sha1",
    hash: "sha1",
  },
} as const;

/** Salesforce's NameID format names (the metadata enumeration) → the SAML URNs (SAML 2.0 Core §8.3). */
const nameIdFormatUrns: Record<string, string> = {
  Unspecified: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
  EmailAddress: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  Persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
  Transient: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
};

/** What the org puts into an assertion for one SAML app, read from the app's deployed policy. */
export interface DeployedSamlPolicy {
  acsUrl: string;
  spEntityId: string;
  issuer: string;
  /** The SAML URN. */
  nameIdFormat: string;
  signingAlgorithm: keyof typeof algorithms;
}

/** The certificate the org's IdP signs with now (its IdP settings), or undefined when it is off. */
export function orgIdpCertificate(org: StandInOrg): string | undefined {
  const idp = org.state.identityProvider;
  return idp?.enableIdentityProvider ? idp.certificateName : undefined;
}

/**
 * The SAML policy the org holds for app `appName`: the External Client App's
 * ExtlClntAppSamlConfigurablePolicies (linked by `externalClientApplication`), else the Connected App's
 * `samlConfig`. Throws when the org has no SAML policy for it, or a field is missing or unknown.
 */
export function deployedSamlPolicy(org: StandInOrg, appName: string): DeployedSamlPolicy {
  const text = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  const eca = org.state
    .components("ExtlClntAppSamlConfigurablePolicies")
    .find((c) => text(c.record["externalClientApplication"]) === appName)?.record;
  const connected = org.state.component("ConnectedApp", appName)?.record["samlConfig"] as
    | Record<string, unknown>
    | undefined;
  if (!eca && !connected) throw new Error(`the org has no SAML policy for the app ${appName}`);
  const fields = eca
    ? {
        acsUrl: eca["acsUrl"],
        spEntityId: eca["entityUrl"],
        issuer: eca["issuer"],
        nameIdFormat: eca["nameIdFormat"],
        signingAlgorithm: eca["signingAlgorithmType"],
      }
    : {
        acsUrl: connected!["acsUrl"],
        spEntityId: connected!["entityUrl"],
        issuer: connected!["issuer"],
        nameIdFormat: connected!["samlNameIdFormat"],
        signingAlgorithm: connected!["samlSigningAlgoType"],
      };
  for (const [field, value] of Object.entries(fields))
    if (text(value) === "") throw new Error(`the SAML policy of ${appName} has no ${field}`);
  const format = nameIdFormatUrns[text(fields.nameIdFormat)];
  if (!format)
    throw new Error(`the SAML policy of ${appName} has an unknown NameID format ${text(fields.nameIdFormat)}`);
  const algorithm = text(fields.signingAlgorithm);
  if (algorithm !== "SHA256" && algorithm !== "SHA1")
    throw new Error(`the SAML policy of ${appName} has an unknown signing algorithm ${algorithm}`);
  return {
    acsUrl: text(fields.acsUrl),
    spEntityId: text(fields.spEntityId),
    issuer: text(fields.issuer),
    nameIdFormat: format,
    signingAlgorithm: algorithm,
  };
}

/** Throws unless the org user `username` holds a profile or permission set the SAML app `appName` pre-authorizes. */
function refuseUnauthorized(org: StandInOrg, appName: string, username: string): void {
  const user = org.state.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  if (!user) throw new Error(`the org has no user ${username}`);
  const allowed = org.state.samlPreAuthorization(appName) ?? { profiles: [], permissionSets: [] };
  const fold = (names: readonly string[]) => names.map((n) => n.toLowerCase());
  const admitted =
    fold(allowed.profiles).includes(user.profile.toLowerCase()) ||
    fold(user.permissionSets).some((set) => fold(allowed.permissionSets).includes(set));
  if (!admitted)
    throw new Error(
      `the org refuses SSO through ${appName} for ${username}: not pre-authorized (the app admits profiles [${allowed.profiles.join(", ")}] and permission sets [${allowed.permissionSets.join(", ")}])`,
    );
}

/** `value` as XML text or attribute content. */
function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** The unsigned Response for `policy`: valid from a minute before its issue instant for five minutes. */
function unsignedResponse(policy: DeployedSamlPolicy, nameId: string, issuedAt: Date, newId: () => string): string {
  const at = (offsetMs: number) => new Date(issuedAt.getTime() + offsetMs).toISOString();
  const acs = escapeXml(policy.acsUrl);
  const issuer = escapeXml(policy.issuer);
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${newId()}" Version="2.0" IssueInstant="${at(0)}" Destination="${acs}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion ID="${newId()}" Version="2.0" IssueInstant="${at(0)}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${escapeXml(policy.nameIdFormat)}">${escapeXml(nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${at(300_000)}" Recipient="${acs}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${at(-60_000)}" NotOnOrAfter="${at(300_000)}"><saml:AudienceRestriction><saml:Audience>${escapeXml(policy.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${at(0)}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `</saml:Assertion></samlp:Response>`
  );
}

/**
 * A SAML Response for the user `nameId` that the org sends through its SAML app `appName`: built from the
 * app's deployed policy ({@link deployedSamlPolicy}) and signed by the org with the key of its certificate
 * `certificateName` (usually {@link orgIdpCertificate}), issued at `issuedAt` (default: the tests' clock).
 */
export function orgSignedSamlResponse(
  org: StandInOrg,
  certificateName: string,
  appName: string,
  user: { nameId: string; issuedAt?: Date; username?: string },
): string {
  const certificate = org.state.certificate(certificateName);
  if (!certificate) throw new Error(`the org has no certificate ${certificateName}`);
  const policy = deployedSamlPolicy(org, appName);
  const blocked = org.state.samlBlocked(appName);
  if (blocked) throw new Error(`the org refuses SSO through ${appName}: ${blocked}`);
  if (user.username !== undefined) refuseUnauthorized(org, appName, user.username);
  const algorithm = algorithms[policy.signingAlgorithm];
  // The signature value comes from the org: xml-crypto hands the canonical SignedInfo to this algorithm.
  class SignedByTheOrg {
    getSignature(signedInfo: string): string {
      return org.sign(certificateName, signedInfo, algorithm.hash).toString("base64");
    }
    verifySignature(): boolean {
      throw new Error("only signs");
    }
    getAlgorithmName(): string {
      return algorithm.signature;
    }
  }
  const signature = new SignedXml({
    // Never used to sign (the algorithm above asks the org); xml-crypto requires a value.
    privateKey: "held by the org",
    publicCert: certificate.contentPem,
    signatureAlgorithm: algorithm.signature,
    canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
  });
  signature.SignatureAlgorithms = { ...signature.SignatureAlgorithms, [algorithm.signature]: SignedByTheOrg as never };
  signature.addReference({
    xpath: "//*[local-name(.)='Assertion']",
    digestAlgorithm: algorithm.digest,
    transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"],
  });
  const newId = () => `_${crypto.randomBytes(16).toString("hex")}`;
  signature.computeSignature(unsignedResponse(policy, user.nameId, user.issuedAt ?? testNow(), newId), {
    prefix: "ds",
    location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: "after" },
  });
  return signature.getSignedXml();
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
