/**
 * @module Which channel each file of `salesforceFiles` takes to where it is used, decided by its path.
 *
 * Per the Metadata API `Certificate` docs, deploying `certs/<Name>.crt` makes Salesforce generate a NEW
 * key pair (private keys never cross the API). So a key this provider generated reaches the org only
 * through Setup › Certificate and Key Management › Import from Keystore (the JKS in the secret output
 * `keystores`), and a JWT certificate needs no `Certificate` record at all: it travels inside its app's
 * OAuth settings. Three channels follow:
 *  - `deploy`: metadata for `sf project deploy start` (apps, policies, IdP settings): the path is an SFDX
 *    source path (`externalClientApps/…`, `settings/…`) and lands in `force-app/main/default/`;
 *  - `keystore-import`: `setup-keystore-import/<Name>.crt-meta.xml`, the settings of a certificate whose
 *    key pair the org gets by importing its keystore in Setup;
 *  - `not-for-the-org`: `not-for-the-org/<Name>.crt` (the public chain, for partners who pin it) and
 *    `not-for-the-org/<Name>.csr` (for the CA). Never deployed.
 * Paths under `certs/` (written by releases before this rule) are never deployed either: they are
 * placed as their current counterparts would be.
 */

/** How a file reaches where it is used. */
export type FileChannel = "deploy" | "keystore-import" | "not-for-the-org";

/** The top folder of each channel in an export (the deploy channel is the SFDX package folder). */
export const channelFolders = {
  deploy: "force-app/main/default",
  "keystore-import": "setup-keystore-import",
  "not-for-the-org": "not-for-the-org",
} as const satisfies Record<FileChannel, string>;

/** What to do with a file of each channel, as the export summary and READMEs say it. */
export const channelTitles: Record<FileChannel, string> = {
  deploy: "deploy with the Metadata API (sf project deploy start)",
  "keystore-import":
    "import the keystore in Setup (Certificate and Key Management › Import from Keystore); never deploy",
  "not-for-the-org": "for the partner (or your CA), not for the org; never deploy",
};

/** One file of `salesforceFiles`: its channel and where an export writes it (relative to the export folder). */
export interface ChannelledFile {
  /** The key in `salesforceFiles`. */
  key: string;
  channel: FileChannel;
  target: string;
  /** What this file in particular needs, beyond the channel's title; empty when nothing. */
  note: string;
}

/** The channel of the `salesforceFiles` key `key` (already checked to be a safe relative path). */
export function channelOf(key: string, content = ""): ChannelledFile {
  const [top, ...rest] = key.split("/");
  const name = rest.join("/");
  if (top === channelFolders["keystore-import"] || (top === "certs" && name.endsWith(".crt-meta.xml"))) {
    const certificate = name.replace(/\.crt-meta\.xml$/, "");
    return {
      key,
      channel: "keystore-import",
      target: `${channelFolders["keystore-import"]}/${name}`,
      note: `the label, key size and exportability of certificate ${certificate}; its key pair is the secret output keystores.<certificate>.jksBase64 (alias ${certificate.toLowerCase()})`,
    };
  }
  if (top === channelFolders["not-for-the-org"] || top === "certs") {
    const csr = name.endsWith(".csr") || /-----BEGIN CERTIFICATE REQUEST-----/.test(content);
    return {
      key,
      channel: "not-for-the-org",
      target: `${channelFolders["not-for-the-org"]}/${top === "certs" && csr ? name.replace(/\.crt$/, ".csr") : name}`,
      note: csr
        ? "a CSR: have your CA sign it, then give the chain as signedChainPem"
        : "the public certificate chain, for partners who pin it; deployed as certs/*.crt it would make Salesforce generate a new key pair",
    };
  }
  return { key, channel: "deploy", target: `${channelFolders.deploy}/${key}`, note: deployNote(key, content) };
}

function deployNote(key: string, content: string): string {
  if (key === "settings/IdentityProvider.settings-meta.xml") {
    const name = /<certificateName>([^<]*)<\/certificateName>/.exec(content)?.[1];
    return `the org signs SAML assertions with certificate ${name ?? "(unnamed)"}: import its keystore in Setup before this deploy`;
  }
  if (/<certificate>/.test(content)) return "carries the JWT certificate itself: no Certificate record is needed";
  return "";
}

/** The README an export writes into a channel's folder (none for the deploy channel). */
export function channelReadme(channel: Exclude<FileChannel, "deploy">): string {
  if (channel === "keystore-import") {
    return `# Import from Keystore in Setup: never deploy

Each \`<Name>.crt-meta.xml\` here describes a certificate whose private key this stack generated.
Salesforce's Metadata API never carries private keys: deploying a \`certs/<Name>.crt\` makes Salesforce
generate a NEW key pair, which would no longer match the key your IdP metadata advertises or your JWT
clients hold. The key pair reaches the org only through the keystore:

1. Take the stack's secret output \`keystores.<certificate>.jksBase64\` and base64-decode it to \`<Name>.jks\`.
2. Setup › Certificate and Key Management › Import from Keystore (the Identity Provider must be enabled):
   choose the file, give the keystore password (the inventory's \`keystorePasswordEnv\`).
   The certificate is named after the keystore alias (\`<Name>\` in lower case).
3. Check its label, key size and exportability against the \`.crt-meta.xml\` file here.

Only a certificate the org itself signs with needs this (the SAML IdP certificate named in
\`settings/IdentityProvider.settings-meta.xml\`, including the next one during an IdP rotation's
publishing phase). A JWT certificate needs no import: it travels inside its app's OAuth settings.
`;
  }
  return `# For the partner (or your CA), not for the org: never deploy

- \`<Name>.crt\`: the public certificate chain, for a partner that pins the certificate. It is not
  metadata to deploy: as \`certs/<Name>.crt\` Salesforce would generate a NEW key pair.
- \`<Name>.csr\`: a certificate signing request; have your CA sign it and give the chain as
  \`signedChainPem\`.
`;
}
