/**
 * The inventory loader: the example is valid, and each rule reports every problem with its file, line,
 * column, path and rule (one fixture per rule in test/fixtures/inventories/).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { formatProblem, inventorySchemaPath, loadInventory } from "../../../provider/inventory/load-inventory";
import { generateRsaKeyPair } from "../../../provider/crypto/rsa-key-pair";
import { buildSelfSignedCertificate } from "../../../provider/crypto/self-signed-certificate";
import { repoRoot, runCli } from "../../helpers/cli";

const fixture = (name: string) => path.join("test", "fixtures", "inventories", `${name}.yaml`);
const problems = (name: string) => {
  const loaded = loadInventory(path.join(repoRoot, fixture(name)), fixture(name));
  return loaded.ok ? [] : loaded.problems.map(formatProblem);
};

test("the example inventory is valid and names the published schema for editors", (t) => {
  const file = path.join(repoRoot, "examples", "greenmoor", "inventory.yaml");
  const loaded = loadInventory(file);
  t.true(loaded.ok);
  if (!loaded.ok) return;
  t.deepEqual(Object.keys(loaded.inventory.certificates), ["Greenmoor_IdP_Signing", "Greenmoor_CI_JWT"]);
  const schemaComment = /^# yaml-language-server: \$schema=(\S+)$/m.exec(fs.readFileSync(file, "utf8"))![1]!;
  t.is(path.resolve(path.dirname(file), schemaComment), inventorySchemaPath);
});

const cases: [string, string[]][] = [
  [
    "unknown-key",
    [
      "test/fixtures/inventories/unknown-key.yaml:4:5 certificates.Partner_IdP.keysize: is not a known field (known: label, owner, custody, keySize, validityDays, subject, caSigned, signedChainFile, privateKeyExportable, renewal, overlapDays, rotationTrigger, keystorePasswordEnv, adopt)",
    ],
  ],
  [
    "wrong-type",
    [
      'test/fixtures/inventories/wrong-type.yaml:4:19 certificates.Partner_IdP.validityDays: must be an integer (got "a year")',
      'test/fixtures/inventories/wrong-type.yaml:5:15 certificates.Partner_IdP.caSigned: must be a boolean (got "yes please")',
    ],
  ],
  [
    "duplicate-name",
    [
      "test/fixtures/inventories/duplicate-name.yaml:4:3 certificates.Partner_IdP: is defined twice in certificates: names must be unique",
    ],
  ],
  [
    "unknown-certificate",
    [
      'test/fixtures/inventories/unknown-certificate.yaml:9:18 jwtIntegrations.Greenmoor_CI.certificate: names no certificate in this inventory (known: CI_JWT) (got "CI_JTW")',
    ],
  ],
  [
    "jwt-not-exportable",
    [
      "test/fixtures/inventories/jwt-not-exportable.yaml:10:18 jwtIntegrations.Greenmoor_CI.certificate: is not exportable (privateKeyExportable: false): a JWT integration signs with the private key, so its key must be exportable",
    ],
  ],
  [
    "jwt-org-custody",
    [
      'test/fixtures/inventories/jwt-org-custody.yaml:10:18 jwtIntegrations.Greenmoor_CI.certificate: names certificate "CI_JWT", whose key the org keeps (custody: org): no client could sign a JWT login with it; bind a certificate with custody: provider',
    ],
  ],
  [
    "org-custody-subject",
    [
      "test/fixtures/inventories/org-custody-subject.yaml:8:7 certificates.Greenmoor_IdP.subject: cannot be set with custody: org: Salesforce writes the subject of a certificate it generates (CN=SelfSignedCert_<date>_<time>, O=Salesforce.com, …); remove subject, or use custody: provider",
    ],
  ],
  [
    "org-connection-twice",
    [
      "test/fixtures/inventories/org-connection-twice.yaml:24:23 jwtIntegrations.Greenmoor_CI.rotationStrategy: must be twoSlots for the stack's org connection (orgConnection: true): the provider proves the new slot with a login before it stops using the old one; rotated in place, a failed deploy would lock the stack out of the org",
      "test/fixtures/inventories/org-connection-twice.yaml:25:20 jwtIntegrations.Greenmoor_CI.orgConnection: must be true for one integration only: Greenmoor_Deployer is already the stack's org connection",
    ],
  ],
  [
    "renewal-window",
    [
      "test/fixtures/inventories/renewal-window.yaml:6:25 certificates.Short_Lived.renewal.daysBeforeExpiry: must be less than validityDays (30): a renewal window as long as the validity would rotate on every run (got 45)",
    ],
  ],
  [
    "bad-name",
    [
      'test/fixtures/inventories/bad-name.yaml:2:3 certificates.Partner__IdP_: must be a Salesforce unique name: letters, digits and underscores, starting with a letter, with no trailing or double underscore (got "Partner__IdP_")',
    ],
  ],
  ["yaml-syntax", ['test/fixtures/inventories/yaml-syntax.yaml:5:1 (yaml): Missing closing "quote']],
  [
    "app-name-twice",
    [
      "test/fixtures/inventories/app-name-twice.yaml:16:3 samlBindings.Partner_App: is also the name of jwtIntegrations.Partner_App: app names must be unique in the org",
    ],
  ],
  [
    "saml-rules",
    [
      'test/fixtures/inventories/saml-rules.yaml:14:13 samlBindings.Portal_SSO.acsUrl: must be an absolute https URL (got "http://portal.partner.example/acs")',
      "test/fixtures/inventories/saml-rules.yaml:17:18 samlBindings.Wiki_SSO.certificate: must be the same IdP certificate as samlBindings.Portal_SSO (IdP_A): the org signs for every SP with one certificate",
      'test/fixtures/inventories/saml-rules.yaml:18:17 samlBindings.Wiki_SSO.spEntityId: must be an absolute URI (a URL such as https://sp.example.com/saml or a URN), at most 1024 characters (got "wiki")',
      "test/fixtures/inventories/saml-rules.yaml:20:23 samlBindings.Wiki_SSO.signingAlgorithm: SHA1 is weak: Salesforce recommends SHA256; set acknowledgeSha1: true only if the partner cannot verify SHA-256 signatures",
    ],
  ],
  [
    "nested-duplicate",
    [
      "test/fixtures/inventories/nested-duplicate.yaml:5:5 certificates.IdP.keySize: is defined twice in certificates.IdP: keys must be unique",
    ],
  ],
  [
    "org-contact",
    [
      'test/fixtures/inventories/org-contact.yaml:2:17 org.contactEmail: must be an e-mail address like name@example.com (got "platform-at-greenmoor")',
    ],
  ],
  [
    "saml-stages",
    [
      "test/fixtures/inventories/saml-stages.yaml:19:18 samlBindings.SP_Two.publishDays: must equal samlBindings.SP_One's publishDays (7): the org switches every SP to a new IdP certificate at once (got 12)",
      "test/fixtures/inventories/saml-stages.yaml:19:18 samlBindings.SP_Two.publishDays: must be shorter than certificates.IdP.renewal.daysBeforeExpiry (10): the org signs with the old certificate for publishDays after the rotation, and it expires 10 days after it (got 12)",
    ],
  ],
  [
    "slot-collision",
    [
      "test/fixtures/inventories/slot-collision.yaml:13:3 jwtIntegrations.CI_A: collides with the slot A app of jwtIntegrations.CI (CI_A): names ending in _A or _B are reserved for the slot apps of JWT integrations; choose another name",
    ],
  ],
  [
    "generation-collision",
    [
      "test/fixtures/inventories/generation-collision.yaml:4:3 certificates.Idp_G2: collides with certificates.Idp, whose key pair is named Idp_G2 in the org after its rotations: names ending in _G and digits are reserved for rotated key pairs; choose another name",
    ],
  ],
  [
    "control-character",
    [
      'test/fixtures/inventories/control-character.yaml:5:12 certificates.Idp.label: must not contain U+0007 (a control character) at character 4: Salesforce metadata is XML 1.0, which forbids it (got "IdP\\u0007signing")',
      'test/fixtures/inventories/control-character.yaml:7:16 certificates.Idp.subject.company: must not contain U+0001 (a control character) at character 6: Salesforce metadata is XML 1.0, which forbids it (got "Green\\u0001moor")',
    ],
  ],
];

for (const [name, expected] of cases) {
  test(`inventory rule: ${name}`, (t) => {
    t.deepEqual(problems(name), expected);
  });
}

test("a missing file is one problem, not an exception", (t) => {
  const loaded = loadInventory("/nonexistent/inventory.yaml");
  t.false(loaded.ok);
  if (!loaded.ok) t.is(formatProblem(loaded.problems[0]!), "/nonexistent/inventory.yaml: cannot be read: no such file");
});

test("salesforce-certs validate: exit 0 and a summary for the example, exit 1 and one line per problem otherwise", (t) => {
  const ok = runCli(["validate", "examples/greenmoor/inventory.yaml"], repoRoot);
  t.is(ok.status, 0, ok.stderr);
  t.is(ok.stdout, "examples/greenmoor/inventory.yaml: valid (2 certificates, 1 JWT integrations, 1 SAML bindings)\n");
  const bad = runCli(["validate", fixture("saml-rules")], repoRoot);
  t.is(bad.status, 1);
  t.is(bad.stderr.trim().split("\n").length, 4);
  t.true(bad.stderr.startsWith("test/fixtures/inventories/saml-rules.yaml:14:13 samlBindings.Portal_SSO.acsUrl: "));
  const json = runCli(["validate", fixture("unknown-key"), "--json"], repoRoot);
  t.is(json.status, 1);
  t.like(JSON.parse(json.stdout), {
    ok: false,
    problems: [{ line: 4, col: 5, path: "certificates.Partner_IdP.keysize" }],
  });
  const usage = runCli(["validate"], repoRoot);
  t.is(usage.status, 2);
  t.regex(usage.stdout, /^usage: salesforce-certs validate FILE \[--json\]/);
});

test("a problem with the whole file has no position: file: rule, and no line in --json", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-inventory-"));
  try {
    const file = path.join(dir, "utf16.yaml");
    fs.writeFileSync(file, Buffer.from("\ufeffcertificates: {}\n", "utf16le"));
    const loaded = loadInventory(file, "utf16.yaml");
    t.deepEqual(loaded, {
      ok: false,
      problems: [
        {
          file: "utf16.yaml",
          path: "(file)",
          message:
            "is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 (YAML files are read as UTF-8)",
        },
      ],
    });
    if (!loaded.ok)
      t.is(
        formatProblem(loaded.problems[0]!),
        "utf16.yaml: is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 (YAML files are read as UTF-8)",
      );
    // A U+FFFD the file really holds is text, not a decoding error.
    fs.writeFileSync(file, 'certificates:\n  Idp:\n    label: "IdP \ufffd"\n');
    t.true(loadInventory(file).ok);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a forbidden character in one field does not hide the other problems of the inventory", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-inventory-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "inventory.yaml");
  fs.writeFileSync(
    file,
    'certificates:\n  A_Cert:\n    label: A\n    subject:\n      commonName: "a\\u0000b"\n      country: gb\n      email: "ü@x.example"\n',
  );
  const loaded = loadInventory(file, "inventory.yaml");
  t.false(loaded.ok);
  t.deepEqual(loaded.ok ? [] : loaded.problems.map(formatProblem), [
    'inventory.yaml:5:19 certificates.A_Cert.subject.commonName: must not contain U+0000 (a control character) at character 2: Salesforce metadata is XML 1.0, which forbids it (got "a\\u0000b")',
    'inventory.yaml:6:16 certificates.A_Cert.subject.country: must be a two-letter ISO 3166 country code such as US or DE (got "gb")',
    'inventory.yaml:7:14 certificates.A_Cert.subject.email: must be ASCII: X.509 writes emailAddress as an IA5String, which cannot hold other characters (got "ü@x.example")',
  ]);
});

test("custody org takes caSigned and a signedChainFile (the org makes the CSR; the chain is uploaded to it)", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-inventory-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const chain = buildSelfSignedCertificate({
    keyPair: generateRsaKeyPair(2048),
    subject: { commonName: "Acme mTLS" },
    notBefore: new Date("2026-12-01T00:00:00Z"),
    notAfter: new Date("2027-04-01T00:00:00Z"),
  });
  fs.writeFileSync(path.join(dir, "acme-mtls-chain.pem"), chain);
  const file = path.join(dir, "inventory.yaml");
  fs.writeFileSync(
    file,
    "certificates:\n  Acme_Mtls:\n    label: Acme mTLS\n    custody: org\n    caSigned: true\n    signedChainFile: acme-mtls-chain.pem\n",
  );
  const loaded = loadInventory(file, "inventory.yaml");
  t.deepEqual(loaded.ok ? [] : loaded.problems.map(formatProblem), []);
  if (loaded.ok)
    t.like(loaded.inventory.certificates["Acme_Mtls"], { custody: "org", caSigned: true, signedChainPem: chain });
});
