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
