/**
 * The CA-signed path through the real engine, openssl acting as the CA: up outputs a CSR; the signed
 * chain, given as input, is adopted (preview says so); a chain for another key stops preview with a
 * message saying what to sign; no perpetual diff.
 */
import test from "ava";
import { CertificateAndKeyPair } from "../../provider";
import { openTempStack } from "../helpers/engine";
import { openssl, x509 } from "../helpers/openssl";
import { createOpensslCa } from "../helpers/openssl-ca";
import { testNow } from "../helpers/test-clock";

test("a CA-signed certificate: CSR out, signed chain in, adopted through the engine", async (t) => {
  const ca = createOpensslCa(testNow());
  t.teardown(() => ca.dispose());
  let signedChainPem: string | undefined;
  const program = async () => {
    const cert = new CertificateAndKeyPair("ca", {
      uniqueName: "E2E_CA_Signed",
      label: "E2E CA-signed",
      caSigned: true,
      subject: { commonName: "mtls.greenmoor.example", company: "Greenmoor Software", country: "GB" },
      ...(signedChainPem ? { signedChainPem } : {}),
    });
    return {
      csrPem: cert.csrPem,
      awaitingSignature: cert.awaitingSignature,
      certificatePem: cert.certificatePem,
      notAfter: cert.notAfter,
    };
  };
  const env = await openTempStack("ca", program);
  t.teardown(() => env.dispose());
  const { stack, onOutput } = env;
  const value = async (name: string): Promise<any> => (await stack.outputs())[name]?.value;

  await stack.up({ onOutput });
  t.true(await value("awaitingSignature"));
  t.is(await value("certificatePem"), null, "absent, stored as null (known in preview)");
  const csrPem: string = await value("csrPem");
  t.regex(
    openssl(["req", "-in", "csr.pem", "-verify", "-noout", "-subject"], { "csr.pem": csrPem }, true),
    /CN = mtls\.greenmoor\.example[\s\S]*verify OK/i,
  );
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 });

  // A chain for another key: preview stops and says what to sign.
  const strangerCsr = openssl([
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "k.pem",
    "-subj",
    "/CN=stranger",
  ]);
  signedChainPem = ca.sign(strangerCsr, 30) + ca.intermediatePem;
  const refused = await t.throwsAsync(stack.preview({ onOutput }));
  t.regex(
    refused!.message,
    /E2E_CA_Signed: signedChainPem: the leaf certificate certifies neither the key of the CSR in output csrPem nor the key in force/,
  );

  // Our chain: adopted, notAfter from the leaf.
  const leaf = ca.sign(csrPem, 120);
  signedChainPem = leaf + ca.intermediatePem;
  const mark = env.log.length;
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 1, update: 1 });
  t.regex(
    env.log.slice(mark).join(""),
    /E2E_CA_Signed: .*adopts the CA-signed chain given in signedChainPem \(for the key of the CSR\)/,
  );
  await stack.up({ onOutput });
  t.false(await value("awaitingSignature"));
  t.is((await value("certificatePem")).trim(), leaf.trim());
  t.is(await value("notAfter"), new Date(x509(leaf, "-enddate").trim().replace("notAfter=", "")).toISOString());
  t.deepEqual((await stack.preview({ onOutput })).changeSummary, { same: 2 });

  await stack.destroy({ onOutput });
});
