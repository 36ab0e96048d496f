/**
 * `salesforce-certs export-sfdx`: every file goes by its channel (deploy with the Metadata API / import
 * the keystore in Setup / for the partner, not for the org), the deployable project holds no `.crt` of a
 * key the provider holds (source-deploy-retrieve reads it as `sf project deploy` would), and no key of a
 * crafted outputs file writes outside --out; one bad key means nothing is written at all.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { certificateSourceFiles } from "../../../provider/salesforce/certificate-metadata";
import { channelOf } from "../../../provider/salesforce/file-channels";
import { runCli } from "../../helpers/cli";
import { jwtIntegrationFixture } from "../../helpers/jwt-fixtures";
import { samlFixture } from "../../helpers/saml-fixtures";
import { componentNames, componentsIn } from "../../helpers/source-components";

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-export-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

test("export-sfdx: the deployable project holds no .crt of a provider-held key, and the summary names each file's channel", (t) => {
  const dir = tempDir(t);
  const saml = samlFixture();
  const jwt = jwtIntegrationFixture();
  const outputs = {
    certificates: {
      Greenmoor_IdP_Signing: {
        label: "IdP",
        notAfter: saml.certificate.notAfter,
        salesforceFiles: saml.certificate.salesforceFiles,
      },
      Greenmoor_CI_JWT: {
        label: "CI",
        notAfter: jwt.certificate.notAfter,
        salesforceFiles: jwt.certificate.salesforceFiles,
      },
    },
    jwtIntegrations: { Greenmoor_CI: { salesforceFiles: jwt.state.salesforceFiles } },
    samlBindings: { Partner_Portal_SSO: { salesforceFiles: saml.binding.salesforceFiles } },
    wiring: {
      Greenmoor_IdP_Signing: [{ kind: "saml", name: "Partner_Portal_SSO" }],
      Greenmoor_CI_JWT: [{ kind: "jwt", name: "Greenmoor_CI" }],
    },
  };
  fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs));
  const run = runCli(["export-sfdx", "--outputs", "outputs.json", "--out", "sfdx"], dir);
  t.is(run.status, 0, run.stderr);

  const out = path.join(dir, "sfdx");
  const deployable = filesUnder(path.join(out, "force-app"));
  t.true(deployable.length > 0);
  t.deepEqual(
    deployable.filter((f) => /\.crt($|-meta\.xml$)/.test(f) || f.split(path.sep).includes("certs")),
    [],
    "no Certificate in the deployable tree",
  );
  const components = componentNames(componentsIn(path.join(out, "force-app")));
  t.false(
    components.some((c) => c.startsWith("Certificate:")),
    components.join(", "),
  );
  t.true(components.includes("Settings:IdentityProvider"));
  t.true(components.includes("ExtlClntAppGlobalOauthSettings:Greenmoor_CI_A_glbloauth"));
  t.deepEqual(JSON.parse(fs.readFileSync(path.join(out, "sfdx-project.json"), "utf8")).packageDirectories, [
    { path: "force-app", default: true },
  ]);

  // The certificates are written apart, each folder with a README that says what to do.
  t.deepEqual(filesUnder(path.join(out, "setup-keystore-import")), [
    "Greenmoor_CI_JWT.crt-meta.xml",
    "Greenmoor_IdP_Signing.crt-meta.xml",
    "README.md",
  ]);
  t.deepEqual(filesUnder(path.join(out, "not-for-the-org")), [
    "Greenmoor_CI_JWT.crt",
    "Greenmoor_IdP_Signing.crt",
    "README.md",
  ]);
  t.is(
    fs.readFileSync(path.join(out, "not-for-the-org", "Greenmoor_IdP_Signing.crt"), "utf8"),
    saml.certificate.certificateChainPem!,
  );
  t.regex(
    fs.readFileSync(path.join(out, "setup-keystore-import", "README.md"), "utf8"),
    /deploying a `certs\/<Name>\.crt` makes Salesforce\ngenerate a NEW key pair/,
  );
  t.false(fs.readFileSync(path.join(out, "not-for-the-org", "Greenmoor_CI_JWT.crt"), "utf8").includes("PRIVATE KEY"));

  // Every written file is listed once, under the heading of its channel.
  const sections = Object.fromEntries(
    run.stdout
      .split("\n\n")
      .slice(1)
      .map((block) => {
        const [heading, ...lines] = block.trim().split("\n");
        return [heading!, lines.map((l) => l.trim().split(" ")[0]!)];
      }),
  );
  t.deepEqual(Object.keys(sections), [
    "deploy with the Metadata API (sf project deploy start):",
    "import the keystore in Setup (Certificate and Key Management › Import from Keystore); never deploy:",
    "for the partner (or your CA), not for the org; never deploy:",
  ]);
  const listed = Object.values(sections).flat().sort();
  t.deepEqual(
    listed,
    filesUnder(out).map((f) => f.split(path.sep).join("/")),
  );
  t.true(
    sections["deploy with the Metadata API (sf project deploy start):"]!.every(
      (f) => f === "sfdx-project.json" || f.startsWith("force-app/"),
    ),
  );
  t.regex(
    run.stdout,
    /^ {2}force-app\/main\/default\/settings\/IdentityProvider\.settings-meta\.xml \(the org signs SAML assertions with certificate Greenmoor_IdP_Signing: import its keystore in Setup before this deploy\)$/m,
  );
  t.regex(
    run.stdout,
    /^ {2}setup-keystore-import\/Greenmoor_IdP_Signing\.crt-meta\.xml \(needed: the org signs SAML assertions with it; .*keystores\.Greenmoor_IdP_Signing\.jksBase64 \(alias greenmoor_idp_signing\)\)$/m,
  );
  t.regex(
    run.stdout,
    /^ {2}setup-keystore-import\/Greenmoor_CI_JWT\.crt-meta\.xml \(not needed for JWT: the certificate travels in the app's OAuth settings;/m,
  );
  t.regex(
    run.stdout,
    /^ {2}force-app\/main\/default\/extlClntAppGlobalOauthSets\/Greenmoor_CI_A_glbloauth\.ecaGlblOauth-meta\.xml \(carries the JWT certificate itself: no Certificate record is needed\)$/m,
  );
});

test("salesforceFiles keys say their channel; certs/ paths left by an earlier release are never deployed", (t) => {
  const { certificate } = samlFixture();
  t.deepEqual(
    Object.keys(certificate.salesforceFiles).map((key) => [
      key,
      channelOf(key, certificate.salesforceFiles[key]).channel,
    ]),
    [
      ["not-for-the-org/Greenmoor_IdP_Signing.crt", "not-for-the-org"],
      ["setup-keystore-import/Greenmoor_IdP_Signing.crt-meta.xml", "keystore-import"],
    ],
  );
  t.like(channelOf("certs/Old.crt", "-----BEGIN CERTIFICATE-----"), {
    channel: "not-for-the-org",
    target: "not-for-the-org/Old.crt",
  });
  t.like(channelOf("certs/Old.crt", "-----BEGIN CERTIFICATE REQUEST-----"), {
    channel: "not-for-the-org",
    target: "not-for-the-org/Old.csr",
  });
  t.like(channelOf("certs/Old.crt-meta.xml"), {
    channel: "keystore-import",
    target: "setup-keystore-import/Old.crt-meta.xml",
  });
  t.like(channelOf("externalClientApps/A.eca-meta.xml"), {
    channel: "deploy",
    target: "force-app/main/default/externalClientApps/A.eca-meta.xml",
  });

  const dir = tempDir(t);
  const legacy = {
    certificates: {
      Old: {
        salesforceFiles: {
          "certs/Old.crt": certificate.certificateChainPem,
          "certs/Old.crt-meta.xml": "<Certificate/>",
        },
      },
    },
  };
  fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(legacy));
  const run = runCli(["export-sfdx", "--outputs", "outputs.json", "--out", "sfdx"], dir);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(
    filesUnder(path.join(dir, "sfdx")),
    [
      "not-for-the-org/Old.crt",
      "not-for-the-org/README.md",
      "setup-keystore-import/Old.crt-meta.xml",
      "setup-keystore-import/README.md",
      "sfdx-project.json",
    ].map((f) => f.split("/").join(path.sep)),
  );
});

test("export-sfdx refuses keys that would leave --out (.., absolute, NUL, backslash) and then writes nothing at all", (t) => {
  const dir = tempDir(t);
  const files = {
    "externalClientApps/Fine.eca-meta.xml": "<ok/>",
    "../../escaped.txt": "pwned",
    "/tmp/sfc-absolute-escape.txt": "pwned",
    "settings/a\u0000b.xml": "nul",
    "..\\windows.txt": "pwned",
  };
  fs.writeFileSync(
    path.join(dir, "outputs.json"),
    JSON.stringify({
      certificates: { X: { salesforceFiles: { "not-for-the-org/X.crt": "c" } } },
      samlBindings: { Evil: { salesforceFiles: files } },
    }),
  );
  fs.mkdirSync(path.join(dir, "a", "b"), { recursive: true });
  const run = runCli(["export-sfdx", "--outputs", "outputs.json", "--out", "a/b/out"], dir);
  t.is(run.status, 2);
  t.is(
    run.stderr,
    [
      'error: samlBindings.Evil.salesforceFiles["../../escaped.txt"]: must be a relative path inside the export folder (has a ".." segment)',
      'samlBindings.Evil.salesforceFiles["/tmp/sfc-absolute-escape.txt"]: must be a relative path inside the export folder (is an absolute path)',
      'samlBindings.Evil.salesforceFiles["settings/a\\u0000b.xml"]: must be a relative path inside the export folder (contains a NUL byte)',
      'samlBindings.Evil.salesforceFiles["..\\\\windows.txt"]: must be a relative path inside the export folder (contains a backslash (folders are separated by /))',
      "nothing was written",
      "",
    ].join("\n"),
  );
  t.false(run.stderr.includes("    at "), "no stack trace");
  t.false(fs.existsSync("/tmp/sfc-absolute-escape.txt"));
  t.deepEqual(filesUnder(dir), ["outputs.json"], "nothing was written, not even the good files");
});

test("export-sfdx writes nothing through a symbolic link inside --out that points outside it", (t) => {
  const dir = tempDir(t);
  const outside = path.join(dir, "outside");
  fs.mkdirSync(outside);
  fs.mkdirSync(path.join(dir, "out", "force-app", "main"), { recursive: true });
  fs.symlinkSync(outside, path.join(dir, "out", "force-app", "main", "default"));
  fs.writeFileSync(
    path.join(dir, "outputs.json"),
    JSON.stringify({
      certificates: {},
      samlBindings: { S: { salesforceFiles: { "externalClientApps/S.eca-meta.xml": "<x/>" } } },
    }),
  );
  const run = runCli(["export-sfdx", "--outputs", "outputs.json", "--out", "out"], dir);
  t.is(run.status, 2);
  t.is(
    run.stderr,
    'error: salesforceFiles["externalClientApps/S.eca-meta.xml"]: would be written through the symbolic link force-app/main/default, which may point outside the export folder\nnothing was written\n',
  );
  t.deepEqual(filesUnder(outside), []);
  t.false(fs.existsSync(path.join(dir, "out", "sfdx-project.json")));
});

test("export-sfdx says where the keystore is, or why the stack has none and how to have one made", (t) => {
  const dir = tempDir(t);
  const files = (privateKeyExportable: boolean) =>
    certificateSourceFiles({
      uniqueName: "Idp",
      label: "IdP",
      caSigned: false,
      keySize: 2048,
      privateKeyExportable,
      content: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    });
  const line = (keystores: unknown, privateKeyExportable = true) => {
    const outputs = {
      certificates: { Idp: { label: "IdP", salesforceFiles: files(privateKeyExportable) } },
      wiring: { Idp: [{ kind: "saml", name: "Portal" }] },
      ...(keystores === undefined ? {} : { keystores }),
    };
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs));
    fs.rmSync(path.join(dir, "sfdx"), { recursive: true, force: true });
    const run = runCli(["export-sfdx", "--outputs", "outputs.json", "--out", "sfdx"], dir);
    t.is(run.status, 0, run.stderr);
    return run.stdout.split("\n").find((l) => l.startsWith("  setup-keystore-import/Idp.crt-meta.xml"));
  };
  const needed =
    "  setup-keystore-import/Idp.crt-meta.xml (needed: the org signs SAML assertions with it; the label, key size and exportability of certificate Idp; ";
  const there = `${needed}its key pair is the secret output keystores.Idp.jksBase64 (alias idp))`;
  t.is(line({ Idp: { jksBase64: "/u3+7QAAAAI=", pkcs12Base64: "MIIK" } }), there);
  // pulumi stack output --json without --show-secrets, and outputs of a stack older than keystores: nothing to tell.
  t.is(line("[secret]"), there);
  t.is(line(undefined), there);
  const made = `${needed}no keystore was made, so keystores.Idp.jksBase64 is empty: a keystore needs a password: set certificates.Idp.keystorePasswordEnv in the inventory to the name of an environment variable, set that variable, and run salesforce-certs up; the keystore is then the secret output keystores.Idp.jksBase64 (alias idp))`;
  // As the Automation API reads a stack without a keystore password (undefined outputs are dropped), and as JSON null.
  t.is(line({ Idp: {} }), made);
  t.is(line({ Idp: { jksBase64: null, pkcs12Base64: null } }), made);
  t.is(
    line({ Idp: {} }, false),
    `${needed}no keystore can be made: the key is not exportable (privateKeyExportable: false), so it was discarded after signing and no keystore can carry it to the org)`,
  );
});
