/**
 * @module `CertificateAndKeyPair`: a Salesforce certificate-and-key pair (Setup › Certificate and Key
 * Management) generated in the provider: an RSA key and a self-signed X.509 v3 certificate.
 */
import * as pulumi from "@pulumi/pulumi";
import { describeCertificate, type CertificateFacts } from "../crypto/certificate-facts";
import type { DistinguishedName } from "../crypto/distinguished-name";
import { generateRsaKeyPair, type RsaKeySize } from "../crypto/rsa-key-pair";
import { buildSelfSignedCertificate } from "../crypto/self-signed-certificate";
import { checkCertificateArgs, type CertificateInputs } from "../validate/certificate-args";

/** Arguments of a {@link CertificateAndKeyPair}. */
export interface CertificateAndKeyPairArgs {
  /** Salesforce unique name (`fullName`): letters, digits, underscores; starts with a letter; no `__`, no trailing `_`. */
  uniqueName: pulumi.Input<string>;
  /** Salesforce label (`masterLabel`), at most 64 characters. */
  label: pulumi.Input<string>;
  /** RSA key size: 2048 (default) or 4096. */
  keySize?: pulumi.Input<RsaKeySize>;
  /** Days from creation to `notAfter`; default as Salesforce: 365 at 2048 bits, 730 at 4096. */
  validityDays?: pulumi.Input<number>;
  /** Subject fields; `commonName` defaults to the unique name. */
  subject?: pulumi.Input<Partial<DistinguishedName>>;
}

/** Everything the provider stores for a certificate; `privateKeyPem` is kept as a Pulumi secret. */
export interface CertificateAndKeyPairOutputs extends CertificateInputs, CertificateFacts {
  /** Version of this state's shape, so later releases can read what earlier ones wrote. */
  stateVersion: number;
  certificatePem: string;
  publicKeyPem: string;
  /** PKCS #8 PEM. Secret. */
  privateKeyPem: string;
}

/** Inputs whose change needs a new key pair and certificate; any other input changes in place. */
const replacingInputs = ["uniqueName", "keySize", "validityDays", "subject"] as const;
const updatingInputs = ["label"] as const;

/**
 * The dynamic provider. Pulumi serialises this object (and the local functions it calls) into every
 * resource's state, so it captures no configuration, client or large value: only pure functions.
 */
export const certificateAndKeyPairProvider: pulumi.dynamic.ResourceProvider<CertificateInputs, CertificateAndKeyPairOutputs> = {
  async check(_olds, news) {
    const result = checkCertificateArgs(news as unknown as Record<string, unknown>);
    if (!result.ok) return { failures: result.issues.map((i) => ({ property: i.path, reason: i.message })) };
    return { inputs: result.inputs };
  },

  async diff(_id, olds, news) {
    const differs = (key: keyof CertificateInputs) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]);
    const replaces = replacingInputs.filter(differs);
    const updates = updatingInputs.filter(differs);
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const outs = issueCertificate(inputs, new Date());
    return { id: `${inputs.uniqueName}-${outs.serialNumber}`, outs };
  },

  async update(_id, olds, news) {
    return { outs: { ...olds, label: news.label } };
  },

  async read(id, props) {
    return { id, props };
  },

  async delete() {
    // The key and certificate live only in this state: dropping the resource is the whole deletion.
  },
};

/** Generates a new key pair and certificate valid from `now` for `inputs.validityDays`. */
function issueCertificate(inputs: CertificateInputs, now: Date): CertificateAndKeyPairOutputs {
  const keyPair = generateRsaKeyPair(inputs.keySize);
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + inputs.validityDays * 86_400_000);
  const certificatePem = buildSelfSignedCertificate({ keyPair, subject: inputs.subject, notBefore, notAfter });
  return {
    stateVersion: 1,
    ...inputs,
    certificatePem,
    publicKeyPem: keyPair.publicKeyPem,
    privateKeyPem: keyPair.privateKeyPem,
    ...describeCertificate(certificatePem),
  };
}

/** Output names that are secrets: Pulumi encrypts them in state and hides them in output. */
export const certificateSecretOutputs = ["privateKeyPem"] as const;

/**
 * A Salesforce certificate-and-key pair: an RSA key (2048 or 4096 bits) and a self-signed certificate.
 *
 * @example
 * ```ts
 * const idp = new CertificateAndKeyPair("idp", {
 *   uniqueName: "Greenmoor_IdP",
 *   label: "Greenmoor IdP signing",
 *   keySize: 4096,
 *   subject: { commonName: "greenmoor.my.salesforce.com", company: "Greenmoor Software", country: "GB" },
 * });
 * export const idpCertificate = idp.certificatePem;
 * ```
 */
export class CertificateAndKeyPair extends pulumi.dynamic.Resource {
  declare readonly uniqueName: pulumi.Output<string>;
  declare readonly label: pulumi.Output<string>;
  declare readonly keySize: pulumi.Output<RsaKeySize>;
  declare readonly validityDays: pulumi.Output<number>;
  declare readonly subject: pulumi.Output<DistinguishedName>;
  declare readonly certificatePem: pulumi.Output<string>;
  declare readonly publicKeyPem: pulumi.Output<string>;
  /** PKCS #8 PEM; a Pulumi secret. */
  declare readonly privateKeyPem: pulumi.Output<string>;
  declare readonly sha1Fingerprint: pulumi.Output<string>;
  declare readonly sha256Fingerprint: pulumi.Output<string>;
  declare readonly serialNumber: pulumi.Output<string>;
  declare readonly notBefore: pulumi.Output<string>;
  declare readonly notAfter: pulumi.Output<string>;

  constructor(name: string, args: CertificateAndKeyPairArgs, opts?: pulumi.CustomResourceOptions) {
    const outputsOnly = {
      keySize: undefined,
      validityDays: undefined,
      subject: undefined,
      certificatePem: undefined,
      publicKeyPem: undefined,
      privateKeyPem: undefined,
      sha1Fingerprint: undefined,
      sha256Fingerprint: undefined,
      serialNumber: undefined,
      notBefore: undefined,
      notAfter: undefined,
    };
    super(
      certificateAndKeyPairProvider,
      name,
      { ...outputsOnly, ...args },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...certificateSecretOutputs] },
      "salesforce",
      "CertificateAndKeyPair",
    );
  }
}
