/**
 * The inventory side of adoption: `adopt` on certificates (custody org only), JWT integrations and SAML
 * bindings, each field's rule located at its line and column, one org app adopted by one entry (names
 * compared without case), and the JWT key read from the environment variable the entry names at declare
 * time, as a secret, never from the inventory. Declaring runs against Pulumi's mock monitor.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import test from "ava";
import { declareInventory } from "../../../provider";
import { InventoryError } from "../../../provider/errors";
import { jwtAdoptionArgs } from "../../../provider/inventory/declare-inventory";
import type { Inventory } from "../../../provider/inventory/inventory-types";
import { formatProblem, loadInventory } from "../../../provider/inventory/load-inventory";

const declared: {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      declared.push({
        type: args.type,
        name: args.name,
        inputs: args.inputs as Record<string, unknown>,
      });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  },
  "inventory-adopt",
  "test",
  // A preview: the resources' views of outputs the mock does not make stay unknown, and are not computed.
  true,
);

const fingerprint = Array.from({ length: 32 }, (_, i) =>
  ((i * 37 + 11) % 256).toString(16).toUpperCase().padStart(2, "0"),
).join(":");

/** Loads `text` as an inventory file; its problems as the CLI prints them (file name `inv.yaml`). */
function problems(text: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-adopt-"));
  const file = path.join(dir, "inv.yaml");
  fs.writeFileSync(file, text);
  const loaded = loadInventory(file, "inv.yaml");
  return loaded.ok ? [] : loaded.problems.map(formatProblem);
}

const valid = `org:
  myDomainUrl: https://brownfield.my.salesforce.com
  contactEmail: platform@brownfield.example
certificates:
  IdP_Signing:
    label: IdP signing
    custody: org
    keySize: 4096
    adopt:
      sha256Fingerprint: "${fingerprint}"
  Next_CI_Key:
    label: Next CI key
jwtIntegrations:
  CI:
    label: CI
    certificate: Next_CI_Key
    username: ci@brownfield.example
    audience: https://login.salesforce.com
    preAuthorized:
      permissionSets: [CI_Deployer]
    adopt:
      app: Legacy_CI
      sha256Fingerprint: ${fingerprint.replaceAll(":", "").toLowerCase()}
      privateKeyEnv: LEGACY_CI_KEY
samlBindings:
  Portal:
    label: Portal
    certificate: IdP_Signing
    spEntityId: https://portal.example/saml
    acsUrl: https://portal.example/acs
    appType: ConnectedApp
    adopt:
      app: Portal_App
`;

/** An RSA private key made at run time (PKCS #8 PEM): no key text lives in the sources. */
function runtimeKeyPem(): string {
  return crypto
    .generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
}

test("adopt on each kind of entry is valid, with either fingerprint form, and is kept in the loaded inventory", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-adopt-"));
  const file = path.join(dir, "inv.yaml");
  fs.writeFileSync(file, valid);
  const loaded = loadInventory(file);
  if (!loaded.ok) return t.fail(loaded.problems.map(formatProblem).join("\n"));
  t.deepEqual(loaded.inventory.certificates["IdP_Signing"]!.adopt, {
    sha256Fingerprint: fingerprint,
  });
  t.deepEqual(loaded.inventory.jwtIntegrations["CI"]!.adopt, {
    app: "Legacy_CI",
    sha256Fingerprint: fingerprint.replaceAll(":", "").toLowerCase(),
    privateKeyEnv: "LEGACY_CI_KEY",
  });
  t.deepEqual(loaded.inventory.samlBindings["Portal"]!.adopt, {
    app: "Portal_App",
  });
});

test("adopt is refused on a certificate whose key the provider holds", (t) => {
  const text = valid.replace("    custody: org\n", "");
  t.deepEqual(problems(text), [
    'inv.yaml:9:7 certificates.IdP_Signing.adopt: needs custody: org: only a certificate whose key pair the org holds can be taken over (a provider-held key pair is made by this provider); set custody: org, or remove adopt (got custody "provider")',
  ]);
});

test("validate applies the resource's own adopt rules: not the stack's connection, not its own next slot app", (t) => {
  t.deepEqual(
    problems(
      valid.replace("    adopt:\n      app: Legacy_CI", "    orgConnection: true\n    adopt:\n      app: Legacy_CI"),
    ),
    [
      "inv.yaml:23:7 jwtIntegrations.CI.adopt: cannot be used with orgConnection: true: the stack's own connection logs in with a key this stack made from its first run; adopt the app with a separate JwtIntegration",
    ],
  );
  t.deepEqual(problems(valid.replace("app: Legacy_CI", "app: ci_b")), [
    'inv.yaml:22:12 jwtIntegrations.CI.adopt.app: must not be CI_B: that is the slot app this integration makes for the next certificate (got "ci_b")',
  ]);
});

test("a fingerprint that is neither colon-separated pairs nor 64 hex digits, and a bad app name, are refused at their line", (t) => {
  const text = valid
    .replace(`sha256Fingerprint: "${fingerprint}"`, `sha256Fingerprint: "${fingerprint.slice(3)}"`)
    .replace("app: Portal_App", "app: Portal__App")
    .replace("app: Legacy_CI", "app: 'Legacy CI'");
  t.deepEqual(problems(text), [
    `inv.yaml:10:26 certificates.IdP_Signing.adopt.sha256Fingerprint: must be a SHA-256 fingerprint: 32 hex pairs joined by colons (AB:CD:…, as openssl x509 -fingerprint -sha256 and discover write it) or 64 hex digits (got "${fingerprint.slice(3, 39)}…)`,
    'inv.yaml:22:12 jwtIntegrations.CI.adopt.app: must be an app\'s full name as the org spells it (matched without case): letters, digits and underscores, starting with a letter, with no trailing or double underscore (got "Legacy CI")',
    'inv.yaml:33:12 samlBindings.Portal.adopt.app: must be an app\'s full name as the org spells it (matched without case): letters, digits and underscores, starting with a letter, with no trailing or double underscore (got "Portal__App")',
  ]);
});

test("a key put in privateKeyEnv is refused and never shown; adopt's unknown fields are named", (t) => {
  // A key made here, written into the field as YAML escapes it: the message must quote none of it.
  const pemLike = runtimeKeyPem().trim().replace(/\n/g, "\\n");
  const text = valid
    .replace("privateKeyEnv: LEGACY_CI_KEY", `privateKeyEnv: "${pemLike}"`)
    .replace("      app: Portal_App", "      app: Portal_App\n      consumerKey: x");
  const found = problems(text);
  t.deepEqual(found, [
    "inv.yaml:24:22 jwtIntegrations.CI.adopt.privateKeyEnv: must be the name of an environment variable holding the PEM private key (letters, digits and underscores, not starting with a digit, such as CI_JWT_PRIVATE_KEY), never the key itself; the value is not shown",
    "inv.yaml:34:7 samlBindings.Portal.adopt.consumerKey: is not a known field (known: app)",
  ]);
  t.false(found.join("\n").includes("MIIEvQ"));
  t.deepEqual(problems(valid.replace("privateKeyEnv: LEGACY_CI_KEY", "privateKeyEnv: [MIIEvQ]")), [
    "inv.yaml:24:22 jwtIntegrations.CI.adopt.privateKeyEnv: must be a string (the value is not shown)",
  ]);
});

test("one org app is adopted by one entry: names compared without case, per app type", (t) => {
  const twice = `${valid}  Portal_Two:
    label: Portal two
    certificate: IdP_Signing
    spEntityId: https://two.example/saml
    acsUrl: https://two.example/acs
    appType: ConnectedApp
    adopt:
      app: PORTAL_APP
`;
  t.deepEqual(problems(twice), [
    'inv.yaml:41:12 samlBindings.Portal_Two.adopt.app: adopts ConnectedApp "PORTAL_APP", which samlBindings.Portal adopts already (app names are compared without case, as Salesforce does): one org app is managed by one entry',
  ]);
  // The same name as an External Client App is another org object.
  t.deepEqual(
    problems(twice.replace(/(Portal two[\s\S]*?)appType: ConnectedApp\n/, "$1appType: ExternalClientApp\n")),
    [],
  );
  // The JWT integration adopts the app the SAML binding declares as its own (ConnectedApp by default for neither: ExternalClientApp).
  const taken = valid.replace("app: Legacy_CI", "app: portal").replace("    appType: ConnectedApp\n", "");
  t.deepEqual(problems(taken), [
    'inv.yaml:22:12 jwtIntegrations.CI.adopt.app: adopts ExternalClientApp "portal", the app samlBindings.Portal is declared as (app names are compared without case, as Salesforce does): one org app is managed by one entry',
  ]);
});

const inventory = (adopt: NonNullable<Inventory["jwtIntegrations"][string]["adopt"]>): Inventory => ({
  file: "inventory.yaml",
  org: {
    contactEmail: "platform@brownfield.example",
    myDomainUrl: "https://brownfield.my.salesforce.com",
  },
  certificates: {
    IdP_Signing: {
      label: "IdP signing",
      custody: "org",
      adopt: { sha256Fingerprint: fingerprint },
    },
    Next_CI_Key: { label: "Next CI key" },
  },
  jwtIntegrations: {
    CI: {
      label: "CI",
      certificate: "Next_CI_Key",
      username: "ci@brownfield.example",
      audience: "https://login.salesforce.com",
      preAuthorized: { permissionSets: ["CI_Deployer"] },
      adopt,
    },
  },
  samlBindings: {
    Portal: {
      label: "Portal",
      certificate: "IdP_Signing",
      spEntityId: "https://portal.example/saml",
      acsUrl: "https://portal.example/acs",
      adopt: { app: "Portal_App" },
    },
  },
});

test("declaring passes adopt to each resource, with the JWT key read from its variable as a secret", async (t) => {
  const variable = "SFC_TEST_ADOPT_LEGACY_KEY";
  // Adoption's own check of the key is the resource's; here only its way from the variable matters.
  const pem = runtimeKeyPem();
  process.env[variable] = pem;
  declared.length = 0;
  try {
    declareInventory(
      inventory({
        app: "Legacy_CI",
        sha256Fingerprint: fingerprint,
        privateKeyEnv: variable,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const byName = new Map(declared.map((d) => [d.name, d.inputs]));
    t.deepEqual(byName.get("IdP_Signing")?.["adopt"], {
      sha256Fingerprint: fingerprint,
    });
    t.deepEqual(byName.get("Portal")?.["adopt"], { app: "Portal_App" });
    // The key makes the whole argument a secret: the monitor receives it under Pulumi's secret signature.
    t.deepEqual(byName.get("CI")?.["adopt"], {
      [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
      value: {
        app: "Legacy_CI",
        sha256Fingerprint: fingerprint,
        privateKeyPem: pem,
      },
    });
    const args = jwtAdoptionArgs("CI", {
      app: "Legacy_CI",
      sha256Fingerprint: fingerprint,
      privateKeyEnv: variable,
    });
    t.true(await pulumi.isSecret(args.privateKeyPem!));
    t.deepEqual(
      jwtAdoptionArgs("CI", {
        app: "Legacy_CI",
        sha256Fingerprint: fingerprint,
      }),
      {
        app: "Legacy_CI",
        sha256Fingerprint: fingerprint,
      },
    );
  } finally {
    delete process.env[variable];
  }
});

test("a privateKeyEnv variable that is not set stops the declaration with the entry and field, before any resource", (t) => {
  const variable = "SFC_TEST_ADOPT_UNSET_KEY";
  delete process.env[variable];
  declared.length = 0;
  const error = t.throws(
    () =>
      declareInventory(
        inventory({
          app: "Legacy_CI",
          sha256Fingerprint: fingerprint,
          privateKeyEnv: variable,
        }),
      ),
    { instanceOf: InventoryError },
  );
  t.is(
    error?.message,
    `jwtIntegrations.CI.adopt.privateKeyEnv: the environment variable ${variable} is not set (or is empty): set it to the PEM private key app Legacy_CI's clients use now, or remove privateKeyEnv to record that the key is held elsewhere`,
  );
  t.is(error?.code, "ERR_INVENTORY");
  t.deepEqual(declared, [], "nothing declared");
});

test("one org certificate adopted by two entries whose names differ only in case is refused", (t) => {
  const twice = valid.replace(
    "  Next_CI_Key:\n",
    `  IDP_SIGNING:\n    label: IdP signing\n    custody: org\n    keySize: 4096\n    adopt:\n      sha256Fingerprint: "${fingerprint}"\n  Next_CI_Key:\n`,
  );
  t.deepEqual(problems(twice), [
    "inv.yaml:11:3 certificates.IDP_SIGNING: is certificates.IdP_Signing in another case: Salesforce names ignore case, so both would be one certificate in the org",
  ]);
});
