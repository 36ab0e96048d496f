/**
 * A certificate stores its absent outputs as null (so that preview reads them as known): a JWT
 * integration or SAML binding bound to a CA-signed certificate still awaiting its chain gets null
 * certificate fields, and check() must still refuse it as "no certificate yet", never take null as one.
 * The certificate revision the class passes is no argument users give: check() accepts and stores it.
 */
import test from "ava";
import { jwtIntegrationImplementation } from "../../../provider/jwt-integration/provider";
import { samlSpBindingImplementation } from "../../../provider/saml-binding/provider";
import { goodJwtArguments, goodSamlArguments } from "../../helpers/check-arguments";
import { pinProviderClock } from "../../helpers/test-clock";

// The provider reads its clock in this process: the tests' clock, not the machine's.
pinProviderClock();

const jwt = { ...goodJwtArguments, certificateRevision: 2 };

const saml = { ...goodSamlArguments, certificateRevision: 2 };

test("JwtIntegration check takes the certificate revision and refuses a certificate whose PEM is null", async (t) => {
  const ok = await jwtIntegrationImplementation.check!({} as never, jwt as never);
  t.deepEqual(ok.failures, undefined);
  t.is((ok.inputs as unknown as Record<string, unknown>)["certificateRevision"], 2);
  const awaiting = {
    ...jwt,
    certificatePem: null,
    certificateSha256Fingerprint: null,
    certificateNotAfter: null,
    privateKeyPem: null,
  };
  t.deepEqual((await jwtIntegrationImplementation.check!({} as never, awaiting as never)).failures, [
    {
      property: "certificate",
      reason: "has no certificateSha256Fingerprint yet (a CA-signed certificate awaiting its chain cannot sign logins)",
    },
  ]);
});

test("SamlSpBinding check takes the certificate revision and refuses a certificate whose PEM is null", async (t) => {
  const ok = await samlSpBindingImplementation.check!({} as never, saml as never);
  t.deepEqual(ok.failures, undefined);
  t.is((ok.inputs as unknown as Record<string, unknown>)["certificateRevision"], 2);
  const awaiting = {
    ...saml,
    certificatePem: null,
    certificateSha256Fingerprint: null,
    certificateSha1Fingerprint: null,
    certificateNotAfter: null,
  };
  t.deepEqual((await samlSpBindingImplementation.check!({} as never, awaiting as never)).failures, [
    {
      property: "idpCertificate",
      reason:
        "has no certificate yet (certificateSha256Fingerprint is empty: a CA-signed certificate awaiting its chain cannot sign assertions)",
    },
  ]);
});
