/**
 * The report and the expiry gate on a known stack's outputs (fixed dates), and through the command line
 * with its exit codes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { evaluateExpiryGate } from "../../../provider/report/expiry-gate";
import { renderReport } from "../../../provider/report/render-report";
import { modelFromOutputs } from "../../../provider/report/report-model";
import { runCli } from "../../helpers/cli";

/** Outputs as the inventory program exports them (the fields the report reads). */
const outputs = {
  certificates: {
    Greenmoor_IdP_Signing: {
      label: "IdP signing",
      owner: "Platform team",
      notBefore: "2026-01-01T00:00:00.000Z",
      notAfter: "2028-01-01T00:00:00.000Z",
      nextRotation: "2027-11-02T00:00:00.000Z",
      previousCertificate: { sha256Fingerprint: "AA:BB", notAfter: "2026-06-01T00:00:00.000Z", retainedUntil: "2026-02-15T00:00:00.000Z" },
    },
    Greenmoor_CI_JWT: { label: "CI", owner: null, notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2027-01-01T00:00:00.000Z", nextRotation: "2026-10-01T00:00:00.000Z" },
    Unused_Cert: { label: "Unused", notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2026-03-01T00:00:00.000Z", nextRotation: "2026-02-01T00:00:00.000Z" },
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
  t.true(report.includes("| Greenmoor_IdP_Signing | IdP signing | Platform team | 2028-01-01 | 699 | 2027-11-02 | SAML Partner_SSO |"));
  t.true(report.includes("| Greenmoor_CI_JWT | CI | — | 2027-01-01 | 334 | 2026-10-01 | JWT Greenmoor_CI |"));
  t.true(report.includes("| Unused_Cert | Unused | — | 2026-03-01 | 28 | 2026-02-01 | nothing |"));
  t.true(report.includes("- **Partner_SSO** (switched): switched since 2026-02-01: the org signs with AA…"));
  t.true(report.includes('  cert_Greenmoor_IdP_Signing --> saml_Partner_SSO["SAML Partner_SSO"]'));
  t.true(report.includes("  section Greenmoor_IdP_Signing\n  valid : 2026-01-01, 2028-01-01\n  next rotation : milestone, 2027-11-02, 0d\n  previous kept (overlap) : done, 2026-02-01, 2026-02-15"));
});

test("the gate fails on expiry within the horizon and on an overdue rotation, ignores unused certificates", (t) => {
  const model = modelFromOutputs(outputs, "stack demo");
  t.deepEqual(evaluateExpiryGate(model, now, 30), []);
  t.deepEqual(
    evaluateExpiryGate(model, now, 400).map((f) => [f.failed, f.message]),
    [[true, "Greenmoor_CI_JWT: expires on 2027-01-01T00:00:00.000Z, in 334 days, within 400 (used by JWT Greenmoor_CI)"]],
  );
  t.deepEqual(
    evaluateExpiryGate(model, now, 640).filter((f) => f.certificate === "Greenmoor_IdP_Signing").map((f) => [f.failed, f.message]),
    [[false, "Greenmoor_IdP_Signing: rotation planned on 2027-11-02T00:00:00.000Z (the next pulumi up after it rotates)"]],
  );
  const late = new Date("2026-10-02T00:00:00Z");
  t.deepEqual(
    evaluateExpiryGate(model, late, 10).filter((f) => f.failed).map((f) => f.message),
    ["Greenmoor_CI_JWT: passed its renewal point on 2026-10-01T00:00:00.000Z without a rotation: run pulumi up"],
  );
  t.deepEqual(
    evaluateExpiryGate(model, new Date("2027-02-01T00:00:00Z"), 0).filter((f) => f.failed).map((f) => f.message),
    ["Greenmoor_CI_JWT: expired on 2027-01-01T00:00:00.000Z (used by JWT Greenmoor_CI); Salesforce accepts it silently: rotate now"],
  );
});

test("salesforce-certs check exits 0 inside the horizon and 1 past it; report prints the Markdown", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-gate-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs));
  const ok = runCli(["check", "--within", "30", "--outputs", "outputs.json", "--now", now.toISOString()], dir);
  t.is(ok.status, 0, ok.stderr);
  t.regex(ok.stdout, /no certificate in use expires or is overdue for rotation within 30 days/);
  const failing = runCli(["check", "--within", "400", "--outputs", "outputs.json", "--now", now.toISOString()], dir);
  t.is(failing.status, 1);
  t.regex(failing.stderr, /^FAIL Greenmoor_CI_JWT: expires on 2027-01-01T00:00:00\.000Z, in 334 days, within 400/m);
  const usage = runCli(["check", "--outputs", "outputs.json"], dir);
  t.is(usage.status, 1);
  t.regex(usage.stderr, /check: --within DAYS is required \(see salesforce-certs check --help\)/);
  const report = runCli(["report", "--outputs", "outputs.json", "--now", now.toISOString()], dir);
  t.is(report.status, 0, report.stderr);
  t.regex(report.stdout, /\| Greenmoor_CI_JWT \| CI \| — \| 2027-01-01 \| 334 \|/);
});

test("the gate names a pending CA signature, and an IdP certificate the org still signs with during publishing", (t) => {
  const model = modelFromOutputs(
    {
      certificates: {
        Ca_Cert: { label: "CA", notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2026-12-01T00:00:00.000Z", nextRotation: "2026-09-01T00:00:00.000Z", awaitingSignature: true },
        IdP: { label: "IdP", notBefore: "2026-09-25T00:00:00.000Z", notAfter: "2027-09-25T00:00:00.000Z", nextRotation: "2027-07-26T00:00:00.000Z" },
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
    evaluateExpiryGate(model, new Date("2026-10-01T00:00:00Z"), 10).filter((f) => f.failed).map((f) => f.message),
    [
      "Ca_Cert: passed its renewal point on 2026-09-01T00:00:00.000Z, and its new key awaits a CA signature: sign the CSR in output csrPem and give the chain as signedChainPem",
      "SamlSpBinding Partner_SSO (publishing): the org signs with a certificate that expires on 2026-10-05T00:00:00.000Z, within 10 days: advance the binding (advanceTrigger) or shorten publishDays",
    ],
  );
});
