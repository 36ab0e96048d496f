/**
 * The JSON document: `format` first, every object's keys in the model's order whatever order they were
 * built in, absent fields left out (never null), and the same document twice gives the same bytes.
 */
import test from "ava";
import { discoveryJson } from "../../../provider/discover/json";
import { discoveryFormat, type DiscoveryDocument } from "../../../provider/discover/model";

const scrambled = (): DiscoveryDocument => ({
  orgs: [
    {
      unreadable: [{ reason: "INVALID_TYPE: Cannot use", what: "ExtlClntAppSamlConfigurablePolicies" }],
      samlApps: [
        { acsUrl: "https://sp.example/acs", app: "Portal", appType: "ConnectedApp", spEntityId: "https://sp.example" },
      ],
      identityProvider: { certificateName: "Acme_IdP", enabled: true },
      trustedCertificates: [],
      appCertificates: [
        {
          sharesKeyWith: [],
          preAuthorized: { permissionSets: ["CI"], profiles: [] },
          sha256Fingerprint: "AB",
          expiresAt: "2027-01-01T00:00:00.000Z",
          subject: 'CN=a "quoted"\n</script>',
          slot: "oauthConfig.certificate",
          app: "Legacy",
          appType: "ConnectedApp",
        },
      ],
      certificates: [
        {
          uses: [{ type: "IdentityProviderSettings", by: "IdentityProvider", kind: "identityProvider" }],
          lastModifiedAt: "2026-01-01T00:00:00.000Z",
          privateKeyExportable: false,
          awaitingChain: true,
          caSigned: true,
          keySize: 4096,
          id: "0P1",
          label: "Acme",
          name: "Acme_CA",
        },
      ],
      readAt: "2026-12-01T09:00:00.000Z",
      instanceUrl: "https://acme.my.salesforce.com",
      orgId: "00D",
      label: "production",
    },
  ],
  format: discoveryFormat,
});

test("format first, keys in the model's order, absent fields left out, the same bytes every time", (t) => {
  const text = discoveryJson(scrambled());
  t.is(text, discoveryJson(scrambled()));
  t.true(text.endsWith("}\n"));
  const parsed = JSON.parse(text);
  t.deepEqual(Object.keys(parsed), ["format", "orgs"]);
  t.is(parsed.format, "salesforce-certs/discovery/1");
  const org = parsed.orgs[0];
  t.deepEqual(Object.keys(org), [
    "label",
    "orgId",
    "instanceUrl",
    "readAt",
    "certificates",
    "appCertificates",
    "trustedCertificates",
    "samlApps",
    "identityProvider",
    "unreadable",
  ]);
  t.deepEqual(Object.keys(org.certificates[0]), [
    "name",
    "label",
    "id",
    "keySize",
    "caSigned",
    "awaitingChain",
    "privateKeyExportable",
    "lastModifiedAt",
    "uses",
  ]);
  t.deepEqual(Object.keys(org.certificates[0].uses[0]), ["kind", "by", "type"]);
  t.deepEqual(Object.keys(org.appCertificates[0]), [
    "appType",
    "app",
    "slot",
    "subject",
    "expiresAt",
    "sha256Fingerprint",
    "preAuthorized",
    "sharesKeyWith",
  ]);
  t.deepEqual(Object.keys(org.appCertificates[0].preAuthorized), ["profiles", "permissionSets"]);
  t.deepEqual(Object.keys(org.samlApps[0]), ["appType", "app", "spEntityId", "acsUrl"]);
  t.deepEqual(Object.keys(org.identityProvider), ["enabled", "certificateName"]);
  t.deepEqual(Object.keys(org.unreadable[0]), ["what", "reason"]);
  t.false(text.includes("null"));
  // Every value survives: the parsed document equals the one given (the hostile subject included).
  t.deepEqual(parsed, JSON.parse(JSON.stringify(scrambled())));
});
