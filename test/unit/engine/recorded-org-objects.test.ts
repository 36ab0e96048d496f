/**
 * Which org objects a checkpoint records, which ones an inventory adopts, and when an adoption is refused
 * because another stack manages the object: names without case, apps of each type apart, another org by
 * id or by My Domain, an org nothing tells apart before a login, hostile names, damaged checkpoints.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { otherCheckpoints } from "../../../provider/engine/adopted-elsewhere";
import {
  type AdoptedOrgObject,
  adoptedOrgObjects,
  adoptionConflicts,
  conflictMessage,
  type KnownOrg,
  type OtherStack,
  recordedOrgObjects,
  sameOrg,
} from "../../../provider/engine/recorded-org-objects";

const ours = "pulumi-nodejs:dynamic/salesforce:";
const urn = (type: string, name: string, stack = "prod") =>
  `urn:pulumi:${stack}::salesforce-certs::${ours}${type}::${name}`;
const prodOrg = "00D5g000004Prod1AAA";
const sandboxOrg = "00D7x000009SbxUAAA";
const prodUrl = "https://greenmoor.my.salesforce.com";
const sandboxUrl = "https://greenmoor--uat.sandbox.my.salesforce.com";
/** How the engine stores a secret output: encrypted, never read by the check. */
const secret = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: "v1:c2VjcmV0LWtleS1ieXRlcw==",
};

function checkpoint(resources: Record<string, unknown>[]): string {
  return JSON.stringify({
    version: 3,
    checkpoint: {
      stack: "organization/salesforce-certs/prod",
      latest: {
        resources: [
          {
            urn: "urn:pulumi:prod::salesforce-certs::pulumi:pulumi:Stack::salesforce-certs-prod",
            type: "pulumi:pulumi:Stack",
          },
          ...resources,
        ],
      },
    },
  });
}

const org = { orgId: prodOrg, orgInstanceUrl: prodUrl };
const certificate = (name: string, outputs: Record<string, unknown>) => ({
  urn: urn("CertificateAndKeyPair", name),
  type: `${ours}CertificateAndKeyPair`,
  outputs: { custody: "org", salesforceName: name, privateKey: secret, ...org, ...outputs },
});

const prodCheckpoint = checkpoint([
  certificate("Acme_IdP", {
    salesforceName: "Acme_IdP_G2",
    previousCertificate: { salesforceName: "acme_idp", certificatePem: "(public)" },
  }),
  certificate("Provider_Held", { custody: "provider", orgId: undefined, orgInstanceUrl: undefined }),
  // A replacement's old resource, pending deletion.
  { ...certificate("Gone", { salesforceName: "Deleted_Cert" }), delete: true },
  {
    urn: urn("JwtIntegration", "CI"),
    type: `${ours}JwtIntegration`,
    outputs: {
      ...org,
      appType: "ExternalClientApp",
      appName: "Legacy_CI",
      slots: { a: { appName: "Legacy_CI", consumerKey: "3MVG9a" }, b: { appName: "CI_b", consumerKey: "3MVG9b" } },
      adopted: { slot: "a", appName: "LEGACY_CI" },
      slotKeys: secret,
    },
  },
  {
    urn: urn("SamlSpBinding", "Portal"),
    type: `${ours}SamlSpBinding`,
    outputs: { ...org, appType: "ConnectedApp", apiName: "Portal", appName: "Legacy_Portal_SSO" },
  },
  { urn: urn("SamlSpBinding", "Artefact"), type: `${ours}SamlSpBinding`, outputs: { apiName: "Artefact_App" } },
  {
    urn: urn("Secret", "Hidden"),
    type: `${ours}CertificateAndKeyPair`,
    outputs: { custody: "org", salesforceName: secret },
  },
  {
    urn: "urn:pulumi:prod::salesforce-certs::random:index/randomId:RandomId::r",
    type: "random:index/randomId:RandomId",
    outputs: { salesforceName: "Not_Ours" },
  },
]);

test("a checkpoint records the org certificates (with the previous one), every app of a JWT integration and a SAML binding's app, nothing of artefact-mode, deleted, secret or foreign resources", (t) => {
  const reading = recordedOrgObjects(prodCheckpoint);
  if (!reading.ok) return t.fail(reading.problem);
  t.deepEqual(
    reading.objects.map((o) => `${o.kind} ${o.name} (${o.resource})`),
    [
      "Certificate Acme_IdP_G2 (CertificateAndKeyPair Acme_IdP)",
      "Certificate acme_idp (CertificateAndKeyPair Acme_IdP)",
      "ExternalClientApp Legacy_CI (JwtIntegration CI)",
      "ExternalClientApp CI_b (JwtIntegration CI)",
      "ConnectedApp Legacy_Portal_SSO (SamlSpBinding Portal)",
    ],
  );
  t.true(reading.objects.every((o) => o.orgId === prodOrg && o.orgInstanceUrl === prodUrl));
  t.false(JSON.stringify(reading).includes(secret.ciphertext));
});

test("a damaged checkpoint is a problem in words that never quote its content", (t) => {
  const cases: [string, RegExp][] = [
    ["", /is empty/],
    [`{"version":3,"checkpoint":{"latest":{"resources":[{"outputs":${JSON.stringify(secret)}`, /not valid JSON/],
    [JSON.stringify({ checkpoint: {} }), /no version/],
    [JSON.stringify({ version: 4, checkpoint: {} }), /version 4/],
    [JSON.stringify({ version: 3, checkpoint: { latest: { resources: { a: secret } } } }), /not a list/],
    [
      JSON.stringify({ version: 3, checkpoint: { latest: { resources: [{ outputs: secret }] } } }),
      /without URN or type/,
    ],
  ];
  for (const [text, problem] of cases) {
    const reading = recordedOrgObjects(text);
    if (reading.ok) {
      t.fail(`accepted ${text}`);
      continue;
    }
    t.regex(reading.problem, problem);
    t.false(reading.problem.includes("ciphertext") || reading.problem.includes(secret.ciphertext));
  }
  t.deepEqual(recordedOrgObjects(JSON.stringify({ version: 3, checkpoint: { stack: "x" } })), {
    ok: true,
    objects: [],
  });
});

const inventory = {
  certificates: { acme_IDP_g2: { adopt: { sha256Fingerprint: "AB" } }, Not_Adopted: {} },
  jwtIntegrations: {
    Sync: { adopt: { app: "legacy_ci" } },
    Other_Type: { appType: "ConnectedApp", adopt: { app: "CI_b" } },
  },
  samlBindings: { Partner: { appType: "ConnectedApp", adopt: { app: "LEGACY_PORTAL_sso" } } },
};

test("the adopted objects of an inventory: certificates by entry name, apps by adopt.app of the entry's app type", (t) => {
  t.deepEqual(
    adoptedOrgObjects(inventory).map((o) => `${o.entry}: ${o.kind} ${o.name}`),
    [
      "certificates.acme_IDP_g2: Certificate acme_IDP_g2",
      "jwtIntegrations.Sync: ExternalClientApp legacy_ci",
      "jwtIntegrations.Other_Type: ConnectedApp CI_b",
      "samlBindings.Partner: ConnectedApp LEGACY_PORTAL_sso",
    ],
  );
});

const prod = (reading = recordedOrgObjects(prodCheckpoint)): OtherStack => ({
  stack: "prod",
  file: "prod.json",
  reading,
});
const unknownOrg: KnownOrg = { loginUrls: ["https://login.salesforce.com"], namedUrls: [] };

test("the same org by id, in another case: each adopted object the other stack records is refused, an app of the other type is not", (t) => {
  const conflicts = adoptionConflicts(
    adoptedOrgObjects(inventory),
    { orgId: `${prodOrg.slice(0, 15)}XYZ`, loginUrls: [], namedUrls: [] },
    [prod()],
  );
  t.deepEqual(
    conflicts.map((c) => `${c.adopted.entry} ~ ${c.recorded.name} ${c.org}`),
    [
      "certificates.acme_IDP_g2 ~ Acme_IdP_G2 same",
      "jwtIntegrations.Sync ~ Legacy_CI same",
      "samlBindings.Partner ~ Legacy_Portal_SSO same",
    ],
  );
});

test("another org by id, or by another My Domain, is not refused; a shared host or a generic login URL tells nothing and is refused by name", (t) => {
  const adopted = adoptedOrgObjects(inventory);
  t.deepEqual(adoptionConflicts(adopted, { orgId: sandboxOrg, loginUrls: [prodUrl], namedUrls: [] }, [prod()]), []);
  t.deepEqual(adoptionConflicts(adopted, { loginUrls: [sandboxUrl], namedUrls: [prodUrl] }, [prod()]).length, 3);
  t.deepEqual(adoptionConflicts(adopted, { loginUrls: [sandboxUrl], namedUrls: [] }, [prod()]), []);
  t.is(sameOrg({ loginUrls: ["HTTPS://GreenMoor.my.salesforce.com/"], namedUrls: [] }, org), "same");
  t.is(sameOrg({ loginUrls: ["https://test.salesforce.com"], namedUrls: [] }, org), "unknown");
  t.is(sameOrg({ loginUrls: ["https://eu55.salesforce.com"], namedUrls: [] }, org), "unknown");
  t.is(
    sameOrg(
      { loginUrls: [sandboxUrl], namedUrls: [] },
      { orgId: prodOrg, orgInstanceUrl: "https://eu55.salesforce.com" },
    ),
    "unknown",
  );
  t.is(sameOrg({ loginUrls: ["not a url"], namedUrls: [] }, { orgId: prodOrg }), "unknown");
  const unknown = adoptionConflicts(adopted, unknownOrg, [prod()]);
  t.deepEqual([...new Set(unknown.map((c) => c.org))], ["unknown"]);
  t.regex(conflictMessage("up", unknown), /known only after a login[\s\S]*My Domain URL/);
});

test("a damaged checkpoint of another stack is left out of the comparison (the caller warns)", (t) => {
  t.deepEqual(adoptionConflicts(adoptedOrgObjects(inventory), unknownOrg, [prod(recordedOrgObjects("{"))]), []);
});

test("hostile names are shown quoted, and the state delete command quotes the URN for a shell", (t) => {
  const hostile = "Evil'$(touch x)\n`id`";
  const reading = recordedOrgObjects(
    checkpoint([{ ...certificate(hostile, {}), urn: urn("CertificateAndKeyPair", hostile, "prod'; rm") }]),
  );
  const adopted: AdoptedOrgObject[] = [{ kind: "Certificate", name: hostile.toUpperCase(), entry: "certificates.X" }];
  const conflicts = adoptionConflicts(adopted, { orgId: prodOrg, loginUrls: [], namedUrls: [] }, [
    { stack: "prod'; rm", file: "f", reading },
  ]);
  t.is(conflicts.length, 1);
  const message = conflictMessage("preview", conflicts);
  t.true(message.startsWith("preview: refused: certificates.X adopts Certificate"));
  t.true(message.includes(JSON.stringify(hostile)));
  t.regex(message, /pulumi state delete --stack 'prod'\\''; rm' \$'urn:pulumi:prod\\'; rm::[^\n]*\\x0a`id`'/);
  t.regex(message, /Nothing was run\.$/);
  // Every line break in the message is the message's own: none comes from a name.
  t.false(message.split("\n").some((line) => line.startsWith("`id`")));
});

test("the other checkpoints of a state folder: this stack left out, another project's named in full, compressed ones flagged, backups ignored", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "adopted-elsewhere-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const stacks = path.join(dir, ".pulumi", "stacks");
  fs.mkdirSync(path.join(stacks, "salesforce-certs"), { recursive: true });
  fs.mkdirSync(path.join(stacks, "other-project"), { recursive: true });
  for (const file of [
    "salesforce-certs/prod.json",
    "salesforce-certs/prod-copy.json",
    "salesforce-certs/prod.json.bak",
    "salesforce-certs/uat.json.gz",
    "other-project/prod.json",
    "legacy.json",
  ])
    fs.writeFileSync(path.join(stacks, file), "{}");
  t.deepEqual(
    otherCheckpoints(dir, { projectName: "salesforce-certs", stackName: "prod-copy" }).map(
      (c) => `${c.stack}${c.compressed ? " (compressed)" : ""}`,
    ),
    ["legacy", "organization/other-project/prod", "prod", "uat (compressed)"],
  );
});
