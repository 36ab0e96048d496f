/**
 * A judge from another ecosystem: pyca/cryptography (Rust ASN.1 parser, strict about DER and string
 * types), as a partner's Python SAML or JWT stack would load our certificate and key.
 * scripts/setup-test-tools.sh installs it when python3 lacks it.
 */
import { spawnSync } from "node:child_process";

const script = String.raw`
import json, sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
data = json.load(sys.stdin)
cert = x509.load_pem_x509_certificate(data["certificate"].encode())
out = {"subject": cert.subject.rfc4514_string(), "notAfter": cert.not_valid_after_utc.isoformat()}
if data.get("privateKey"):
    key = serialization.load_pem_private_key(data["privateKey"].encode(), password=None)
    out["keyMatches"] = key.public_key().public_numbers() == cert.public_key().public_numbers()
print(json.dumps(out))
`;

export interface PythonJudgement {
  subject: string;
  notAfter: string;
  keyMatches?: boolean;
}

/** Parses a certificate (and optionally its private key) with pyca/cryptography; throws what Python says when it refuses. */
export function judgeWithPython(certificate: string, privateKey?: string): PythonJudgement {
  const run = spawnSync("python3", ["-c", script], {
    input: JSON.stringify({ certificate, privateKey }),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`pyca/cryptography refused it: ${run.stderr}`);
  return JSON.parse(run.stdout) as PythonJudgement;
}
