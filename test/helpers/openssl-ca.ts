/**
 * A two-level certificate authority run by openssl (root → intermediate), which signs our CSRs the way
 * a customer's CA would. Every CSR it is given, and every leaf it issues, is judged strictly first.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { strictX509 } from "./strict-x509";

export interface OpensslCa {
  rootPem: string;
  intermediatePem: string;
  /** Signs a CSR with the intermediate for `days`; returns the leaf PEM. */
  sign(csrPem: string, days: number): string;
  /**
   * Signs a CSR with the intermediate for an exact validity window, past or future, as `openssl ca
   * -startdate/-enddate` does (OpenSSL 3.0 `x509 -req` cannot backdate); returns the leaf PEM.
   */
  signBetween(csrPem: string, notBefore: Date, notAfter: Date): string;
  dispose(): void;
}

function run(dir: string, args: string[]): void {
  const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${result.stderr}`);
}

/** Creates a root and an intermediate CA in a temp folder. */
export function createOpensslCa(): OpensslCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-ca-"));
  fs.writeFileSync(path.join(dir, "ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
  fs.writeFileSync(path.join(dir, "leaf.ext"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n");
  // `openssl ca` keeps the CSR's subject as it is (preserve), with the same leaf extensions.
  fs.mkdirSync(path.join(dir, "issued"));
  fs.writeFileSync(path.join(dir, "issued", "index.txt"), "");
  fs.writeFileSync(path.join(dir, "issued", "serial"), "1000\n");
  fs.writeFileSync(
    path.join(dir, "ca.cnf"),
    [
      "[ca]", "default_ca = intermediate",
      "[intermediate]", "database = issued/index.txt", "new_certs_dir = issued", "serial = issued/serial", "default_md = sha256",
      "policy = as_given", "preserve = yes", "unique_subject = no", "copy_extensions = none", "x509_extensions = leaf",
      "[as_given]", "commonName = supplied",
      "[leaf]", "basicConstraints = CA:FALSE", "keyUsage = critical,digitalSignature,keyEncipherment", "",
    ].join("\n"),
  );
  run(dir, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem", "-days", "3650", "-subj", "/CN=Test Root CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  run(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "int.key", "-out", "int.csr", "-subj", "/CN=Test Intermediate CA"]);
  run(dir, ["x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-days", "1825", "-extfile", "ca.ext", "-out", "int.pem"]);
  let n = 0;
  return {
    rootPem: fs.readFileSync(path.join(dir, "root.pem"), "utf8"),
    intermediatePem: fs.readFileSync(path.join(dir, "int.pem"), "utf8"),
    sign(csrPem, days) {
      strictX509(csrPem);
      const name = `leaf${++n}`;
      fs.writeFileSync(path.join(dir, `${name}.csr`), csrPem);
      run(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "int.pem", "-CAkey", "int.key", "-CAcreateserial", "-days", String(days), "-extfile", "leaf.ext", "-out", `${name}.pem`]);
      return judged(fs.readFileSync(path.join(dir, `${name}.pem`), "utf8"));
    },
    signBetween(csrPem, notBefore, notAfter) {
      strictX509(csrPem);
      const name = `leaf${++n}`;
      fs.writeFileSync(path.join(dir, `${name}.csr`), csrPem);
      const asn1Time = (date: Date) => date.toISOString().replace(/[-:T]/g, "").replace(/\.\d{3}Z$/, "Z");
      run(dir, ["ca", "-batch", "-config", "ca.cnf", "-cert", "int.pem", "-keyfile", "int.key", "-in", `${name}.csr`, "-out", `${name}.pem`, "-notext", "-startdate", asn1Time(notBefore), "-enddate", asn1Time(notAfter)]);
      return judged(fs.readFileSync(path.join(dir, `${name}.pem`), "utf8"));
    },
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function judged(certificatePem: string): string {
  strictX509(certificatePem);
  return certificatePem;
}
