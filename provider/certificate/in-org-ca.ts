/**
 * @module CA-signed certificates whose key the org keeps (custody org, caSigned). The documented CA flow
 * (Metadata API `Certificate`, salesforce.md §1): a deploy with `caSigned` true makes the org generate the
 * key pair and a CSR, which `readMetadata` returns as `content` until a chain is uploaded; the chain the
 * CA signed goes into the `.crt` of a second deploy of the same name; from then on the content is the
 * chain. A chain is checked against the key of the org's CSR before it is deployed (a wrong one deploys
 * nothing), and read back after.
 */
import crypto = require("node:crypto");
import { OrgApiError, OrgChainOverSignedError, type SalesforceCertsError, SignedChainMismatchError } from "../errors";
import { leafMatchesKey, splitChain } from "../crypto/certificate-chain";
import { certificationRequestPublicKey } from "../crypto/certification-request";
import { orgChainUploadFiles } from "../salesforce/certificate-metadata";
import type { CertificateInputs } from "./args";
import type { OrgMetadataClient } from "../org/metadata-client";
import { assertSameOrg, type RecordedOrg } from "../org/org-identity";
import { readBackError } from "../org/read-back";

/** True when `pem` is a PKCS #10 request (what the org returns for a CA-signed certificate awaiting its chain). */
export function isCertificationRequest(pem: string): boolean {
  return /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----/.test(pem);
}

/** The leaf of a chain as DER, for comparing what the org holds with what the state holds. */
function leafDer(chainPem: string): string | undefined {
  const [leaf] = splitChain(chainPem);
  return leaf?.replace(/-----[^-]+-----|\s/g, "");
}

/** True when both chains start with the same leaf certificate. */
export function sameLeaf(a: string, b: string): boolean {
  const leaf = leafDer(a);
  return leaf !== undefined && leaf === leafDer(b);
}

/** The key (SPKI PEM) the org holds under a certificate: its CSR's, or its chain's leaf's. */
function heldKey(held: string): string | undefined {
  if (isCertificationRequest(held)) return certificationRequestPublicKey(held);
  const [leaf] = splitChain(held);
  return leaf
    ? new crypto.X509Certificate(leaf).publicKey.export({ type: "spki", format: "pem" }).toString()
    : undefined;
}

/**
 * A chain for a certificate the org has signed already (a CA re-issuing the key in force): Salesforce
 * documents a chain upload only for a certificate awaiting its chain; deploying over a saved certificate
 * makes a new key pair (salesforce.md §1), which would lose the key the IdP or a partner trusts.
 */
export function chainOverSigned(uniqueName: string, name: string): SalesforceCertsError {
  return new OrgChainOverSignedError(
    `CertificateAndKeyPair ${uniqueName}: signedChainPem certifies the key of Certificate ${name}, which is signed already; with custody org a chain is uploaded only to a certificate awaiting its chain (Salesforce makes a new key pair when a saved certificate is deployed again), so nothing was deployed. For a certificate the CA re-issued, change rotationTrigger instead: the org makes a new CSR for your CA to sign.`,
  );
}

/**
 * Deploys `chainPem` (leaf first) as the content of the org's CA-signed certificate `name`, after checking
 * that its leaf certifies the key of the CSR the org holds under that name; returns the chain read back. A chain the org already holds (a run killed
 * after its upload) is not deployed again.
 * @throws SignedChainMismatchError `ERR_SIGNED_CHAIN_MISMATCH` when the leaf certifies another key (nothing is
 * deployed); OrgApiError `ERR_ORG_API` (`NOT_FOUND`) when the org has no certificate `name`; the deploy's
 * errors (OrgDeployError …).
 */
export async function uploadOrgChain(
  client: OrgMetadataClient,
  uniqueName: string,
  name: string,
  settings: Pick<CertificateInputs, "label" | "keySize" | "privateKeyExportable">,
  chainPem: string,
  recorded?: RecordedOrg,
): Promise<string> {
  assertSameOrg(client.session, recorded, `CertificateAndKeyPair ${uniqueName}`);
  const held = await client.readCertificatePem(name);
  if (held === undefined) {
    throw new OrgApiError(
      "NOT_FOUND",
      `CertificateAndKeyPair ${uniqueName}: the org at ${client.session.instanceUrl} holds no Certificate ${name} to upload signedChainPem to (deleted in Setup?); run pulumi refresh, then pulumi up makes a new CSR to sign`,
    );
  }
  if (!isCertificationRequest(held) && sameLeaf(held, chainPem)) return held;
  if (!isCertificationRequest(held)) throw chainOverSigned(uniqueName, name);
  const key = heldKey(held);
  if (!key || !leafMatchesKey(chainPem, key)) {
    const what = isCertificationRequest(held)
      ? `the key of the CSR the org holds for Certificate ${name} (output csrPem)`
      : `the key of Certificate ${name} in the org`;
    throw new SignedChainMismatchError(
      `CertificateAndKeyPair ${uniqueName}: signedChainPem: the leaf certificate must certify ${what}, and it certifies another key; nothing was deployed. Have the CA sign the CSR in output csrPem and give that chain, leaf first.`,
    );
  }
  const chain = splitChain(chainPem).join("");
  await client.deploy({
    files: orgChainUploadFiles({
      uniqueName: name,
      label: settings.label,
      keySize: settings.keySize,
      privateKeyExportable: settings.privateKeyExportable,
      content: chain,
    }),
  });
  const readBack = await client.readCertificatePem(name);
  if (!readBack || !sameLeaf(readBack, chain)) {
    throw readBackError(client.session, [
      {
        component: `Certificate ${name}`,
        expected: "the CA-signed chain uploaded (signedChainPem), leaf first",
        read: !readBack ? "no certificate" : isCertificationRequest(readBack) ? "the CSR still" : "another certificate",
      },
    ]);
  }
  return readBack;
}
