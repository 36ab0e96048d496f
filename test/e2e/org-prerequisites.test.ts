/**
 * The org prerequisites of External Client Apps, through the engine against the stand-in org with one of
 * them off (test/helpers/stand-in-org/prerequisites.ts): a JwtIntegration's create fails before anything
 * is deployed, with an error naming the Setup page and the setting; once an admin turns it on, the next
 * `up` creates the integration and its slot logs in.
 */
import test, { type ExecutionContext } from "ava";
import { CertificateAndKeyPair, JwtIntegration } from "../../provider";
import { openTempStack } from "../helpers/engine";
import { acmeCiArguments, ciUser, startOrgForProvider } from "../helpers/org-mode";
import type { StandInPrerequisites } from "../helpers/stand-in-org";

const start = "2026-12-01T09:00:00.000Z";

async function refusedThenConverges(
  t: ExecutionContext,
  name: string,
  off: keyof StandInPrerequisites,
  expected: RegExp,
): Promise<void> {
  const { org, configure } = await startOrgForProvider(start, { users: [ciUser], prerequisites: { [off]: false } });
  t.teardown(() => org.close());
  const env = await openTempStack(name, async () => {
    const certificate = new CertificateAndKeyPair("ci-cert", { uniqueName: "Acme_CI_JWT", label: "Acme CI JWT" });
    const ci = new JwtIntegration("ci", { ...acmeCiArguments(org.url), certificate });
    return { activeSlot: ci.activeSlot };
  });
  t.teardown(() => env.dispose());
  await configure(env.stack);
  const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;

  const mark = env.log.length;
  const error = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
  const text = `${error?.message ?? ""}\n${env.logSince(mark)}`;
  t.regex(text, expected);
  t.regex(text, /Setup › External Client Apps › External Client App Settings/);
  t.regex(text, /Then run pulumi up again; nothing was deployed\./);
  t.is(deploys(), 0, "refused before any deploy");
  t.deepEqual(
    org.state.components("ExternalClientApplication").map((c) => c.fullName),
    [],
    "no app in the org",
  );

  // An admin turns the setting on in Setup: the next up creates the integration.
  org.prerequisites[off] = true;
  await env.stack.up({ onOutput: env.onOutput });
  t.is((await env.values())["activeSlot"], "A");
  t.deepEqual(
    org.state
      .components("ExternalClientApplication")
      .map((c) => c.fullName)
      .sort(),
    ["Acme_CI_A", "Acme_CI_B"],
  );
}

test.serial(
  "the External Client App opt-in off: up refuses the JwtIntegration naming the Setup page and enableExternalClientApps; turned on, up creates it",
  async (t) => {
    await refusedThenConverges(
      t,
      "org-prereq-optin",
      "externalClientApps",
      /the org at http:\/\/127\.0\.0\.1:\d+ has not opted in to External Client Apps, so it would refuse to deploy ExternalClientApplication Acme_CI_A.*ExternalClientAppSettings\.enableExternalClientApps = true/s,
    );
  },
);

test.serial(
  "consumer-secret access via the Metadata API off: up refuses the JwtIntegration naming the setting; turned on, up creates it",
  async (t) => {
    await refusedThenConverges(
      t,
      "org-prereq-secrets",
      "consumerSecretsViaMetadataApi",
      /does not allow access to OAuth consumer secrets through the Metadata API.*"Allow access to OAuth consumer secrets via Metadata API" \(metadata: ExternalClientAppSettings\.enableConsumerSecretApiAccess = true\)/s,
    );
  },
);
