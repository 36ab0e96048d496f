/**
 * Custody-org creation deploys a template certificate (a CSR when CA-signed) as the `.crt` content, as the
 * Metadata API `Certificate` type documents, and refuses a certificate read back with the template's own
 * key: the org must have made a key pair the provider never saw.
 */
import test from "ava";
import { obtainOrgCertificate, orgCertificateDeploy } from "../../../provider/certificate/in-org";
import { OrgTemplateKeyKeptError } from "../../../provider/errors";
import type { OrgMetadataClient } from "../../../provider/org/metadata-client";
import { openssl } from "../../helpers/openssl";
import { certificateTemplatePem } from "../../helpers/stand-in-org";

// The provider's clock (rotation/clock.ts), so that the template's dates are the test's, not the machine's.
const clock = "2026-11-29T11:00:52Z";
process.env["SALESFORCE_CERTS_NOW"] = clock;

const orgId = "00D5g000001XyZaEAK";
const hostileLabel = `Greenmoor "IdP" <&> ${"'"}; DROP`;
const settings = { label: hostileLabel, keySize: 2048 as const, privateKeyExportable: true };

/** A client whose org answers the read after a deploy with `answer(deployed .crt)`; nothing exists before. */
function fakeClient(answer: (crt: string) => string): { client: OrgMetadataClient; deployed: string[] } {
  const deployed: string[] = [];
  let held: string | undefined;
  const client = {
    session: { instanceUrl: "https://greenmoor.my.salesforce.com", orgId },
    certificate: async () => (held ? { developerName: "Greenmoor_IdP" } : undefined),
    readCertificatePem: async () => held,
    deploy: async ({ files }: { files: Record<string, string> }) => {
      const crt = files["certs/Greenmoor_IdP.crt"]!;
      deployed.push(crt);
      held = answer(crt);
      return {};
    },
  } as unknown as OrgMetadataClient;
  return { client, deployed };
}

test("the deployed .crt is a self-signed certificate of Setup's shape with the asked key size; a CSR for caSigned", async (t) => {
  const { files, template } = await orgCertificateDeploy("Greenmoor_IdP", settings, orgId);
  const crt = files["certs/Greenmoor_IdP.crt"]!;
  t.is(crt, template.pem);
  const text = openssl(["x509", "-in", "c.pem", "-noout", "-text", "-nameopt", "oneline"], { "c.pem": crt });
  t.regex(
    text,
    /Subject: CN = SelfSignedCert_29Nov2026_110052, OU = 00D5g000001XyZa, O = Salesforce\.com, L = San Francisco, ST = CA, C = USA/,
  );
  t.regex(text, /Public-Key: \(2048 bit\)/);
  t.regex(text, /CA:TRUE/);
  t.regex(text, /Not Before: Nov 29 11:00:52 2026 GMT\s+Not After : Nov 29 00:00:00 2027 GMT/);
  t.regex(
    files["certs/Greenmoor_IdP.crt-meta.xml"]!,
    /<masterLabel>Greenmoor &quot;IdP&quot; &lt;&amp;&gt; &apos;; DROP<\/masterLabel>/,
  );

  const ca = await orgCertificateDeploy("Greenmoor_Mtls", { ...settings, keySize: 4096, caSigned: true }, orgId);
  const csr = ca.files["certs/Greenmoor_Mtls.crt"]!;
  t.regex(csr, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
  const request = openssl(
    ["req", "-in", "r.pem", "-noout", "-verify", "-text", "-nameopt", "RFC2253"],
    { "r.pem": csr },
    true,
  );
  t.regex(request, /verify OK/);
  t.regex(request, /Public-Key: \(4096 bit\)/);
  t.true(request.includes(`CN=Greenmoor \\"IdP\\" \\<&\\> '\\; DROP`), request);
});

test("a certificate read back with the template's key is refused, naming the org, the certificate and the rule", async (t) => {
  const { client } = fakeClient((crt) => crt);
  const error = await t.throwsAsync(obtainOrgCertificate(client, "Greenmoor_IdP", settings), {
    instanceOf: OrgTemplateKeyKeptError,
  });
  t.is(error.code, "ERR_ORG_TEMPLATE_KEY_KEPT");
  t.regex(
    error.message,
    /^Certificate Greenmoor_IdP in https:\/\/greenmoor\.my\.salesforce\.com: read back after the deploy, it carries the public key of the template/,
  );
  t.regex(error.message, /copies its X\.509 parameters into a new one with a new key pair/);
});

test("a certificate read back with a key of the org's own is taken, and each create deploys a fresh template", async (t) => {
  const orgCertificate = () =>
    certificateTemplatePem({ masterLabel: "x", keySize: 2048, caSigned: false, orgId, at: new Date(clock) });
  const one = fakeClient(orgCertificate);
  const first = await obtainOrgCertificate(one.client, "Greenmoor_IdP", settings);
  t.false(first.adopted);
  t.regex(first.certificatePem, /^-----BEGIN CERTIFICATE-----/);
  // A second create (another org holding no such name yet).
  const two = fakeClient(orgCertificate);
  await obtainOrgCertificate(two.client, "Greenmoor_IdP", settings);
  const deployed = [...one.deployed, ...two.deployed];
  t.is(deployed.length, 2);
  const key = (pem: string) => openssl(["x509", "-in", "c.pem", "-noout", "-pubkey"], { "c.pem": pem });
  t.not(key(deployed[0]!), key(deployed[1]!), "a throwaway key per template");
});
