/**
 * @module Every output field of a `JwtIntegration`, named once with its kinds (see dynamic/field-table):
 * the lists the class, the lifecycle and the provider use are derived from this table.
 */
import { type FieldTable, fieldsOfKind } from "../dynamic/field-table";

/** An integration's outputs: the stored facts of its slots and settings, its secrets, and its views. */
export const jwtIntegrationFields = {
  apiName: "input",
  appName: "stored",
  consumerKey: "stored",
  label: "stored",
  contactEmail: "stored",
  username: "stored",
  audience: "stored",
  loginUrl: "stored",
  scopes: "stored",
  preAuthorized: "stored",
  appType: "stored",
  certificateSha256Fingerprint: "stored",
  certificateNotAfter: "stored",
  strategy: "stored",
  activeSlot: "stored",
  phase: "stored",
  retireAt: ["stored", "optional"],
  // Only while a slot is published but unproven; absent (not stored as null) otherwise, so a stable
  // integration's state is as small as without them.
  publishedAt: "stored",
  lastProofError: "stored",
  // From a slot's retire until the next publish (lifecycle.ts RetiredSlot): whether the org refuses the
  // retired slot's old key; absent otherwise, like the two above. Public (no key): the inventory publishes
  // it, so that report and check name a retire not proven yet.
  retiredSlot: "stored",
  // Stored; the class fills in the PEM of a slot that holds the bound certificate.
  slots: "stored",
  privateKeyPem: ["view", "secret"],
  slotKeys: ["stored", "secret"],
  tokenEndpoint: "view",
  sfLoginJwtCommand: "view",
  salesforceFiles: "view",
} as const satisfies FieldTable;

/** The outputs the provider stores; the class passes them as props. */
export const jwtStoredFields = fieldsOfKind(jwtIntegrationFields, "stored");

/** Output names that hold keys. */
export const jwtSecretFields = fieldsOfKind(jwtIntegrationFields, "secret");

/** Fields of the state that are views of the stored facts: computed in the program, never stored from shape 2 on. */
export const jwtViewFields = fieldsOfKind(jwtIntegrationFields, "view");

/** The views computed without the secret keys, so that they stay plain. */
export const jwtPublicViews = fieldsOfKind(jwtIntegrationFields, "view", "secret");

/** Outputs that may be absent, stored as null so that preview reads them as known (see dynamic/absent-outputs). */
export const jwtOptionalOutputs = fieldsOfKind(jwtIntegrationFields, "optional");
