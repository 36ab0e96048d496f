/**
 * The report and the expiry gate on a known stack's outputs (fixed dates), and through the command line
 * with its exit codes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { SalesforceCertsError } from "../../../provider/errors";
import { evaluateExpiryGate } from "../../../provider/report/expiry-gate";
import { renderReport } from "../../../provider/report/render-report";
import { modelFromOutputs } from "../../../provider/report/report-model";
import { runCli } from "../../helpers/cli";
import { judgeMarkdown } from "../../helpers/markdown-judge";
import { judgeMermaidGantt } from "../../helpers/mermaid-judge";

/** Outputs as the inventory program exports them (the fields the report reads). */
const outputs = {
  certificates: {
    Greenmoor_IdP_Signing: {
      label: "IdP signing",
      owner: "Platform team",
      notBefore: "2026-01-01T00:00:00.000Z",
      notAfter: "2028-01-01T00:00:00.000Z",
      nextRotation: "2027-11-02T00:00:00.000Z",
      previousCertificate: {
        sha256Fingerprint: "AA:BB",
        notAfter: "2026-06-01T00:00:00.000Z",
        retainedUntil: "2026-02-15T00:00:00.000Z",
      },
    },
    Greenmoor_CI_JWT: {
      label: "CI",
      owner: null,
      notBefore: "2026-01-01T00:00:00.000Z",
      notAfter: "2027-01-01T00:00:00.000Z",
      nextRotation: "2026-10-01T00:00:00.000Z",
    },
    Unused_Cert: {
      label: "Unused",
      notBefore: "2026-01-01T00:00:00.000Z",
      notAfter: "2026-03-01T00:00:00.000Z",
      nextRotation: "2026-02-01T00:00:00.000Z",
    },
  },
  samlBindings: { Partner_SSO: { phase: "switched", nextStep: "switched since 2026-02-01: the org signs with AA…" } },
  wiring: {
    Greenmoor_IdP_Signing: [{ kind: "saml", name: "Partner_SSO" }],
    Greenmoor_CI_JWT: [{ kind: "jwt", name: "Greenmoor_CI" }],
    Unused_Cert: [],
  },
};
const now = new Date("2026-02-01T00:00:00Z");

test("the report: table, IdP phases, wiring graph and validity chart", (t) => {
  const report = renderReport(modelFromOutputs(outputs, "stack demo"), now);
  t.true(report.startsWith("# Salesforce certificates and their consumers\n\nFrom stack demo, on 2026-02-01.\n"));
  t.true(
    report.includes(
      "| Greenmoor_IdP_Signing | IdP signing | Platform team | 2028-01-01 | 699 | 2027-11-02 | SAML Partner_SSO |",
    ),
  );
  t.true(report.includes("| Greenmoor_CI_JWT | CI | — | 2027-01-01 | 334 | 2026-10-01 | JWT Greenmoor_CI |"));
  t.true(report.includes("| Unused_Cert | Unused | — | 2026-03-01 | 28 | 2026-02-01 | nothing |"));
  t.true(report.includes("- **Partner_SSO** (switched): switched since 2026-02-01: the org signs with AA…"));
  t.true(report.includes('  cert_Greenmoor_IdP_Signing --> saml_Partner_SSO["SAML Partner_SSO"]'));
  t.true(
    report.includes(
      "  section Greenmoor_IdP_Signing\n  valid : 2026-01-01, 2028-01-01\n  next rotation : milestone, 2027-11-02, 0d\n  previous kept (overlap) : done, 2026-02-01, 2026-02-15",
    ),
  );
});

const failures = (model: ReturnType<typeof modelFromOutputs>, at: Date, within: number) =>
  evaluateExpiryGate(model, at, within)
    .filter((f) => f.failed)
    .map((f) => f.message);

test("the gate fails on expiry within the horizon and on an overdue rotation", (t) => {
  const model = modelFromOutputs(outputs, "stack demo");
  t.deepEqual(
    failures(model, now, 30).filter((m) => !m.startsWith("Unused_Cert")),
    [],
  );
  t.deepEqual(
    failures(model, now, 400).filter((m) => !m.startsWith("Unused_Cert")),
    ["Greenmoor_CI_JWT: expires on 2027-01-01T00:00:00.000Z, in 334 days, within 400 (used by JWT Greenmoor_CI)"],
  );
  t.deepEqual(
    evaluateExpiryGate(model, now, 640)
      .filter((f) => f.certificate === "Greenmoor_IdP_Signing")
      .map((f) => [f.failed, f.message]),
    [
      [
        false,
        "Greenmoor_IdP_Signing: rotation planned on 2027-11-02T00:00:00.000Z (the next pulumi up after it rotates)",
      ],
    ],
  );
  const late = new Date("2026-10-02T00:00:00Z");
  t.deepEqual(
    failures(model, late, 10).filter((m) => !m.startsWith("Unused_Cert")),
    ["Greenmoor_CI_JWT: passed its renewal point on 2026-10-01T00:00:00.000Z without a rotation: run pulumi up"],
  );
  t.deepEqual(
    failures(model, new Date("2027-02-01T00:00:00Z"), 0).filter((m) => !m.startsWith("Unused_Cert")),
    [
      "Greenmoor_CI_JWT: expired on 2027-01-01T00:00:00.000Z (used by JWT Greenmoor_CI); Salesforce accepts it silently: rotate now",
    ],
  );
});

test("the gate checks a certificate no integration uses (it may serve mutual TLS), and lists every certificate", (t) => {
  const model = modelFromOutputs(outputs, "stack demo");
  t.deepEqual(failures(model, now, 30), [
    "Unused_Cert: expires on 2026-03-01T00:00:00.000Z, in 28 days, within 30 (used by no integration of this stack; it may serve mutual TLS or another system)",
    "Unused_Cert: passed its renewal point on 2026-02-01T00:00:00.000Z without a rotation: run pulumi up",
  ]);
  t.deepEqual(failures(model, new Date("2026-03-02T00:00:00Z"), 0), [
    "Unused_Cert: expired on 2026-03-01T00:00:00.000Z (used by no integration of this stack; it may serve mutual TLS or another system); Salesforce accepts it silently: rotate now",
  ]);
  const findings = evaluateExpiryGate(model, now, 30);
  t.deepEqual([...new Set(findings.map((f) => f.certificate))].sort(), [
    "Greenmoor_CI_JWT",
    "Greenmoor_IdP_Signing",
    "Unused_Cert",
  ]);
  t.true(
    findings.some(
      (f) =>
        f.status === "ok" &&
        f.message ===
          "Greenmoor_CI_JWT: valid until 2027-01-01T00:00:00.000Z, 334 days, beyond 30 (used by JWT Greenmoor_CI)",
    ),
  );
});

test("the gate reports a certificate that is not valid yet, and one awaiting its first CA signature", (t) => {
  const model = modelFromOutputs(
    {
      certificates: {
        Future: {
          label: "F",
          notBefore: "2026-03-01T00:00:00.000Z",
          notAfter: "2027-03-01T00:00:00.000Z",
          nextRotation: "2027-01-01T00:00:00.000Z",
        },
        Pending: { label: "P", awaitingSignature: true },
      },
      wiring: { Future: [{ kind: "saml", name: "Sso" }] },
    },
    "stack demo",
  );
  t.deepEqual(
    evaluateExpiryGate(model, now, 30).map((f) => [f.status, f.message]),
    [
      [
        "warn",
        "Future: not valid before 2026-03-01T00:00:00.000Z (used by SAML Sso); a peer that checks validity rejects it until then",
      ],
      [
        "warn",
        "Pending: not issued yet: awaiting its first CA signature (used by no integration of this stack; it may serve mutual TLS or another system); sign the CSR in output csrPem and give the chain as signedChainPem",
      ],
    ],
  );
});

test("the model refuses outputs that would give a false all-clear, naming each path and rule", (t) => {
  const refused = (value: Record<string, unknown>) =>
    t.throws(() => modelFromOutputs(value, "stack outputs in o.json"), { instanceOf: SalesforceCertsError })!;
  t.like(refused({}), {
    code: "ERR_OUTPUTS",
    message:
      "stack outputs in o.json: certificates: is missing: these are not the outputs of a salesforce-certs inventory stack",
  });
  t.is(
    refused({ certificates: [] }).message,
    "stack outputs in o.json: certificates: must be an object (got an array)",
  );
  t.is(
    refused({
      certificates: {
        A: { notBefore: "2026-01-01T00:00:00Z", notAfter: "2027-02-30T00:00:00Z" },
        B: { notAfter: 1798761600000 },
        C: { label: "no dates" },
        D: "x",
      },
    }).message,
    [
      "stack outputs in o.json: 4 problems:",
      ' - certificates.A.notAfter: must be an ISO 8601 time such as 2027-01-31T00:00:00.000Z (got "2027-02-30T00:00:00Z")',
      " - certificates.B.notAfter: must be an ISO 8601 time such as 2027-01-31T00:00:00.000Z (got number 1798761600000)",
      " - certificates.C.notAfter: is missing; only a CA-signed certificate awaiting its first chain (awaitingSignature: true) has no expiry date",
      ' - certificates.D: must be an object (got "x")',
    ].join("\n"),
  );
  t.is(
    refused({
      certificates: { A: { notAfter: "2027-01-01T00:00:00Z", nextRotation: "soon" } },
      wiring: { A: [{ kind: "mtls", name: "x" }] },
    }).message,
    [
      "stack outputs in o.json: 2 problems:",
      ' - certificates.A.nextRotation: must be an ISO 8601 time such as 2027-01-31T00:00:00.000Z (got "soon")',
      ' - wiring.A[0]: must be {kind: "jwt" | "saml", name: string}',
    ].join("\n"),
  );
});

test("salesforce-certs check exits 0 inside the horizon and 1 past it; report prints the Markdown", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-gate-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs));
  const { Unused_Cert: _unused, ...healthy } = outputs.certificates;
  fs.writeFileSync(path.join(dir, "healthy.json"), JSON.stringify({ ...outputs, certificates: healthy }));
  const ok = runCli(["check", "--within", "30", "--outputs", "healthy.json", "--now", now.toISOString()], dir);
  t.is(ok.status, 0, ok.stderr);
  t.regex(
    ok.stdout,
    /^ok {3}Greenmoor_CI_JWT: valid until 2027-01-01T00:00:00\.000Z, 334 days, beyond 30 \(used by JWT Greenmoor_CI\)$/m,
  );
  t.regex(ok.stdout, /no certificate expires or is overdue for rotation within 30 days; 2 certificate\(s\) checked\n$/);
  const unused = runCli(["check", "--within", "30", "--outputs", "outputs.json", "--now", now.toISOString()], dir);
  t.is(unused.status, 1);
  t.regex(
    unused.stderr,
    /^FAIL Unused_Cert: expires on 2026-03-01T00:00:00\.000Z, in 28 days, within 30 \(used by no integration of this stack/m,
  );
  const failing = runCli(["check", "--within", "400", "--outputs", "outputs.json", "--now", now.toISOString()], dir);
  t.is(failing.status, 1);
  t.regex(failing.stderr, /^FAIL Greenmoor_CI_JWT: expires on 2027-01-01T00:00:00\.000Z, in 334 days, within 400/m);
  const usage = runCli(["check", "--outputs", "outputs.json"], dir);
  t.is(usage.status, 2, "a bad invocation is not a failed gate");
  t.regex(usage.stderr, /check: --within DAYS is required \(see salesforce-certs check --help\)/);
  const report = runCli(["report", "--outputs", "outputs.json", "--now", now.toISOString()], dir);
  t.is(report.status, 0, report.stderr);
  t.regex(report.stdout, /\| Greenmoor_CI_JWT \| CI \| — \| 2027-01-01 \| 334 \|/);
});

test("the gate names a pending CA signature, and an IdP certificate the org still signs with during publishing", (t) => {
  const model = modelFromOutputs(
    {
      certificates: {
        Ca_Cert: {
          label: "CA",
          notBefore: "2026-01-01T00:00:00.000Z",
          notAfter: "2026-12-01T00:00:00.000Z",
          nextRotation: "2026-09-01T00:00:00.000Z",
          awaitingSignature: true,
        },
        IdP: {
          label: "IdP",
          notBefore: "2026-09-25T00:00:00.000Z",
          notAfter: "2027-09-25T00:00:00.000Z",
          nextRotation: "2027-07-26T00:00:00.000Z",
        },
      },
      samlBindings: {
        Partner_SSO: {
          phase: "publishing",
          nextStep: "publishing since 2026-09-25",
          publishedCertificates: [
            { role: "signing", notAfter: "2026-10-05T00:00:00.000Z", sha256Fingerprint: "AA", sha1Fingerprint: "BB" },
            { role: "next", notAfter: "2027-09-25T00:00:00.000Z", sha256Fingerprint: "CC", sha1Fingerprint: "DD" },
          ],
        },
      },
      wiring: { Ca_Cert: [{ kind: "jwt", name: "Mtls_Client" }], IdP: [{ kind: "saml", name: "Partner_SSO" }] },
    },
    "stack demo",
  );
  t.deepEqual(
    evaluateExpiryGate(model, new Date("2026-10-01T00:00:00Z"), 10)
      .filter((f) => f.failed)
      .map((f) => f.message),
    [
      "Ca_Cert: passed its renewal point on 2026-09-01T00:00:00.000Z, and its new key awaits a CA signature: sign the CSR in output csrPem and give the chain as signedChainPem",
      "SamlSpBinding Partner_SSO (publishing): the org signs with a certificate that expires on 2026-10-05T00:00:00.000Z, within 10 days: advance the binding (advanceTrigger) or shorten publishDays",
    ],
  );
});

test("the gate fails when a JWT integration's clients still log in with a previous certificate that expires within the horizon", (t) => {
  const rotating = {
    ...outputs,
    certificates: {
      ...outputs.certificates,
      Greenmoor_CI_JWT: { ...outputs.certificates.Greenmoor_CI_JWT, sha256Fingerprint: "NE:W0" },
    },
    jwtIntegrations: {
      // Slot B holds the new certificate but has not logged in yet: clients stay on slot A, whose certificate is the old one.
      Greenmoor_CI: {
        certificate: "Greenmoor_CI_JWT",
        activeSlot: "A",
        phase: "publishing",
        certificateSha256Fingerprint: "OL:D0",
        certificateNotAfter: "2026-02-20T00:00:00.000Z",
      },
      // On the certificate in force: gated with that certificate, no line of its own.
      Other_CI: {
        certificate: "Greenmoor_CI_JWT",
        activeSlot: "B",
        phase: "stable",
        certificateSha256Fingerprint: "NE:W0",
        certificateNotAfter: "2027-01-01T00:00:00.000Z",
      },
    },
  };
  const model = modelFromOutputs(rotating, "stack demo");
  t.deepEqual(model.jwtActiveSlots, [
    { name: "Greenmoor_CI", activeSlot: "A", certificate: "Greenmoor_CI_JWT", notAfter: "2026-02-20T00:00:00.000Z" },
  ]);
  t.deepEqual(
    failures(model, now, 30).filter((m) => m.startsWith("JwtIntegration")),
    [
      "JwtIntegration Greenmoor_CI: clients log in on slot A with a previous certificate of Greenmoor_CI_JWT that expires on 2026-02-20T00:00:00.000Z, in 19 days, within 30: deploy the integration's salesforceFiles so the new slot logs in, then run pulumi up to switch clients",
    ],
  );
  // Expired while the new slot is unproven: one failure, which says how long and why (the unproven slot's).
  const expired = modelFromOutputs(
    {
      ...rotating,
      jwtIntegrations: {
        Greenmoor_CI: { ...rotating.jwtIntegrations.Greenmoor_CI, certificateNotAfter: "2026-01-20T00:00:00.000Z" },
      },
    },
    "stack demo",
  );
  t.deepEqual(
    failures(expired, now, 30).filter((m) => m.startsWith("JwtIntegration")),
    [
      "JwtIntegration Greenmoor_CI: clients on slot A (its certificate EXPIRED on 2026-01-20T00:00:00.000Z); the new slot is unproven: run pulumi up again after Salesforce's propagation delay (2 to 10 minutes), or switch without the proof with SALESFORCE_CERTS_SWITCH_UNPROVEN naming the integration's apiName",
    ],
  );
  // Without the integration outputs (an earlier stack), the gate says nothing more than before.
  t.deepEqual(modelFromOutputs(outputs, "stack demo").jwtActiveSlots, []);
  // A date that is not an instant is refused, never skipped.
  const bad = {
    ...rotating,
    jwtIntegrations: { Greenmoor_CI: { ...rotating.jwtIntegrations.Greenmoor_CI, certificateNotAfter: "soon" } },
  };
  t.throws(() => modelFromOutputs(bad, "stack demo"), {
    message: /jwtIntegrations\.Greenmoor_CI\.certificateNotAfter/,
  });
});

test("the validity chart draws no bar backwards: an overlap that has ended is a mark on its last day", async (t) => {
  const chart = async (at: Date, certificate: Record<string, unknown>) => {
    const [, gantt] = judgeMarkdown(
      renderReport(modelFromOutputs({ certificates: { Idp: certificate } }, "stack demo"), at),
    ).fences;
    return (await judgeMermaidGantt(gantt!.content)).sections.flatMap((section) => section.tasks);
  };
  const idp = outputs.certificates.Greenmoor_IdP_Signing;
  // During the overlap: the previous certificate is kept from now until retainedUntil.
  t.deepEqual((await chart(now, idp)).at(-1), {
    name: "previous kept (overlap)",
    tags: ["done"],
    start: "2026-02-01",
    end: "2026-02-15",
  });
  // After it (a report made weeks later): no bar from now back to retainedUntil.
  const later = new Date("2026-03-01T00:00:00Z");
  t.deepEqual((await chart(later, idp)).at(-1), {
    name: "overlap ended, previous released",
    tags: ["milestone"],
    start: "2026-02-15",
  });
  // The day of an instant with an offset is its UTC day, as the report's own date: 23:00 at -05:00 is the next day.
  const lateInTheDay = {
    ...idp,
    previousCertificate: { ...idp.previousCertificate, retainedUntil: "2026-02-28T23:00:00-05:00" },
  };
  t.deepEqual((await chart(new Date("2026-03-01T03:00:00Z"), lateInTheDay)).at(-1), {
    name: "previous kept (overlap)",
    tags: ["done"],
    start: "2026-03-01",
    end: "2026-03-01",
  });
  // Outputs whose certificate ends before it starts get no validity bar at all.
  t.deepEqual(
    await chart(now, { label: "x", notBefore: "2027-01-01T00:00:00Z", notAfter: "2026-01-01T00:00:00Z" }),
    [],
  );
  // The judge refuses the bar the report drew before: from now back to a day already past.
  const backwards =
    "gantt\n  title Certificate validity, renewal points and overlaps\n  dateFormat YYYY-MM-DD\n  axisFormat %Y-%m\n  section Idp\n  previous kept (overlap) : done, 2026-03-01, 2026-02-15\n";
  await t.throwsAsync(judgeMermaidGantt(backwards), {
    message:
      'the bar "previous kept (overlap)" ends (2026-02-15) before it starts (2026-03-01): Mermaid draws it backwards',
  });
});

test("the model reads a CA's 'no well-defined expiration' date 9999-12-31T23:59:59Z (RFC 5280 §4.1.2.5), which the clock itself may not be", (t) => {
  const model = modelFromOutputs(
    {
      certificates: {
        Forever: { label: "CA-signed", notBefore: "2026-01-01T00:00:00Z", notAfter: "9999-12-31T23:59:59Z" },
      },
    },
    "stack outputs in o.json",
  );
  t.is(model.certificates[0]?.notAfter, "9999-12-31T23:59:59Z");
});

test("an unproven JWT slot is never silent: report and check name the integration, the slot clients are on, its expiry, how long and why; check fails once that certificate has expired", (t) => {
  const unproven = (certificateNotAfter: string) => ({
    ...outputs,
    jwtIntegrations: {
      // Slot B is published but its proof failed: the org's login servers do not know it yet.
      Greenmoor_CI: {
        certificate: "Greenmoor_CI_JWT",
        activeSlot: "A",
        phase: "publishing",
        publishedAt: "2026-01-31T23:52:00.000Z",
        lastProofError: "invalid_client_id: client identifier invalid | <b>*bold*</b>",
        certificateSha256Fingerprint: "NE:W0",
        certificateNotAfter,
      },
      // Stable: nothing unproven, no line.
      Other_CI: { certificate: "Greenmoor_CI_JWT", activeSlot: "B", phase: "stable", certificateNotAfter },
    },
  });
  const valid = modelFromOutputs(unproven("2027-01-01T00:00:00.000Z"), "stack demo");
  t.deepEqual(valid.jwtUnproven, [
    {
      name: "Greenmoor_CI",
      activeSlot: "A",
      activeNotAfter: "2027-01-01T00:00:00.000Z",
      publishedAt: "2026-01-31T23:52:00.000Z",
      lastProofError: "invalid_client_id: client identifier invalid | <b>*bold*</b>",
    },
  ]);
  const report = renderReport(valid, now);
  t.regex(
    report,
    /## JWT slots not proven yet\n\n- JwtIntegration Greenmoor_CI: clients on slot A \(its certificate expires 2027-01-01T00:00:00\.000Z\); the new slot is unproven for 8 min \(published 2026-01-31T23:52:00\.000Z\); last error: invalid_client_id: client identifier invalid /,
  );
  t.regex(
    report,
    /run pulumi up again after Salesforce's propagation delay \(2 to 10 minutes\), or switch without the proof with SALESFORCE_CERTS_SWITCH_UNPROVEN/,
  );
  // A value from the outputs adds no HTML or emphasis: rendered, it is the text it was.
  const item = judgeMarkdown(report).inlines.find((i) => i.text.includes("Greenmoor_CI: clients on slot A"));
  t.deepEqual(item?.kinds, ["text"]);
  t.true(item!.text.includes("invalid_client_id: client identifier invalid | <b>*bold*</b>"));
  const warned = evaluateExpiryGate(valid, now, 30).filter((f) => f.certificate === "Greenmoor_CI");
  t.deepEqual(
    warned.map((f) => [f.status, f.failed]),
    [["warn", false]],
  );
  t.regex(
    warned[0]!.message,
    /clients on slot A \(its certificate expires 2027-01-01T00:00:00\.000Z\); the new slot is unproven for 8 min/,
  );

  const expired = modelFromOutputs(unproven("2026-01-20T00:00:00.000Z"), "stack demo");
  const failed = evaluateExpiryGate(expired, now, 30).filter((f) => f.certificate === "Greenmoor_CI" && f.failed);
  t.true(
    failed.some((f) =>
      /clients on slot A \(its certificate EXPIRED on 2026-01-20T00:00:00\.000Z\); the new slot is unproven/.test(
        f.message,
      ),
    ),
  );
  t.regex(renderReport(expired, now), /its certificate EXPIRED on 2026-01-20/);

  // Through the command line: warn exits 0, the expired case 1 (the documented exit codes).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-unproven-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { Unused_Cert: _unused, ...healthy } = outputs.certificates;
  const write = (file: string, value: ReturnType<typeof unproven>) =>
    fs.writeFileSync(path.join(dir, file), JSON.stringify({ ...value, certificates: healthy }));
  write("valid.json", unproven("2027-01-01T00:00:00.000Z"));
  write("expired.json", unproven("2026-01-20T00:00:00.000Z"));
  const ok = runCli(["check", "--within", "30", "--outputs", "valid.json", "--now", now.toISOString()], dir);
  t.is(ok.status, 0, ok.stderr);
  t.regex(ok.stdout, /^WARN JwtIntegration Greenmoor_CI: clients on slot A .* unproven for 8 min/m);
  const bad = runCli(["check", "--within", "30", "--outputs", "expired.json", "--now", now.toISOString()], dir);
  t.is(bad.status, 1);
  t.regex(bad.stderr, /^FAIL JwtIntegration Greenmoor_CI: clients on slot A \(its certificate EXPIRED on 2026-01-20/m);

  // A last error of another type is refused, never skipped.
  const wrong = unproven("2027-01-01T00:00:00.000Z");
  (wrong.jwtIntegrations.Greenmoor_CI as Record<string, unknown>)["lastProofError"] = 42;
  t.throws(() => modelFromOutputs(wrong, "stack demo"), {
    message: /jwtIntegrations\.Greenmoor_CI\.lastProofError: must be a string \(got number 42\)/,
  });
});

/** Outputs of a stack whose integrations each record a retire (or none), as the inventory publishes them. */
const retiring = (retiredSlot: Record<string, unknown> | undefined) => {
  const { Unused_Cert: _unused, ...healthy } = outputs.certificates;
  return {
    ...outputs,
    certificates: healthy,
    jwtIntegrations: {
      Greenmoor_CI: {
        certificate: "Greenmoor_CI_JWT",
        activeSlot: "B",
        phase: "stable",
        certificateNotAfter: "2027-01-01T00:00:00.000Z",
        ...(retiredSlot ? { retiredSlot } : {}),
      },
      // Proven: nothing left to do, no line.
      Other_CI: {
        certificate: "Greenmoor_CI_JWT",
        activeSlot: "A",
        phase: "stable",
        certificateNotAfter: "2027-01-01T00:00:00.000Z",
        retiredSlot: {
          slot: "B",
          sha256Fingerprint: "0F:0F",
          retiredAt: "2026-01-20T00:00:00.000Z",
          proof: "proven",
          provenAt: "2026-01-20T00:09:00.000Z",
          refusal: "invalid_grant: invalid assertion",
        },
      },
    },
  };
};
const oldFingerprint = Array.from({ length: 32 }, (_, i) =>
  (i * 7 + 3).toString(16).padStart(2, "0").toUpperCase(),
).join(":");
// A value from the outputs that would be HTML, emphasis, a cell break or a link if left raw.
const hostileAnswer = "invalid_grant: user hasn't approved | <b>*bold*</b> [x](https://evil.example)";
const pending = {
  slot: "A",
  sha256Fingerprint: oldFingerprint,
  retiredAt: "2026-01-31T23:56:00.000Z",
  proof: "pending",
  lastProofError: hostileAnswer,
};

test("a pending retire is never silent: report and check name the integration, the slot, the old certificate, since when, the last answer and what to do", (t) => {
  const model = modelFromOutputs(retiring(pending), "stack demo");
  t.deepEqual(model.jwtRetires, [
    {
      name: "Greenmoor_CI",
      slot: "A",
      sha256Fingerprint: oldFingerprint,
      retiredAt: "2026-01-31T23:56:00.000Z",
      proof: "pending",
      lastProofError: hostileAnswer,
    },
  ]);
  const report = renderReport(model, now);
  const section = report.split("## JWT retires not proven yet\n\n")[1]?.split("\n\n")[0];
  t.truthy(section, "the report has the section");
  t.is(section!.split("\n").length, 1, "one line: the proven retire has none");
  const item = judgeMarkdown(report).inlines.find((i) => i.text.startsWith("JwtIntegration Greenmoor_CI: the retire"));
  t.deepEqual(item?.kinds, ["text"], "the org's answer adds no HTML, emphasis or link");
  t.is(
    item?.text,
    `JwtIntegration Greenmoor_CI: the retire of slot A (certificate ${oldFingerprint.slice(0, 23)}…) is not proven yet, retired 4 min ago (2026-01-31T23:56:00.000Z): the org may still accept its old key, expired or not (Salesforce does not stop a JWT login for an expired app certificate); last try: ${hostileAnswer}: run pulumi up again after Salesforce's propagation delay (2 to 10 minutes; in artefact mode, once salesforceFiles is deployed): each up requests a token with the old key until the org refuses it`,
  );
  // The same words left raw would be judged as markup: the judge sees what escaping prevents.
  t.not(judgeMarkdown(`- ${hostileAnswer}\n`).inlines[0]?.kinds.join(), "text");

  const findings = evaluateExpiryGate(model, now, 30).filter((f) => f.certificate.endsWith("_CI"));
  t.deepEqual(
    findings.map((f) => [f.certificate, f.status, f.failed]),
    [["Greenmoor_CI", "warn", false]],
  );
  t.is(findings[0]!.message, item!.text, "check says what the report says");
  // Long after the retire (the old certificate may well have expired by then): still a warning, not a failure.
  const later = evaluateExpiryGate(model, new Date("2027-06-01T00:00:00Z"), 0).filter(
    (f) => f.certificate === "Greenmoor_CI",
  );
  t.deepEqual(
    later.map((f) => [f.status, f.failed]),
    [["warn", false]],
  );
  t.regex(later[0]!.message, /retired 485 d ago .* the org may still accept its old key, expired or not/);
});

test("an unprovable retire is a warning saying to confirm in Setup that the app holds no certificate", (t) => {
  const reason =
    "the adopted app Legacy_CI's key is held elsewhere (not given at adoption), so no login with it can be tried";
  const unprovable = {
    slot: "B",
    sha256Fingerprint: "AB:CD",
    retiredAt: "2026-01-30T00:00:00.000Z",
    proof: "unprovable",
  };
  const said = (record: Record<string, unknown>) =>
    evaluateExpiryGate(modelFromOutputs(retiring(record), "stack demo"), now, 30)
      .filter((f) => f.certificate === "Greenmoor_CI")
      .map((f) => [f.status, f.message]);
  t.deepEqual(said({ ...unprovable, unprovable: reason }), [
    [
      "warn",
      `JwtIntegration Greenmoor_CI: the retire of slot B (certificate AB:CD) cannot be proven by this stack, retired 2 d ago (2026-01-30T00:00:00.000Z): ${reason}; confirm in Setup that the app holds no certificate`,
    ],
  ]);
  // The provider's reason already says it: said once.
  const [[, message]] = said({
    ...unprovable,
    unprovable: `${reason}; confirm in Setup that the app holds no certificate`,
  }) as [[string, string]];
  t.is(message.match(/confirm in Setup/g)?.length, 1);
  t.regex(
    renderReport(modelFromOutputs(retiring({ ...unprovable, unprovable: reason }), "stack demo"), now),
    /## JWT retires not proven yet\n\n- JwtIntegration Greenmoor\\?_CI: the retire of slot B \(certificate AB:CD\) cannot be proven by this stack/,
  );
});

test("no retire recorded or a proven one: no section, no finding; a record of another shape is refused, never skipped", (t) => {
  const quiet = modelFromOutputs(retiring(undefined), "stack demo");
  t.deepEqual(quiet.jwtRetires, []);
  t.false(renderReport(quiet, now).includes("retires not proven"));
  t.deepEqual(
    evaluateExpiryGate(quiet, now, 30).filter((f) => f.certificate.endsWith("_CI")),
    [],
  );
  const refused = (record: unknown) =>
    t.throws(() => modelFromOutputs(retiring(record as Record<string, unknown>), "stack demo"), {
      code: "ERR_OUTPUTS",
    })!.message;
  t.is(refused("pending"), 'stack demo: jwtIntegrations.Greenmoor_CI.retiredSlot: must be an object (got "pending")');
  t.is(
    refused({ ...pending, proof: "maybe" }),
    'stack demo: jwtIntegrations.Greenmoor_CI.retiredSlot.proof: must be "pending", "unprovable" or "proven" (got "maybe")',
  );
  t.is(
    refused({ ...pending, retiredAt: "yesterday", lastProofError: 42 }),
    [
      "stack demo: 2 problems:",
      ' - jwtIntegrations.Greenmoor_CI.retiredSlot.retiredAt: must be an ISO 8601 time such as 2027-01-31T00:00:00.000Z (got "yesterday")',
      " - jwtIntegrations.Greenmoor_CI.retiredSlot.lastProofError: must be a string (got number 42)",
    ].join("\n"),
  );
  const { retiredAt: _at, slot: _slot, ...partial } = pending;
  t.is(
    refused(partial),
    [
      "stack demo: 2 problems:",
      " - jwtIntegrations.Greenmoor_CI.retiredSlot.slot: is missing",
      " - jwtIntegrations.Greenmoor_CI.retiredSlot.retiredAt: is missing: a retire not proven yet says since when",
    ].join("\n"),
  );
});

test("salesforce-certs check: a retire not proven yet warns and exits 0 (the exit codes are unchanged)", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-retire-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, "pending.json"), JSON.stringify(retiring(pending)));
  const checked = runCli(["check", "--within", "30", "--outputs", "pending.json", "--now", now.toISOString()], dir);
  t.is(checked.status, 0, checked.stderr);
  t.regex(
    checked.stdout,
    /^WARN JwtIntegration Greenmoor_CI: the retire of slot A \(certificate [0-9A-F:]{23}…\) is not proven yet, retired 4 min ago .*: run pulumi up again after Salesforce's propagation delay/m,
  );
  const report = runCli(["report", "--outputs", "pending.json", "--now", now.toISOString()], dir);
  t.is(report.status, 0, report.stderr);
  t.regex(report.stdout, /## JWT retires not proven yet\n\n- JwtIntegration Greenmoor_CI: the retire of slot A/);
});
