/**
 * Org mode, the stack's own connection (a JwtIntegration of this same stack:
 * bootstrapped once by hand, then the provider logs in with credentials it rotates itself), through
 * the engine against the stand-in org. The stand-in logs which app each login and each Metadata API call
 * went through, so the test sees who did what:
 * - the stand-in applies app changes at its token endpoint after its default propagation delay (5 minutes
 *   on its clock), so the first `up` deploys the connection's apps through the hand-made bootstrap app,
 *   says slot A does not log in yet and the resources on `SalesforceOrgProvider` fail; once the clocks have
 *   passed the delay a second `up` completes, those resources logging in as the connection's slot A;
 * - the bootstrap app is then deleted in Setup: refresh, rotation and destroy go on without it;
 * - a rotation of the connection's certificate is deployed while logged in as slot A; slot B's proof fails
 *   until the delay has passed (everything stays on slot A); the next `up` proves it with a login as slot B,
 *   and from then on every call goes through slot B; slot A is retired after the overlap logged in as B;
 * - `destroy` removes what the stack made, the connection's own apps last;
 * - the state holds the connection's key only encrypted.
 * In the run that rotates the connection, the engine cannot diff the resources of the provider (its
 * configuration is unknown in preview) and shows them as updates with its own warning: asserted here.
 *
 * A second test: when the connection's own login is refused, the provider falls back to the configured
 * connection; configured for another org, that fallback must not write there. The org id recorded by each
 * resource is compared with the org the fallback logged in to, and the run refuses, naming both.
 */
import test from "ava";
import { CertificateAndKeyPair, JwtIntegration, SalesforceOrgProvider } from "../../provider";
import { keyMaterial, openTempStack, type TempStack } from "../helpers/engine";
import { startOrgForProvider } from "../helpers/org-mode";
import { canonical } from "../helpers/engine";
import type { StandInCall } from "../helpers/stand-in-org";

const day = 86_400_000;
const start = "2026-12-01T09:00:00.000Z";
const at = (days: number) => new Date(Date.parse(start) + days * day).toISOString();
/** Past the stand-in's default propagation delay (5 minutes). */
const propagated = 6 * 60_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

test.serial(
  "the stack's own connection: bootstrapped once by hand, then the provider logs in as a JwtIntegration it rotates itself",
  async (t) => {
    const { org, setClock, configure, deployer, admin: setupSession } = await startOrgForProvider(start);
    t.teardown(() => org.close());
    let rotationTrigger = "initial";
    const env: TempStack = await openTempStack("org-own-connection", async () => {
      const certificate = new CertificateAndKeyPair("connection-cert", {
        uniqueName: "Pulumi_Stack_JWT",
        label: "Pulumi stack connection",
        rotationTrigger,
        overlapDays: 7,
      });
      const connection = new JwtIntegration("connection", {
        apiName: "Pulumi_Stack",
        label: "Pulumi stack connection",
        contactEmail: "platform@acme.example",
        certificate,
        username: deployer.username,
        audience: "https://login.salesforce.com",
        loginUrl: org.url,
        preAuthorized: { profiles: ["System Administrator"] },
        overlapDays: 7,
        orgConnection: true,
      });
      const provider = new SalesforceOrgProvider("acme", { loginWith: connection });
      const idp = new CertificateAndKeyPair(
        "idp",
        { uniqueName: "Acme_IdP", label: "Acme IdP signing", custody: "org" },
        { provider },
      );
      return {
        activeSlot: connection.activeSlot,
        phase: connection.phase,
        consumerKey: connection.consumerKey,
        privateKeyPem: connection.privateKeyPem,
        idpCertificatePem: idp.certificatePem,
      };
    });
    t.teardown(() => env.dispose());
    // The first login as slot A waits this long (in real time) before up says to run it again later.
    await configure(env.stack, { pollTimeoutSeconds: 2 });
    const tick = (iso: string) => {
      setClock(iso);
      env.setClock(iso);
    };
    /** The apps the calls since `mark` logged in through, and those their Metadata API calls used. */
    const appsSince = (mark: number) => {
      const calls: StandInCall[] = org.calls.slice(mark);
      return {
        logins: [
          ...new Set(calls.filter((c) => c.path === "/services/oauth2/token" && c.status === 200).map((c) => c.app)),
        ].sort(),
        metadata: [...new Set(calls.filter((c) => c.operation !== undefined).map((c) => c.app))].sort(),
      };
    };

    // First up: the connection is deployed through the bootstrap app; slot A is not known to the login
    // servers yet, so up says so and the IdP certificate, which logs in as slot A, fails.
    let mark = org.calls.length;
    await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
    t.regex(
      env.log.join(""),
      /JwtIntegration Pulumi_Stack: Pulumi_Stack_A does not log in yet after 2 s \(invalid_client_id: client identifier invalid\); a new app can take 2 to 10 minutes to reach the login servers\. Resources on its SalesforceOrgProvider fail until it does: run pulumi up again in a few minutes\./,
    );
    t.falsy(org.state.certificate("Acme_IdP"), "nothing made as slot A yet");
    t.truthy(org.state.component("ExternalClientApplication", "Pulumi_Stack_A"), "the connection's apps exist");

    // Past the delay, a second up completes: the IdP certificate is made logged in as slot A.
    tick(plus(start, propagated));
    await env.stack.up({ onOutput: env.onOutput });
    let outputs = await env.values();
    t.is(outputs["activeSlot"], "A");
    t.deepEqual(appsSince(mark).logins, ["Pulumi_Deployer", "Pulumi_Stack_A"]);
    const deploys = org.calls.slice(mark).filter((c) => c.operation === "deploy");
    t.deepEqual(
      deploys.map((c) => c.app),
      ["Pulumi_Deployer", "Pulumi_Stack_A"],
      "the connection's apps first (bootstrap), then the certificate as the connection",
    );
    t.truthy(org.state.certificate("Acme_IdP"));
    t.is(org.state.apps.find((a) => a.name === "Pulumi_Stack_A")?.consumerKey, outputs["consumerKey"]);

    // The bootstrap app is deleted in Setup: nothing of the stack needs it any more.
    const admin = setupSession();
    await admin.metadata.delete("ConnectedApp", ["Pulumi_Deployer"]);
    t.falsy(org.state.apps.find((a) => a.name === "Pulumi_Deployer"));
    mark = org.calls.length;
    await env.stack.refresh({ onOutput: env.onOutput });
    t.deepEqual(
      appsSince(mark),
      { logins: ["Pulumi_Stack_A"], metadata: ["Pulumi_Stack_A"] },
      "refresh reads the org as the connection (the explicit provider is configured from its state)",
    );
    await env.stack.preview({ onOutput: env.onOutput, expectNoChanges: true });

    // Rotation of the connection's certificate: preview cannot know the new credential and says so; up
    // deploys slot B logged in as slot A, whose proof fails until the delay has passed: all stays on slot A.
    // The next up proves B with a login and switches; the provider follows.
    tick(at(30));
    rotationTrigger = "rotated";
    mark = env.log.length;
    const preview = await env.stack.preview({ onOutput: env.onOutput });
    t.regex(
      env.logSince(mark),
      /in the org: deploys ExternalClientApplication Pulumi_Stack_A, Pulumi_Stack_B to http:\/\/127\.0\.0\.1:\d+ \(logged in as its slot A\)/,
    );
    // The engine cannot diff the resources of a provider whose configuration changes in the same run: it
    // shows them as updates with its own warning (README: The stack's own connection); up diffs them again.
    t.is(
      preview.changeSummary["update"] ?? 0,
      4,
      "certificate, connection, the provider's configuration, and the IdP certificate unknown",
    );
    t.regex(env.logSince(mark), /The provider for this resource has inputs that are not known during preview/);
    mark = org.calls.length;
    let logMark = env.log.length;
    const published = await env.stack.up({ onOutput: env.onOutput });
    t.deepEqual(
      published.summary.resourceChanges,
      { update: 2, same: 3 },
      "the certificate and the connection; the provider keeps slot A's credential, the IdP certificate is unchanged",
    );
    outputs = await env.values();
    t.regex(env.logSince(logMark), /slot B \(Pulumi_Stack_B\) does not log in yet: unproven for 0 s/);
    t.is(outputs["activeSlot"], "A");
    t.is(outputs["phase"], "publishing");
    tick(plus(at(30), propagated));
    logMark = env.log.length;
    const rotation = await env.stack.up({ onOutput: env.onOutput });
    t.deepEqual(
      rotation.summary.resourceChanges,
      { update: 2, same: 3 },
      "the connection and the provider's configuration; the IdP certificate is unchanged: its diff with the new credential says so",
    );
    outputs = await env.values();
    t.regex(env.logSince(logMark), /slot B logs in: switches clients to slot B/);
    t.is(outputs["activeSlot"], "B");
    const rotationDeploys = org.calls
      .slice(mark)
      .filter((c) => c.operation === "deploy")
      .map((c) => c.app);
    t.true(
      rotationDeploys.length >= 1 && rotationDeploys.every((app) => app === "Pulumi_Stack_A"),
      `the rotation is deployed logged in as slot A (${rotationDeploys.join(", ")})`,
    );
    mark = org.calls.length;
    await env.stack.refresh({ onOutput: env.onOutput });
    t.deepEqual(
      appsSince(mark),
      { logins: ["Pulumi_Stack_B"], metadata: ["Pulumi_Stack_B"] },
      "after the switch every call goes through slot B",
    );

    // After the overlap slot A is retired, logged in as slot B. This run changes the connection too: its
    // preview shows the provider's resources with the engine's warning (README says so).
    tick(at(38));
    const retirePreview = env.log.length;
    await env.stack.preview({ onOutput: env.onOutput });
    t.regex(env.logSince(retirePreview), /The provider for this resource has inputs that are not known during preview/);
    mark = org.calls.length;
    await env.stack.up({ onOutput: env.onOutput });
    outputs = await env.values();
    t.is(outputs["phase"], "stable");
    t.is(
      org.state.apps.find((a) => a.name === "Pulumi_Stack_A")?.certificatePem,
      undefined,
      "slot A no longer holds a certificate",
    );
    t.deepEqual(appsSince(mark).metadata, ["Pulumi_Stack_B"]);

    // The state holds the connection's key (and the provider's copy) only encrypted.
    const state = env.readState();
    const log = env.log.join("");
    for (const key of [outputs["privateKeyPem"] as string, deployer.privateKeyPem]) {
      for (const material of keyMaterial(key)) {
        t.false(state.includes(material), "no key material in plain text in the state");
        t.false(log.includes(material), "nor in the engine's output");
      }
    }

    // Destroy: the certificate (through the provider), then the connection's apps, logged in as slot B: slot
    // A's app first, then B's, whose OAuth settings go last among its parts. The stand-in ends the sessions of
    // a deleted app, as the review pointed out a real org may: B's header is then left (no certificate, no
    // login), and destroy says so, since the bootstrap app is gone too.
    mark = org.calls.length;
    const destroyMark = env.log.length;
    await env.stack.destroy({ onOutput: env.onOutput });
    t.deepEqual(appsSince(mark).logins, ["Pulumi_Stack_B"]);
    t.true(org.state.certificate("Acme_IdP")?.deleted ?? true, "the IdP certificate left the org");
    t.deepEqual(
      org.state.apps.map((a) => a.name),
      [],
      "no app of the stack allows a login",
    );
    t.falsy(org.state.component("ExternalClientApplication", "Pulumi_Stack_A"), "slot A's app is gone");
    t.deepEqual(
      org.state.components("ExtlClntAppGlobalOauthSettings").map((c) => c.fullName),
      [],
      "no OAuth settings (certificate, consumer key) left",
    );
    t.regex(
      env.logSince(destroyMark),
      /JwtIntegration Pulumi_Stack: deleted Pulumi_Stack_A from http:\/\/127\.0\.0\.1:\d+; the External Client App Pulumi_Stack_B stays: this stack logged in through it, and the org ended that session with its OAuth settings/,
    );
  },
);

test.serial(
  "the own connection's login refused, the fallback to a connection configured for another org writes nothing there",
  async (t) => {
    // About the org guard of the fallback, not propagation (which the test above covers): logins see
    // deploys at once.
    const first = await startOrgForProvider(start, { propagationDelayMs: 0 });
    t.teardown(() => first.org.close());
    let rotationTrigger = "initial";
    const env: TempStack = await openTempStack("org-own-connection-fallback", async () => {
      const certificate = new CertificateAndKeyPair("connection-cert", {
        uniqueName: "Pulumi_Stack_JWT",
        label: "Pulumi stack connection",
        rotationTrigger,
        overlapDays: 7,
      });
      const connection = new JwtIntegration("connection", {
        apiName: "Pulumi_Stack",
        label: "Pulumi stack connection",
        contactEmail: "platform@acme.example",
        certificate,
        username: first.deployer.username,
        audience: "https://login.salesforce.com",
        loginUrl: first.org.url,
        preAuthorized: { profiles: ["System Administrator"] },
        overlapDays: 7,
        orgConnection: true,
      });
      const provider = new SalesforceOrgProvider("acme", { loginWith: connection });
      new CertificateAndKeyPair(
        "idp",
        { uniqueName: "Acme_IdP", label: "Acme IdP signing", custody: "org" },
        { provider },
      );
      return { activeSlot: connection.activeSlot };
    });
    t.teardown(() => env.dispose());
    await first.configure(env.stack);
    await env.stack.up({ onOutput: env.onOutput });
    t.truthy(first.org.state.certificate("Acme_IdP"));

    // Slot A's app is deleted in Setup of org 1: the connection's own login is refused from now on.
    await first.admin().metadata.delete("ExternalClientApplication", ["Pulumi_Stack_A"]);
    t.falsy(first.org.state.apps.find((a) => a.name === "Pulumi_Stack_A"));

    // The stack's configuration now names a connection to another org.
    const second = await startOrgForProvider(start, { propagationDelayMs: 0 });
    t.teardown(() => second.org.close());
    t.not(second.org.orgId, first.org.orgId);
    await second.configure(env.stack);
    const contents = () =>
      canonical({
        certificates: second.org.state.certificates.map((c) => ({ name: c.fullName, id: c.id, deleted: c.deleted })),
        components: [...second.org.state.componentRecords.values()].map((c) => ({
          type: c.type,
          name: c.fullName,
          record: c.record,
        })),
      });
    const before = contents();

    rotationTrigger = "rotated";
    const mark = env.log.length;
    const error = await t.throwsAsync(env.stack.up({ onOutput: env.onOutput }));
    const text = `${error?.message ?? ""}\n${env.logSince(mark)}`;
    t.regex(text, /logging in as its app Pulumi_Stack_A failed .*using the connection of salesforce-certs:org/s);
    const url = (u: string) => u.replace(/[.]/g, "\\.");
    t.regex(
      text,
      new RegExp(
        `JwtIntegration Pulumi_Stack was made in org ${first.org.orgId} \\(${url(first.org.url)}\\), and this run is logged in to org ${second.org.orgId} \\(${url(second.org.url)}\\); nothing was written`,
      ),
    );
    t.is(contents(), before, "org 2 holds what it held");
    t.is(second.org.calls.filter((c) => c.operation === "deploy" || c.operation === "deleteMetadata").length, 0);
  },
);
