/**
 * The draft inventory: what discover found in one org, as entries that adopt it. Judged three ways: the
 * project's own loader (`validate`), the published JSON Schema through an independent validator (Python's
 * jsonschema, shown once to reject a bad entry), and the YAML itself read back by the `yaml` package. What
 * is not adopted is in comments, with why; the JWT integrations' comment is real YAML once uncommented.
 * Hostile names and labels from the org cannot add a key, end a comment or change a value.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { parse, parseDocument } from "yaml";
import { draftInventory } from "../../../provider/discover/draft-inventory";
import { UsageError } from "../../../provider/errors";
import { formatProblem, inventorySchemaPath, loadInventory } from "../../../provider/inventory/load-inventory";
import { brownfieldOrg, document, fingerprint } from "./render-documents";

const contactEmail = "platform@brownfield.example";

/** The draft's problems as `validate` prints them (none when valid). */
function validate(text: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "draft-inventory-"));
  const file = path.join(dir, "inventory.yaml");
  fs.writeFileSync(file, text);
  const loaded = loadInventory(file, "inventory.yaml");
  return loaded.ok ? [] : loaded.problems.map(formatProblem);
}

/** Python's jsonschema (Draft 2020-12) on the YAML's data: its error messages, none when valid. */
function jsonSchemaErrors(text: string): string[] {
  const script = [
    "import json, sys, jsonschema",
    "schema, instance = json.load(open(sys.argv[1])), json.load(sys.stdin)",
    "validator = jsonschema.Draft202012Validator(schema)",
    "print(json.dumps(sorted('/'.join(map(str, e.absolute_path)) + ': ' + e.message for e in validator.iter_errors(instance))))",
  ].join("\n");
  const run = spawnSync("python3", ["-c", script, inventorySchemaPath], {
    input: JSON.stringify(parse(text)),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`jsonschema failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

/** The comment lines of `text`, without their `#`. */
const comments = (text: string) =>
  text
    .split("\n")
    .filter((line) => /^\s*#/.test(line))
    .map((line) => line.replace(/^\s*# ?/, ""));

/** The YAML inside the trailing comment block that starts at `certificates:`, uncommented. */
function uncommentedJwt(text: string): Record<string, Record<string, Record<string, unknown>>> {
  const lines = text.split("\n");
  const start = lines.indexOf("# certificates:");
  return parse(
    lines
      .slice(start)
      .filter((line) => line.startsWith("#"))
      .map((line) => line.replace(/^# ?/, ""))
      .join("\n"),
  ) as Record<string, Record<string, Record<string, unknown>>>;
}

test("the brownfield org's draft validates, by the project's loader and by an independent JSON Schema validator", (t) => {
  const text = draftInventory(document(brownfieldOrg()), { contactEmail });
  t.deepEqual(validate(text), []);
  t.deepEqual(jsonSchemaErrors(text), []);
  const data = parse(text) as Record<string, Record<string, Record<string, unknown>>>;
  t.deepEqual(data["org"], { myDomainUrl: "https://brownfield.my.salesforce.com", contactEmail });
  t.deepEqual(data["certificates"], {
    IdP_Signing: {
      label: "IdP signing",
      custody: "org",
      keySize: 4096,
      caSigned: false,
      privateKeyExportable: true,
      adopt: { sha256Fingerprint: fingerprint("idp") },
    },
  });
  t.deepEqual(data["samlBindings"], {
    Portal: {
      label: "Portal",
      certificate: "IdP_Signing",
      spEntityId: "https://portal.partner.example/saml",
      acsUrl: "https://portal.partner.example/acs",
      appType: "ConnectedApp",
      nameIdFormat: "emailAddress",
      subjectType: "FederationId",
      signingAlgorithm: "SHA256",
      adopt: { app: "Portal" },
    },
  });
  t.false("jwtIntegrations" in data, "JWT integrations are commented out");
});

test("what is not adopted is in comments, with why; the deleted never appear", (t) => {
  const text = draftInventory(document(brownfieldOrg()), { contactEmail });
  const said = comments(text).join("\n");
  for (const [name, why] of [
    ["Expired_Legacy", "expired on 2026-01-30"],
    ["CA_Pending", "CA-signed and awaiting its chain"],
    ["Mtls_Client", "used by NamedCredential Payments (client certificate), which no resource of this project moves"],
    ["Sso_Request_Signing", "used by SamlSsoConfig Partner_SSO, which no resource of this project moves"],
  ])
    t.true(said.includes(`- ${name}: ${why}`), `${name}: ${why}`);
  t.true(
    said.includes(
      "Expires 2026-09-17; used by IdentityProviderSettings IdentityProvider, ConnectedApp Portal (signing).",
    ),
  );
  t.true(said.includes("Add preAuthorized (the app's profiles and permission sets, from Setup)"));
  // The model holds no deleted record (discover leaves them out): nothing else is named.
  const named = new Set([...said.matchAll(/^- (\w+):/gm)].map((m) => m[1]));
  t.deepEqual([...named].sort(), [
    "Batch_Export",
    "CA_Pending",
    "Expired_Legacy",
    "Mtls_Client",
    "Shared_Key_App",
    "Sso_Request_Signing",
  ]);
});

test("JWT integrations are commented out with what to fill in; uncommented, they are entries adopting each app", (t) => {
  const text = draftInventory(document(brownfieldOrg()), { contactEmail });
  const said = comments(text).join("\n");
  t.true(said.includes("username (the user that logs in with the JWT Bearer Flow"));
  t.true(said.includes("privateKeyEnv (the environment variable holding the key the clients use now"));
  t.true(said.includes("- Batch_Export: its certificate expired on 2026-02-27"));
  t.true(said.includes("- Batch_Export: shares its key with Shared_Key_App"));
  const suggested = uncommentedJwt(text);
  t.deepEqual(Object.keys(suggested["certificates"]!), ["Legacy_CI_Next", "Batch_Export_Next", "Shared_Key_App_Next"]);
  t.deepEqual(
    Object.entries(suggested["jwtIntegrations"]!).map(([name, entry]) => [
      name,
      entry["certificate"],
      entry["appType"],
      entry["adopt"],
    ]),
    [
      [
        "Legacy_CI",
        "Legacy_CI_Next",
        "ConnectedApp",
        { app: "Legacy_CI", sha256Fingerprint: fingerprint("ci"), privateKeyEnv: "LEGACY_CI_PRIVATE_KEY" },
      ],
      [
        "Batch_Export",
        "Batch_Export_Next",
        "ExternalClientApp",
        { app: "Batch_Export", sha256Fingerprint: fingerprint("batch"), privateKeyEnv: "BATCH_EXPORT_PRIVATE_KEY" },
      ],
      [
        "Shared_Key_App",
        "Shared_Key_App_Next",
        "ExternalClientApp",
        {
          app: "Shared_Key_App",
          sha256Fingerprint: fingerprint("shared"),
          privateKeyEnv: "SHARED_KEY_APP_PRIVATE_KEY",
        },
      ],
    ],
  );
  t.deepEqual(suggested["jwtIntegrations"]!["Legacy_CI"]!["preAuthorized"], { permissionSets: ["CI_Deployer"] });
  // Filled in and moved into the draft, the suggestion validates (the inventory's rules, then the schema).
  const filled = parse(text) as Record<string, Record<string, unknown>>;
  Object.assign(filled["certificates"]!, suggested["certificates"]);
  filled["jwtIntegrations"] = Object.fromEntries(
    Object.entries(suggested["jwtIntegrations"]!).map(([name, entry]) => [
      name,
      {
        ...entry,
        username: `${name.toLowerCase()}@brownfield.example`,
        preAuthorized: { permissionSets: ["CI_Deployer"] },
      },
    ]),
  );
  const { stringify } = require("yaml") as typeof import("yaml");
  t.deepEqual(validate(stringify(filled)), []);
  t.deepEqual(jsonSchemaErrors(stringify(filled)), []);
});

test("without the org's contact e-mail, SAML apps stay out, with why; the draft still validates", (t) => {
  const text = draftInventory(document(brownfieldOrg()));
  t.deepEqual(validate(text), []);
  const data = parse(text) as Record<string, unknown>;
  t.false("samlBindings" in data);
  t.true(comments(text).some((line) => line.startsWith("- Portal: org.contactEmail is not known")));
});

test("the JSON Schema validator rejects a bad adopt, as the loader does", (t) => {
  const text = draftInventory(document(brownfieldOrg()), { contactEmail }).replace(
    `sha256Fingerprint: ${fingerprint("idp")}`,
    `sha256Fingerprint: ${fingerprint("idp").slice(3)}`,
  );
  t.deepEqual(
    jsonSchemaErrors(text).map((e) => e.split(":")[0]),
    ["certificates/IdP_Signing/adopt/sha256Fingerprint"],
  );
  t.is(validate(text).length, 1);
});

test("one org per draft: the option picks it by label, and an unknown one is a usage error", (t) => {
  const sandbox = brownfieldOrg({ IdP_Signing: "Sandbox_IdP" }, "sandbox");
  const text = draftInventory(document(brownfieldOrg(), sandbox), { org: "sandbox", contactEmail });
  t.deepEqual(Object.keys((parse(text) as Record<string, object>)["certificates"]!), ["Sandbox_IdP"]);
  t.true(comments(text)[0]!.startsWith("Draft inventory of org sandbox"));
  const error = t.throws(() => draftInventory(document(brownfieldOrg()), { org: "staging" }), {
    instanceOf: UsageError,
  });
  t.is(error?.message, 'the discovery holds no org "staging" (it holds: "production")');
});

const yamlHostile = [
  "key: value # not a comment",
  "- item",
  "\"quoted' &anchor *alias !tag",
  "--- \n... \r\n%YAML 1.2",
  "{[|>@`",
  "line\nbreak: evil\r\n  nested: true",
  "\u2028sep\u0085nel",
];

test("hostile labels and names from the org cannot add a key, end a comment or change a value", (t) => {
  const org = brownfieldOrg(
    { "IdP signing": yamlHostile.join(" ").slice(0, 64) },
    "prod\n# injected\ncertificates: {}",
  );
  // Names the org would never accept, and labels with every YAML indicator: each label is adopted as is.
  const order = [0, 5, 2, 3, 6, 1, 4];
  const valid = { expiresAt: "2027-01-01T00:00:00.000Z", awaitingChain: false, uses: [] };
  org.certificates = org.certificates.map((c, i) => (i === 0 ? c : { ...c, ...valid, label: yamlHostile[order[i]!]! }));
  org.certificates.push(
    { ...org.certificates[1]!, name: "Extra_One", label: yamlHostile[1]! },
    { ...org.certificates[1]!, name: "Extra_Two", label: yamlHostile[4]! },
  );
  org.certificates.push({ ...org.certificates[1]!, name: "Evil\n  injected: true\n# x", label: "x" });
  org.appCertificates[0]!.app = "CI\nsamlBindings: {}\r# done";
  const text = draftInventory(document(org), { contactEmail });
  t.deepEqual(validate(text), []);
  t.deepEqual(jsonSchemaErrors(text), []);
  const doc = parseDocument(text);
  t.deepEqual(doc.errors, []);
  const data = doc.toJS() as Record<string, Record<string, Record<string, unknown>>>;
  t.deepEqual(Object.keys(data), ["org", "certificates", "samlBindings"]);
  const labels = Object.fromEntries(Object.entries(data["certificates"]!).map(([name, c]) => [name, c["label"]]));
  t.deepEqual(labels, {
    IdP_Signing: yamlHostile.join(" ").slice(0, 64),
    Expired_Legacy: yamlHostile[5],
    CA_Pending: yamlHostile[2],
    Mtls_Client: yamlHostile[3],
    Sso_Request_Signing: yamlHostile[6],
    Extra_One: yamlHostile[1],
    Extra_Two: yamlHostile[4],
  });
  // The name Salesforce could not hold is reported, escaped, on one comment line.
  const said = comments(text);
  t.true(said.some((line) => line.startsWith("- Evil\\u000A  injected: true\\u000A# x: an entry would be refused: ")));
  t.true(said[0]!.startsWith("Draft inventory of org prod\\u000A# injected\\u000Acertificates: {} ("));
  // The JWT suggestion keeps the app's name as a value, quoted by the library.
  t.is(Object.keys(uncommentedJwt(text)["jwtIntegrations"]!)[0], "CI\nsamlBindings: {}\r# done");
});

test("the schema comment, when asked for, is the draft's first line, as editors read it", (t) => {
  const text = draftInventory(document(brownfieldOrg()), { schemaUrl: "../schema/inventory.schema.json" });
  t.is(text.split("\n")[0], "# yaml-language-server: $schema=../schema/inventory.schema.json");
  t.deepEqual(validate(text), []);
});

test("a certificate a SAML app encrypts with is reported, not adopted: its rotation would leave the app naming the old one", (t) => {
  const org = brownfieldOrg();
  org.certificates[4]!.uses = [{ kind: "samlApp", by: "Portal", type: "ConnectedApp", detail: "encryption" }];
  const text = draftInventory(document(org), { contactEmail });
  t.deepEqual(Object.keys((parse(text) as Record<string, object>)["certificates"]!), ["IdP_Signing"]);
  t.true(
    comments(text).includes(
      "- Sso_Request_Signing: used by ConnectedApp Portal (encryption), which no resource of this project moves to a rotated certificate: reported by discover (and its --within gate), not managed.",
    ),
  );
  t.deepEqual(validate(text), []);
});
