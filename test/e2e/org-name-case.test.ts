/**
 * The tests run one at a time: inline programs share the test process's Pulumi configuration.
 *
 * Salesforce names ignore case (provider/salesforce/names.ts cites the sources), and so does the stand-in
 * org. A certificate made by hand as `Acme_IdP` is the same certificate as a declared `ACME_IDP`: `up`
 * treats it as it treats an exact-name clash (adoption.ts): it refuses, naming the org's spelling, and
 * deploys nothing (a deploy would re-key it); `destroy` of the refused stack leaves it alone; only when
 * the user names it in SALESFORCE_CERTS_ADOPT is it taken over, read back under the declared name, with no
 * deploy. The same holds for an External Client App made by hand as `acme_ci_a` when an integration's
 * slot app is `Acme_CI_A`: `up` refuses naming the org's spelling and leaves the app as it was.
 */
import test from "ava";
import { CertificateAndKeyPair, JwtIntegration } from "../../provider";
import { externalClientAppFiles } from "../../provider/salesforce/oauth-apps";
import { openTempStack } from "../helpers/engine";
import { opensslSelfSigned } from "../helpers/openssl-ca";
import { acmeCiArguments, ciUser, startOrgForProvider } from "../helpers/org-mode";
import { sourceFormatZip } from "../helpers/stand-in-org";

const start = "2026-12-01T09:00:00.000Z";

test.serial(
  "a hand-made Acme_IdP is neither re-keyed nor deleted by a stack declaring ACME_IDP; it is taken over only when named",
  async (t) => {
    const { org, configure } = await startOrgForProvider(start, {
      certificates: [{ fullName: "Acme_IdP", masterLabel: "Acme IdP (made in Setup)" }],
    });
    t.teardown(() => org.close());
    const handMade = org.state.certificate("Acme_IdP")!;
    const before = {
      id: handMade.id,
      pem: handMade.contentPem,
      keyGeneration: handMade.keyGeneration,
    };
    const env = await openTempStack("org-name-case", async () => {
      const idp = new CertificateAndKeyPair("idp", {
        uniqueName: "ACME_IDP",
        label: "Acme IdP signing",
        custody: "org",
      });
      return {
        certificatePem: idp.certificatePem,
        salesforceName: idp.salesforceName,
      };
    });
    t.teardown(() => env.dispose());
    await configure(env.stack);
    const deploys = () => org.calls.filter((c) => c.operation === "deploy").length;

    const refusal = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
    t.regex(
      refusal!.message,
      /Certificate Acme_IdP already exists in the org at http:\/\/127\.0\.0\.1:\d+, .*SALESFORCE_CERTS_ADOPT=Acme_IdP/,
    );
    t.is(deploys(), 0, "nothing was deployed under the case variant");
    const still = () => org.state.certificate("Acme_IdP");
    t.like(still(), {
      fullName: "Acme_IdP",
      id: before.id,
      contentPem: before.pem,
      keyGeneration: 1,
    });
    t.is(org.state.certificates.length, 1, "no second certificate beside it");

    await env.stack.destroy({ onOutput: env.onOutput });
    t.like(still(), { fullName: "Acme_IdP", id: before.id, deleted: false }, "destroy left the hand-made one alone");
    t.false(org.calls.some((c) => c.operation === "deleteMetadata"));

    // Named for one run, it is taken over as it is: read back (org's PEM) under the declared name, not deployed.
    const workspace = env.stack.workspace as {
      envVars: Record<string, string>;
    };
    workspace.envVars["SALESFORCE_CERTS_ADOPT"] = "Acme_IdP";
    await env.stack.up({ onOutput: env.onOutput });
    delete workspace.envVars["SALESFORCE_CERTS_ADOPT"];
    t.is(deploys(), 0);
    const outputs = await env.values();
    t.is(outputs["certificatePem"], before.pem);
    t.is(outputs["salesforceName"], "ACME_IDP");
    t.like(still(), { id: before.id, keyGeneration: before.keyGeneration });
    t.deepEqual((await env.stack.preview({ onOutput: env.onOutput })).changeSummary, { same: 2 });
  },
);

test.serial(
  "a hand-made External Client App acme_ci_a is not taken over by an integration whose slot app is Acme_CI_A",
  async (t) => {
    const { org, configure, admin } = await startOrgForProvider(start, { users: [ciUser] });
    t.teardown(() => org.close());
    const theirs = opensslSelfSigned("someone else", new Date(start), new Date(Date.parse(start) + 30 * 86_400_000));
    const handMade = externalClientAppFiles({
      name: "acme_ci_a",
      label: "Made in Setup",
      contactEmail: "someone@acme.example",
      description: "hand-made",
      consumerKey: "HandMadeKey",
      certificatePem: theirs.certificatePem,
      scopes: ["Api"],
      permissionSets: ["CI_Deployer"],
      profiles: [],
    });
    const result = await admin()
      .metadata.deploy(await sourceFormatZip(handMade), { singlePackage: true, rollbackOnError: true })
      .complete(true);
    t.is(result.status, "Succeeded");
    const before = JSON.stringify(org.state.components("ExtlClntAppGlobalOauthSettings"));
    const env = await openTempStack("org-name-case-app", async () => {
      const certificate = new CertificateAndKeyPair("ci-cert", { uniqueName: "Acme_CI_JWT", label: "Acme CI JWT" });
      const ci = new JwtIntegration("ci", { ...acmeCiArguments(org.url), certificate });
      return { consumerKey: ci.consumerKey };
    });
    t.teardown(() => env.dispose());
    await configure(env.stack);
    const deploys = org.calls.filter((c) => c.operation === "deploy").length;

    const refusal = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
    t.regex(
      refusal!.message,
      /ExternalClientApplication acme_ci_a already exists in the org at .*SALESFORCE_CERTS_ADOPT=acme_ci_a/,
    );
    t.is(org.calls.filter((c) => c.operation === "deploy").length, deploys, "nothing was deployed");
    t.deepEqual(
      org.state.components("ExternalClientApplication").map((c) => [c.fullName, c.record["label"]]),
      [["acme_ci_a", "Made in Setup"]],
    );
    t.is(
      JSON.stringify(org.state.components("ExtlClntAppGlobalOauthSettings")),
      before,
      "its certificate and key are as they were",
    );
    await env.stack.destroy({ onOutput: env.onOutput });
    t.is(org.state.components("ExternalClientApplication").length, 1, "destroy left it alone");
  },
);
