/**
 * The one fallback deploys and check-only validations share (org/pre-authorization.ts): names first, and
 * on the org's `We couldn't find … called` the IDs a Tooling query gives, for OAuth and SAML policies alike.
 * Judged against a fake client whose "org" takes one form and refuses the other with the field notes' text.
 */
import test from "ava";
import { OrgApiError, OrgDeployError } from "../../../provider/errors";
import type { DeployOutcome, DeployRequest, OrgMetadataClient } from "../../../provider/org/metadata-client";
import { deployPreAuthorizing, describePreAuthorizationForm } from "../../../provider/org/pre-authorization";
import { externalClientAppFiles } from "../../../provider/salesforce/oauth-apps";
import { samlExternalClientAppFiles } from "../../../provider/salesforce/saml-apps";
import { escapeXml as escaped } from "../../../provider/salesforce/xml";

// Names that cross into XML (escaped in the files) and into SOQL string literals (the Tooling query).
const permissionSet = `CI_Deployer's & <Set>`;
const profile = "Minimum Access - API Only";
const ids = new Map([
  [permissionSet, "0PS000000000001AAA"],
  [profile, "00e000000000002AAA"],
]);

const oauthFiles = externalClientAppFiles({
  name: "Acme_CI_A",
  label: "Acme CI A",
  contactEmail: "platform@acme.example",
  description: "CI",
  consumerKey: "AcmeKey",
  scopes: ["Api"],
  permissionSets: [permissionSet],
  profiles: [profile],
});
const samlFiles = samlExternalClientAppFiles({
  name: "Acme_SSO",
  label: "Acme SSO",
  contactEmail: "platform@acme.example",
  description: "SSO",
  spEntityId: 'https://sp.example/"entity"',
  acsUrl: "https://sp.example/acs?a=1&b=2",
  issuer: "https://acme.my.salesforce.com",
  nameIdFormat: "emailAddress",
  subjectType: "Username",
  signingAlgorithm: "SHA256",
  permissionSets: [permissionSet],
  profiles: [],
});

interface Call {
  kind: "deploy" | "validate" | "ids";
  files?: Record<string, string>;
  names?: readonly string[];
}

/** A client whose org takes `form`; `failWith` replaces its answer to every deploy. */
function fakeClient(form: "names" | "ids", failWith?: () => Error): { client: OrgMetadataClient; calls: Call[] } {
  const calls: Call[] = [];
  const answer = (request: DeployRequest, checkOnly: boolean): DeployOutcome => {
    if (failWith) throw failWith();
    const text = Object.values(request.files).join("\n");
    const byName = text.includes(escaped(permissionSet));
    const byId = text.includes("0PS000000000001AAA");
    if ((form === "ids" && byName) || (form === "names" && byId)) {
      const entry = form === "ids" ? permissionSet : "0PS000000000001AAA";
      throw new OrgDeployError(
        "0Af1",
        "Failed",
        [
          {
            fileName: "x",
            component: "ExtlClntAppOauthConfigurablePolicies:x",
            problem: `INVALID_FIELD: We couldn't find permission sets called ${entry}`,
            problemType: "Error",
          },
        ],
        "refused",
      );
    }
    return { id: `0Af${calls.length}`, checkOnly, components: [], deletions: [], successes: [] };
  };
  const client = {
    session: { instanceUrl: "https://acme.my.salesforce.com" },
    deploy: async (request: DeployRequest) => {
      calls.push({ kind: "deploy", files: request.files });
      return answer(request, false);
    },
    validate: async (request: DeployRequest) => {
      calls.push({ kind: "validate", files: request.files });
      return answer(request, true);
    },
    idsByName: async (object: "PermissionSet" | "Profile", names: readonly string[]) => {
      calls.push({ kind: "ids", names });
      const found = new Map<string, string>();
      for (const name of names) {
        const id = ids.get(name);
        if (!id)
          throw new OrgApiError("NOT_FOUND", `the org at x has no ${object} named "${name}" (Tooling query on Name)`);
        found.set(name, id);
      }
      return found;
    },
  } as unknown as OrgMetadataClient;
  return { client, calls };
}

test("an org that takes names: one deploy with the names, no ID lookup, no form to report", async (t) => {
  const { client, calls } = fakeClient("names");
  const result = await deployPreAuthorizing(client, { files: oauthFiles });
  t.is(result.byIds, undefined);
  t.deepEqual(
    calls.map((c) => c.kind),
    ["deploy"],
  );
  t.is(calls[0]!.files, oauthFiles);
});

test("an org that takes IDs: the names are refused, the IDs looked up and sent in place of each name", async (t) => {
  const { client, calls } = fakeClient("ids");
  const result = await deployPreAuthorizing(client, { files: oauthFiles, ignoreWarnings: true });
  t.deepEqual(
    calls.map((c) => c.kind),
    ["deploy", "ids", "ids", "deploy"],
  );
  t.deepEqual(calls[1]!.names, [permissionSet]);
  t.deepEqual(calls[2]!.names, [profile]);
  const policy = calls[3]!.files!["extlClntAppOauthPolicies/Acme_CI_A_oauthPlcy.ecaOauthPlcy-meta.xml"]!;
  t.true(policy.includes("<commaSeparatedPermissionSet>0PS000000000001AAA</commaSeparatedPermissionSet>"));
  t.true(policy.includes("<commaSeparatedProfile>00e000000000002AAA</commaSeparatedProfile>"));
  t.false(policy.includes(escaped(permissionSet)));
  t.deepEqual(result.byIds, {
    refusal: `INVALID_FIELD: We couldn't find permission sets called ${permissionSet}`,
    ids: [
      [permissionSet, "0PS000000000001AAA"],
      [profile, "00e000000000002AAA"],
    ],
  });
  t.is(
    describePreAuthorizationForm(result.byIds!, "https://acme.my.salesforce.com"),
    `the org at https://acme.my.salesforce.com refused pre-authorization by name (INVALID_FIELD: We couldn't find permission sets called ${permissionSet}); it took the IDs instead (${permissionSet} = 0PS000000000001AAA, ${profile} = 00e000000000002AAA)`,
  );
});

test("a check-only validation takes the same fallback, through validate only (never a real deploy)", async (t) => {
  const { client, calls } = fakeClient("ids");
  const result = await deployPreAuthorizing(client, { files: oauthFiles }, { checkOnly: true });
  t.deepEqual(
    calls.map((c) => c.kind),
    ["validate", "ids", "ids", "validate"],
  );
  t.true(result.outcome.checkOnly);
  t.truthy(result.byIds);
});

test("the SAML policy is pre-authorized the same way: its names become IDs, the rest of the file is kept", async (t) => {
  const { client, calls } = fakeClient("ids");
  const result = await deployPreAuthorizing(client, { files: samlFiles });
  t.deepEqual(result.byIds?.ids, [[permissionSet, "0PS000000000001AAA"]]);
  const path = "extlClntAppSamlConfigurablePolicies/Acme_SSO_samlPlcy.ecaSamlPlcy-meta.xml";
  const sent = calls.at(-1)!.files![path]!;
  t.is(
    sent,
    samlFiles[path]!.replace(
      `<commaSeparatedPermissionSet>${escaped(permissionSet)}</commaSeparatedPermissionSet>`,
      "<commaSeparatedPermissionSet>0PS000000000001AAA</commaSeparatedPermissionSet>",
    ),
  );
  t.not(sent, samlFiles[path]);
});

test("any other failure is thrown as it came, with no ID lookup and no second deploy", async (t) => {
  const other = new OrgDeployError(
    "0Af9",
    "Failed",
    [{ fileName: "x", component: "x", problem: "Required field is missing: consumerKey", problemType: "Error" }],
    "refused",
  );
  const { client, calls } = fakeClient("names", () => other);
  t.is(await t.throwsAsync(deployPreAuthorizing(client, { files: oauthFiles })), other);
  t.deepEqual(
    calls.map((c) => c.kind),
    ["deploy"],
  );
});

test("the refusal text with nothing pre-authorized in the files is thrown too (nothing to swap)", async (t) => {
  const refusal = new OrgDeployError(
    "0Af9",
    "Failed",
    [
      {
        fileName: "x",
        component: "x",
        problem: "INVALID_FIELD: We couldn't find profiles called X",
        problemType: "Error",
      },
    ],
    "refused",
  );
  const { client, calls } = fakeClient("names", () => refusal);
  const files = { "certs/X.crt-meta.xml": "<Certificate/>" };
  t.is(await t.throwsAsync(deployPreAuthorizing(client, { files })), refusal);
  t.is(calls.length, 1);
});

test("a name the org has no ID for fails naming it; an org refusing the IDs too fails with the second refusal", async (t) => {
  const { client } = fakeClient("ids");
  const unknown = Object.fromEntries(
    Object.entries(oauthFiles).map(([path, content]) => [path, content.replace(escaped(profile), "No'Such")]),
  );
  const error = await t.throwsAsync(deployPreAuthorizing(client, { files: unknown }), { instanceOf: OrgApiError });
  t.regex(error.message, /has no Profile named "No'Such"/);

  let sent = 0;
  const refuseAll = fakeClient("ids", () => {
    sent += 1;
    return new OrgDeployError(
      `0Af${sent}`,
      "Failed",
      [
        {
          fileName: "x",
          component: "x",
          problem: "INVALID_FIELD: We couldn't find permission sets called y",
          problemType: "Error",
        },
      ],
      "refused",
    );
  });
  const second = await t.throwsAsync(deployPreAuthorizing(refuseAll.client, { files: oauthFiles }), {
    instanceOf: OrgDeployError,
  });
  t.is(second.deployId, "0Af2");
});
