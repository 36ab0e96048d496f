/**
 * @module Errors this library throws: one base class with a stable `code`, one subclass per kind, each
 * naming its code as `static readonly code` so callers can test `error.code === UsageError.code`.
 * Messages say what to fix and never carry a private key, an assertion or an access token.
 */

/** Base of every error this library throws; `code` is stable across releases, the message is not. */
export class SalesforceCertsError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** True when `value` is an error thrown by this library (any subclass). */
export function isSalesforceCertsError(value: unknown): value is SalesforceCertsError {
  return value instanceof SalesforceCertsError;
}

/** One problem with a value: where it is (`subject.country`) and the rule it breaks. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Thrown by a resource's `check` and by the `check…Args` functions: input that breaks one or more rules; every problem is listed, not only the first. */
export class ValidationError extends SalesforceCertsError {
  static readonly code = "ERR_VALIDATION";
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    super(ValidationError.code, `Invalid ${subject}:\n${issues.map((i) => ` - ${i.path}: ${i.message}`).join("\n")}`);
    this.issues = issues;
  }
}

/** Thrown before any engine command when the Pulumi engine is not where the project expects it: setup has not run or failed. */
export class EngineNotFoundError extends SalesforceCertsError {
  static readonly code = "ERR_ENGINE_NOT_FOUND";

  constructor(message: string) {
    super(EngineNotFoundError.code, message);
  }
}

/** Thrown by the command line when a Pulumi engine command (select, cancel, stack output, up…) failed; the message carries the engine's own words. */
export class EngineError extends SalesforceCertsError {
  static readonly code = "ERR_ENGINE";

  constructor(message: string) {
    super(EngineError.code, message);
  }
}

/** Thrown by the command line for a bad option, variable or date: the command could not run as asked (exit 2). */
export class UsageError extends SalesforceCertsError {
  static readonly code = "ERR_USAGE";

  constructor(message: string) {
    super(UsageError.code, message);
  }
}

/** Thrown by the command line when the inventory file it was given does not load; every problem is listed. */
export class InventoryError extends SalesforceCertsError {
  static readonly code = "ERR_INVENTORY";

  constructor(message: string) {
    super(InventoryError.code, message);
  }
}

/** Thrown by the command line when the named stack does not exist in the state folder. */
export class NoStackError extends SalesforceCertsError {
  static readonly code = "ERR_NO_STACK";

  constructor(message: string) {
    super(NoStackError.code, message);
  }
}

/** Thrown by the command line when the stack exists but has no inventory outputs (`certificates`) to read. */
export class NoInventoryOutputsError extends SalesforceCertsError {
  static readonly code = "ERR_NO_INVENTORY_OUTPUTS";

  constructor(message: string) {
    super(NoInventoryOutputsError.code, message);
  }
}

/** Thrown by `export-sfdx` when the stack's outputs hold no Salesforce metadata to export. */
export class NoMetadataError extends SalesforceCertsError {
  static readonly code = "ERR_NO_METADATA";

  constructor(message: string) {
    super(NoMetadataError.code, message);
  }
}

/** Thrown by `modelFromOutputs` and the commands that read stack outputs when those outputs are not of the shape this library writes. */
export class OutputsError extends SalesforceCertsError {
  static readonly code = "ERR_OUTPUTS";

  constructor(message: string) {
    super(OutputsError.code, message);
  }
}

/** Thrown by the command line when the file given with `--outputs` cannot be read or is not JSON outputs. */
export class OutputsFileError extends SalesforceCertsError {
  static readonly code = "ERR_OUTPUTS_FILE";

  constructor(message: string) {
    super(OutputsFileError.code, message);
  }
}

/** Thrown by `report` when the file given with `--out` cannot be written. */
export class ReportOutError extends SalesforceCertsError {
  static readonly code = "ERR_REPORT_OUT";

  constructor(message: string) {
    super(ReportOutError.code, message);
  }
}

/** Thrown by `export-sfdx` before it writes anything when a target path is unsafe; nothing was written. */
export class ExportPathError extends SalesforceCertsError {
  static readonly code = "ERR_EXPORT_PATH";

  constructor(message: string) {
    super(ExportPathError.code, message);
  }
}

/** Thrown by `export-sfdx` when a file of the export cannot be written. */
export class ExportWriteError extends SalesforceCertsError {
  static readonly code = "ERR_EXPORT_WRITE";

  constructor(message: string) {
    super(ExportWriteError.code, message);
  }
}

/** Thrown by `up` when the inventory no longer declares a resource of the stack and `--allow-delete` does not name it; nothing was changed. */
export class RemovalRefusedError extends SalesforceCertsError {
  static readonly code = "ERR_REMOVAL_REFUSED";

  constructor(message: string) {
    super(RemovalRefusedError.code, message);
  }
}

/** Thrown before a deploy is sent when the files to deploy cannot form one package (an unsafe path, two files on one zip entry…). */
export class DeployFilesError extends SalesforceCertsError {
  static readonly code = "ERR_DEPLOY_FILES";

  constructor(message: string) {
    super(DeployFilesError.code, message);
  }
}

/**
 * Thrown by a resource in org mode when it needs the org connection (`salesforce-certs:org`) and there is
 * none, or its credential is known only during `pulumi up`; and by `SalesforceOrgProvider` when `loginWith`
 * is not a JwtIntegration that keeps the stack's own connection.
 */
export class OrgConnectionError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_CONNECTION";

  constructor(message: string) {
    super(OrgConnectionError.code, message);
  }
}

/** Thrown in org mode when the org refused the JWT Bearer login, or could not be reached; `reason` is Salesforce's `error` code. */
export class OrgLoginError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_LOGIN";
  /** Salesforce's `error` (`invalid_grant`, `invalid_client_id`, …), or `unreachable`. */
  readonly reason: string;

  constructor(reason: string, message: string) {
    super(OrgLoginError.code, message);
    this.reason = reason;
  }
}

/** One component a deploy could not apply, as Salesforce reports it (`DeployMessage`). */
export interface ComponentFailure {
  /** The file in the deployed zip, e.g. `certs/Partner_SSO.crt-meta.xml` or `package.xml`. */
  fileName: string;
  /** `Type:fullName`, or empty when Salesforce names no component. */
  component: string;
  problem: string;
  /** `Error` or `Warning`. */
  problemType: string;
}

/** Thrown in org mode when a deploy (or a check-only validation) ended without success; nothing of it was applied (`rollbackOnError`). */
export class OrgDeployError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_DEPLOY";
  readonly deployId: string;
  readonly status: string;
  readonly failures: readonly ComponentFailure[];

  constructor(deployId: string, status: string, failures: readonly ComponentFailure[], message: string) {
    super(OrgDeployError.code, message);
    this.deployId = deployId;
    this.status = status;
    this.failures = failures;
  }
}

/** Thrown in org mode when a deploy is still not done when `pollTimeoutSeconds` ran out; it may still finish in the org. */
export class OrgDeployTimeoutError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_DEPLOY_TIMEOUT";
  readonly deployId: string;

  constructor(deployId: string, message: string) {
    super(OrgDeployTimeoutError.code, message);
    this.deployId = deployId;
  }
}

/**
 * Thrown in org mode before a deploy or a read the org would refuse because a prerequisite an admin sets
 * once in Setup is off (External Client Apps not enabled, no access to consumer secrets through the
 * Metadata API); the message names the Setup page and the setting. Nothing was deployed.
 */
export class OrgPrerequisiteError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_PREREQUISITE";
  /** The metadata field of the setting (`ExternalClientAppSettings.enableExternalClientApps`, …). */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(OrgPrerequisiteError.code, message);
    this.setting = setting;
  }
}

/** Thrown in org mode for any other API call the org refused (a SOAP fault, a REST error, a per-name delete error). */
export class OrgApiError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_API";
  /** Salesforce's code, without the `sf:` prefix (`INVALID_TYPE`, `INVALID_SESSION_ID`, …). */
  readonly apiCode: string;

  constructor(apiCode: string, message: string) {
    super(OrgApiError.code, message);
    this.apiCode = apiCode;
  }
}

/**
 * Thrown by `discover` when the org refuses to show its certificates (the Tooling query of `Certificate`
 * or `listMetadata Certificate`): the user it logs in as lacks "View Setup and Configuration". Nothing
 * was read, so nothing can be judged (the command line exits 2).
 */
export class DiscoverAccessError extends SalesforceCertsError {
  static readonly code = "ERR_DISCOVER_ACCESS";
  /** Salesforce's code (`INSUFFICIENT_ACCESS`, …). */
  readonly apiCode: string;

  constructor(apiCode: string, message: string) {
    super(DiscoverAccessError.code, message);
    this.apiCode = apiCode;
  }
}

/** Thrown by `check` or `diff` when `validateDeploys` is on and the org refused (or did not finish) the check-only validation; nothing was applied. */
export class OrgValidationError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_VALIDATION";
  readonly deployId: string;
  readonly failures: readonly ComponentFailure[];

  constructor(deployId: string, failures: readonly ComponentFailure[], message: string) {
    super(OrgValidationError.code, message);
    this.deployId = deployId;
    this.failures = failures;
    // Thrown from check or diff, whose host prints `${error}: ${error.stack}` before the engine shows the
    // message: an expected refusal of the org, so no stack frames (and no second copy of the message).
    this.stack = "";
  }
}

/** Thrown on create when a resource would take a name the org already holds and adoption was not asked for. */
export class OrgAlreadyExistsError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_ALREADY_EXISTS";

  constructor(message: string) {
    super(OrgAlreadyExistsError.code, message);
  }
}

/**
 * Thrown on create when a resource's `adopt` names an org object that is not the one it describes: absent,
 * or differing in a field the resource would otherwise change (a certificate's fingerprint, key size, CA
 * signing, label or exportability; a SAML app's entity ID, ACS URL, NameID format, subject type or signing
 * algorithm; the IdP settings); the message names each field with the org's value and the resource's.
 * Nothing was deployed.
 */
export class OrgAdoptionRefusedError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_ADOPTION_REFUSED";

  constructor(message: string) {
    super(OrgAdoptionRefusedError.code, message);
  }
}

/**
 * Thrown by `up` and `preview` before the engine runs when an inventory entry adopts an org object (a
 * certificate, an app) that another stack in the same state folder already manages in the same org (or in
 * an org nothing tells apart from it before a login): both stacks would rotate and delete it. The message
 * names the object, the other stack and its org, and how to move the object. Nothing was run.
 */
export class AdoptedElsewhereError extends SalesforceCertsError {
  static readonly code = "ERR_ADOPTED_ELSEWHERE";

  constructor(message: string) {
    super(AdoptedElsewhereError.code, message);
  }
}

/** Thrown in org mode when the certificate a CA-signed resource awaits a chain for is signed in the org already (by hand); nothing was deployed. */
export class OrgCertificateSignedError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_CERTIFICATE_SIGNED";

  constructor(message: string) {
    super(OrgCertificateSignedError.code, message);
  }
}

/** Thrown in org mode when a certificate the org was to generate is read back with the key of the template the provider deployed, not a key pair of the org's own. */
export class OrgTemplateKeyKeptError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_TEMPLATE_KEY_KEPT";

  constructor(message: string) {
    super(OrgTemplateKeyKeptError.code, message);
  }
}

/** Thrown in org mode when `signedChainPem` certifies the key of a certificate the org holds signed already; nothing was deployed. */
export class OrgChainOverSignedError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_CHAIN_OVER_SIGNED";

  constructor(message: string) {
    super(OrgChainOverSignedError.code, message);
  }
}

/** Thrown when `signedChainPem` certifies no key the certificate has: neither its CSR's nor the one in force (or it has none yet, at creation). */
export class SignedChainMismatchError extends SalesforceCertsError {
  static readonly code = "ERR_SIGNED_CHAIN_MISMATCH";

  constructor(message: string) {
    super(SignedChainMismatchError.code, message);
  }
}

/** Thrown in org mode when a JWT integration's app slot holds a certificate whose PEM this run was not given; nothing was deployed. */
export class OrgJwtCertificateError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_JWT_CERTIFICATE";

  constructor(message: string) {
    super(OrgJwtCertificateError.code, message);
  }
}

/**
 * Thrown in org mode when a JWT integration's `adopt` names an app the org does not hold as given: no
 * such app, no certificate in it, another certificate than the fingerprint given, or a private key that
 * is not the certificate's. Nothing was deployed or recorded.
 */
export class OrgJwtAdoptError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_JWT_ADOPT";

  constructor(message: string) {
    super(OrgJwtAdoptError.code, message);
  }
}

/** Thrown in org mode for `appType ConnectedApp` when the org has no such Connected App: Salesforce no longer creates them, it only updates existing ones. */
export class OrgConnectedAppCreateError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_CONNECTED_APP_CREATE";

  constructor(message: string) {
    super(OrgConnectedAppCreateError.code, message);
  }
}

/**
 * Thrown in org mode when a read the org answers on its own (readMetadata, listMetadata, a Tooling query)
 * after a deploy or delete shows that the org does not hold what the provider meant. `id`, `properties`
 * and `reasons`, when set, are the state that is true after the write: Pulumi's dynamic provider host
 * reports them as a resource that was written but failed to initialise, so the state keeps them.
 */
export class OrgReadBackError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_READ_BACK";
  readonly org: string;
  readonly component: string;
  readonly expected: string;
  readonly read: string;
  id?: string;
  properties?: Record<string, unknown>;
  reasons?: string[];

  /** `org`: instance URL and org id; `component`: type and fullName; `expected` and `read`: what was meant and what the org answered. */
  constructor(org: string, component: string, expected: string, read: string) {
    super(
      OrgReadBackError.code,
      `the org at ${org} did not apply ${component}: expected ${expected}; read ${read}. Nothing else was written after it; run pulumi up again: it reads the org first and writes again what is missing.`,
    );
    this.org = org;
    this.component = component;
    this.expected = expected;
    this.read = read;
  }
}

/** Thrown in org mode before any write when the session's org is not the org the resource was created in; nothing was written. */
export class OrgMismatchError extends SalesforceCertsError {
  static readonly code = "ERR_ORG_MISMATCH";

  constructor(message: string) {
    super(OrgMismatchError.code, message);
  }
}

/** Thrown by the dynamic provider host's entry points when it calls them in a way this release does not know: an unsupported `@pulumi/pulumi`. */
export class ProviderHostError extends SalesforceCertsError {
  static readonly code = "ERR_PROVIDER_HOST";

  constructor(message: string) {
    super(ProviderHostError.code, message);
  }
}

/** Thrown when a stored value of a resource's state (an RSA key's numbers) cannot be what this library wrote: the state was edited by hand. */
export class StateDamagedError extends SalesforceCertsError {
  static readonly code = "ERR_STATE_DAMAGED";

  constructor(message: string) {
    super(StateDamagedError.code, message);
  }
}

/**
 * The stack could not be read or written as asked (its passphrase, state folder or checkpoint) and nothing
 * was changed: the command line exits 2 ("could not look"), as for a usage error, not 1 ("found a problem").
 * A base: each kind below has its own code.
 */
export abstract class StackAccessError extends SalesforceCertsError {}

/** Thrown before any engine command when the stack has no passphrase for its secrets, or an empty one. */
export class PassphraseError extends StackAccessError {
  static readonly code = "ERR_PASSPHRASE";

  constructor(message: string) {
    super(PassphraseError.code, message);
  }
}

/** Thrown when the passphrase given does not decrypt the stack's secrets. */
export class WrongPassphraseError extends StackAccessError {
  static readonly code = "ERR_WRONG_PASSPHRASE";

  constructor(message: string) {
    super(WrongPassphraseError.code, message);
  }
}

/** Thrown when a secret of the stack does not decrypt although the passphrase is right: its state was changed outside Pulumi. */
export class SecretUnreadableError extends StackAccessError {
  static readonly code = "ERR_SECRET_UNREADABLE";

  constructor(message: string) {
    super(SecretUnreadableError.code, message);
  }
}

/** Thrown when the state folder is not a folder, or a mode in it that must change cannot. */
export class StateDirError extends StackAccessError {
  static readonly code = "ERR_STATE_DIR";

  constructor(message: string) {
    super(StateDirError.code, message);
  }
}

/** Thrown when the stack's checkpoint is missing while the state folder shows that the stack existed; nothing was changed. */
export class CheckpointMissingError extends StackAccessError {
  static readonly code = "ERR_CHECKPOINT_MISSING";

  constructor(message: string) {
    super(CheckpointMissingError.code, message);
  }
}

/** Thrown when the stack's checkpoint is damaged and so is its newest backup copy, or there is none. */
export class CheckpointDamagedError extends StackAccessError {
  static readonly code = "ERR_CHECKPOINT_DAMAGED";

  constructor(message: string) {
    super(CheckpointDamagedError.code, message);
  }
}
