/**
 * Benchmark: why keys are generated and certificates signed with node:crypto. Each operation runs a few
 * times with node:crypto and with node-forge's JavaScript RSA (the baseline, measured in the same run);
 * the medians and their ratio are printed. No assertion: timings vary with the machine.
 */
import crypto from "node:crypto";
import forge from "node-forge";
import { generateRsaKeyPair } from "../../provider/crypto/rsa-key-pair";
import { buildSelfSignedCertificate } from "../../provider/crypto/self-signed-certificate";
import { daysAfter, testNow } from "../helpers/test-clock";

function medianMs(runs: number, work: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function report(name: string, ours: number, baseline: number): void {
  console.log(
    `${name.padEnd(44)} node:crypto ${ours.toFixed(1).padStart(8)} ms   node-forge ${baseline.toFixed(1).padStart(8)} ms   ${(baseline / ours).toFixed(1).padStart(6)}× faster`,
  );
}

const keyRuns = Number(process.env["BENCH_KEY_RUNS"] ?? 3);
report(
  "RSA-2048 key generation (median)",
  medianMs(keyRuns, () => generateRsaKeyPair(2048)),
  // forge hands key generation to node:crypto when it can; its own JavaScript prime search is the baseline.
  medianMs(keyRuns, () => {
    const options = (forge as unknown as { options: { usePureJavaScript: boolean } }).options;
    options.usePureJavaScript = true;
    try {
      forge.pki.rsa.generateKeyPair({ bits: 2048 });
    } finally {
      options.usePureJavaScript = false;
    }
  }),
);

const keyPair = generateRsaKeyPair(2048);
const forgeKey = forge.pki.privateKeyFromPem(keyPair.privateKeyPem);
const request = { keyPair, subject: { commonName: "bench.example" }, notBefore: testNow(), notAfter: daysAfter(1) };
report(
  "self-signed certificate, RSA-SHA256 (median)",
  medianMs(50, () => buildSelfSignedCertificate(request)),
  medianMs(50, () => {
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(keyPair.publicKeyPem);
    cert.serialNumber = crypto
      .randomBytes(16)
      .toString("hex")
      .replace(/^[89a-f]/, "1");
    cert.validity.notBefore = request.notBefore;
    cert.validity.notAfter = request.notAfter;
    cert.setSubject([{ shortName: "CN", value: "bench.example" }]);
    cert.setIssuer([{ shortName: "CN", value: "bench.example" }]);
    cert.sign(forgeKey, forge.md.sha256.create());
    forge.pki.certificateToPem(cert);
  }),
);
