/**
 * Read-back and the org's identity, through the engine against stand-in orgs, with a custody-org
 * CertificateAndKeyPair (`Acme_IdP`) and a JwtIntegration (`Acme_CI`, slot apps A and B, its certificate
 * held by the provider):
 *  - the stand-in reports a component deployed (`Succeeded`) but leaves it as it was
 *    (`faults.unappliedComponents`): `up` fails naming the org (URL and id), the component, what was
 *    expected and what was read; the state keeps what is true; the fault cleared, the next `up` converges;
 *  - a stack made in org 1 whose configuration is pointed at org 2: `up` refuses before writing, naming
 *    both org ids and both URLs, and org 2 is unchanged.
 */
import test, { type ExecutionContext } from "ava";
import { CertificateAndKeyPair, JwtIntegration } from "../../provider";
import { describeCertificate } from "../../provider/crypto/certificate-facts";
import { canonical, keyMaterial, openTempStack, storedOutputs, type TempStack } from "../helpers/engine";
import { acmeCiArguments, ciUser, startOrgForProvider, type OrgForProvider } from "../helpers/org-mode";
import type { StandInOrg } from "../helpers/stand-in-org";

const start = "2026-12-01T09:00:00.000Z";

interface ReadBackStack {
  org: StandInOrg;
  deployer: OrgForProvider["deployer"];
  env: TempStack;
  triggers: { idp: string; ci: string };
}

/** A stand-in org, a stack pointed at it, the program of this file, and its first `up` done. */
async function readBackStack(t: ExecutionContext, name: string): Promise<ReadBackStack> {
  const { org, configure, deployer } = await startOrgForProvider(start, {
    users: [ciUser],
    // About read-backs of deploys; propagation has its own engine test (org-jwt-integration).
    propagationDelayMs: 0,
  });
  t.teardown(() => org.close());
  const triggers = { idp: "initial", ci: "initial" };
  const env = await openTempStack(name, async () => {
    const idp = new CertificateAndKeyPair("idp", {
      uniqueName: "Acme_IdP",
      label: "Acme IdP signing",
      custody: "org",
      rotationTrigger: triggers.idp,
      overlapDays: 7,
    });
    const certificate = new CertificateAndKeyPair("ci-cert", {
      uniqueName: "Acme_CI_JWT",
      label: "Acme CI JWT",
      rotationTrigger: triggers.ci,
      overlapDays: 7,
    });
    const ci = new JwtIntegration("ci", { ...acmeCiArguments(org.url), certificate }, { dependsOn: [idp] });
    return {
      idpName: idp.salesforceName,
      idpPem: idp.certificatePem,
      activeSlot: ci.activeSlot,
      ciCertificatePem: certificate.certificatePem,
    };
  });
  t.teardown(() => env.dispose());
  await configure(env.stack);
  await env.stack.up({ onOutput: env.onOutput });
  return { org, deployer, env, triggers };
}

/** The engine's error text of a failed `up`, with its log. */
async function failedUp(t: ExecutionContext, env: TempStack): Promise<string> {
  const mark = env.log.length;
  const error = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
  return `${error?.message ?? ""}\n${env.logSince(mark)}`;
}

/** One resource's stored outputs, by its name in the program. */
async function outputsOf(env: TempStack, name: string): Promise<Record<string, unknown>> {
  const found = [...(await storedOutputs(env)).entries()].find(([urn]) => urn.endsWith(`::${name}`));
  return found?.[1] ?? {};
}

/** The ECA apps in the org, with the fingerprint each holds. */
function appsOf(org: StandInOrg): Record<string, string | undefined> {
  return Object.fromEntries(
    org.state.apps
      .filter((a) => a.type === "ExternalClientApplication")
      .map((a) => [a.name, a.certificatePem ? describeCertificate(a.certificatePem).sha256Fingerprint : undefined]),
  );
}

/** Everything the org holds: certificates (deleted ones too) and components. */
function orgContents(org: StandInOrg): string {
  return canonical({
    certificates: org.state.certificates.map((c) => ({ name: c.fullName, id: c.id, deleted: c.deleted })),
    components: [...org.state.componentRecords.values()].map((c) => ({
      type: c.type,
      fullName: c.fullName,
      record: c.record,
    })),
  });
}

/** An org's URL and id as the read-back names them. */
function orgNamed(org: StandInOrg): string {
  return `${org.url.replace(/[.]/g, "\\.")} \\(org ${org.orgId}\\)`;
}

test.serial(
  "a slot app left unchanged by a deploy reported Succeeded: up fails naming org, component, expected and read; the state records the drift; the next up converges",
  async (t) => {
    const s = await readBackStack(t, "org-read-back-jwt");
    const appsBefore = appsOf(s.org);
    s.triggers.ci = "rotated";
    s.org.faults.unappliedComponents.add("ExtlClntAppGlobalOauthSettings:Acme_CI_B_glbloauth");

    const text = await failedUp(t, s.env);
    t.regex(
      text,
      new RegExp(
        `the org at ${orgNamed(s.org)} did not apply ExtlClntAppGlobalOauthSettings Acme_CI_B_glbloauth: expected slot B's app holding certificate [0-9A-F:]{23}…; read no certificate`,
      ),
    );
    t.notRegex(text, /PRIVATE KEY/);
    t.deepEqual(appsOf(s.org), appsBefore, "the org holds what it held: slot B has no certificate");
    const ci = await outputsOf(s.env, "ci");
    t.is(ci["activeSlot"], "A", "clients stay on slot A: the new slot was never proven");
    t.deepEqual(ci["orgDrift"], [
      `Acme_CI_B holds certificate none instead of ${String((ci["slots"] as { B: { sha256Fingerprint: string } }).B.sha256Fingerprint).slice(0, 23)}…`,
    ]);
    t.is(ci["orgId"], s.org.orgId, "the org the apps were made in");
    const stateText = s.env.readState();
    t.regex(stateText, /"slotKeys":\s*\{\s*"4dabf18193072939515e22adb298388d"/, "the kept state's keys are a secret");
    t.notRegex(stateText, /PRIVATE KEY/, "the checkpoint holds no key in plain text");
    for (const needle of keyMaterial(s.deployer.privateKeyPem)) t.false(stateText.includes(needle));

    s.org.faults.unappliedComponents.clear();
    const preview = await s.env.stack.preview({ onOutput: s.env.onOutput });
    t.is(preview.changeSummary["update"], 1, "preview: the integration is deployed again");
    await s.env.stack.up({ onOutput: s.env.onOutput });
    const outputs = await s.env.values();
    t.is(outputs["activeSlot"], "B", "the next up published, proved and switched");
    t.is(appsOf(s.org)["Acme_CI_B"], describeCertificate(outputs["ciCertificatePem"]).sha256Fingerprint);
    t.is((await outputsOf(s.env, "ci"))["orgDrift"] ?? null, null, "no drift left");
    const after = await s.env.stack.preview({ onOutput: s.env.onOutput });
    t.deepEqual(after.changeSummary, { same: 4 }, "converged");
  },
);

test.serial(
  "a custody-org certificate deploy reported Succeeded that made nothing: up fails naming the certificate; the state keeps the certificate in force; the next up converges",
  async (t) => {
    const s = await readBackStack(t, "org-read-back-cert");
    const idpBefore = await outputsOf(s.env, "idp");
    s.triggers.idp = "rotated";
    s.org.faults.unappliedComponents.add("Certificate:Acme_IdP_G2");

    const text = await failedUp(t, s.env);
    t.regex(
      text,
      new RegExp(
        `the org at ${orgNamed(s.org)} did not apply Certificate Acme_IdP_G2: expected the org to list it with the certificate it generated; read no certificate of that name`,
      ),
    );
    t.is(canonical(await outputsOf(s.env, "idp")), canonical(idpBefore), "the state keeps the certificate in force");
    t.deepEqual(
      s.org.state.certificates.filter((c) => !c.deleted).map((c) => c.fullName),
      ["Acme_IdP"],
    );

    s.org.faults.unappliedComponents.clear();
    await s.env.stack.up({ onOutput: s.env.onOutput });
    const outputs = await s.env.values();
    t.is(outputs["idpName"], "Acme_IdP_G2");
    t.is(
      outputs["idpPem"],
      s.org.state.certificate("Acme_IdP_G2")?.contentPem,
      "the published certificate is the org's",
    );
    const after = await s.env.stack.preview({ onOutput: s.env.onOutput });
    t.deepEqual(after.changeSummary, { same: 4 }, "converged");
  },
);

test.serial(
  "a stack made in org 1 whose configuration points at org 2: up refuses before writing, naming both org ids and URLs; org 2 is unchanged",
  async (t) => {
    const s = await readBackStack(t, "org-read-back-wrong-org");
    const other = await startOrgForProvider(start, { users: [ciUser] });
    t.teardown(() => other.org.close());
    t.not(other.org.orgId, s.org.orgId);
    t.is((await outputsOf(s.env, "idp"))["orgId"], s.org.orgId, "the certificate records the org it was made in");

    await other.configure(s.env.stack);
    const before = orgContents(other.org);
    const url = (org: StandInOrg) => org.url.replace(/[.]/g, "\\.");
    // The integration first (a failed certificate update would hold back the integration, which waits for it).
    for (const [trigger, subject] of [
      ["ci", "JwtIntegration Acme_CI"],
      ["idp", "CertificateAndKeyPair Acme_IdP"],
    ] as const) {
      s.triggers[trigger] = "rotated";
      const text = await failedUp(t, s.env);
      t.regex(
        text,
        new RegExp(
          `${subject} was made in org ${s.org.orgId} \\(${url(s.org)}\\), and this run is logged in to org ${other.org.orgId} \\(${url(other.org)}\\); nothing was written`,
        ),
        subject,
      );
      t.is(orgContents(other.org), before, `${subject}: org 2 holds what it held`);
    }
    t.is(other.org.calls.filter((c) => c.operation === "deploy").length, 0, "nothing was deployed to org 2");
  },
);
