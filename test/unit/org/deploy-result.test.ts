/**
 * A finished deploy's meaning, from DeployResults shaped as jsforce casts Salesforce's documented answers
 * (org-mode.md §1.3: simple-salesforce's real-org DEPLOY_SUCCESS / DEPLOY_PAYLOAD_ERROR, the bad-zip failure).
 */
import test from "ava";
import { assertDeploySucceeded, componentFailures, componentSuccesses } from "../../../provider/org/deploy-result";
import { OrgDeployError } from "../../../provider/errors";

const where = "https://greenmoor.my.salesforce.com";

test("a Succeeded deploy passes and lists what it applied, without package.xml's own message", (t) => {
  const result = {
    id: "0Af3B00001CMyfASAT",
    done: true,
    status: "Succeeded",
    success: true,
    details: {
      componentSuccesses: [
        {
          changed: true,
          componentType: "",
          created: false,
          deleted: false,
          fileName: "package.xml",
          fullName: "package.xml",
          success: true,
        },
        {
          changed: true,
          componentType: "Certificate",
          created: true,
          deleted: false,
          fileName: "certs/Greenmoor_IdP.crt",
          fullName: "Greenmoor_IdP",
          success: true,
        },
      ],
    },
  };
  t.notThrows(() => assertDeploySucceeded(result, where));
  t.deepEqual(componentSuccesses(result), [
    {
      fileName: "certs/Greenmoor_IdP.crt",
      component: "Certificate:Greenmoor_IdP",
      created: true,
      changed: true,
      deleted: false,
    },
  ]);
});

test("a Failed deploy throws one line per component failure, a lone failure given as an object too", (t) => {
  const two = {
    id: "0Af3B00001CMyfASAT",
    done: true,
    status: "Failed",
    success: false,
    details: {
      componentFailures: [
        {
          componentType: "ExternalClientApplication",
          fileName: "externalClientApps/Greenmoor_CI_A.eca",
          fullName: "Greenmoor_CI_A",
          problem: "You can't create an external client app until you opt in.",
          problemType: "Error",
          success: false,
        },
        {
          componentType: "Settings",
          fileName: "settings/IdentityProvider.settings",
          fullName: "IdentityProvider",
          problem: "no Certificate named Greenmoor_IdP_2 found",
          problemType: "Error",
          success: false,
        },
      ],
    },
  };
  const error = t.throws(() => assertDeploySucceeded(two, where), { instanceOf: OrgDeployError })!;
  t.is(error.code, "ERR_ORG_DEPLOY");
  t.is(error.deployId, "0Af3B00001CMyfASAT");
  t.is(
    error.message,
    [
      "deploy 0Af3B00001CMyfASAT to https://greenmoor.my.salesforce.com ended Failed with 2 component failures; nothing of it was applied (rollbackOnError):",
      " - externalClientApps/Greenmoor_CI_A.eca (ExternalClientApplication:Greenmoor_CI_A): You can't create an external client app until you opt in.",
      " - settings/IdentityProvider.settings (Settings:IdentityProvider): no Certificate named Greenmoor_IdP_2 found",
      "Fix what is listed (in the resource's inputs, or in the org) and run pulumi up again: it goes on from the state.",
    ].join("\n"),
  );
  const lone = { ...two, checkOnly: true, details: { componentFailures: two.details.componentFailures[1] } };
  const one = t.throws(() => assertDeploySucceeded(lone, where), { instanceOf: OrgDeployError })!;
  t.is(one.failures.length, 1);
  t.true(
    one.message.startsWith(
      "check-only validation 0Af3B00001CMyfASAT to https://greenmoor.my.salesforce.com ended Failed with 1 component failure; nothing is ever applied by a validation:\n",
    ),
  );
});

test("a bad zip's failure names package.xml; a failure without components gives Salesforce's error message", (t) => {
  const badZip = {
    id: "0Af1",
    done: true,
    status: "Failed",
    success: false,
    numberComponentErrors: 0,
    details: {
      componentFailures: {
        fileName: "package.xml",
        fullName: "package.xml",
        componentType: "",
        problem: "No package.xml found",
        problemType: "Error",
      },
    },
  };
  t.deepEqual(componentFailures(badZip), [
    { fileName: "package.xml", component: "package.xml", problem: "No package.xml found", problemType: "Error" },
  ]);
  const noDetails = {
    id: "0Af2",
    done: true,
    status: "Failed",
    success: false,
    errorStatusCode: "UNKNOWN_EXCEPTION",
    errorMessage: "An unexpected error occurred.",
  };
  t.is(
    t.throws(() => assertDeploySucceeded(noDetails, where))!.message,
    "deploy 0Af2 to https://greenmoor.my.salesforce.com ended Failed; nothing of it was applied (rollbackOnError):\n - UNKNOWN_EXCEPTION: An unexpected error occurred.\nFix what is listed (in the resource's inputs, or in the org) and run pulumi up again: it goes on from the state.",
  );
  t.throws(
    () => assertDeploySucceeded({ id: "0Af3", done: true, status: "SucceededPartial", success: true }, where),
    { instanceOf: OrgDeployError },
    "partial success is a failure",
  );
  t.throws(() => assertDeploySucceeded({ id: "0Af4", done: true, status: "Canceled", success: false }, where), {
    instanceOf: OrgDeployError,
  });
});
