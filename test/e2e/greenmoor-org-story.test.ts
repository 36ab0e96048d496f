/**
 * The Greenmoor story in org mode, end to end through the engine over two simulated years.
 *
 * Greenmoor declares its Salesforce certificates in the org-mode example inventory
 * (examples/greenmoor-org/inventory.yaml, CI's login URL pointed at the stand-in) and runs it the way
 * README "The inventory" documents (`salesforce-certs preview|up|destroy --inventory FILE`), with the
 * stand-in org as the stack's org (README "Connect an org": `pulumi config set --path …`, the key
 * `--secret`). The IdP
 * certificate is made and kept by the org (`custody: org`) and signs for the partner's SAML SP; CI logs in
 * with the JWT Bearer Flow through a two-slot External Client App bound to a provider-held certificate
 * with a short validity. The clock (SALESFORCE_CERTS_NOW, and the org's) walks through two rotations of
 * each, with the staged IdP rotation (publish, switch day, delete).
 *
 * Before every `up`, `preview` says what the `up` then does (rotation reasons, deploys and their org) and
 * deploys nothing. After every `up`, the two judges: a real token request with the credential the stack
 * publishes for CI (jose signs, jsforce posts), and a node-saml SP configured from the published IdP
 * metadata accepting an assertion the org signs with the certificate its IdentityProviderSettings name.
 * Both also judge what the previous step published (a client or partner that has not re-read the
 * outputs yet): there is no step after which either lacks a valid credential.
 *
 * Then drift made by a person in Setup (through jsforce): an ECA's certificate replaced, the IdP switched
 * to another certificate, the SAML app deleted; `pulumi refresh` shows each, `up` repairs them. `destroy`
 * removes what the stack made and turns the IdP off (no SAML app is left), leaving what it did not make.
 * No private key is in the state or in anything the commands printed. A second, short test: with a SAML
 * app the stack did not make, destroy leaves the IdP on, and with it the certificate it signs with.
 */
import test from "ava";
import { keyMaterial } from "../helpers/engine";
import {
  changeCounts,
  ciCredential,
  ciLogsIn,
  greenmoorCiUser,
  openGreenmoorRepo,
  partnerAccepts,
  partnerUser,
  type CiCredential,
} from "../helpers/greenmoor-story";
import { orgIdpCertificate } from "../helpers/org-saml";
import { startOrgForProvider } from "../helpers/org-mode";
import { identityProviderSource, sourceFormatZip } from "../helpers/stand-in-org";

const day = 86_400_000;
const start = "2026-12-01T09:00:00.000Z";
const at = (days: number) => new Date(Date.parse(start) + days * day).toISOString();
const quoted = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const accepted = `accepted ${partnerUser}`;
/** A certificate a person made in the org before the stack existed: the stack never touches it. */
const theirs = "Greenmoor_Legacy_Signing";
const idp = "Greenmoor_IdP_Signing";

/** What the stack published at one step, as CI and the partner hold it. */
interface Published {
  outputs: Record<string, any>;
  ci: CiCredential;
  metadata: string;
  /** The IdP certificates in the metadata, by name. */
  idpCertificates: string[];
  activeSlot: string;
}

function published(outputs: Record<string, any>): Published {
  const binding = outputs["samlBindings"]["Partner_Portal_SSO"];
  return {
    outputs,
    ci: ciCredential(outputs),
    metadata: binding["idpMetadataXml"],
    idpCertificates: binding["publishedCertificates"].map((c: { certificateName: string }) => c.certificateName),
    activeSlot: outputs["jwtIntegrations"]["Greenmoor_CI"]["activeSlot"],
  };
}

/** The provider's own lines (one per resource and event) in what a command printed, once each. */
function providerLines(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => /(?:CertificateAndKeyPair|JwtIntegration|SamlSpBinding) \w+: .*/.exec(l)?.[0])
    .filter((l): l is string => !!l);
  return [...new Set(lines)].join("\n");
}

/**
 * What preview announced, each as the line the up after it must print when it has done it: a certificate
 * rotation with the same reason, a certificate the org is to make or delete, apps and IdP settings to
 * deploy to the same org.
 */
function announcements(said: string): string[] {
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [
      /CertificateAndKeyPair (\w+): rotates now \(([^)]*)\)/g,
      (m) => `CertificateAndKeyPair ${m[1]}: rotated (${m[2]})`,
    ],
    [
      /CertificateAndKeyPair (\w+): .*deploys Certificate (\w+) to (\S+) \(Salesforce generates/g,
      (m) => `CertificateAndKeyPair ${m[1]}: Certificate ${m[2]} in ${m[3]}: deployed`,
    ],
    [
      /CertificateAndKeyPair (\w+): .*in the org: deletes Certificate (\w+) from /g,
      (m) => `CertificateAndKeyPair ${m[1]}: deleted the previous certificate ${m[2]} from the org`,
    ],
    [
      /(JwtIntegration|SamlSpBinding) (\w+): .*in the org: deploys (.+?) to (http\S+?)(?=[;,]? |;|$)/gm,
      (m) => `${m[1]} ${m[2]}: deployed ${m[3]} to ${m[4]}`,
    ],
  ];
  return rules.flatMap(([pattern, line]) => [...said.matchAll(pattern)].map((m) => line(m as RegExpExecArray)));
}

/** What preview must say before an up, and what that up must then say it did (over the provider's lines). */
interface StepExpectation {
  preview: RegExp[];
  up: RegExp[];
}

test.serial(
  "Greenmoor in org mode over two simulated years: rotations with a valid credential at every step, drift repaired, destroy",
  async (t) => {
    const { org, setClock, deployer, admin } = await startOrgForProvider(start, {
      // The story checks a valid credential at every step of two years; propagation has its own engine test (org-jwt-integration).
      propagationDelayMs: 0,
      users: [greenmoorCiUser],
      certificates: [{ fullName: theirs, masterLabel: "Greenmoor legacy signing" }],
    });
    t.teardown(() => org.close());
    const repo = await openGreenmoorRepo(org, deployer, start);
    t.teardown(() => repo.dispose());
    const url = quoted(org.url);
    const calls = (operation: string) => org.calls.filter((c) => c.operation === operation).length;
    const deploys = () => calls("deploy");
    const ciKeys = new Set<string>();
    let clock = start;
    let before: Published | undefined;

    /**
     * One step of the story at `days`: preview (it says what the up does, changes nothing in the org), up
     * (it does that), then the judges on what the stack publishes now and on what it published at the step
     * before (a CI job or partner that has not re-read the outputs yet).
     */
    const step = async (label: string, days: number, expect: StepExpectation): Promise<Published> => {
      clock = at(days);
      setClock(clock);
      const deploysBefore = deploys();
      const idpBefore = org.state.identityProvider;
      const preview = await repo.cli(["preview", "--inventory", repo.inventory], clock);
      t.is(preview.status, 0, `${label}: preview\n${preview.text}`);
      const said = providerLines(preview.text);
      for (const pattern of expect.preview) t.regex(said, pattern, `${label}: preview`);
      t.is(deploys(), deploysBefore, `${label}: preview deployed nothing`);
      t.deepEqual(org.state.identityProvider, idpBefore, `${label}: preview changed nothing in the org`);

      const deletesBefore = calls("deleteMetadata");
      const up = await repo.cli(["up", "--inventory", repo.inventory], clock);
      t.is(up.status, 0, `${label}: up\n${up.text}`);
      const did = providerLines(up.text);
      for (const pattern of expect.up) t.regex(did, pattern, `${label}: up`);
      const announced = announcements(said);
      t.is(
        announced.length > 0,
        /rotates now|deploys Certificate|in the org: (deploys|deletes) /.test(said),
        `${label}: every announcement is understood`,
      );
      t.deepEqual(
        announced.filter((line) => !did.includes(line)),
        [],
        `${label}: up did what preview announced`,
      );
      t.notRegex(
        `${said}\n${did}`,
        /deploy salesforceFiles/,
        `${label}: in org mode nobody is sent to deploy files by hand`,
      );
      // Whatever preview did not announce, up did not do in the org (and what it announced, it did).
      t.is(
        deploys() > deploysBefore,
        /(creating deploys|in the org: deploys) /.test(said),
        `${label}: up deployed to the org exactly when preview said it would`,
      );
      t.is(
        calls("deleteMetadata") > deletesBefore,
        /in the org: deletes /.test(said),
        `${label}: up deleted in the org exactly when preview said it would`,
      );
      t.deepEqual(
        changeCounts(up.text, "done"),
        changeCounts(preview.text, "planned"),
        `${label}: up changed the resources preview said it would`,
      );

      const now = published(await repo.outputs());
      ciKeys.add(now.ci.privateKeyPem);
      t.is(await ciLogsIn(now.ci, clock), "ok", `${label}: CI logs in with the credential the stack publishes now`);
      t.is(
        await partnerAccepts(org, now.metadata),
        accepted,
        `${label}: the partner's SP, configured from the metadata published now, accepts the org's assertion`,
      );
      if (before) {
        t.is(await ciLogsIn(before.ci, clock), "ok", `${label}: CI still on the credential of the step before logs in`);
        t.is(
          await partnerAccepts(org, before.metadata),
          accepted,
          `${label}: an SP still on the metadata of the step before accepts the org's assertion`,
        );
      }
      before = now;
      return now;
    };

    /** A rotation of CI's certificate alone: published to the idle slot, proved by a login, clients switched, in one up. */
    const ciRotation = async (days: number, slots: { from: string; to: string }) => {
      const now = await step(`CI rotation on day ${days}`, days, {
        preview: [
          /CertificateAndKeyPair Greenmoor_CI_JWT: rotates now \(inside its renewal window since \S+\): a new key pair and certificate/,
          new RegExp(
            `JwtIntegration Greenmoor_CI: clients on slot ${slots.from} .*if it rotates, the new certificate is published to slot ${slots.to} first.*in the org: deploys ExternalClientApplication Greenmoor_CI_A, Greenmoor_CI_B to ${url}; then, if the certificate rotates, requests a token with the new slot`,
          ),
          new RegExp(`CertificateAndKeyPair ${idp}: no rotation; next rotation \\S+ \\(60 days before notAfter\\)`),
          /SamlSpBinding Partner_Portal_SSO: stable: .*; in the org: nothing to deploy/,
        ],
        up: [
          /CertificateAndKeyPair Greenmoor_CI_JWT: rotated \(inside its renewal window since \S+\)/,
          new RegExp(
            `JwtIntegration Greenmoor_CI: publishes the new certificate to slot ${slots.to} \\(Greenmoor_CI_${slots.to}\\); clients stay on slot ${slots.from} until a login with slot ${slots.to} succeeds: this up deploys the slot's app and requests a token with it`,
          ),
          new RegExp(
            `JwtIntegration Greenmoor_CI: deployed ExternalClientApplication Greenmoor_CI_A, Greenmoor_CI_B to ${url}`,
          ),
          new RegExp(
            `JwtIntegration Greenmoor_CI: slot ${slots.to} logs in: switches clients to slot ${slots.to}; slot ${slots.from} keeps the previous certificate for the overlap`,
          ),
        ],
      });
      t.is(now.activeSlot, slots.to);
      return now;
    };

    /**
     * The staged IdP rotation over three ups (renewal: the org makes `to`, published beside `from`; switch
     * day: the org's IdP signs with `to`; the overlap's end: `from` leaves metadata and org), with CI's
     * certificate renewed in the same first up (its idle slot retired and reused). `retired` is the CI
     * credential whose slot the switch-day up retires: it no longer logs in.
     */
    const idpRotation = async (renewal: number, from: string, to: string, retired: CiCredential) => {
      const switchDay = renewal + 14;
      let now = await step(`IdP renewal on day ${renewal}`, renewal, {
        preview: [
          new RegExp(
            `CertificateAndKeyPair ${idp}: rotates now \\(inside its renewal window since \\S+\\): .*; in the org: deploys Certificate ${to} to ${url} \\(Salesforce generates the key pair\\)`,
          ),
          /CertificateAndKeyPair Greenmoor_CI_JWT: rotates now \(inside its renewal window since \S+\)/,
          new RegExp(
            `JwtIntegration Greenmoor_CI: retires slot A: its certificate is removed \\(overlap ended \\S+\\).*if it rotates, the new certificate is published to slot A first and clients stay on slot B\\); in the org: deploys ExternalClientApplication Greenmoor_CI_A, Greenmoor_CI_B to ${url}`,
          ),
          /SamlSpBinding Partner_Portal_SSO: stable: .*the IdP certificate is updated in this run: if it rotates, the new one is published next to the signing one first, and the org keeps signing with the old one; in the org: nothing to deploy/,
        ],
        up: [
          new RegExp(
            `CertificateAndKeyPair ${idp}: Certificate ${to} in ${url}: deployed; Salesforce generated the key pair`,
          ),
          /JwtIntegration Greenmoor_CI: slot A logs in: switches clients to slot A; slot B keeps the previous certificate for the overlap/,
          new RegExp(
            `SamlSpBinding Partner_Portal_SSO: publishes the new IdP certificate next to the signing one: .*the org holds ${to}, and its IdP switches to it on ${quoted(at(switchDay))}; in the org: nothing to deploy`,
          ),
        ],
      });
      t.deepEqual(now.idpCertificates, [from, to], "publishing: both certificates in the metadata");
      t.is(orgIdpCertificate(org), from, "publishing: the org keeps signing with the old certificate");
      t.is(
        await partnerAccepts(org, now.metadata, to),
        accepted,
        "publishing: the partner trusts the next key already",
      );
      t.is(now.activeSlot, "A");

      // Between the renewal and the switch day, with no up: preview plans nothing, and both judges pass.
      clock = at(renewal + 5);
      setClock(clock);
      const between = await repo.cli(["preview", "--inventory", repo.inventory], clock);
      t.is(between.status, 0, between.text);
      t.deepEqual(changeCounts(between.text, "planned"), {}, "between the switch-day steps: nothing to change");
      t.regex(
        providerLines(between.text),
        new RegExp(
          `SamlSpBinding Partner_Portal_SSO: publishing since .*its IdP switches to it on ${quoted(at(switchDay))}; in the org: nothing to deploy`,
        ),
      );
      t.is(await ciLogsIn(now.ci, clock), "ok", "between the switch-day steps: CI logs in");
      t.is(
        await partnerAccepts(org, now.metadata),
        accepted,
        "between the switch-day steps: the partner accepts the org's assertion",
      );

      now = await step(`IdP switch day ${switchDay}`, switchDay, {
        preview: [
          new RegExp(
            `SamlSpBinding Partner_Portal_SSO: switches the org to the new certificate \\(the publish period ended\\).*; in the org: deploys ExternalClientApplication Partner_Portal_SSO \\(SAML policy\\) and IdentityProviderSettings \\(the org's IdP signs with ${to}\\) to ${url}`,
          ),
          new RegExp(
            `JwtIntegration Greenmoor_CI: retires slot B: its certificate is removed \\(overlap ended \\S+\\).*; in the org: deploys ExternalClientApplication Greenmoor_CI_A, Greenmoor_CI_B to ${url}`,
          ),
          new RegExp(`CertificateAndKeyPair ${idp}: no rotation`),
        ],
        up: [
          new RegExp(
            `SamlSpBinding Partner_Portal_SSO: deployed ExternalClientApplication Partner_Portal_SSO \\(SAML policy\\) and IdentityProviderSettings \\(the org's IdP signs with ${to}\\) to ${url}`,
          ),
          new RegExp(
            `JwtIntegration Greenmoor_CI: deployed ExternalClientApplication Greenmoor_CI_A, Greenmoor_CI_B to ${url}`,
          ),
        ],
      });
      t.is(orgIdpCertificate(org), to, "switched on the switch day");
      t.deepEqual(
        now.idpCertificates,
        [to, from],
        "switched: the old certificate stays in the metadata through the binding's overlap",
      );
      t.truthy(org.state.certificate(from), "the old certificate stays in the org through its overlap");
      t.is(
        org.state.apps.find((a) => a.name === "Greenmoor_CI_B")?.certificatePem,
        undefined,
        "slot B retired: its app holds no certificate",
      );
      t.regex(await ciLogsIn(retired, clock), /invalid_grant/, "the retired slot's key no longer logs in");

      now = await step(`overlap end on day ${switchDay + 7}`, switchDay + 7, {
        preview: [
          new RegExp(`CertificateAndKeyPair ${idp}: .*; in the org: deletes Certificate ${from} from ${url}`),
          /SamlSpBinding Partner_Portal_SSO: retires the previous certificate from the metadata \(the overlap ended\)/,
        ],
        up: [
          new RegExp(
            `CertificateAndKeyPair ${idp}: deleted the previous certificate ${from} from the org \\(overlap over\\)`,
          ),
        ],
      });
      t.deepEqual(now.idpCertificates, [to]);
      t.is(org.state.certificate(from), undefined, "the old certificate left the org");
      return now;
    };

    // Year 1, day 0: the first up. The org makes the IdP key pair; CI's slot apps and the partner's SAML
    // app are deployed, and the org's IdP signs with the certificate it made.
    let now = await step("first up", 0, {
      preview: [
        new RegExp(
          `CertificateAndKeyPair ${idp}: creating deploys Certificate ${idp} to ${url} \\(Salesforce generates the key pair`,
        ),
        new RegExp(
          `JwtIntegration Greenmoor_CI: creating deploys ExternalClientApplication Greenmoor_CI_A, Greenmoor_CI_B to ${url}`,
        ),
        new RegExp(
          `SamlSpBinding Partner_Portal_SSO: creating deploys ExternalClientApplication Partner_Portal_SSO \\(SAML policy\\) to ${url}, and IdentityProviderSettings`,
        ),
      ],
      up: [
        new RegExp(
          `CertificateAndKeyPair ${idp}: Certificate ${idp} in ${url}: deployed; Salesforce generated the key pair`,
        ),
        new RegExp(
          `JwtIntegration Greenmoor_CI: deployed ExternalClientApplication Greenmoor_CI_A, Greenmoor_CI_B to ${url}`,
        ),
        new RegExp(
          `SamlSpBinding Partner_Portal_SSO: deployed ExternalClientApplication Partner_Portal_SSO \\(SAML policy\\) and IdentityProviderSettings \\(the org's IdP signs with ${idp}\\) to ${url}`,
        ),
      ],
    });
    t.deepEqual(org.state.identityProvider, { certificateName: idp, enableIdentityProvider: true });
    t.is(
      now.outputs["certificates"][idp]["certificatePem"],
      org.state.certificate(idp)!.contentPem,
      "the stack publishes the certificate the org made",
    );
    t.is(now.activeSlot, "A");
    const firstCi = now.ci;

    // Day 150: CI's 180-day certificate renews, in one up.
    const onSlotB = await ciRotation(150, { from: "A", to: "B" });
    // Day 305: the IdP certificate's renewal (60 days before its year ends) and CI's second renewal.
    await idpRotation(305, idp, `${idp}_G2`, onSlotB.ci);
    t.regex(await ciLogsIn(firstCi, clock), /invalid_grant/, "the first key left the org with its slot's reuse");

    // Day 330: drift made by a person in Setup, through the Metadata API as Setup does it: CI's active app
    // given another certificate, the IdP switched to a certificate the stack did not make, the SAML app deleted.
    clock = at(330);
    setClock(clock);
    const held = before!;
    const files = held.outputs["jwtIntegrations"]["Greenmoor_CI"]["salesforceFiles"] as Record<string, string>;
    const app = `Greenmoor_CI_${held.activeSlot}`;
    const oauth = `extlClntAppGlobalOauthSets/${app}_glbloauth.ecaGlblOauth-meta.xml`;
    const tampered = files[oauth]!.replace(
      /<certificate>[^<]*<\/certificate>/,
      `<certificate>${deployer.certificatePem.trim()}</certificate>`,
    );
    t.not(tampered, files[oauth]);
    const byHand = { singlePackage: true, rollbackOnError: true };
    await admin()
      .metadata.deploy(
        await sourceFormatZip({
          [`externalClientApps/${app}.eca-meta.xml`]: files[`externalClientApps/${app}.eca-meta.xml`]!,
          [oauth]: tampered,
        }),
        byHand,
      )
      .complete(true);
    await admin()
      .metadata.deploy(await sourceFormatZip(identityProviderSource(theirs)), byHand)
      .complete(true);
    t.deepEqual(
      (await admin().metadata.delete("ExternalClientApplication", ["Partner_Portal_SSO"])).map((r) => r.success),
      [true],
    );
    t.regex(await ciLogsIn(held.ci, clock), /invalid_grant/, "drift: CI's published credential no longer logs in");
    t.regex(await partnerAccepts(org, held.metadata), /^rejected/, "drift: the partner rejects what the org now signs");

    // refresh shows each drift; the next step's preview names the repairs, and its up makes them.
    const refresh = await repo.pulumi(["refresh", "--yes", "--skip-preview"], clock);
    t.is(refresh.status, 0, refresh.text);
    const seen = providerLines(refresh.text);
    t.regex(
      seen,
      new RegExp(
        `JwtIntegration Greenmoor_CI: the org differs from the state \\(${app} holds certificate \\S+ instead of \\S+\\)`,
      ),
    );
    t.regex(
      seen,
      new RegExp(
        `SamlSpBinding Partner_Portal_SSO: the org differs from the state \\(ExternalClientApplication Partner_Portal_SSO is not in the org; the org's IdP signs with ${theirs} instead of ${idp}_G2\\)`,
      ),
    );
    t.regex(await ciLogsIn(held.ci, clock), /invalid_grant/, "refresh repaired nothing");
    now = await step("drift repair", 330, {
      preview: [
        new RegExp(
          `JwtIntegration Greenmoor_CI: .*in the org: deploys ExternalClientApplication Greenmoor_CI_A, Greenmoor_CI_B to ${url} \\(repairs: ${app} holds certificate`,
        ),
        new RegExp(
          `SamlSpBinding Partner_Portal_SSO: .*in the org: deploys ExternalClientApplication Partner_Portal_SSO \\(SAML policy\\) and IdentityProviderSettings \\(the org's IdP signs with ${idp}_G2\\) to ${url} \\(repairs: ExternalClientApplication Partner_Portal_SSO is not in the org; the org's IdP signs with ${theirs} instead of ${idp}_G2\\)`,
        ),
      ],
      up: [
        new RegExp(
          `JwtIntegration Greenmoor_CI: deployed ExternalClientApplication Greenmoor_CI_A, Greenmoor_CI_B to ${url}`,
        ),
        new RegExp(
          `SamlSpBinding Partner_Portal_SSO: deployed ExternalClientApplication Partner_Portal_SSO \\(SAML policy\\) and IdentityProviderSettings \\(the org's IdP signs with ${idp}_G2\\) to ${url}`,
        ),
      ],
    });
    t.is(orgIdpCertificate(org), `${idp}_G2`, "repaired: the IdP signs with the stack's certificate again");
    t.truthy(org.state.component("ExternalClientApplication", "Partner_Portal_SSO"), "repaired: the SAML app is back");
    t.is(now.ci.privateKeyPem, held.ci.privateKeyPem, "repaired without a rotation: CI keeps its credential");

    // Year 2: CI renews on day 455; on day 610 the IdP's second renewal comes with CI's fourth.
    const onSlotBAgain = await ciRotation(455, { from: "A", to: "B" });
    now = await idpRotation(610, `${idp}_G2`, `${idp}_G3`, onSlotBAgain.ci);

    // No private key in the state or in anything the commands printed (CI's keys, the deployer's key).
    const state = repo.readState();
    const printed = repo.log.join("");
    t.true(ciKeys.size >= 5, "CI's key changed with each of its rotations");
    for (const key of [...ciKeys, deployer.privateKeyPem]) {
      for (const needle of keyMaterial(key)) {
        t.false(state.includes(needle), "no key in the state");
        t.false(printed.includes(needle), "no key in what the commands printed");
      }
    }
    t.notRegex(printed, /PRIVATE KEY/);

    // destroy: the apps and certificates the stack made leave the org; the IdP is turned off (no SAML app is
    // left); the deployer's app and the certificate the stack did not make stay.
    const destroy = await repo.cli(["destroy"], clock);
    t.is(destroy.status, 0, destroy.text);
    t.regex(
      providerLines(destroy.text),
      /SamlSpBinding Partner_Portal_SSO: deleted ExternalClientApplication Partner_Portal_SSO; turned the org's IdP off \(no SAML app is left\)/,
    );
    t.deepEqual(org.state.identityProvider, { certificateName: `${idp}_G3`, enableIdentityProvider: false });
    t.deepEqual(
      org.state.apps.map((a) => a.name),
      ["Pulumi_Deployer"],
      "only the deployer's app is left",
    );
    for (const type of [
      "ExternalClientApplication",
      "ExtlClntAppSamlConfigurablePolicies",
      "ExtlClntAppGlobalOauthSettings",
    ]) {
      t.deepEqual(
        org.state.components(type).map((c) => c.fullName),
        [],
        `no ${type} of the stack is left`,
      );
    }
    t.deepEqual(
      org.state.certificates.filter((c) => !c.deleted).map((c) => c.fullName),
      [theirs],
      "only the certificate the stack did not make is left",
    );
    t.regex(await ciLogsIn(now.ci, clock), /invalid_client_id/, "CI's last credential is gone with its app");
    t.notRegex(repo.log.join(""), /PRIVATE KEY/);
  },
);

test.serial(
  "Greenmoor in org mode: destroy leaves the org's IdP on, and the certificate it signs with, while a SAML app the stack did not make uses it",
  async (t) => {
    const { org, deployer, admin } = await startOrgForProvider(start, {
      // The org holds the permission set the CI integration pre-authorizes: it refuses names it lacks.
      users: [greenmoorCiUser],
      certificates: [{ fullName: theirs, masterLabel: "Greenmoor legacy signing" }],
    });
    t.teardown(() => org.close());
    const repo = await openGreenmoorRepo(org, deployer, start);
    t.teardown(() => repo.dispose());
    const byHand = { singlePackage: true, rollbackOnError: true };
    const up = await repo.cli(["up", "--inventory", repo.inventory], start);
    t.is(up.status, 0, up.text);
    t.is(orgIdpCertificate(org), idp);

    // A person sets up SSO to Greenmoor's wiki by hand, on the org's one IdP: an External Client App with a
    // SAML policy, made from the partner app's files.
    const files = (await repo.outputs())["samlBindings"]["Partner_Portal_SSO"]["salesforceFiles"] as Record<
      string,
      string
    >;
    const wiki = (text: string) =>
      text
        .replaceAll("Partner_Portal_SSO", "Greenmoor_Wiki_SSO")
        .replaceAll("portal.partner.example", "wiki.greenmoor.example");
    const wikiFiles = Object.fromEntries(
      Object.entries(files)
        .filter(([file]) => !file.startsWith("settings/"))
        .map(([file, text]) => [wiki(file), wiki(text)]),
    );
    t.is(Object.keys(wikiFiles).length, 3);
    await admin()
      .metadata.deploy(await sourceFormatZip(wikiFiles), byHand)
      .complete(true);
    const wikiPolicy = () => org.state.component("ExtlClntAppSamlConfigurablePolicies", "Greenmoor_Wiki_SSO_samlPlcy");
    t.truthy(wikiPolicy());

    // destroy deletes the partner's app but leaves the IdP on for the wiki; Salesforce then refuses to delete
    // the certificate the IdP signs with, so destroy fails naming it, and the certificate stays in the state.
    const refused = await repo.cli(["destroy"], start);
    t.not(refused.status, 0);
    t.regex(
      providerLines(refused.text),
      /SamlSpBinding Partner_Portal_SSO: deleted ExternalClientApplication Partner_Portal_SSO; left the org's IdP on \(signing with Greenmoor_IdP_Signing\): other SAML apps use it \(ExtlClntAppSamlConfigurablePolicies Greenmoor_Wiki_SSO_samlPlcy\)/,
    );
    t.regex(refused.text, new RegExp(`${idp}.*IdentityProviderSettings`));
    t.notRegex(refused.text, /^\s+at .*\.js:\d+/m, "no stack trace");
    t.deepEqual(
      org.state.identityProvider,
      { certificateName: idp, enableIdentityProvider: true },
      "the IdP still signs for the wiki",
    );
    t.truthy(wikiPolicy(), "the wiki's app is untouched");
    t.is(
      org.state.component("ExternalClientApplication", "Partner_Portal_SSO"),
      undefined,
      "the partner's app is gone",
    );
    t.truthy(org.state.certificate(idp), "the certificate the IdP signs with stays");
    t.regex(repo.readState(), /CertificateAndKeyPair::Greenmoor_IdP_Signing/, "and stays in the state");

    // The person moves the wiki's SSO to their own certificate; destroy then finishes, touching neither.
    await admin()
      .metadata.deploy(await sourceFormatZip(identityProviderSource(theirs)), byHand)
      .complete(true);
    const destroyed = await repo.cli(["destroy"], start);
    t.is(destroyed.status, 0, destroyed.text);
    t.is(org.state.certificate(idp), undefined);
    t.deepEqual(org.state.identityProvider, { certificateName: theirs, enableIdentityProvider: true });
    t.truthy(wikiPolicy());
    t.truthy(org.state.certificate(theirs));
  },
);
