/**
 * Good arguments for the JwtIntegration and SamlSpBinding check() tests, as the resource classes pass
 * them (the bound certificate's facts included); a test spreads its own changes over them.
 */

/** A JwtIntegration bound to a certificate in force. */
export const goodJwtArguments = {
  apiName: "Greenmoor_CI",
  label: "Greenmoor CI",
  contactEmail: "platform@greenmoor.example",
  username: "ci@greenmoor.example",
  audience: "https://login.salesforce.com",
  preAuthorized: { permissionSets: ["CI_Deployer"] },
  certificatePem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  certificateSha256Fingerprint: "AA:BB",
  certificateNotAfter: "2027-01-01T00:00:00.000Z",
  privateKeyPem: "(the private key, PKCS #8 PEM)",
  privateKeyExportable: true,
};

/** A SamlSpBinding bound to an IdP certificate in force. */
export const goodSamlArguments = {
  apiName: "Partner_Portal_SSO",
  label: "Partner portal",
  contactEmail: "platform@greenmoor.example",
  spEntityId: "https://portal.partner.example/saml/metadata",
  acsUrl: "https://portal.partner.example/saml/acs",
  myDomainUrl: "https://greenmoor.my.salesforce.com",
  idpCertificateName: "Greenmoor_IdP_Signing",
  certificatePem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  certificateSha256Fingerprint: "AA",
  certificateSha1Fingerprint: "BB",
  certificateNotAfter: "2028-01-01T00:00:00.000Z",
};
