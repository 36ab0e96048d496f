/**
 * @module The deployer's private key must be a secret in the stack configuration. The provider cannot
 * tell (the engine hands it configuration without marking secrets), but the program can: a key set
 * without `--secret` sits in plain text in `Pulumi.<stack>.yaml` and in the state of the default provider,
 * so the program stops before anything is created.
 */
import * as pulumi from "@pulumi/pulumi";
import { orgPrivateKeyConfigKey } from "./org-config";

/**
 * Throws a `RunError` naming `salesforce-certs:orgPrivateKey` when it is set but not as a secret. Uses the
 * SDK's `isConfigSecret` (exported by `@pulumi/pulumi/runtime/config`, not in its type declarations).
 */
export function assertOrgKeyIsSecret(): void {
  if (!Object.hasOwn(pulumi.runtime.allConfig(), orgPrivateKeyConfigKey)) return;
  const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };
  if (typeof isConfigSecret !== "function" || isConfigSecret(orgPrivateKeyConfigKey)) return;
  throw new pulumi.RunError(
    `${orgPrivateKeyConfigKey} is set as plain text: Pulumi would store the deployer's private key unencrypted in Pulumi.<stack>.yaml and in the state. ` +
      `Set it again as a secret: pulumi config set --secret ${orgPrivateKeyConfigKey} < key.pem (and rotate the key if the file was shared).`,
  );
}
