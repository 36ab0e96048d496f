/**
 * @module Every output field of a `CertificateAndKeyPair`, named once with its kinds (see
 * dynamic/field-table): the lists the class, the lifecycle, the state codec and the provider use are
 * derived from this table. The order of the secret fields is the order of `additionalSecretOutputs`.
 */
import { type FieldTable, fieldsOfKind } from "../dynamic/field-table";

/** A certificate's fields: its settings, the stored facts and keys, and the views computed from them. */
export const certificateFields = {
  uniqueName: "input",
  label: "input",
  generation: "stored",
  revision: "stored",
  salesforceName: "stored",
  keySize: "stored",
  validityDays: "stored",
  subject: "stored",
  caSigned: "stored",
  privateKeyExportable: ["stored", "keySource"],
  renewal: "stored",
  overlapDays: "stored",
  certificateChainPem: ["stored", "optional", "keySource"],
  // The key fields of shape 4 (see state.ts); the class reads them only through the key views.
  privateKey: ["stored", "secret", "keySource"],
  previousPrivateKey: ["stored", "secret", "keySource"],
  pendingPrivateKey: ["stored", "secret", "internal"],
  // Stored by shapes up to 3; the class makes them views of the key fields (see resource.ts).
  privateKeyPem: ["stored", "keySource"],
  pkcs12Base64: ["stored", "secret", "optional"],
  jksBase64: ["stored", "secret", "optional"],
  csrPem: ["stored", "optional"],
  previousCertificate: ["stored", "optional", "keySource"],
  previousPrivateKeyPem: ["stored", "keySource"],
  lastRotation: ["stored", "optional"],
  stateVersion: ["stored", "keySource"],
  custody: ["stored", "keySource"],
  keystorePassword: ["input", "secret"],
  certificatePem: "view",
  certificateDerBase64: "view",
  publicKeyPem: "view",
  publicKeyJwk: "view",
  sha1Fingerprint: "view",
  sha256Fingerprint: "view",
  serialNumber: "view",
  notBefore: "view",
  notAfter: "view",
  nextRotation: "view",
  awaitingSignature: "view",
  salesforceFiles: "view",
} as const satisfies FieldTable;

/** The outputs the provider stores that the class reads; it passes them as props. */
export const certificateStoredFields = fieldsOfKind(certificateFields, "stored", "internal");

/**
 * Stored outputs that hold private keys or keystores (the key fields of shape 4, see state.ts;
 * states of earlier shapes keep their own fields encrypted as stored).
 */
export const secretStateFields = fieldsOfKind(certificateFields, "secret");

/** Fields of the full state that are views of the stored facts, never stored from shape 3 on. */
export const certificateViewFields = fieldsOfKind(certificateFields, "view");

/**
 * The stored outputs the class's key views read: the key fields of every shape, the shape, and the facts
 * that decide whether a key is stored at all (see resource.ts).
 */
export const certificateKeySourceFields = fieldsOfKind(certificateFields, "keySource");

/**
 * Stored outputs that may be absent, stored as null so that preview reads them as known (see
 * dynamic/absent-outputs): the program computes its views from them.
 */
export const certificateOptionalOutputs = fieldsOfKind(certificateFields, "optional");
