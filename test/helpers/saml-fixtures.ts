/**
 * A SAML SP binding built from a real IdP certificate, without the engine, for peer tests.
 */
import { applyUpdate, issueCertificate, planUpdate } from "../../provider/certificate/lifecycle";
import type { CertificateState } from "../../provider/certificate/state";
import { createSamlSpBinding, type SamlSpBindingState } from "../../provider/saml-binding/lifecycle";
import { checkCertificateArgs, type CertificateInputs } from "../../provider/certificate/args";
import { checkSamlSpBindingArgs, type SamlSpBindingInputs } from "../../provider/saml-binding/args";
import { testNow } from "./test-clock";

export const partner = {
  entityId: "https://portal.partner.example/saml/metadata",
  acsUrl: "https://portal.partner.example/saml/acs",
};
export const myDomainUrl = "https://greenmoor.my.salesforce.com";

export function idpCertificateInputs(raw: Record<string, unknown> = {}): CertificateInputs {
  const checked = checkCertificateArgs({ uniqueName: "Greenmoor_IdP_Signing", label: "IdP signing", ...raw });
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return checked.inputs;
}

/** The binding's inputs for the IdP certificate `certificate`. */
export function samlInputs(certificate: CertificateState, raw: Record<string, unknown> = {}): SamlSpBindingInputs {
  const checked = checkSamlSpBindingArgs({
    apiName: "Partner_Portal_SSO",
    label: "Partner portal",
    contactEmail: "platform@greenmoor.example",
    spEntityId: partner.entityId,
    acsUrl: partner.acsUrl,
    nameIdFormat: "emailAddress",
    myDomainUrl,
    preAuthorized: { permissionSets: ["Partner_Portal_Users"] },
    idpCertificateName: certificate.salesforceName,
    certificatePem: certificate.certificatePem,
    certificateSha256Fingerprint: certificate.sha256Fingerprint,
    certificateSha1Fingerprint: certificate.sha1Fingerprint,
    certificateNotAfter: certificate.notAfter,
    ...raw,
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return checked.inputs;
}

/** A fresh IdP certificate and a binding to it, created at `now` (default: the tests' clock). */
export function samlFixture(now = testNow()): { certificate: CertificateState; binding: SamlSpBindingState } {
  const certificate = issueCertificate(idpCertificateInputs(), now);
  return { certificate, binding: createSamlSpBinding(samlInputs(certificate), now) };
}

/** The IdP certificate rotated (by trigger) at `now`. */
export function rotated(certificate: CertificateState, now: Date): CertificateState {
  const news = idpCertificateInputs({ rotationTrigger: now.toISOString() });
  return applyUpdate(certificate, news, planUpdate(certificate, news, now), now);
}
