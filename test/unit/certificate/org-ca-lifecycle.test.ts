/**
 * The life in state of a CA-signed certificate whose key the org keeps (custody org), with a frozen
 * clock: the org's CSR awaits a chain with no private key anywhere, the chain brings generation 1 into
 * force, a rotation waits under `<name>_G2` while the certificate in force stays, and its chain makes
 * `<name>_G2` current with the first kept as previous. The CSRs and leaves are node-forge's, the key
 * pairs node:crypto's (stand-ins for the org and the CA).
 */
import crypto from "node:crypto";
import test from "ava";
import forge from "node-forge";
import { applyUpdate, issueCertificate, nextSalesforceName, planUpdate } from "../../../provider/certificate/lifecycle";
import { checkCertificateArgs, type CertificateInputs } from "../../../provider/certificate/args";

function inputs(raw: Record<string, unknown> = {}): CertificateInputs {
  const result = checkCertificateArgs({
    uniqueName: "Org_Mtls",
    label: "Org mTLS",
    custody: "org",
    caSigned: true,
    overlapDays: 5,
    ...raw,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.inputs;
}
const day = 86_400_000;
const t0 = new Date("2027-01-01T00:00:00Z");
const after = (days: number) => new Date(t0.getTime() + days * day);

/** The org's side: a key it keeps and the CSR it makes for it. */
function orgCsr(): { csrPem: string; key: forge.pki.rsa.PrivateKey } {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(
    privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  ) as forge.pki.rsa.PrivateKey;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.rsa.setPublicKey(key.n, key.e);
  csr.setSubject([{ shortName: "CN", value: "Org mTLS" }]);
  csr.sign(key, forge.md.sha256.create());
  return { csrPem: forge.pki.certificationRequestToPem(csr), key };
}

/** The CA's side: a leaf for the CSR's key, valid from `from` for `days`. */
function leafFor(csrPem: string, from: Date, days: number): string {
  const csr = forge.pki.certificationRequestFromPem(csrPem);
  const ca = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = csr.publicKey!;
  cert.serialNumber = "01";
  cert.validity.notBefore = from;
  cert.validity.notAfter = new Date(from.getTime() + days * day);
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer([{ shortName: "CN", value: "Test CA" }]);
  cert.sign(ca.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n");
}

test("custody org, CA-signed: CSR pending without a key, chain adopted, rotation under _G2 while the first stays, then previous", (t) => {
  const first = orgCsr();
  const issued = issueCertificate(inputs(), t0, { orgCsrPem: first.csrPem });
  t.is(issued.csrPem, first.csrPem);
  t.true(issued.awaitingSignature);
  t.is(issued.certificatePem, undefined);
  t.is(issued.pendingPrivateKeyPem, undefined, "the org keeps the key");
  t.is(issued.privateKeyPem, undefined);
  t.is(issued.pendingSince, t0.toISOString());
  t.is(nextSalesforceName(issued), "Org_Mtls", "the first chain goes to the first name");

  const leaf = leafFor(first.csrPem, t0, 100);
  const withChain = inputs({ signedChainPem: leaf });
  const plan = planUpdate(issued, withChain, after(1));
  t.is(plan.adopt, "pending");
  const signed = applyUpdate(issued, withChain, plan, after(1));
  t.is(signed.generation, 1);
  t.is(signed.salesforceName, "Org_Mtls");
  t.is(signed.certificatePem, leaf);
  t.is(signed.notAfter, after(100).toISOString());
  t.is(signed.csrPem, undefined);
  t.is(signed.privateKeyPem, undefined);
  t.is(nextSalesforceName(signed), "Org_Mtls_G2");

  // Renewal window (80 %): the org's new CSR waits; the certificate in force stays.
  const rotation = planUpdate(signed, withChain, after(81));
  t.is(rotation.rotation.rotate?.kind, "window");
  const second = orgCsr();
  const rotating = applyUpdate(signed, withChain, rotation, after(81), { orgCsrPem: second.csrPem });
  t.is(rotating.csrPem, second.csrPem);
  t.is(rotating.certificatePem, leaf);
  t.is(rotating.salesforceName, "Org_Mtls");
  t.is(rotating.previousCertificate, undefined);
  t.is(rotating.pendingPrivateKeyPem, undefined);
  t.is(nextSalesforceName(rotating), "Org_Mtls_G2");

  const leaf2 = leafFor(second.csrPem, after(81), 100);
  const next = inputs({ signedChainPem: leaf2 });
  const adopt = planUpdate(rotating, next, after(82));
  t.is(adopt.adopt, "pending");
  const current = applyUpdate(rotating, next, adopt, after(82));
  t.is(current.salesforceName, "Org_Mtls_G2");
  t.is(current.certificatePem, leaf2);
  t.is(current.previousCertificate?.salesforceName, "Org_Mtls");
  t.is(current.previousCertificate?.retainedUntil, after(87).toISOString());
  t.is(current.csrPem, undefined);

  // A chain for the first CSR's key is neither the pending key's nor the one in force any more.
  t.throws(() => planUpdate(current, inputs({ signedChainPem: leafFor(first.csrPem, after(82), 100) }), after(83)), {
    message:
      /signedChainPem: the leaf certificate certifies neither the key of the CSR in output csrPem nor the key in force/,
  });
});
