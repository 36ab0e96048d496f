/**
 * @module A certificate whose key pair this provider holds, as files that say which channel each takes
 * (see `file-channels.ts`): never `certs/<Name>.crt` in a deployable tree, because deploying it makes
 * Salesforce generate a new key pair (Metadata API `Certificate` docs). Instead:
 *  - `setup-keystore-import/<Name>.crt-meta.xml`: the settings (`caSigned`, `keySize`, `masterLabel`,
 *    `privateKeyExportable`) of the certificate the keystore import creates in the org;
 *  - `not-for-the-org/<Name>.crt`: the public chain, for partners who pin it; or, while a CA-signed
 *    certificate awaits its chain, `not-for-the-org/<Name>.csr` for the CA.
 */
import { channelFolders } from "./file-channels";
import { metadataXml } from "./xml";

/** What the sidecar XML says about a certificate. */
export interface CertificateMetadata {
  uniqueName: string;
  label: string;
  caSigned: boolean;
  keySize: number;
  privateKeyExportable: boolean;
  /** The certificate chain PEM, or the CSR PEM before a CA-signed chain arrives. */
  content: string;
}

/** The files (path → content) of one certificate, each under the folder of its channel. */
export function certificateSourceFiles(metadata: CertificateMetadata): Record<string, string> {
  const csr = metadata.content.includes("-----BEGIN CERTIFICATE REQUEST-----");
  return {
    [`${channelFolders["not-for-the-org"]}/${metadata.uniqueName}.${csr ? "csr" : "crt"}`]: metadata.content,
    [`${channelFolders["keystore-import"]}/${metadata.uniqueName}.crt-meta.xml`]: certificateMetaXml(metadata),
  };
}

/**
 * The deployable files of a certificate the org is to generate (custody org): `certs/<Name>.crt-meta.xml`
 * and an empty `certs/<Name>.crt` (source-deploy-retrieve needs the content file; empty, the org makes the
 * key pair). Deploying them again for an existing name makes a new key pair: deploy them once per name.
 */
export function orgGeneratedCertificateFiles(metadata: Omit<CertificateMetadata, "content">): Record<string, string> {
  return {
    [`certs/${metadata.uniqueName}.crt`]: "",
    [`certs/${metadata.uniqueName}.crt-meta.xml`]: certificateMetaXml({ ...metadata, content: "" }),
  };
}

/**
 * The deployable files that upload a CA-signed chain (leaf first) to the org's certificate of that name,
 * which awaits it with the CSR the org made (custody org): `caSigned` true, the chain as `.crt` content.
 */
export function orgChainUploadFiles(metadata: Omit<CertificateMetadata, "caSigned">): Record<string, string> {
  return {
    [`certs/${metadata.uniqueName}.crt`]: metadata.content,
    [`certs/${metadata.uniqueName}.crt-meta.xml`]: certificateMetaXml({ ...metadata, caSigned: true }),
  };
}

function certificateMetaXml(metadata: CertificateMetadata): string {
  return metadataXml("Certificate", [
    ["caSigned", metadata.caSigned],
    ["encryptedWithPlatformEncryption", false],
    ["keySize", metadata.keySize],
    ["masterLabel", metadata.label],
    ["privateKeyExportable", metadata.privateKeyExportable],
  ]);
}
