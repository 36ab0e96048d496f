/**
 * @module Which passphrase protects a stack's secrets on the local backend. The published demo
 * passphrase is used only for the demo stack, so that a real stack never gets it by accident.
 */
import { SalesforceCertsError } from "../errors";

/**
 * The passphrase of the demo stack (`npm start`). A published demo value, not a secret: any other stack
 * needs PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.
 */
export const demoPassphrase = "demo-passphrase-not-a-secret";

/** The one stack that may use {@link demoPassphrase}. */
export const demoStackName = "demo";

/**
 * The environment to add for `stackName`'s secrets: nothing when the caller's environment names a
 * passphrase, the demo passphrase for the demo stack.
 *
 * @throws SalesforceCertsError `ERR_PASSPHRASE` for any other stack without a passphrase.
 */
export function passphraseEnvironment(stackName: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (env["PULUMI_CONFIG_PASSPHRASE"] !== undefined || env["PULUMI_CONFIG_PASSPHRASE_FILE"] !== undefined) return {};
  if (stackName === demoStackName) return { PULUMI_CONFIG_PASSPHRASE: demoPassphrase };
  throw new SalesforceCertsError(
    "ERR_PASSPHRASE",
    `stack '${stackName}' needs a passphrase for its secrets: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE (only the '${demoStackName}' stack uses the published demo passphrase)`,
  );
}
