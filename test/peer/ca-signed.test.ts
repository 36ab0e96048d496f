/**
 * The CA-signed path with openssl as the CA: our CSR verifies and names the subject; the signed chain is
 * adopted only for our key and in order; rotation asks for a new signature while the old chain stays; a
 * leaf that has expired is refused, one not valid yet adopted with a warning.
 */
import test from "ava";
import { certificateAndKeyPairImplementation } from "../../provider/certificate/provider";
import { applyUpdate, issueCertificate, planUpdate } from "../../provider/certificate/lifecycle";
import { decodeCertificateState, type CertificateState } from "../../provider/certificate/state";
import { checkCertificateArgs, type CertificateInputs } from "../../provider/certificate/args";
import { keytool } from "../helpers/keytool";
import { createOpensslCa } from "../helpers/openssl-ca";
import { openssl, publicKeyOf, x509 } from "../helpers/openssl";
import { epochSeconds, testNow } from "../helpers/test-clock";

const subject = {
  commonName: "sso.greenmoor.example",
  company: "Greenmoor Software",
  department: "Platform",
  city: "Leeds",
  country: "GB",
  email: "pki@greenmoor.example",
};

function inputs(raw: Record<string, unknown> = {}): CertificateInputs {
  const result = checkCertificateArgs({
    uniqueName: "Greenmoor_CA_Signed",
    label: "CA signed",
    caSigned: true,
    subject,
    keystorePassword: "changeit",
    ...raw,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.inputs;
}

test("a CA-signed certificate: CSR, chain adopted, rotation with a new CSR while the old chain stays", (t) => {
  const now = testNow();
  const ca = createOpensslCa(now);
  t.teardown(() => ca.dispose());

  // 1. Issue: a CSR, no certificate yet; salesforceFiles holds it for the CA, not for the org.
  const first = issueCertificate(inputs(), now);
  t.true(first.awaitingSignature);
  t.is(first.certificatePem, undefined);
  t.regex(openssl(["req", "-in", "csr.pem", "-verify", "-noout"], { "csr.pem": first.csrPem! }, true), /verify OK/i);
  t.is(
    openssl(["req", "-in", "csr.pem", "-noout", "-subject", "-nameopt", "RFC2253"], {
      "csr.pem": first.csrPem!,
    }).trim(),
    "subject=emailAddress=pki@greenmoor.example,CN=sso.greenmoor.example,OU=Platform,O=Greenmoor Software,L=Leeds,C=GB",
  );
  t.regex(
    openssl(["req", "-in", "csr.pem", "-noout", "-text"], { "csr.pem": first.csrPem! }),
    /Signature Algorithm: sha256WithRSAEncryption/,
  );
  t.is(first.salesforceFiles["not-for-the-org/Greenmoor_CA_Signed.csr"], first.csrPem!);
  t.regex(
    first.salesforceFiles["setup-keystore-import/Greenmoor_CA_Signed.crt-meta.xml"]!,
    /<caSigned>true<\/caSigned>/,
  );

  // 2. A chain out of order is refused by check().
  const leaf = ca.sign(first.csrPem!, 90);
  const reversed = checkCertificateArgs({
    uniqueName: "Greenmoor_CA_Signed",
    label: "CA signed",
    caSigned: true,
    signedChainPem: ca.intermediatePem + leaf,
  });
  t.false(reversed.ok);
  t.regex(
    JSON.stringify(reversed),
    /signedChainPem.*is not in order: certificate 1 \(CN=Test Intermediate CA\) is not signed by certificate 2/,
  );

  // 3. A chain for another key is refused, naming what to sign.
  const stranger = ca.sign(
    openssl(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-subj", "/CN=stranger"]),
    90,
  );
  t.throws(() => planUpdate(first, inputs({ signedChainPem: stranger + ca.intermediatePem }), now), {
    message:
      /signedChainPem: the leaf certificate certifies neither the key of the CSR in output csrPem nor the key in force/,
  });

  // 4. Our chain is adopted: notAfter comes from the leaf, the JKS carries the chain.
  const chain = leaf + ca.intermediatePem;
  const adoptPlan = planUpdate(first, inputs({ signedChainPem: chain }), now);
  t.is(adoptPlan.adopt, "pending");
  const second = applyUpdate(first, inputs({ signedChainPem: chain }), adoptPlan, now);
  t.false(second.awaitingSignature);
  t.is(second.certificatePem!.trim(), leaf.trim());
  t.is(second.notAfter, new Date(x509(leaf, "-enddate").trim().replace("notAfter=", "")).toISOString());
  t.is(publicKeyOf({ privateKey: second.privateKeyPem! }), publicKeyOf({ certificate: leaf }));
  t.regex(
    openssl(
      ["verify", "-attime", String(epochSeconds(now)), "-CAfile", "root.pem", "-untrusted", "int.pem", "leaf.pem"],
      { "root.pem": ca.rootPem, "int.pem": ca.intermediatePem, "leaf.pem": second.certificatePem! },
    ),
    /leaf\.pem: OK/,
  );
  const listed = keytool(["-list", "-v", "-keystore", "k.jks", "-storetype", "JKS", "-storepass", "changeit"], {
    "k.jks": Buffer.from(second.jksBase64!, "base64"),
  });
  t.regex(listed.output, /Certificate chain length: 2/);
  t.regex(listed.output, /Issuer: CN=Test Intermediate CA/);
  t.is(second.salesforceFiles["not-for-the-org/Greenmoor_CA_Signed.crt"], second.certificateChainPem!);

  // 5. Rotation: a new key and CSR; the adopted chain stays in force until the new one arrives.
  const rotateInputs = inputs({ signedChainPem: chain, rotationTrigger: "2028" });
  const third = applyUpdate(second, rotateInputs, planUpdate(second, rotateInputs, now), now);
  t.true(third.awaitingSignature);
  t.is(third.certificatePem, second.certificatePem, "the old chain stays in force");
  t.is(third.privateKeyPem, second.privateKeyPem);
  t.not(publicKeyOf({ privateKey: third.pendingPrivateKeyPem! }), publicKeyOf({ privateKey: second.privateKeyPem! }));

  // 6. The new chain arrives: adopted, and the old certificate becomes the previous one.
  const newChain = ca.sign(third.csrPem!, 90) + ca.intermediatePem;
  const finalInputs = inputs({ signedChainPem: newChain, rotationTrigger: "2028" });
  const fourth = applyUpdate(third, finalInputs, planUpdate(third, finalInputs, now), now);
  t.false(fourth.awaitingSignature);
  t.is(fourth.previousCertificate?.certificatePem, second.certificatePem);
  t.is(publicKeyOf({ privateKey: fourth.privateKeyPem! }), publicKeyOf({ certificate: fourth.certificatePem! }));
  t.is(fourth.lastRotation?.reason, 'CA-signed chain adopted (rotationTrigger changed from null to "2028")');
});

test.serial(
  "openssl as the CA: an expired leaf is refused by check(); a leaf not valid yet is adopted with a warning naming its date",
  async (t) => {
    // The provider clock, pinned (whole seconds, as certificates count time) so the messages are exact.
    const now = testNow();
    const ca = createOpensslCa(now);
    t.teardown(() => ca.dispose());
    const original = { log: console.log, now: process.env["SALESFORCE_CERTS_NOW"] };
    const printed: string[] = [];
    t.teardown(() => {
      console.log = original.log;
      if (original.now === undefined) delete process.env["SALESFORCE_CERTS_NOW"];
      else process.env["SALESFORCE_CERTS_NOW"] = original.now;
    });
    process.env["SALESFORCE_CERTS_NOW"] = now.toISOString();
    console.log = (...args: unknown[]) => void printed.push(args.join(" "));

    const created = await certificateAndKeyPairImplementation.create(inputs());
    const first = created.outs as CertificateState;
    const day = 86_400_000;
    const rawWith = (chain: string) => ({
      uniqueName: "Greenmoor_CA_Signed",
      label: "CA signed",
      caSigned: true,
      subject,
      keystorePassword: "changeit",
      signedChainPem: chain,
    });

    // Expired: issued for 30 days that ended yesterday.
    const expiredLeaf = ca.signBetween(
      first.csrPem!,
      new Date(now.getTime() - 31 * day),
      new Date(now.getTime() - day),
    );
    t.is(x509(expiredLeaf, "-enddate").trim(), `notAfter=${opensslDate(new Date(now.getTime() - day))}`);
    t.deepEqual(
      await certificateAndKeyPairImplementation.check!(first, rawWith(expiredLeaf + ca.intermediatePem) as never),
      {
        failures: [
          {
            property: "signedChainPem",
            reason: `holds a leaf certificate that expired at ${new Date(now.getTime() - day).toISOString()} (now is ${now.toISOString()}): have the CA sign the CSR in output csrPem and give that chain, leaf first`,
          },
        ],
      },
    );

    // Not valid yet: from tomorrow for a year. check() accepts it and warns; the update adopts it.
    const notBefore = new Date(now.getTime() + day);
    const futureLeaf = ca.signBetween(first.csrPem!, notBefore, new Date(now.getTime() + 366 * day));
    t.is(x509(futureLeaf, "-startdate").trim(), `notBefore=${opensslDate(notBefore)}`);
    const checked = await certificateAndKeyPairImplementation.check!(
      first,
      rawWith(futureLeaf + ca.intermediatePem) as never,
    );
    t.is(checked.failures, undefined);
    const warning = `warning: CertificateAndKeyPair Greenmoor_CA_Signed: signedChainPem holds a leaf certificate that is not valid before ${notBefore.toISOString()} (now is ${now.toISOString()}); it is adopted, but Salesforce and partners refuse it until then`;
    t.deepEqual(printed, [warning]);
    const diff = await certificateAndKeyPairImplementation.diff!("Greenmoor_CA_Signed", first, checked.inputs!);
    t.true(diff.changes);
    const adoptedState = (
      await certificateAndKeyPairImplementation.update!("Greenmoor_CA_Signed", first, checked.inputs!)
    ).outs! as unknown as Record<string, unknown>;
    // State stores facts; the views (PEM, dates, …) are computed from them, as the resource class does.
    const adopted = decodeCertificateState(adoptedState);
    t.false(adopted.awaitingSignature);
    t.is(adopted.certificatePem!.trim(), futureLeaf.trim());
    t.is(adopted.notBefore, notBefore.toISOString());
    // Once adopted it is the resource's chain; while it is not valid yet every check still says so.
    printed.length = 0;
    t.truthy(
      (
        await certificateAndKeyPairImplementation.check!(
          adoptedState as never,
          rawWith(futureLeaf + ca.intermediatePem) as never,
        )
      ).inputs,
    );
    t.deepEqual(printed, [warning]);
  },
);

/** A date as `openssl x509 -dates` prints it (`Jan  2 03:04:05 2027 GMT`). */
function opensslDate(date: Date): string {
  const month = date.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return `${month} ${String(date.getUTCDate()).padStart(2, " ")} ${date.toISOString().slice(11, 19)} ${date.getUTCFullYear()} GMT`;
}
