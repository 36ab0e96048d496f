/**
 * Names the provider generates are reserved where a single resource can see it: a certificate's
 * `<name>_G<n>` (its later key pairs), an app's `<name>_A` / `<name>_B` (a two-slot JWT integration's
 * apps). Each check() refuses a declared name of that shape, by path, with the rule.
 */
import test from "ava";
import { certificateAndKeyPairProvider, jwtIntegrationProvider, samlSpBindingProvider } from "../../../provider";
import { certificateGenerationName, jwtSlotAppName } from "../../../provider/validate/generated-names";
import { goodJwtArguments, goodSamlArguments } from "../../helpers/check-arguments";

const jwt = { ...goodJwtArguments, apiName: "CI", label: "CI" };
const saml = { ...goodSamlArguments, apiName: "Portal", idpCertificateName: "Idp" };

test("the generated names are the ones the rules reserve", (t) => {
  t.is(certificateGenerationName("Idp", 1), "Idp");
  t.is(certificateGenerationName("Idp", 2), "Idp_G2");
  t.is(jwtSlotAppName("CI", "A"), "CI_A");
  t.is(jwtSlotAppName("CI", "B"), "CI_B");
});

test("CertificateAndKeyPair check() refuses a unique name ending in _G and digits", async (t) => {
  for (const uniqueName of ["Idp_G2", "Idp_g10", "Idp_G0"]) {
    const { failures } = await certificateAndKeyPairProvider.check!({} as never, { uniqueName, label: "IdP" } as never);
    const base = uniqueName.replace(/_g\d+$/i, "");
    t.deepEqual(failures, [
      {
        property: "uniqueName",
        reason: `must not end in _G and digits (got "${uniqueName}"): such names are reserved for the rotated key pairs of a certificate ${base} (${base}_G2, ${base}_G3, …); choose another name`,
      },
    ]);
  }
  for (const uniqueName of ["Idp_G", "Idp_Gen2", "IdpG2", "Idp_A"]) {
    t.is(
      (await certificateAndKeyPairProvider.check!({} as never, { uniqueName, label: "IdP" } as never)).failures,
      undefined,
      uniqueName,
    );
  }
});

test("JwtIntegration and SamlSpBinding check() refuse an API name ending in _A or _B", async (t) => {
  const reason = (name: string, base: string) =>
    `must not end in _A or _B (got "${name}"): such names are reserved for the two slot apps of a JWT integration ${base} (${base}_A, ${base}_B); choose another name`;
  t.deepEqual((await jwtIntegrationProvider.check!({} as never, { ...jwt, apiName: "CI_A" } as never)).failures, [
    { property: "apiName", reason: reason("CI_A", "CI") },
  ]);
  t.deepEqual(
    (
      await jwtIntegrationProvider.check!(
        {} as never,
        { ...jwt, apiName: "CI_b", rotationStrategy: "inPlace" } as never,
      )
    ).failures,
    [{ property: "apiName", reason: reason("CI_b", "CI") }],
  );
  t.deepEqual((await samlSpBindingProvider.check!({} as never, { ...saml, apiName: "Portal_B" } as never)).failures, [
    { property: "apiName", reason: reason("Portal_B", "Portal") },
  ]);
  t.is((await jwtIntegrationProvider.check!({} as never, { ...jwt, apiName: "CI_AB" } as never)).failures, undefined);
  t.is(
    (await samlSpBindingProvider.check!({} as never, { ...saml, apiName: "Portal_C" } as never)).failures,
    undefined,
  );
});

test("JwtIntegration check() leaves room in a two-slot API name for the _A and _B of its slot apps", async (t) => {
  const reason = (length: number) =>
    `must be at most 78 characters with two slots (rotationStrategy twoSlots, the default for External Client Apps): the slot apps <name>_A and <name>_B must fit Salesforce's 80 (got ${length}); shorten the name, or use rotationStrategy: inPlace`;
  for (const length of [79, 80]) {
    const apiName = "C".repeat(length);
    t.deepEqual((await jwtIntegrationProvider.check!({} as never, { ...jwt, apiName } as never)).failures, [
      { property: "apiName", reason: reason(length) },
    ]);
    t.deepEqual(
      (await jwtIntegrationProvider.check!({} as never, { ...jwt, apiName, rotationStrategy: "twoSlots" } as never))
        .failures,
      [{ property: "apiName", reason: reason(length) }],
    );
    t.is(
      (await jwtIntegrationProvider.check!({} as never, { ...jwt, apiName, rotationStrategy: "inPlace" } as never))
        .failures,
      undefined,
    );
  }
  t.is(
    (await jwtIntegrationProvider.check!({} as never, { ...jwt, apiName: "C".repeat(78) } as never)).failures,
    undefined,
  );
  // Past 80 the name itself is too long: that one rule is said.
  t.deepEqual(
    (await jwtIntegrationProvider.check!({} as never, { ...jwt, apiName: "C".repeat(81) } as never)).failures,
    [{ property: "apiName", reason: "must be at most 80 characters (got 81)" }],
  );
});
