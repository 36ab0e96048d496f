/**
 * @module The org connection, configured the Pulumi way: stack configuration read by the dynamic
 * provider's `configure()`, in the provider process.
 *
 * Measured with the engine this project runs (CLI 3.276.0, Node host from sdk 3.68.0; see the report of
 * branch `orgclient`): `configure()` receives the WHOLE stack configuration, every namespace, with secrets
 * decrypted; object values arrive as JSON text. The engine stores that configuration as the inputs of the
 * default `pulumi:providers:pulumi-nodejs` resource, where a secret stays encrypted; nothing of it enters
 * a resource's `__provider` text, because the provider reads it at run time instead of capturing it.
 * So the private key is a secret config value of its own, and the rest is one plain, readable object:
 *
 * ```yaml
 * config:
 *   salesforce-certs:org:
 *     loginUrl: https://greenmoor.my.salesforce.com
 *     username: deploy@greenmoor.example
 *     consumerKey: 3MVG9…
 *   salesforce-certs:orgPrivateKey:
 *     secure: v1:…            # pulumi config set --secret salesforce-certs:orgPrivateKey < key.pem
 * ```
 *
 * `pulumi refresh` and `pulumi destroy` configure the provider with the configuration saved at the last
 * `up` (the default provider's state), not the current one, unless run with `--run-program`.
 */
import crypto = require("node:crypto");
import { ValidationError, type ValidationIssue } from "../errors";
import { canonicalUrl, emailAddress, shown as shownValue } from "../validate/rules";

/** A value for a message; never text that looks like a key (a PEM pasted into the wrong field). */
function shown(value: unknown): string {
  return JSON.stringify(value ?? null).includes("-----BEGIN") ? "a PEM block, not shown" : shownValue(value);
}

/** The config key of the connection object. */
export const orgConfigKey = "salesforce-certs:org";
/** The config key of the private key (PEM); set it as a secret. */
export const orgPrivateKeyConfigKey = "salesforce-certs:orgPrivateKey";

/** The API version used when none is configured: Spring '26 (shared/research/org-mode.md §5). */
export const defaultApiVersion = "66.0";
/** The oldest API version org mode accepts: `ExtlClntAppGlobalOauthSettings.certificate` needs 60.0. */
export const minimumApiVersion = 60;
/** How often a deploy is polled when nothing is configured, in seconds. */
export const defaultPollIntervalSeconds = 2;
/** How long a deploy may take when nothing is configured, in seconds. */
export const defaultPollTimeoutSeconds = 600;

/** Everything needed to log in to an org and call its APIs; `privateKeyPem` is a secret. */
export interface OrgConnection {
  /** Where the token request goes: an origin such as `https://greenmoor.my.salesforce.com`. */
  loginUrl: string;
  /** The JWT `aud`: `https://login.salesforce.com`, `https://test.salesforce.com` for sandboxes, or as configured. */
  audience: string;
  username: string;
  consumerKey: string;
  /** `NN.0`, at least {@link minimumApiVersion}. */
  apiVersion: string;
  pollIntervalSeconds: number;
  pollTimeoutSeconds: number;
  /** The RSA private key whose certificate the connected app (or External Client App) holds. */
  privateKeyPem: string;
  /**
   * True when every deploy is first validated by a check-only deploy, where the decision is made (check for
   * creates, diff for updates): `preview` then reports what the org would refuse. Default false.
   */
  validateDeploys: boolean;
  /** Set while a preview cannot know the credential (why, in words); logging in waits for `up`. */
  knownAtUp?: string;
}

/** The settings of a connection that are not its identity: API version, polling, validation; defaulted. */
export const orgConnectionDefaults: Pick<
  OrgConnection,
  "apiVersion" | "pollIntervalSeconds" | "pollTimeoutSeconds" | "validateDeploys"
> = {
  apiVersion: defaultApiVersion,
  pollIntervalSeconds: defaultPollIntervalSeconds,
  pollTimeoutSeconds: defaultPollTimeoutSeconds,
  validateDeploys: false,
};

/** The fields of the `salesforce-certs:org` object, in the order messages list them. */
export const orgConfigFields = [
  "loginUrl",
  "username",
  "consumerKey",
  "audience",
  "apiVersion",
  "pollIntervalSeconds",
  "pollTimeoutSeconds",
  "validateDeploys",
] as const;

/** Where each part of a connection came from, for messages: config keys, or an argument's path. */
export interface ConnectionPaths {
  /** The object's path (`salesforce-certs:org`); a field is `<object>.<field>`. */
  object: string;
  /** The private key's path (`salesforce-certs:orgPrivateKey`). */
  privateKey: string;
}

const configPaths: ConnectionPaths = { object: orgConfigKey, privateKey: orgPrivateKeyConfigKey };

/**
 * The org connection of a stack's configuration, or `undefined` when neither key is set (artefact mode,
 * today's default). `config` is the `Config` a dynamic provider's `configure()` receives (any object with
 * `get(key)` returning the raw text).
 * @throws ValidationError `ERR_VALIDATION` listing every broken rule as `salesforce-certs:org.<field>: <rule>`
 * or `salesforce-certs:orgPrivateKey: <rule>`; the private key is never quoted.
 */
export function orgConnectionFromConfig(config: { get(key: string): string | undefined }): OrgConnection | undefined {
  const objectText = config.get(orgConfigKey);
  const privateKey = config.get(orgPrivateKeyConfigKey);
  if (objectText === undefined && privateKey === undefined) return undefined;
  let object: unknown;
  if (objectText !== undefined) {
    try {
      object = JSON.parse(objectText);
    } catch {
      object = objectText; // a plain string: reported as "must be an object" below
    }
  }
  return parseOrgConnection(object, privateKey, configPaths);
}

/**
 * Validates a connection given as an object and a private key, wherever they came from (stack config, or
 * an explicit resource argument whose paths are given in `paths`), and fills in the defaults.
 * @throws ValidationError `ERR_VALIDATION` listing every problem; the private key is never quoted.
 */
export function parseOrgConnection(
  object: unknown,
  privateKeyPem: unknown,
  paths: ConnectionPaths = configPaths,
): OrgConnection {
  const issues: ValidationIssue[] = [];
  const at = (field: string) => `${paths.object}.${field}`;
  const fields = (typeof object === "object" && object !== null && !Array.isArray(object) ? object : {}) as Record<
    string,
    unknown
  >;
  if (object === undefined) {
    issues.push({
      path: paths.object,
      message: `must be set when ${paths.privateKey} is: an object with ${requiredFields.join(", ")} (pulumi config set --path '${paths.object}.loginUrl' https://…)`,
    });
  } else if (fields !== object) {
    issues.push({
      path: paths.object,
      message: `must be an object with ${requiredFields.join(", ")}; set each field with pulumi config set --path '${paths.object}.<field>' (got ${typeof object === "string" ? "a string" : shown(object)})`,
    });
  }
  for (const key of Object.keys(fields)) {
    if (/private|key$/i.test(key) && key !== "consumerKey") {
      issues.push({
        path: at(key),
        message: `must not be here: the private key goes in ${paths.privateKey}, as a secret (its value is not shown)`,
      });
    } else if (!(orgConfigFields as readonly string[]).includes(key)) {
      issues.push({ path: at(key), message: `is not a connection field (known: ${orgConfigFields.join(", ")})` });
    }
  }
  if (object !== undefined && fields === object) {
    for (const field of requiredFields)
      if (fields[field] === undefined) issues.push({ path: at(field), message: "is required" });
  }
  const check = (field: string, rule: (value: unknown) => string | undefined) => {
    const value = fields[field];
    if (value === undefined) return;
    const message = rule(value);
    if (message) issues.push({ path: at(field), message });
  };
  check(
    "loginUrl",
    originUrl(
      "a login URL such as https://login.salesforce.com, https://test.salesforce.com or your My Domain https://<name>.my.salesforce.com",
    ),
  );
  check("audience", originUrl("an audience such as https://login.salesforce.com or https://test.salesforce.com"));
  check("username", (v) =>
    emailAddress(v)
      ? `must be a Salesforce username, which has the form of an e-mail address (got ${shown(v)})`
      : undefined,
  );
  check("consumerKey", (v) =>
    typeof v === "string" && /^[\x21-\x7e]{8,256}$/.test(v)
      ? undefined
      : `must be the app's consumer key: 8 to 256 visible ASCII characters, no spaces (got ${shown(v)})`,
  );
  check("apiVersion", apiVersionRule);
  check("pollIntervalSeconds", wholeSeconds(1, 60));
  check("pollTimeoutSeconds", wholeSeconds(1, 7200));
  check("validateDeploys", (v) =>
    flag(v) === undefined
      ? `must be true or false: true validates every deploy with a check-only deploy in preview and before up applies it (got ${shown(v)})`
      : undefined,
  );
  const interval = seconds(fields["pollIntervalSeconds"]) ?? defaultPollIntervalSeconds;
  const timeout = seconds(fields["pollTimeoutSeconds"]) ?? defaultPollTimeoutSeconds;
  if (!issues.some((i) => i.path.startsWith(at("poll"))) && timeout < interval) {
    issues.push({
      path: at("pollTimeoutSeconds"),
      message: `must be at least pollIntervalSeconds (${interval}) (got ${timeout})`,
    });
  }
  const keyProblem = privateKeyProblem(privateKeyPem, paths.privateKey);
  if (keyProblem) issues.push({ path: paths.privateKey, message: keyProblem });
  if (issues.length > 0) throw new ValidationError("org connection", issues);
  const loginUrl = new URL(fields["loginUrl"] as string).origin;
  return {
    loginUrl,
    audience:
      fields["audience"] !== undefined ? new URL(fields["audience"] as string).origin : defaultAudience(loginUrl),
    username: fields["username"] as string,
    consumerKey: fields["consumerKey"] as string,
    apiVersion: fields["apiVersion"] !== undefined ? normalApiVersion(fields["apiVersion"])! : defaultApiVersion,
    pollIntervalSeconds: interval,
    pollTimeoutSeconds: timeout,
    privateKeyPem: privateKeyPem as string,
    validateDeploys: flag(fields["validateDeploys"]) ?? false,
  };
}

const requiredFields = ["loginUrl", "username", "consumerKey"] as const;

/**
 * The JWT audience Salesforce expects for a login URL (salesforce.md §5): `https://test.salesforce.com`
 * for sandboxes (`test.salesforce.com`, `*.sandbox.my.salesforce.com`), else `https://login.salesforce.com`,
 * including for a production My Domain. Set `audience` for an Experience Cloud site.
 */
export function defaultAudience(loginUrl: string): string {
  const host = new URL(loginUrl).hostname.toLowerCase();
  return host === "test.salesforce.com" || host.endsWith(".sandbox.my.salesforce.com")
    ? "https://test.salesforce.com"
    : "https://login.salesforce.com";
}

/** A login URL or audience: an https origin (plain http only for a loopback stand-in) in canonical form. */
function originUrl(what: string): (value: unknown) => string | undefined {
  return canonicalUrl({
    schemes: "httpsOrLoopbackHttp",
    notUrl: `must be ${what}`,
    scheme: "must use https (plain http only for a loopback stand-in)",
    shape: {
      only: "origin",
      message: "must be an origin only, with no path, query or credentials, such as https://login.salesforce.com",
    },
    show: shown,
  });
}

function normalApiVersion(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return `${value}.0`;
  if (typeof value === "string" && /^\d{2,3}\.0$/.test(value)) return value;
  return undefined;
}

function apiVersionRule(value: unknown): string | undefined {
  const version = normalApiVersion(value);
  if (version === undefined) return `must be an API version such as "${defaultApiVersion}" (got ${shown(value)})`;
  if (Number(version) < minimumApiVersion)
    return `must be at least ${minimumApiVersion}.0: External Client App certificates need it (got ${shown(value)})`;
  return undefined;
}

/** A boolean, also as the text `pulumi config set --path` may store (`"true"`, `"false"`); undefined otherwise. */
function flag(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  return value === "true" ? true : value === "false" ? false : undefined;
}

function seconds(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}

function wholeSeconds(min: number, max: number): (value: unknown) => string | undefined {
  return (value) => {
    const n = seconds(value);
    return n !== undefined && n >= min && n <= max
      ? undefined
      : `must be a whole number of seconds from ${min} to ${max} (got ${shown(value)})`;
  };
}

/** Why `value` cannot be the login key, never quoting it; undefined when it is an RSA private key of 2048+ bits. */
function privateKeyProblem(value: unknown, path: string): string | undefined {
  const how = `pulumi config set --secret ${path} < key.pem`;
  if (value === undefined)
    return `must be set, as a secret, to the PEM private key whose certificate the app holds (${how})`;
  if (typeof value !== "string" || !/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(value)) {
    return `must be a PEM private key (PKCS #8 "BEGIN PRIVATE KEY" or PKCS #1 "BEGIN RSA PRIVATE KEY"); the value given is not one and is not shown`;
  }
  if (/-----BEGIN ENCRYPTED PRIVATE/.test(value))
    return "must be an unencrypted PEM private key (the secret config value is encrypted by Pulumi already); the value is not shown";
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(value);
  } catch {
    return "must be a readable PEM private key; it could not be parsed (the value is not shown)";
  }
  if (key.asymmetricKeyType !== "rsa")
    return `must be an RSA key: Salesforce signs the JWT Bearer Flow with RS256 (got a ${key.asymmetricKeyType ?? "non-RSA"} key)`;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) return `must be an RSA key of at least 2048 bits (got ${bits})`;
  return undefined;
}
