/**
 * A binding's `adopt`: check() takes an app's API name, refuses a malformed one and, without an org
 * connection, any adoption; the comparison with the org's SAML app and IdP settings names each differing
 * field with the org's value and ours (names compared as Salesforce compares them); the stored state keeps
 * the adopted app's name, which wins over apiName for the files and later updates, and no `adopt`.
 */
import test from "ava";
import { samlSpBindingProvider } from "../../../provider";
import { checkSamlSpBindingArgs, type SamlSpBindingInputs } from "../../../provider/saml-binding/args";
import { readAdoptedSamlApp, samlAdoptionDifferences } from "../../../provider/saml-binding/adoption";
import { OrgAdoptionRefusedError } from "../../../provider/errors";
import { applySamlUpdate, createSamlSpBinding, planSamlUpdate } from "../../../provider/saml-binding/lifecycle";
import { encodeSamlState } from "../../../provider/saml-binding/state";
import { goodSamlArguments } from "../../helpers/check-arguments";
import { pinProviderClock, testNow } from "../../helpers/test-clock";
import { samlFixture, samlInputs } from "../../helpers/saml-fixtures";
import { samlSpBindingImplementation } from "../../../provider/saml-binding/provider";

const check = (news: Record<string, unknown>) => samlSpBindingProvider.check!({} as never, news as never);

test("without an org connection, adopt is refused by check, naming adopt", async (t) => {
  const result = await check({ ...goodSamlArguments, adopt: { app: "Partner_SSO" } });
  t.is(result.failures?.length, 1);
  t.is(result.failures?.[0]?.property, "adopt");
  t.regex(result.failures?.[0]?.reason ?? "", /needs an org connection.*: an app is adopted from the org$/);
});

const badAdopts: [string, unknown, string, RegExp][] = [
  ["not an object", "Partner_SSO", "adopt", /^must be an object with app/],
  ["no app", {}, "adopt.app", /^is required/],
  ["a hostile name", { app: "x'); DELETE <a/>" }, "adopt.app", /^may contain only letters, digits and underscores/],
  [
    "an unknown field",
    { app: "Partner_SSO", sha256Fingerprint: "AB" },
    "adopt.sha256Fingerprint",
    /^is not an adopt field/,
  ],
];
for (const [title, adopt, path, message] of badAdopts) {
  test(`adopt is refused when ${title}`, (t) => {
    const result = checkSamlSpBindingArgs({ ...goodSamlArguments, adopt });
    t.false(result.ok);
    if (!result.ok) {
      t.deepEqual(
        result.issues.map((i) => i.path),
        [path],
      );
      t.regex(result.issues[0]!.message, message);
    }
  });
}

function inputs(adopt?: { app: string }): SamlSpBindingInputs {
  const result = checkSamlSpBindingArgs({
    ...goodSamlArguments,
    nameIdFormat: "emailAddress",
    ...(adopt ? { adopt } : {}),
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.inputs;
}

/** The org's SAML policy and IdP settings exactly as the binding describes them. */
function orgAsDescribed(binding: SamlSpBindingInputs) {
  return {
    policy: {
      entityUrl: binding.spEntityId,
      acsUrl: binding.acsUrl,
      nameIdFormat: "EmailAddress",
      subjectType: binding.subjectType,
      signingAlgorithmType: binding.signingAlgorithm,
    },
    idp: { certificateName: binding.idpCertificateName.toLowerCase(), enableIdentityProvider: true },
  };
}

test("an app and IdP settings as the binding describes them have no difference, the certificate's name compared without case", (t) => {
  const binding = inputs();
  const org = orgAsDescribed(binding);
  t.deepEqual(samlAdoptionDifferences(org.policy, org.idp, binding), []);
});

test("each differing field of an External Client App's SAML policy and of the IdP settings is named with the org's value and ours", (t) => {
  const binding = inputs();
  const org = orgAsDescribed(binding);
  const differences = samlAdoptionDifferences(
    {
      ...org.policy,
      entityUrl: "https://other.example/saml",
      acsUrl: "https://other.example/acs",
      nameIdFormat: "Persistent",
      subjectType: "FederationId",
      signingAlgorithmType: "SHA1",
    },
    { certificateName: "Old_IdP", enableIdentityProvider: false },
    binding,
  );
  t.deepEqual(differences, [
    { field: "spEntityId", org: '"https://other.example/saml"', ours: JSON.stringify(binding.spEntityId) },
    { field: "acsUrl", org: '"https://other.example/acs"', ours: JSON.stringify(binding.acsUrl) },
    { field: "nameIdFormat", org: '"Persistent"', ours: '"EmailAddress"' },
    { field: "subjectType", org: '"FederationId"', ours: '"Username"' },
    { field: "signingAlgorithm", org: '"SHA1"', ours: '"SHA256"' },
    { field: "IdentityProviderSettings.enableIdentityProvider", org: "false", ours: "true" },
    { field: "IdentityProviderSettings.certificateName", org: "Old_IdP", ours: binding.idpCertificateName },
  ]);
});

test("a Connected App's samlConfig is read under its own field names, and no IdP settings is a difference", (t) => {
  const binding = { ...inputs(), appType: "ConnectedApp" as const };
  const samlConfig = {
    entityUrl: binding.spEntityId,
    acsUrl: binding.acsUrl,
    samlNameIdFormat: "EmailAddress",
    samlSubjectType: "Username",
    samlSigningAlgoType: "SHA256",
  };
  t.deepEqual(
    samlAdoptionDifferences(
      samlConfig,
      { certificateName: binding.idpCertificateName, enableIdentityProvider: true },
      binding,
    ),
    [],
  );
  t.deepEqual(
    samlAdoptionDifferences(samlConfig, undefined, binding).map((d) => `${d.field}=${d.org}`),
    [
      "IdentityProviderSettings.enableIdentityProvider=(no IdP settings)",
      "IdentityProviderSettings.certificateName=(none)",
    ],
  );
});

test("the adopted app's name wins over apiName for the files and stays through updates; adopt itself is not stored and changes nothing", (t) => {
  const now = testNow();
  const adopting = inputs({ app: "legacy_partner_sso" });
  const state = createSamlSpBinding(adopting, now, "Legacy_Partner_SSO");
  const stored = encodeSamlState(state) as unknown as Record<string, unknown>;
  t.false("adopt" in stored);
  t.is(stored["appName"], "Legacy_Partner_SSO");
  const files = Object.keys(state.salesforceFiles);
  t.true(
    files.some((f) => f.includes("Legacy_Partner_SSO_samlPlcy")),
    files.join(", "),
  );
  t.false(
    files.some((f) => f.includes(adopting.apiName)),
    files.join(", "),
  );
  t.regex(state.metadataDiscoveryUrl, /\/Legacy_Partner_SSO\.xml$/);
  // A later run without adopt: no change, and the app keeps its adopted name.
  const { adopt: _adopt, ...later } = adopting;
  const plan = planSamlUpdate(state, later, now);
  t.false(plan.settingsChanged);
  const next = applySamlUpdate(state, later, plan, now);
  t.is(next.appName, "Legacy_Partner_SSO");
  t.deepEqual(next.salesforceFiles, state.salesforceFiles);
  // A binding that made its app stores no appName at all (its state keeps its shape).
  t.false("appName" in (encodeSamlState(createSamlSpBinding(inputs(), now)) as unknown as Record<string, unknown>));
});

test("a new apiName replaces a binding that made its app, but not one that adopted its app (apiName does not name it)", async (t) => {
  pinProviderClock();
  const { certificate, binding } = samlFixture(testNow());
  const renamed = samlInputs(certificate, { apiName: "Partner_Portal_SSO_2" });
  const made = await samlSpBindingImplementation.diff!("Partner_Portal_SSO", binding, renamed);
  t.deepEqual(made.replaces, ["apiName"]);
  const adopted = createSamlSpBinding(samlInputs(certificate), testNow(), "Legacy_Partner_SSO");
  const kept = await samlSpBindingImplementation.diff!("Partner_Portal_SSO", adopted, renamed);
  t.deepEqual(kept.replaces, []);
  t.true(kept.changes);
  t.deepEqual(
    applySamlUpdate(adopted, renamed, planSamlUpdate(adopted, renamed, testNow()), testNow()).salesforceFiles,
    adopted.salesforceFiles,
  );
});

/** An org client answering only what adoption reads: listed apps, records by name, the IdP settings. */
function orgWith(listed: Record<string, string[]>, records: Record<string, Record<string, unknown>>) {
  return {
    session: { instanceUrl: "https://acme.my.salesforce.com", orgId: "00D000000000001AAA" },
    async list(type: string) {
      return (listed[type] ?? []).map((fullName) => ({ type, fullName, fileName: "", id: "", lastModifiedDate: "" }));
    },
    async read(type: string, names: string[]) {
      const found = new Map<string, Record<string, unknown> | undefined>();
      for (const name of names)
        found.set(
          name,
          Object.entries(records).find(([key]) => key.toLowerCase() === `${type}/${name}`.toLowerCase())?.[1],
        );
      return found;
    },
    async deploy() {
      throw new Error("adoption must not deploy");
    },
  } as never;
}

test("the app is read under the org's spelling, its policy under <app>_samlPlcy; a missing app or policy is refused naming it", async (t) => {
  const binding = { ...inputs({ app: "legacy_partner_sso" }), adopt: { app: "legacy_partner_sso" } };
  const org = orgAsDescribed(binding);
  const idp = { certificateName: org.idp.certificateName, enableIdentityProvider: "true" };
  const policy = { ...org.policy, externalClientApplication: "Legacy_Partner_SSO" };
  const client = orgWith(
    { ExternalClientApplication: ["Legacy_Partner_SSO"] },
    {
      "ExtlClntAppSamlConfigurablePolicies/Legacy_Partner_SSO_samlPlcy": policy,
      "IdentityProviderSettings/IdentityProvider": idp,
    },
  );
  t.is(await readAdoptedSamlApp(client, binding), "Legacy_Partner_SSO");

  const noPolicy = orgWith({ ExternalClientApplication: ["Legacy_Partner_SSO"] }, {});
  await t.throwsAsync(readAdoptedSamlApp(noPolicy, binding), {
    instanceOf: OrgAdoptionRefusedError,
    message: /cannot adopt ExternalClientApplication legacy_partner_sso .*no SAML policy Legacy_Partner_SSO_samlPlcy/,
  });
  const noApp = orgWith({}, {});
  await t.throwsAsync(readAdoptedSamlApp(noApp, binding), {
    instanceOf: OrgAdoptionRefusedError,
    message: /holds no ExternalClientApplication of that name/,
  });
  const idpOff = orgWith(
    { ExternalClientApplication: ["Legacy_Partner_SSO"] },
    { "ExtlClntAppSamlConfigurablePolicies/Legacy_Partner_SSO_samlPlcy": policy },
  );
  await t.throwsAsync(readAdoptedSamlApp(idpOff, binding), {
    instanceOf: OrgAdoptionRefusedError,
    message: /IdentityProviderSettings\.enableIdentityProvider: the org's \(no IdP settings\), ours true/,
  });
});
