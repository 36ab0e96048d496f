/**
 * @module pulumi-salesforce-certs: Pulumi dynamic resources for Salesforce certificates, key pairs and
 * the integrations that use them. The one barrel: every public name is listed here.
 */
export {
  CertificateAndKeyPair,
  certificateAndKeyPairProvider,
  type CertificateAndKeyPairArgs,
  type CertificateAndKeyPairOutputs,
} from "./certificate/resource";
export {
  JwtIntegration,
  jwtIntegrationProvider,
  type JwtIntegrationArgs,
} from "./jwt-integration/resource";
export { SalesforceOrgProvider, type SalesforceOrgProviderArgs } from "./jwt-integration/org-provider";
export {
  SamlSpBinding,
  samlSpBindingProvider,
  type SamlSpBindingArgs,
} from "./saml-binding/resource";
export type { DistinguishedName } from "./crypto/distinguished-name";
export type { RsaKeySize } from "./crypto/rsa-key-pair";
export type { CertificateInputs } from "./certificate/args";
export {
  SalesforceCertsError,
  ValidationError,
  EngineNotFoundError,
  EngineError,
  UsageError,
  InventoryError,
  NoStackError,
  NoInventoryOutputsError,
  NoMetadataError,
  OutputsError,
  OutputsFileError,
  ReportOutError,
  ExportPathError,
  ExportWriteError,
  RemovalRefusedError,
  DeployFilesError,
  OrgConnectionError,
  OrgLoginError,
  OrgDeployError,
  OrgDeployTimeoutError,
  OrgPrerequisiteError,
  OrgApiError,
  OrgValidationError,
  OrgAlreadyExistsError,
  OrgCertificateSignedError,
  OrgChainOverSignedError,
  OrgTemplateKeyKeptError,
  SignedChainMismatchError,
  OrgJwtCertificateError,
  OrgJwtAdoptError,
  OrgConnectedAppCreateError,
  OrgReadBackError,
  DiscoverAccessError,
  OrgMismatchError,
  OrgAdoptionRefusedError,
  AdoptedElsewhereError,
  ProviderHostError,
  StateDamagedError,
  StackAccessError,
  PassphraseError,
  WrongPassphraseError,
  SecretUnreadableError,
  StateDirError,
  CheckpointMissingError,
  CheckpointDamagedError,
  isSalesforceCertsError,
  type ComponentFailure,
  type ValidationIssue,
} from "./errors";
export { loadInventory, formatProblem, type InventoryLoad, type InventoryProblem } from "./inventory/load-inventory";
export { declareInventory } from "./inventory/declare-inventory";
export type { Consumer } from "./inventory/stack-outputs";
export type { Inventory } from "./inventory/inventory-types";
export { renderReport } from "./report/render-report";
export { modelFromInventory, modelFromOutputs, type ReportModel } from "./report/report-model";
export { evaluateExpiryGate, type GateFinding } from "./report/expiry-gate";
export { discover, type OrgToDiscover } from "./discover/discover";
export { discoverOrg } from "./discover/read-org";
export { discoveryJson } from "./discover/json";
export { discoveryGate, type DiscoveryFinding, type DiscoveryGateResult } from "./discover/gate";
export type { DiscoveredOrg, DiscoveryDocument } from "./discover/model";
