/**
 * The tests run one at a time: inline programs share the test process's Pulumi configuration.
 *
 * An External Client App SAML binding needs API 63.0 (its policy type appears there; saml-binding/args.ts):
 * with the org connection at 62.0, check() refuses the binding naming the field and the rule, so neither
 * preview nor up deploys any of it; at 63.0 the same program deploys.
 */
import test from "ava";
import { CertificateAndKeyPair, SamlSpBinding } from "../../provider";
import { openTempStack } from "../helpers/engine";
import { startOrgForProvider } from "../helpers/org-mode";
import { acmePartnerSsoArguments } from "../helpers/org-saml";

const start = "2026-12-01T09:00:00.000Z";

test.serial(
  "a SAML binding on an org connection at apiVersion 62.0 is refused by check() before anything is deployed",
  async (t) => {
    const { org, configure } = await startOrgForProvider(start);
    t.teardown(() => org.close());
    const env = await openTempStack("org-api-version", async () => {
      const idp = new CertificateAndKeyPair("idp", { uniqueName: "Acme_IdP", label: "Acme IdP signing" });
      const sso = new SamlSpBinding("partner", {
        apiName: "Partner_Portal",
        label: "Partner portal",
        ...acmePartnerSsoArguments(),
        idpCertificate: idp,
      });
      return { metadata: sso.idpMetadataXml };
    });
    t.teardown(() => env.dispose());
    await configure(env.stack, { apiVersion: "62.0" });
    const rule =
      /property appType value .* has a problem: ExternalClientApp needs the org connection's apiVersion to be at least 63\.0: its SAML policy \(ExtlClntAppSamlConfigurablePolicies\) exists from API 63\.0 \(got apiVersion 62\.0\)/;

    const preview = await t.throwsAsync(env.stack.preview({ onOutput: env.onOutput }));
    t.regex(preview!.message, rule);
    const up = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
    t.regex(up!.message, rule);
    t.false(
      org.calls.some((c) => c.operation === "deploy"),
      "nothing was deployed",
    );
    t.deepEqual(org.state.components("ExternalClientApplication"), []);

    await configure(env.stack, { apiVersion: "63.0" });
    await env.stack.up({ onOutput: env.onOutput });
    t.is(org.state.components("ExtlClntAppSamlConfigurablePolicies").length, 1);
  },
);
