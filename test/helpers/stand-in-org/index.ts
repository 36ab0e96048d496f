/**
 * @module A local stand-in Salesforce org for org-mode tests: the OAuth JWT Bearer token
 * endpoint, the SOAP Metadata API (deploy, checkDeployStatus, readMetadata, listMetadata, deleteMetadata)
 * and the Tooling `Certificate` query, with state kept across calls and fault switches. It follows the
 * documented wire format in shared/research/org-mode.md and salesforce.md; each module says which
 * section it follows, and start.ts lists what it does not model. Clients talk to it through jsforce.
 */
export { startStandInOrg } from "./start";
export type {
  StandInCall,
  StandInCertificateSeed,
  StandInConnectedAppSeed,
  StandInExistingRecords,
  StandInOrg,
  StandInOrgOptions,
  StandInUserOption,
} from "./start";
export type { StandInFaults } from "./faults";
export type { StandInPrerequisites } from "./prerequisites";
export type { IdentityProviderState, OrgApp, OrgCertificate, OrgComponent, OrgState, OrgUser } from "./org-state";
export type { DeployJob, DeployMessage } from "./deploy";
export { placeholder } from "./component-rules";
export {
  generateOrgKey,
  keepOrgKey,
  orgCertificationRequest,
  orgSelfSignedCertificate,
  salesforceSubject,
  selfSignedCommonName,
} from "./org-certificates";
export { foldName, sameName } from "./org-state";
export { newId } from "./ids";
export {
  certificateSource,
  certificateTemplatePem,
  identityProviderSource,
  metadataZip,
  packageXml,
  sourceFormatZip,
} from "./zips";
