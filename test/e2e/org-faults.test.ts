/**
 * Org mode under faults, through the engine against the stand-in org, with a
 * custody-org CertificateAndKeyPair (`Acme_IdP`) and a JwtIntegration (`Acme_CI`, slot apps A and B, its
 * certificate held by the provider) in one program: the token endpoint down (HTTP 503, connection
 * closed), a deploy failing per component, a deploy that lands after the provider's polling timed out, sessions expired
 * in the middle of an `up`, and the engine killed (SIGKILL) between a deploy and the state write. Each
 * failing `up` says what failed and what to do (no stack trace, no key, no access token) and leaves the
 * state as it was; the next `up` converges with nothing lost or duplicated in the org (certificates by
 * name, deleted ones included, the slot apps and their certificates, the deploys made).
 */
import fs from "node:fs";
import test, { type ExecutionContext } from "ava";
import * as jsforce from "jsforce";
import { CertificateAndKeyPair, JwtIntegration } from "../../provider";
import { findStaleLocks } from "../../provider/engine/local-stack";
import { describeCertificate } from "../../provider/crypto/certificate-facts";
import { jwtBearerGrantType, signJwtAssertion } from "../../provider/salesforce/jwt-bearer";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { canonical, keyMaterial, openTempStack, type TempStack } from "../helpers/engine";
import { acmeCiArguments, ciUser, startOrgForProvider, type OrgForProvider } from "../helpers/org-mode";
import type { StandInCall, StandInOrgOptions } from "../helpers/stand-in-org";

const start = "2026-12-01T09:00:00.000Z";

/** The program's knobs: changing a trigger rotates that certificate in the next `up`. */
interface Triggers {
  idp: string;
  ci: string;
}

interface FaultStack {
  org: OrgForProvider["org"];
  deployer: OrgForProvider["deployer"];
  configure: OrgForProvider["configure"];
  /** Sets the org's clock and the provider's (SALESFORCE_CERTS_NOW). */
  setClock: OrgForProvider["setClock"];
  env: TempStack;
  triggers: Triggers;
  /** Deploy calls the stand-in has answered. */
  deploys(): number;
  /** Token requests the stand-in has answered (or dropped). */
  logins(): number;
  /** The stack's resources (type, outputs) as stored, secrets still encrypted: equal text means nothing changed. */
  storedState(): Promise<string>;
  /** A client's token request with `credential` at the org's clock: "ok" or the error. */
  logsIn(credential: { consumerKey: string; privateKeyPem: string }): Promise<string>;
}

/** A stand-in org, a stack pointed at it, and the program of this file; the first `up` done. */
async function faultStack(
  t: ExecutionContext,
  name: string,
  options: StandInOrgOptions = {},
  firstUp = true,
): Promise<FaultStack> {
  const { org, configure, deployer, setClock } = await startOrgForProvider(start, {
    // About faults of the transport and the deploys; propagation has its own engine test (org-jwt-integration).
    propagationDelayMs: 0,
    ...options,
    users: [ciUser],
  });
  t.teardown(() => org.close());
  const triggers: Triggers = { idp: "initial", ci: "initial" };
  let clock = start;
  // The integration waits for the IdP certificate, so that the deploys of a run come in a known order and
  // a fault injected at the n-th deploy hits the resource a test means.
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
      idpPrevious: idp.previousCertificate,
      consumerKey: ci.consumerKey,
      privateKeyPem: ci.privateKeyPem,
      activeSlot: ci.activeSlot,
      ciCertificatePem: certificate.certificatePem,
    };
  });
  t.teardown(() => env.dispose());
  await configure(env.stack);
  const stack: FaultStack = {
    org,
    deployer,
    configure,
    setClock: (iso) => {
      clock = iso;
      setClock(iso);
    },
    env,
    triggers,
    deploys: () => org.calls.filter((c) => c.operation === "deploy").length,
    logins: () => org.calls.filter((c) => c.path === "/services/oauth2/token").length,
    storedState: async () => {
      const exported = await env.stack.exportStack();
      const resources = (exported.deployment as { resources?: { urn: string; outputs?: unknown }[] }).resources ?? [];
      // By URN: the engine may write the resources of a failed update in another order.
      const entries = resources
        .filter((r) => !r.urn.includes("pulumi:providers"))
        .map((r) => ({ urn: r.urn, outputs: r.outputs }));
      return canonical(entries.sort((a, b) => a.urn.localeCompare(b.urn)));
    },
    logsIn: async (credential) => {
      try {
        const assertion = signJwtAssertion(
          { ...credential, username: ciUser.username, audience: "https://login.salesforce.com" },
          new Date(clock),
        );
        const token = await new jsforce.OAuth2({ loginUrl: org.url }).requestToken({
          grant_type: jwtBearerGrantType,
          assertion,
        });
        return token.access_token ? "ok" : "no token";
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    },
  };
  if (!firstUp) return stack;
  await env.stack.up({ onOutput: env.onOutput });
  t.is(stack.deploys(), 2, "the first up: one Certificate deploy, one deploy of the slot apps");
  t.is(stack.logins(), 1, "one login per provider process, whatever the resource types");
  return stack;
}

/** Live certificates by name, and how many certificates (deleted ones included) each name ever had. */
function certificatesOf(s: FaultStack): { live: string[]; made: Record<string, number> } {
  const made: Record<string, number> = {};
  for (const c of s.org.state.certificates) made[c.fullName] = (made[c.fullName] ?? 0) + 1;
  return {
    live: s.org.state.certificates
      .filter((c) => !c.deleted)
      .map((c) => c.fullName)
      .sort(),
    made,
  };
}

/** The ECA apps in the org (the deployer's Connected App left out), with the fingerprint each holds. */
function appsOf(s: FaultStack): Record<string, string | undefined> {
  return Object.fromEntries(
    s.org.state.apps
      .filter((a) => a.type === "ExternalClientApplication")
      .map((a) => [a.name, a.certificatePem ? describeCertificate(a.certificatePem).sha256Fingerprint : undefined]),
  );
}

/**
 * The org, the outputs and the stand-in agree after a converged `up`: the certificate output is the org's,
 * each live certificate was made once, the active slot holds the published certificate and it logs in,
 * and a preview finds nothing to do.
 */
async function assertConverged(
  t: ExecutionContext,
  s: FaultStack,
  expected: { idp: string; live: string[]; activeSlot: "A" | "B" },
): Promise<void> {
  const outputs = await s.env.values();
  t.is(outputs["idpName"], expected.idp);
  t.is(outputs["idpPem"], s.org.state.certificate(expected.idp)?.contentPem, "the published certificate is the org's");
  const { live, made } = certificatesOf(s);
  t.deepEqual(live, expected.live);
  for (const name of live) t.is(made[name], 1, `certificate ${name} was made once`);
  t.is(outputs["activeSlot"], expected.activeSlot);
  const apps = appsOf(s);
  t.deepEqual(Object.keys(apps).sort(), ["Acme_CI_A", "Acme_CI_B"], "exactly the two slot apps");
  t.is(
    apps[`Acme_CI_${expected.activeSlot}`],
    describeCertificate(outputs["ciCertificatePem"]).sha256Fingerprint,
    "the active slot holds the published certificate",
  );
  t.is(await s.logsIn({ consumerKey: outputs["consumerKey"], privateKeyPem: outputs["privateKeyPem"] }), "ok");
  const preview = await s.env.stack.preview({ onOutput: s.env.onOutput });
  t.deepEqual(preview.changeSummary, { same: 4 }, "converged: nothing left to do");
}

/** A failing `up`'s error: names what failed, no stack trace, no key, no access token. */
function assertCleanError(t: ExecutionContext, s: FaultStack, text: string): void {
  t.notRegex(text, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
  t.notRegex(text, /00D\w{12}!AQ/, "no access token");
  t.notRegex(text, /PRIVATE KEY/);
  for (const needle of keyMaterial(s.deployer.privateKeyPem)) t.false(text.includes(needle), "no key of the deployer");
}

/**
 * Recovery after a run killed between a deploy and the state write: the next `up` refuses to take over
 * what the org holds under the names it is to create, naming them and SALESFORCE_CERTS_ADOPT; the user
 * names them for one run, and that `up` takes them over.
 */
async function upTakingOver(t: ExecutionContext, s: FaultStack, names: string): Promise<string> {
  const refused = await failedUp(t, s);
  t.regex(
    refused,
    new RegExp(
      `already exists? in the org at http://127\\.0\\.0\\.1:\\d+, and this stack's state does not record creating (it|them)\\. If an interrupted pulumi up of this stack made (it|them), run pulumi up again with SALESFORCE_CERTS_ADOPT=${names}`,
    ),
  );
  const env = (s.env.stack.workspace as LocalWorkspace).envVars;
  env["SALESFORCE_CERTS_ADOPT"] = names;
  try {
    const mark = s.env.log.length;
    await s.env.stack.up({ onOutput: s.env.onOutput });
    return s.env.logSince(mark);
  } finally {
    delete env["SALESFORCE_CERTS_ADOPT"];
  }
}

/** The engine's error text of a failed `up`. */
async function failedUp(t: ExecutionContext, s: FaultStack): Promise<string> {
  const mark = s.env.log.length;
  const error = await t.throwsAsync(s.env.stack.up({ onOutput: s.env.onOutput }));
  return `${error?.message ?? ""}\n${s.env.logSince(mark)}`;
}

test.serial(
  "token endpoint down (HTTP 503, then the connection closed): up fails naming the login URL, the state stays; back up, up converges",
  async (t) => {
    const s = await faultStack(t, "org-fault-token");
    const before = await s.storedState();
    s.triggers.idp = "rotated";

    for (const fault of ["503", "closed"] as const) {
      s.org.faults.tokenEndpoint = fault;
      const deploys = s.deploys();
      const text = await failedUp(t, s);
      t.regex(text, /salesforce-certs:org\.loginUrl/);
      t.regex(
        text,
        fault === "503"
          ? /answered HTTP 503 \(unavailable: maintenance or an outage, not a refused login\)\. Run pulumi up again later/
          : /cannot reach .*oauth2\/token.*Check the URL and the network/s,
      );
      assertCleanError(t, s, text);
      t.is(s.deploys(), deploys, "nothing deployed");
      t.is(await s.storedState(), before, "the state is unchanged");
    }
    t.deepEqual(certificatesOf(s).live, ["Acme_IdP"]);

    s.org.faults.tokenEndpoint = "up";
    const deploys = s.deploys();
    await s.env.stack.up({ onOutput: s.env.onOutput });
    t.is(s.deploys(), deploys + 1, "one deploy: the new certificate");
    await assertConverged(t, s, { idp: "Acme_IdP_G2", live: ["Acme_IdP", "Acme_IdP_G2"], activeSlot: "A" });
  },
);

test.serial(
  "a deploy failing per component: the error lists each file and problem, nothing half-applied; fault cleared, up converges",
  async (t) => {
    const s = await faultStack(t, "org-fault-component");
    const before = await s.storedState();
    const appsBefore = appsOf(s);
    const unchanged = async (name: string, was: string) => {
      const find = (text: string) =>
        canonical(
          (JSON.parse(text) as { urn: string; outputs: unknown }[]).find((r) => r.urn.endsWith(`::${name}`))?.outputs,
        );
      t.is(find(await s.storedState()), find(was), `${name} unchanged in the state`);
    };

    // The certificate's deploy fails (the integration, which waits for it, is not updated).
    s.triggers.idp = "rotated";
    s.org.faults.failingComponents.set(
      "Certificate:Acme_IdP_G2",
      "The certificate quota of this org is exhausted (stand-in fault).",
    );
    let text = await failedUp(t, s);
    t.regex(
      text,
      /deploy 0Af\w+ to http:\/\/127\.0\.0\.1:\d+ ended Failed with 1 component failure; nothing of it was applied \(rollbackOnError\)/,
    );
    t.regex(
      text,
      /certs\/Acme_IdP_G2\.crt(-meta\.xml)? \(Certificate:Acme_IdP_G2\): The certificate quota of this org is exhausted/,
    );
    assertCleanError(t, s, text);
    t.deepEqual(certificatesOf(s).live, ["Acme_IdP"], "no certificate deployed");
    await unchanged("idp", before);
    s.org.faults.failingComponents.clear();

    // The slot apps' deploy fails at a rotation: the new certificate is not published, clients stay on A.
    s.triggers.ci = "rotated";
    s.org.faults.failingComponents.set(
      "ExtlClntAppGlobalOauthSettings:Acme_CI_B_glbloauth",
      "Certificate could not be verified (stand-in fault).",
    );
    const beforeCi = await s.storedState();
    text = await failedUp(t, s);
    t.regex(
      text,
      /extlClntAppGlobalOauthSets\/Acme_CI_B_glbloauth\.ecaGlblOauth(-meta\.xml)? \(ExtlClntAppGlobalOauthSettings:Acme_CI_B_glbloauth\): Certificate could not be verified/,
    );
    t.regex(text, /nothing of it was applied/);
    assertCleanError(t, s, text);
    t.deepEqual(appsOf(s), appsBefore, "the slot apps as before");
    await unchanged("ci", beforeCi);
    t.deepEqual(
      certificatesOf(s).live,
      ["Acme_IdP", "Acme_IdP_G2"],
      "the certificate rotation, fault cleared, went through",
    );

    s.org.faults.failingComponents.clear();
    await s.env.stack.up({ onOutput: s.env.onOutput });
    await assertConverged(t, s, { idp: "Acme_IdP_G2", live: ["Acme_IdP", "Acme_IdP_G2"], activeSlot: "B" });
  },
);

/**
 * A deploy that outlives `pollTimeoutSeconds` (2 s here) and lands later, as Salesforce's asynchronous
 * deploys do: the `up` fails naming the deploy and saying to wait for it; once it has landed, the next
 * `up` refuses the name it made (never deploying it twice) and says which SALESFORCE_CERTS_ADOPT to run
 * with; that `up` takes it over without a deploy of it.
 */
async function lateDeploy(t: ExecutionContext, s: FaultStack, names: string): Promise<{ deployId: string }> {
  const text = await failedUp(t, s);
  const deployId =
    /deploy (0Af\w+) to http:\/\/127\.0\.0\.1:\d+ was not done after 2 s \(salesforce-certs:org\.pollTimeoutSeconds\)/.exec(
      text,
    )?.[1];
  t.truthy(deployId, "the error names the deploy");
  t.regex(
    text,
    new RegExp(`wait until Setup › Deployment Status shows deploy ${deployId} finished before the next pulumi up`),
  );
  t.regex(text, new RegExp(`run pulumi up with SALESFORCE_CERTS_ADOPT=${names} to take (it|them) over`));
  assertCleanError(t, s, text);
  const job = s.org.deploys.get(deployId!);
  t.truthy(job?.land, "still running in the org when the up gave up");

  // Ten minutes later on the org's clock the deploy has landed, with nobody polling it.
  s.org.faults.deploysTakeSeconds = 0;
  s.setClock(new Date(new Date(start).getTime() + 600_000).toISOString());
  t.deepEqual(s.org.landDueDeploys(), [deployId]);
  t.is(job?.result.status, "Succeeded");
  return { deployId: deployId! };
}

test.serial(
  "a custody-org certificate create whose deploy lands after the poll timeout: up fails naming the deploy; once landed, the next up refuses the name and says what to run; with SALESFORCE_CERTS_ADOPT it takes it over, one key pair, no second deploy",
  async (t) => {
    const s = await faultStack(t, "org-fault-late-cert", {}, false);
    await s.configure(s.env.stack, { pollTimeoutSeconds: 2 });
    s.org.faults.deploysTakeSeconds = 600;
    await lateDeploy(t, s, "Acme_IdP");
    t.deepEqual(certificatesOf(s).made, { Acme_IdP: 1 }, "the late deploy made Acme_IdP");
    const key = s.org.state.certificate("Acme_IdP")!.keyId;
    t.deepEqual(Object.keys(appsOf(s)), [], "the integration, waiting for the certificate, was not created");

    const deploys = s.deploys();
    const text = await upTakingOver(t, s, "Acme_IdP");
    t.regex(text, /Certificate Acme_IdP in http:\/\/127\.0\.0\.1:\d+: took over the certificate the org already had/);
    t.is(s.deploys(), deploys + 1, "one deploy: the slot apps; the certificate was not deployed again");
    t.is(s.org.state.certificate("Acme_IdP")!.keyId, key, "the org's key pair is the late deploy's: not re-keyed");
    await assertConverged(t, s, { idp: "Acme_IdP", live: ["Acme_IdP"], activeSlot: "A" });
  },
);

test.serial(
  "a JwtIntegration create whose deploy lands after the poll timeout: up fails naming the deploy; once landed, the next up refuses the apps and says what to run; with SALESFORCE_CERTS_ADOPT it creates the integration over them, each app made once",
  async (t) => {
    let s: FaultStack | undefined;
    // The certificate's deploy lands at once; the slot apps' deploy, the next one, takes ten minutes.
    const onCall = (call: StandInCall) => {
      if (call.operation === "deploy" && s && s.deploys() === 1) s.org.faults.deploysTakeSeconds = 600;
    };
    s = await faultStack(t, "org-fault-late-apps", { onCall }, false);
    await s.configure(s.env.stack, { pollTimeoutSeconds: 2 });
    await lateDeploy(t, s, "Acme_CI_A,Acme_CI_B");
    const made = () =>
      Object.fromEntries(
        s!.org.state
          .components("ExternalClientApplication")
          .map((a) => [a.fullName, `${a.id}@${a.createdDate.toISOString()}`]),
      );
    const ids = made();
    t.deepEqual(Object.keys(ids).sort(), ["Acme_CI_A", "Acme_CI_B"], "the late deploy made the slot apps");
    t.deepEqual(certificatesOf(s).made, { Acme_IdP: 1 });

    const held = appsOf(s);
    await upTakingOver(t, s, "Acme_CI_A,Acme_CI_B");
    t.deepEqual(appsOf(s), held, "each slot app holds the certificate the late deploy gave it: one key pair");
    t.deepEqual(made(), ids, "the same two apps: taken over, not made again");
    t.deepEqual(certificatesOf(s).made, { Acme_IdP: 1 }, "the certificate in the state is not deployed again");
    await assertConverged(t, s, { idp: "Acme_IdP", live: ["Acme_IdP"], activeSlot: "A" });
  },
);

test.serial("sessions expired in the middle of an up: renewed once by a new login, the up succeeds", async (t) => {
  let armed = false;
  let expired = 0;
  let s: FaultStack | undefined;
  const onCall = (call: StandInCall) => {
    if (armed && call.operation === "deploy" && s) {
      armed = false;
      expired++;
      s.org.faults.expireSessions();
    }
  };
  s = await faultStack(t, "org-fault-session", { onCall });
  s.triggers.idp = "rotated";
  s.triggers.ci = "rotated";
  const logins = s.logins();
  armed = true;
  await s.env.stack.up({ onOutput: s.env.onOutput });
  t.is(expired, 1, "the sessions were expired after the first deploy");
  t.is(s.logins(), logins + 3, "one login, one renewal, one token request proving slot B");
  t.true(
    s.org.calls.some((c) => c.status === 500 && c.operation === "checkDeployStatus"),
    "a status poll was refused as expired (INVALID_SESSION_ID)",
  );
  await assertConverged(t, s, { idp: "Acme_IdP_G2", live: ["Acme_IdP", "Acme_IdP_G2"], activeSlot: "B" });
});

test.serial(
  "sessions expired while the token endpoint is down: the renewal fails clearly (no hang), the state stays; back up, up converges",
  async (t) => {
    t.timeout(180_000, "a failed renewal must end the run, not hang it");
    let armed = false;
    let s: FaultStack | undefined;
    const onCall = (call: StandInCall) => {
      if (armed && call.operation === "deploy" && s) {
        armed = false;
        s.org.faults.tokenEndpoint = "503";
        s.org.faults.expireSessions();
      }
    };
    s = await faultStack(t, "org-fault-renewal", { onCall });
    const before = await s.storedState();
    s.triggers.idp = "rotated";
    armed = true;
    const text = await failedUp(t, s);
    t.regex(text, /salesforce-certs:org\.loginUrl: .*answered HTTP 503/);
    assertCleanError(t, s, text);
    t.is(await s.storedState(), before, "the state is unchanged");
    t.truthy(s.org.state.certificate("Acme_IdP_G2"), "the deploy was applied before the session expired");

    // Back up: the next up finds Acme_IdP_G2 in the org and, once the user names it, takes it over rather
    // than deploying the name again.
    s.org.faults.tokenEndpoint = "up";
    const deploysBefore = s.deploys();
    const text2 = await upTakingOver(t, s, "Acme_IdP_G2");
    t.regex(
      text2,
      /Certificate Acme_IdP_G2 in http:\/\/127\.0\.0\.1:\d+: took over the certificate the org already had/,
    );
    t.true(s.deploys() <= deploysBefore + 2, "no Certificate deployed again");
    await assertConverged(t, s, { idp: "Acme_IdP_G2", live: ["Acme_IdP", "Acme_IdP_G2"], activeSlot: "A" });
  },
);

/** The process ids under `pid` (children first found through /proc), deepest last. */
function descendants(pid: number): number[] {
  const all: { pid: number; ppid: number }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      all.push({ pid: Number(entry), ppid });
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const p of all.filter((x) => x.ppid === parent)) {
      found.push(p.pid);
      walk(p.pid);
    }
  };
  walk(pid);
  return found;
}

/** The command name of process `pid`, or "" when it is gone. */
function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/**
 * Kills (SIGKILL) the engine this test's Automation API started and everything under it (language host,
 * provider plugin), each by its id; returns the ids.
 */
function killEngines(): number[] {
  const engines = descendants(process.pid).filter((pid) => commandOf(pid) === "pulumi");
  const killed = engines.flatMap((pid) => [pid, ...descendants(pid)]);
  for (const pid of killed) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return killed;
}

test.serial(
  "the engine killed (SIGKILL) between the Certificate deploy and the state write: the next up refuses to take the certificate over until the user names it, then takes it over (no second deploy), the apps end as the state says",
  async (t) => {
    let s: FaultStack | undefined;
    let killAfterDeploys = Infinity;
    let killed: number[] = [];
    const onCall = (call: StandInCall) => {
      if (call.operation !== "deploy" || !s || s.deploys() < killAfterDeploys) return;
      killAfterDeploys = Infinity;
      killed = killEngines();
    };
    // Each deploy is polled a few times (1 s apart): the kill lands while the provider waits for it.
    s = await faultStack(t, "org-fault-killed", { onCall, deployPolls: 3 });
    const stackProject = "sfc-test";
    s.triggers.idp = "rotated";
    s.triggers.ci = "rotated";
    const deploysBefore = s.deploys();
    killAfterDeploys = deploysBefore + 1;
    await t.throwsAsync(s.env.stack.up({ onOutput: s.env.onOutput }));
    t.true(killed.length >= 2, `killed the engine and its plugins (${killed.length} processes)`);
    t.is(s.deploys(), deploysBefore + 1, "the Certificate deploy reached the org before the kill");
    t.truthy(s.org.state.certificate("Acme_IdP_G2"), "the org applied the certificate deploy");
    t.is((await s.env.values())["idpName"], "Acme_IdP", "the state never learnt of it");

    // Recovery as the command line does it: the lock of the dead engine is released, then up.
    const stale = findStaleLocks(s.env.stateDir, stackProject, "org-fault-killed");
    t.true(stale.length > 0, "the killed update left its lock");
    await s.env.stack.cancel();
    const certificateDeploysBefore = s.deploys();
    const recovered = await upTakingOver(t, s, "Acme_IdP_G2");
    t.regex(
      recovered,
      /Certificate Acme_IdP_G2 in http:\/\/127\.0\.0\.1:\d+: took over the certificate the org already had/,
    );
    t.true(
      s.deploys() <= certificateDeploysBefore + 2,
      "no Certificate deployed again (at most the slot apps, twice at a switch)",
    );
    await assertConverged(t, s, { idp: "Acme_IdP_G2", live: ["Acme_IdP", "Acme_IdP_G2"], activeSlot: "B" });

    // Nothing orphaned: destroy leaves the org as it was before the stack (but for the deleted certificates).
    await s.env.stack.destroy({ onOutput: s.env.onOutput });
    t.deepEqual(certificatesOf(s).live, []);
    t.deepEqual(appsOf(s), {});
  },
);

test.serial(
  "the engine killed (SIGKILL) between the slot apps' first deploy and the state write: once the user names the apps, the next up creates the integration over them, and they end as the state says",
  async (t) => {
    let s: FaultStack | undefined;
    let killed: number[] = [];
    const onCall = (call: StandInCall) => {
      // The second deploy of the first up: the slot apps (the certificate, deployed first, is in the state).
      if (call.operation === "deploy" && s && s.deploys() === 2 && killed.length === 0) killed = killEngines();
    };
    s = await faultStack(t, "org-fault-killed-apps", { onCall, deployPolls: 3 }, false);
    await t.throwsAsync(s.env.stack.up({ onOutput: s.env.onOutput }));
    t.true(killed.length >= 2, `killed the engine and its plugins (${killed.length} processes)`);
    t.deepEqual(Object.keys(appsOf(s)).sort(), ["Acme_CI_A", "Acme_CI_B"], "the org applied the apps' deploy");

    t.true(
      findStaleLocks(s.env.stateDir, "sfc-test", "org-fault-killed-apps").length > 0,
      "the killed update left its lock",
    );
    await s.env.stack.cancel();
    const recovered = await upTakingOver(t, s, "Acme_CI_A,Acme_CI_B");
    t.notRegex(recovered, /Certificate Acme_IdP in .*deployed/, "the certificate in the state is not deployed again");
    await assertConverged(t, s, { idp: "Acme_IdP", live: ["Acme_IdP"], activeSlot: "A" });
  },
);
