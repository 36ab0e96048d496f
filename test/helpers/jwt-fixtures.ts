/**
 * A JwtIntegration state built from a real certificate, without the engine, for peer tests.
 */
import { issueCertificate } from "../../provider/certificate/lifecycle";
import type { CertificateState } from "../../provider/certificate/state";
import { createJwtIntegration, type JwtIntegrationState } from "../../provider/jwt-integration/lifecycle";
import { checkCertificateArgs } from "../../provider/certificate/args";
import { checkJwtIntegrationArgs, type JwtIntegrationInputs } from "../../provider/jwt-integration/args";
import { testNow } from "./test-clock";

/** The integration user the stand-in org knows, with the permission set the integration pre-authorizes. */
export const ciUser = {
  username: "ci@greenmoor.example",
  profile: "Minimum Access - API Only Integrations",
  permissionSets: ["CI_Deployer"],
};

/** A certificate issued at `now` (default: the tests' clock) and a JWT integration bound to it; `overrides` change the integration's arguments. */
export function jwtIntegrationFixture(
  overrides: Record<string, unknown> = {},
  now: Date = testNow(),
): { certificate: CertificateState; inputs: JwtIntegrationInputs; state: JwtIntegrationState } {
  const checkedCert = checkCertificateArgs({ uniqueName: "Greenmoor_CI_JWT", label: "CI JWT" });
  if (!checkedCert.ok) throw new Error("bad certificate fixture");
  const certificate = issueCertificate(checkedCert.inputs, now);
  const checked = checkJwtIntegrationArgs({
    apiName: "Greenmoor_CI",
    label: "Greenmoor CI",
    contactEmail: "platform@greenmoor.example",
    username: ciUser.username,
    audience: "https://login.salesforce.com",
    preAuthorized: { permissionSets: ["CI_Deployer"] },
    scopes: ["Api", "RefreshToken"],
    certificatePem: certificate.certificatePem,
    certificateSha256Fingerprint: certificate.sha256Fingerprint,
    certificateNotAfter: certificate.notAfter,
    privateKeyPem: certificate.privateKeyPem,
    privateKeyExportable: true,
    ...overrides,
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return { certificate, inputs: checked.inputs, state: createJwtIntegration(checked.inputs) };
}
