/**
 * @module Says why the engine could not decrypt a stack's secrets, in one line: the passphrase is not the
 * stack's, or a secret in the checkpoint was changed (the engine's "cipher: message authentication
 * failed" names no resource: this names each one and the property that holds it).
 *
 * Pulumi's passphrase secrets (pkg/secrets/passphrase, sdk/go/common/resource/config/crypt.go): AES-256-GCM
 * with a key from PBKDF2-SHA256 (1,000,000 rounds, 32 bytes) of the passphrase and a salt; the salt and
 * the encrypted check value "pulumi" are the state `v1:<salt>:v1:<nonce>:<ciphertext>`, each secret is
 * `v1:<nonce>:<ciphertext and tag>` (base64). node:crypto does the work; no library reads this format.
 */
import crypto = require("node:crypto");
import fs = require("node:fs");
import { SecretUnreadableError, type StackAccessError, WrongPassphraseError } from "../errors";

/** The signature key and value of a secret in a checkpoint. */
const secretSignature = ["4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"] as const;

/** A secret of a checkpoint that does not decrypt: the resource and the property path that hold it. */
export interface UnreadableSecret {
  urn: string;
  /** `CertificateAndKeyPair Acme_mTLS` */
  resource: string;
  /** `outputs.privateKey` */
  property: string;
}

/** What decrypting a checkpoint's secrets with a passphrase found; undefined when it is not a passphrase stack. */
export interface SecretsFinding {
  /** The passphrase does not open the stack's salt: it is not the stack's passphrase. */
  wrongPassphrase: boolean;
  /** Secrets that do not decrypt although the passphrase is right. */
  unreadable: UnreadableSecret[];
}

/**
 * Decrypts every secret of `checkpointText` (a checkpoint of the file backend) with `passphrase`.
 * `configSalt`: the stack config's `encryptionsalt`, used when the checkpoint names no secrets provider.
 */
export function findUnreadableSecrets(
  checkpointText: string,
  passphrase: string,
  configSalt?: string,
): SecretsFinding | undefined {
  let checkpoint: {
    checkpoint?: {
      latest?: {
        secrets_providers?: { type?: string; state?: { salt?: string } };
        resources?: { urn: string; type: string; inputs?: unknown; outputs?: unknown }[];
      };
    };
  };
  try {
    checkpoint = JSON.parse(checkpointText) as typeof checkpoint;
  } catch {
    return undefined;
  }
  const latest = checkpoint.checkpoint?.latest;
  const provider = latest?.secrets_providers;
  if (provider && provider.type !== "passphrase") return undefined;
  const state = provider?.state?.salt ?? configSalt;
  const parts = state?.split(":") ?? [];
  if (parts.length !== 5 || parts[0] !== "v1") return undefined;
  const key = crypto.pbkdf2Sync(passphrase, Buffer.from(parts[1]!, "base64"), 1_000_000, 32, "sha256");
  if (decrypt(key, parts.slice(2).join(":")) !== "pulumi") return { wrongPassphrase: true, unreadable: [] };
  const unreadable: UnreadableSecret[] = [];
  for (const resource of latest?.resources ?? []) {
    const name = resource.urn.slice(resource.urn.lastIndexOf("::") + 2);
    const type = resource.type.slice(resource.type.lastIndexOf(":") + 1);
    const walk = (value: unknown, at: string) => {
      if (Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, `${at}[${i}]`);
      else if (typeof value === "object" && value !== null) {
        const object = value as Record<string, unknown>;
        if (object[secretSignature[0]] === secretSignature[1]) {
          if (typeof object["ciphertext"] === "string" && decrypt(key, object["ciphertext"]) === undefined)
            unreadable.push({ urn: resource.urn, resource: `${type} ${name}`, property: at });
          return;
        }
        for (const [k, v] of Object.entries(object)) walk(v, `${at}.${k}`);
      }
    };
    walk(resource.inputs, "inputs");
    walk(resource.outputs, "outputs");
  }
  return { wrongPassphrase: false, unreadable };
}

/** The plain text of one `v1:<nonce>:<ciphertext and tag>` value, or undefined when it does not decrypt. */
function decrypt(key: Buffer, value: string): string | undefined {
  const [version, nonce, sealed] = value.split(":");
  if (version !== "v1" || nonce === undefined || sealed === undefined) return undefined;
  try {
    const bytes = Buffer.from(sealed, "base64");
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

/** The passphrase the engine gets from `env` (the variable, else the file's content trimmed, as the engine reads it). */
export function passphraseIn(env: NodeJS.ProcessEnv): string | undefined {
  if (env["PULUMI_CONFIG_PASSPHRASE"] !== undefined) return env["PULUMI_CONFIG_PASSPHRASE"];
  const file = env["PULUMI_CONFIG_PASSPHRASE_FILE"];
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** The error for a stack whose passphrase is not the one its secrets were encrypted with. */
export function wrongPassphraseError(stackName: string): StackAccessError {
  return new WrongPassphraseError(
    `stack '${stackName}': the passphrase does not decrypt its secrets (incorrect passphrase): set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to the passphrase the stack was made with`,
  );
}

/**
 * Why the engine could not decrypt `checkpointFile`'s secrets with the passphrase of `env`, as an error to
 * throw; undefined when every secret decrypts (the engine failed for another reason) or it cannot tell.
 */
export function secretsError(
  stackName: string,
  checkpointFile: string,
  env: NodeJS.ProcessEnv,
  configFile?: string,
): StackAccessError | undefined {
  const passphrase = passphraseIn(env);
  if (passphrase === undefined || !fs.existsSync(checkpointFile)) return undefined;
  const configSalt =
    configFile && fs.existsSync(configFile)
      ? /^encryptionsalt:\s*(\S+)\s*$/m.exec(fs.readFileSync(configFile, "utf8"))?.[1]
      : undefined;
  const finding = findUnreadableSecrets(fs.readFileSync(checkpointFile, "utf8"), passphrase, configSalt);
  if (!finding) return undefined;
  if (finding.wrongPassphrase) return wrongPassphraseError(stackName);
  if (finding.unreadable.length === 0) return undefined;
  const named = finding.unreadable.map((s) => `${s.property} of ${s.resource} (${s.urn})`).join("; ");
  return new SecretUnreadableError(
    `stack '${stackName}': ${finding.unreadable.length === 1 ? "a secret does" : `${finding.unreadable.length} secrets do`} not decrypt although the passphrase is right (cipher: message authentication failed), so ${checkpointFile} was changed outside Pulumi: ${named}; restore the checkpoint from a backup (the .bak beside it, or .pulumi/backups/ or .pulumi/history/ in the state folder)`,
  );
}

/**
 * The error to show for an engine failure whose text (`message`) says the stack's secrets could not be
 * decrypted: a wrong passphrase, or a secret changed in the checkpoint (named when `checkpointFile`, the
 * file backend's checkpoint, can be read). Undefined for any other failure.
 */
export function secretsErrorFromMessage(
  message: string,
  stackName: string,
  env: NodeJS.ProcessEnv,
  checkpointFile?: string,
  configFile?: string,
): StackAccessError | undefined {
  if (/incorrect passphrase/.test(message)) return wrongPassphraseError(stackName);
  if (!/message authentication failed/.test(message)) return undefined;
  return (
    (checkpointFile ? secretsError(stackName, checkpointFile, env, configFile) : undefined) ??
    new SecretUnreadableError(
      `stack '${stackName}': a secret does not decrypt although the passphrase is right (cipher: message authentication failed), so its state was changed outside Pulumi: restore it from a backup`,
    )
  );
}
