/**
 * @module The Metadata API `Certificate` in source format, as a user commits it: `certs/<Name>.crt`
 * (the certificate chain, or the CSR while a CA-signed certificate awaits its chain) and
 * `certs/<Name>.crt-meta.xml`.
 */
import { metadataXml } from "./xml";

/** What the sidecar XML says about a certificate. */
export interface CertificateMetadata {
  uniqueName: string;
  label: string;
  caSigned: boolean;
  keySize: number;
  privateKeyExportable: boolean;
  /** The `.crt` content: certificate chain PEM, or the CSR PEM before a CA-signed chain arrives. */
  content: string;
}

/** Source-format files (path → content) for one `Certificate`. */
export function certificateSourceFiles(metadata: CertificateMetadata): Record<string, string> {
  const base = `certs/${metadata.uniqueName}.crt`;
  return {
    [base]: metadata.content,
    [`${base}-meta.xml`]: metadataXml("Certificate", [
      ["caSigned", metadata.caSigned],
      ["encryptedWithPlatformEncryption", false],
      ["keySize", metadata.keySize],
      ["masterLabel", metadata.label],
      ["privateKeyExportable", metadata.privateKeyExportable],
    ]),
  };
}
