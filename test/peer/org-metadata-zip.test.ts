/**
 * Deploy zips judged by source-deploy-retrieve (the library behind `sf project deploy`), reading them as it
 * reads a retrieved zip: `ZipTreeContainer` + the manifest + its metadata resolver.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { ComponentSet, ZipTreeContainer, type SourceComponent } from "@salesforce/source-deploy-retrieve";
import { SalesforceCertsError } from "../../provider/errors";
import { buildDeployZip, type DeployZip } from "../../provider/org/metadata-zip";
import { channelOf } from "../../provider/salesforce/file-channels";
import { identityProviderSettingsFiles } from "../../provider/salesforce/saml-apps";
import { metadataXml } from "../../provider/salesforce/xml";
import { jwtIntegrationFixture } from "../helpers/jwt-fixtures";
import { componentNames, componentsIn } from "../helpers/source-components";

/** The components source-deploy-retrieve resolves from `files` laid out as a package folder. */
function sourceComponents(files: Record<string, string>): SourceComponent[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-org-zip-"));
  try {
    for (const [key, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, key)), { recursive: true });
      fs.writeFileSync(path.join(dir, key), content);
    }
    return componentsIn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The files a JwtIntegration deploys, an org-custody certificate, and the IdP settings naming it. */
function orgModeFiles(): Record<string, string> {
  const { state, certificate } = jwtIntegrationFixture();
  const deployChannel = Object.fromEntries(
    Object.entries(state.salesforceFiles).filter(([key, content]) => channelOf(key, content).channel === "deploy"),
  );
  return {
    ...deployChannel,
    "certs/Greenmoor_IdP.crt": certificate.certificatePem!,
    "certs/Greenmoor_IdP.crt-meta.xml": metadataXml("Certificate", [
      ["caSigned", false],
      ["keySize", 2048],
      ["masterLabel", "Greenmoor IdP"],
      ["privateKeyExportable", true],
    ]),
    ...identityProviderSettingsFiles("Greenmoor_IdP"),
  };
}

async function readBack(
  zip: DeployZip,
  destructive = false,
): Promise<{ set: ComponentSet; components: SourceComponent[]; tree: ZipTreeContainer }> {
  const tree = await ZipTreeContainer.create(Buffer.from(zip.base64, "base64"));
  const set = await ComponentSet.fromManifest({
    manifestPath: "package.xml",
    resolveSourcePaths: ["."],
    tree,
    ...(destructive ? { destructivePost: "destructiveChangesPost.xml" } : {}),
  });
  return { set, components: set.getSourceComponents().toArray(), tree };
}

test("the deploy zip resolves, in source-deploy-retrieve, to exactly the components the source files are", async (t) => {
  const files = orgModeFiles();
  const zip = buildDeployZip(files, "66.0");
  const expected = componentNames(sourceComponents(files));
  t.true(expected.includes("ExternalClientApplication:Greenmoor_CI_A"), expected.join(", "));
  t.true(expected.includes("Certificate:Greenmoor_IdP"));
  t.true(expected.includes("Settings:IdentityProvider"));
  const { set, components } = await readBack(zip);
  t.deepEqual(componentNames(components), expected, "every file resolved from the zip, by the manifest");
  t.deepEqual(
    zip.components.map((c) => `${c.type}:${c.fullName}`),
    expected,
    "package.xml lists the same",
  );
  t.is(set.sourceApiVersion ?? set.apiVersion, "66.0");
});

test("the zip holds metadata format: ECA and settings files lose -meta.xml, a certificate keeps its content file, contents unchanged", async (t) => {
  const files = orgModeFiles();
  const zip = buildDeployZip(files, "66.0");
  t.true(zip.entries.includes("externalClientApps/Greenmoor_CI_A.eca"));
  t.true(zip.entries.includes("settings/IdentityProvider.settings"));
  t.true(zip.entries.includes("certs/Greenmoor_IdP.crt") && zip.entries.includes("certs/Greenmoor_IdP.crt-meta.xml"));
  t.false(zip.entries.some((e) => e.endsWith(".eca-meta.xml") || e.endsWith(".settings-meta.xml")));
  const { components, tree } = await readBack(zip);
  for (const component of components) {
    const source = Object.entries(files).find(
      ([key]) => key.startsWith(`${component.type.directoryName}/${component.fullName}.`) && key.endsWith("-meta.xml"),
    )!;
    t.truthy(component.xml, `${component.fullName} has its XML`);
    t.is(
      (await tree.readFile(component.xml!)).toString("utf8"),
      source[1],
      `${component.type.name}:${component.fullName} carries the source file's text`,
    );
  }
  const certificate = components.find((c) => c.type.name === "Certificate")!;
  t.is((await tree.readFile(certificate.content!)).toString("utf8"), files["certs/Greenmoor_IdP.crt"]);
  t.is(buildDeployZip(files, "66.0").base64, zip.base64, "the same files give the same bytes");
});

test("destructiveChangesPost.xml names what the deploy deletes, as source-deploy-retrieve reads it", async (t) => {
  const zip = buildDeployZip(identityProviderSettingsFiles("Greenmoor_IdP_2"), "66.0", [
    { type: "Certificate", fullName: "Greenmoor_IdP" },
  ]);
  t.deepEqual(zip.entries, ["destructiveChangesPost.xml", "package.xml", "settings/IdentityProvider.settings"]);
  const { set } = await readBack(zip, true);
  t.deepEqual(set.getTypesOfDestructiveChanges(), ["post"]);
  const deleted = [...set.destructiveChangesPost.values()].flatMap((byName) =>
    [...byName.values()].map((c) => `${c.type.name}:${c.fullName}`),
  );
  t.deepEqual(deleted, ["Certificate:Greenmoor_IdP"]);
  const deployed = (await set.getObject()).Package.types.flatMap((type) =>
    type.members.map((member) => `${type.name}:${member}`),
  );
  t.deepEqual(deployed, ["Settings:IdentityProvider"]);
});

test("files that cannot be deployed are all named, with the rule", (t) => {
  const error = t.throws(
    () =>
      buildDeployZip(
        {
          "not-for-the-org/Partner.crt": "-----BEGIN CERTIFICATE-----",
          "externalClientApps/Greenmoor_CI_A.eca": "<x/>",
          "apexClasses/Foo.cls-meta.xml": "<x/>",
          "certs/../Other.crt": "x",
          "settings/IdentityProvider.settings-meta.xml": "<IdentityProviderSettings/>",
        },
        "66.0",
      ),
    { instanceOf: SalesforceCertsError },
  )!;
  t.is(error.code, "ERR_DEPLOY_FILES");
  const known =
    "certs, connectedApps, externalClientApps, extlClntAppGlobalOauthSets, extlClntAppOauthSettings, extlClntAppOauthPolicies, extlClntAppPolicies, extlClntAppSamlConfigurablePolicies, samlssoconfigs, settings";
  t.is(
    error.message,
    [
      "cannot deploy these files:",
      ` - "apexClasses/Foo.cls-meta.xml": is not in a folder org mode deploys (${known}); files of other channels are never deployed`,
      ' - "certs/../Other.crt": must be a relative path (has a ".." segment)',
      ' - "externalClientApps/Greenmoor_CI_A.eca": must be named <Name>.eca-meta.xml in externalClientApps/',
      ` - "not-for-the-org/Partner.crt": is not in a folder org mode deploys (${known}); files of other channels are never deployed`,
    ].join("\n"),
  );
});
