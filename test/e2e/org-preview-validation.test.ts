/**
 * The test runs alone (serial): inline programs share the test process's Pulumi configuration.
 *
 * Opt-in validation (`salesforce-certs:org.validateDeploys`, the preview validates a deploy
 * with a check-only deploy when asked), through the engine against the stand-in org, with a custody-org
 * CertificateAndKeyPair (`Acme_IdP`), a SamlSpBinding (`Acme_Partner_SSO`) whose IdP signs with it, and
 * a JwtIntegration (`Acme_CI`) bound to a provider-held certificate. With the option off, preview makes no deploy call at all. With it on: a preview of a
 * change the org refuses (a per-component fault of the stand-in) fails naming the resource, the org, the
 * file and the problem, and the org is exactly as before (nothing applied, nothing kept by the
 * validation); a good change previews with `validated by a check-only deploy (deploy 0Af…)`, and the next
 * `up` validates again and applies it. Checked for creates (validated in check; in preview only where the
 * files are known then), app updates of both kinds and a certificate rotation (validated in diff).
 */
import test, { type ExecutionContext } from "ava";
import { CertificateAndKeyPair, JwtIntegration, SamlSpBinding } from "../../provider";
import { openTempStack, type TempStack } from "../helpers/engine";
import { acmeCiArguments, ciUser, startOrgForProvider } from "../helpers/org-mode";
import { acmePartnerSsoArguments } from "../helpers/org-saml";
import type { StandInOrg } from "../helpers/stand-in-org";

const start = "2026-12-01T09:00:00.000Z";
const url = String.raw`http://127\.0\.0\.1:\d+`;

/** The org's whole state as text: certificates (keys by id and generation) and every component's record. */
function orgSnapshot(org: StandInOrg): string {
  return JSON.stringify({
    certificates: org.state.certificates.map((c) => [
      c.id,
      c.fullName,
      c.contentPem,
      c.keyGeneration,
      c.keyId,
      c.deleted,
      c.lastModifiedDate,
    ]),
    components: [...org.state.componentRecords.values()].map((c) => [
      c.type,
      c.fullName,
      c.id,
      c.record,
      c.lastModifiedDate,
    ]),
  });
}

/** Deploy calls the stand-in received, split into check-only validations and deploys that may persist. */
function deployCalls(org: StandInOrg): { validations: number; deploys: number } {
  const jobs = [...org.deploys.values()];
  return {
    validations: jobs.filter((j) => j.options.checkOnly).length,
    deploys: jobs.filter((j) => !j.options.checkOnly).length,
  };
}

/** The engine's error text and output of a failed preview. */
async function failedPreview(t: ExecutionContext, env: TempStack): Promise<string> {
  const mark = env.log.length;
  const error = await t.throwsAsync(env.stack.preview({ onOutput: env.onOutput }));
  return `${error?.message ?? ""}\n${env.logSince(mark)}`;
}

/** A successful preview's output. */
async function preview(env: TempStack): Promise<string> {
  const mark = env.log.length;
  const result = await env.stack.preview({ onOutput: env.onOutput });
  return `${result.stdout}\n${env.logSince(mark)}`;
}

test.serial(
  "validateDeploys: off, preview deploys nothing; on, a refused change fails preview naming each component with the org unchanged, a good one previews validated and up applies it",
  async (t) => {
    const { org, configure, setClock } = await startOrgForProvider(start, { users: [ciUser] });
    t.teardown(() => org.close());
    const knobs = { idp: "initial", label: "Acme CI", samlLabel: "Partner portal" };
    const env = await openTempStack("org-preview-validation", async () => {
      const idp = new CertificateAndKeyPair("idp", {
        uniqueName: "Acme_IdP",
        label: "Acme IdP signing",
        custody: "org",
        rotationTrigger: knobs.idp,
        overlapDays: 7,
      });
      const certificate = new CertificateAndKeyPair("ci-cert", {
        uniqueName: "Acme_CI_JWT",
        label: "Acme CI JWT",
        overlapDays: 7,
      });
      const ci = new JwtIntegration(
        "ci",
        { ...acmeCiArguments(org.url), label: knobs.label, certificate },
        { dependsOn: [idp] },
      );
      const sso = new SamlSpBinding("partner", {
        apiName: "Acme_Partner_SSO",
        label: knobs.samlLabel,
        ...acmePartnerSsoArguments(),
        idpCertificate: idp,
      });
      return { idpName: idp.salesforceName, activeSlot: ci.activeSlot, phase: sso.phase };
    });
    t.teardown(() => env.dispose());

    // Off (the default): preview makes no deploy call at all, and says nothing of validation.
    await configure(env.stack);
    let text = await preview(env);
    t.regex(text, new RegExp(`creating deploys Certificate Acme_IdP to ${url}`));
    t.notRegex(text, /validated/);
    t.deepEqual(deployCalls(org), { validations: 0, deploys: 0 });
    t.is(org.calls.filter((c) => c.operation === "deploy").length, 0);

    // On: a create the org refuses fails preview (validated in check), naming resource, org, file and problem.
    await configure(env.stack, { validateDeploys: true });
    const empty = orgSnapshot(org);
    org.faults.failingComponents.set(
      "Certificate:Acme_IdP",
      "The certificate quota of this org is exhausted (stand-in fault).",
    );
    text = await failedPreview(t, env);
    t.regex(
      text,
      new RegExp(
        `CertificateAndKeyPair Acme_IdP: the org at ${url} refused what pulumi up would deploy: check-only deploy 0Af\\w+ ended Failed with 1 component failure; nothing was applied:`,
      ),
    );
    t.regex(
      text,
      /certs\/Acme_IdP\.crt(-meta\.xml)? \(Certificate:Acme_IdP\): The certificate quota of this org is exhausted \(stand-in fault\)\./,
    );
    t.notRegex(text, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
    t.notRegex(text, /PRIVATE KEY/);
    t.is(orgSnapshot(org), empty, "nothing applied, nothing kept by the validation");
    t.deepEqual(deployCalls(org), { validations: 1, deploys: 0 });
    org.faults.failingComponents.clear();

    // A good create previews validated; the integration and the binding, whose certificates are created in
    // the same run, are not.
    text = await preview(env);
    t.regex(
      text,
      new RegExp(
        `creating deploys Certificate Acme_IdP to ${url} \\(.*\\); validated by a check-only deploy \\(deploy 0Af\\w+\\)`,
      ),
    );
    t.regex(
      text,
      /JwtIntegration Acme_CI: creating deploys ExternalClientApplication Acme_CI_A, Acme_CI_B to .*; not validated: its certificate is created or updated in this run, so the files are known only in up, which validates them before it deploys/,
    );
    t.regex(
      text,
      /SamlSpBinding Acme_Partner_SSO: creating deploys ExternalClientApplication Acme_Partner_SSO \(SAML policy\) to .*; not validated: its certificate is created or updated in this run/,
    );
    t.is(orgSnapshot(org), empty);
    t.deepEqual(deployCalls(org), { validations: 2, deploys: 0 });

    // up validates each deploy first (the integration's and the binding's too, their certificates known by then), then applies it.
    await env.stack.up({ onOutput: env.onOutput });
    t.deepEqual(deployCalls(org), { validations: 5, deploys: 3 });
    t.is(org.state.identityProvider?.certificateName, "Acme_IdP");
    t.truthy(org.state.certificate("Acme_IdP"));
    t.deepEqual(
      org.state
        .components("ExternalClientApplication")
        .map((c) => c.fullName)
        .sort(),
      ["Acme_CI_A", "Acme_CI_B", "Acme_Partner_SSO"],
    );

    // An app update the org refuses (validated in diff): preview fails naming the file; the org is unchanged.
    knobs.label = "Acme CI deploys";
    const deployed = orgSnapshot(org);
    org.faults.failingComponents.set(
      "ExtlClntAppGlobalOauthSettings:Acme_CI_A_glbloauth",
      "Certificate could not be verified (stand-in fault).",
    );
    text = await failedPreview(t, env);
    t.regex(
      text,
      new RegExp(
        `JwtIntegration Acme_CI: the org at ${url} refused what pulumi up would deploy: check-only deploy 0Af\\w+ ended Failed with 1 component failure; nothing was applied:`,
      ),
    );
    t.regex(
      text,
      /extlClntAppGlobalOauthSets\/Acme_CI_A_glbloauth\.ecaGlblOauth(-meta\.xml)? \(ExtlClntAppGlobalOauthSettings:Acme_CI_A_glbloauth\): Certificate could not be verified \(stand-in fault\)\./,
    );
    t.is(orgSnapshot(org), deployed, "nothing applied");
    t.is(deployCalls(org).deploys, 3);
    org.faults.failingComponents.clear();

    // Fixed: preview says validated; up applies the new label.
    text = await preview(env);
    t.regex(
      text,
      new RegExp(
        `in the org: deploys .*Acme_CI_A.* to ${url}.*; validated by a check-only deploy \\(deploy 0Af\\w+\\)`,
      ),
    );
    t.is(orgSnapshot(org), deployed);
    t.is(deployCalls(org).deploys, 3);
    let validations = deployCalls(org).validations;
    await env.stack.up({ onOutput: env.onOutput });
    t.deepEqual(
      deployCalls(org),
      { validations: validations + 1, deploys: 4 },
      "up validated the update in diff, then deployed it",
    );
    t.is(
      String(org.state.component("ExternalClientApplication", "Acme_CI_A")?.record["label"]),
      "Acme CI deploys (slot A)",
    );

    // The same for the SAML app (validated in diff).
    knobs.samlLabel = "Partner portal (EU)";
    const withLabel = orgSnapshot(org);
    org.faults.failingComponents.set(
      "ExternalClientApplication:Acme_Partner_SSO",
      "Label is already used by another app (stand-in fault).",
    );
    text = await failedPreview(t, env);
    t.regex(
      text,
      new RegExp(
        `SamlSpBinding Acme_Partner_SSO: the org at ${url} refused what pulumi up would deploy: check-only deploy 0Af\\w+ ended Failed with 1 component failure; nothing was applied:`,
      ),
    );
    t.regex(
      text,
      /externalClientApps\/Acme_Partner_SSO\.eca(-meta\.xml)? \(ExternalClientApplication:Acme_Partner_SSO\): Label is already used by another app \(stand-in fault\)\./,
    );
    t.is(orgSnapshot(org), withLabel, "nothing applied");
    org.faults.failingComponents.clear();
    text = await preview(env);
    t.regex(
      text,
      new RegExp(
        `SamlSpBinding Acme_Partner_SSO: .*in the org: deploys ExternalClientApplication Acme_Partner_SSO \\(SAML policy\\) and IdentityProviderSettings .* to ${url}; then reads back the app and the IdP settings; validated by a check-only deploy \\(deploy 0Af\\w+\\)`,
      ),
    );
    t.is(orgSnapshot(org), withLabel);
    validations = deployCalls(org).validations;
    await env.stack.up({ onOutput: env.onOutput });
    t.deepEqual(deployCalls(org), { validations: validations + 1, deploys: 5 });
    t.is(
      String(org.state.component("ExternalClientApplication", "Acme_Partner_SSO")?.record["label"]),
      "Partner portal (EU)",
    );

    // A certificate rotation (validated in diff) previews validated and up deploys Acme_IdP_G2.
    setClock("2026-12-02T09:00:00.000Z");
    knobs.idp = "rotated";
    const before = orgSnapshot(org);
    org.faults.failingComponents.set(
      "Certificate:Acme_IdP_G2",
      "The certificate quota of this org is exhausted (stand-in fault).",
    );
    text = await failedPreview(t, env);
    t.regex(text, /CertificateAndKeyPair Acme_IdP: the org at .* refused what pulumi up would deploy/);
    t.regex(text, /\(Certificate:Acme_IdP_G2\): The certificate quota/);
    t.is(orgSnapshot(org), before);
    org.faults.failingComponents.clear();
    text = await preview(env);
    t.regex(
      text,
      new RegExp(
        `deploys Certificate Acme_IdP_G2 to ${url} \\(Salesforce generates the key pair\\), then reads it back \\(subject, key size, a new key\\); validated by a check-only deploy \\(deploy 0Af\\w+\\)`,
      ),
    );
    t.is(orgSnapshot(org), before);
    await env.stack.up({ onOutput: env.onOutput });
    t.is((await env.values())["idpName"], "Acme_IdP_G2");

    // Off again: changes preview with no deploy call.
    await configure(env.stack, { validateDeploys: false });
    knobs.label = "Acme CI";
    knobs.samlLabel = "Partner portal";
    const calls = org.calls.filter((c) => c.operation === "deploy").length;
    text = await preview(env);
    t.regex(text, /in the org: deploys/);
    t.notRegex(text, /validated/);
    t.is(org.calls.filter((c) => c.operation === "deploy").length, calls, "no deploy call");
  },
);
