/**
 * @module The JSON document `discover --json` writes, for tools: `format` first, then the orgs; every
 * object's keys in the order of the model's declarations (model.ts), whatever order the reading built
 * them in, so that two runs over the same org give the same bytes and a diff shows only what changed.
 * Absent optional fields are left out, never written as null.
 */
import type {
  CertificateUse,
  DiscoveredAppCertificate,
  DiscoveredCertificate,
  DiscoveredOrg,
  DiscoveredSamlApp,
  DiscoveredTrustedCertificate,
  DiscoveryDocument,
  Unreadable,
} from "./model";

/** The document as JSON text (two-space indent, one trailing newline). */
export function discoveryJson(document: DiscoveryDocument): string {
  return `${JSON.stringify({ format: document.format, orgs: document.orgs.map(org) }, null, 2)}\n`;
}

/** `keys` of `value` in that order, skipping those that are undefined. */
function ordered<T extends object>(value: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

function org(o: DiscoveredOrg) {
  return {
    ...ordered(o, ["label", "orgId", "instanceUrl", "readAt"]),
    certificates: o.certificates.map(certificate),
    appCertificates: o.appCertificates.map(appCertificate),
    trustedCertificates: o.trustedCertificates.map(trusted),
    samlApps: o.samlApps.map(samlApp),
    ...(o.identityProvider ? { identityProvider: ordered(o.identityProvider, ["enabled", "certificateName"]) } : {}),
    unreadable: o.unreadable.map((u) => ordered<Unreadable>(u, ["what", "reason"])),
  };
}

function certificate(c: DiscoveredCertificate) {
  return {
    ...ordered(c, [
      "name",
      "label",
      "id",
      "keySize",
      "caSigned",
      "awaitingChain",
      "privateKeyExportable",
      "expiresAt",
      "sha256Fingerprint",
      "subject",
      "lastModifiedAt",
    ]),
    uses: c.uses.map((u) => ordered<CertificateUse>(u, ["kind", "by", "type", "detail"])),
  };
}

function appCertificate(a: DiscoveredAppCertificate) {
  return {
    ...ordered(a, ["appType", "app", "slot", "subject", "expiresAt", "sha256Fingerprint"]),
    preAuthorized: { profiles: [...a.preAuthorized.profiles], permissionSets: [...a.preAuthorized.permissionSets] },
    sharesKeyWith: [...a.sharesKeyWith],
  };
}

function trusted(t: DiscoveredTrustedCertificate) {
  return ordered(t, ["samlSsoConfig", "issuer", "subject", "expiresAt", "sha256Fingerprint"]);
}

function samlApp(s: DiscoveredSamlApp) {
  return ordered(s, [
    "appType",
    "app",
    "spEntityId",
    "acsUrl",
    "certificate",
    "nameIdFormat",
    "subjectType",
    "signingAlgorithm",
  ]);
}
