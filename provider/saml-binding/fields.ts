/**
 * @module Every field of a `SamlSpBinding`, named once with its kinds (see dynamic/field-table): the lists
 * the class, the lifecycle and the provider use are derived from this table.
 */
import { type FieldTable, fieldsOfKind } from "../dynamic/field-table";

/** A binding's fields: its settings, the stages and where they stand, the views, and what it is handed. */
export const samlSpBindingFields = {
  apiName: ["input", "stored"],
  label: ["input", "stored"],
  contactEmail: ["input", "stored"],
  spEntityId: ["input", "stored"],
  acsUrl: ["input", "stored"],
  singleLogoutUrl: ["input", "stored", "ifGiven"],
  singleLogoutBinding: ["input", "stored", "ifGiven"],
  nameIdFormat: ["input", "stored"],
  subjectType: ["input", "stored"],
  subjectCustomAttribute: ["input", "stored", "ifGiven"],
  signingAlgorithm: ["input", "stored"],
  acknowledgeSha1: ["input", "stored"],
  spSigningCertificatePem: ["input", "stored", "ifGiven"],
  encryption: ["input", "stored", "ifGiven"],
  preAuthorized: ["input", "stored"],
  myDomainUrl: ["input", "stored"],
  appType: ["input", "stored"],
  publishDays: ["input", "stored"],
  overlapDays: ["input", "stored"],
  holdPhase: ["input", "stored"],
  advanceTrigger: ["input", "stored", "ifGiven"],
  idpCertificateName: ["input", "stored"],
  // Only an adopting binding stores it (its app's name in the org); the class reads it only then.
  appName: ["stored", "ifGiven"],
  stages: "stored",
  phase: "stored",
  nextStep: "stored",
  phaseEndsAt: ["stored", "optional"],
  idpMetadataXml: "view",
  metadataDiscoveryUrl: "view",
  idpEntityId: "view",
  ssoPostUrl: "view",
  ssoRedirectUrl: "view",
  sloUrl: "view",
  signingCertificatePem: "view",
  signingSha256Fingerprint: "view",
  signingSha1Fingerprint: "view",
  signingNotAfter: "view",
  publishedCertificates: "view",
  salesforceFiles: "view",
  handoffText: "view",
  entityId: ["view", "internal"],
  certificatePem: "transient",
  previousCertificatePem: "transient",
  certificateSha256Fingerprint: "transient",
  certificateSha1Fingerprint: "transient",
  certificateNotAfter: "transient",
} as const satisfies FieldTable;

/** Every setting of a binding, the optional ones included. */
export const samlInputKeys = fieldsOfKind(samlSpBindingFields, "input");

/** Settings that have no default: absent from the state when not given. */
export const optionalSamlSettings = fieldsOfKind(samlSpBindingFields, "ifGiven");

/** The outputs the provider stores; the class passes them as props. */
export const samlStoredFields = fieldsOfKind(samlSpBindingFields, "stored");

/** Fields of the state that are views of the stored facts: computed in the program, never stored from shape 2 on. */
export const samlViewFields = fieldsOfKind(samlSpBindingFields, "view");

/** The views the class outputs. */
export const samlOutputViews = fieldsOfKind(samlSpBindingFields, "view", "internal");

/** Outputs that may be absent, stored as null so that preview reads them as known (see dynamic/absent-outputs). */
export const samlOptionalOutputs = fieldsOfKind(samlSpBindingFields, "optional");

/** Fields handed to the provider that it does not store (the bound certificate's PEM and facts: the stages hold them). */
export const samlTransientFields = fieldsOfKind(samlSpBindingFields, "transient");
