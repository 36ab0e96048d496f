/**
 * A two-level certificate authority run by openssl (root → intermediate), which signs our CSRs the way
 * a customer's CA would. Every CSR it is given, and every leaf it issues, is judged strictly first.
 * Every certificate it makes has explicit dates on the test's clock (`openssl ca -startdate/-enddate`:
 * OpenSSL 3.0's `req -x509` and `x509 -req` can only start at the machine's now).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { strictX509 } from "./strict-x509";
import { daysAfter } from "./test-clock";

export interface OpensslCa {
  rootPem: string;
  intermediatePem: string;
  /** Signs a CSR with the intermediate for `days` from the CA's clock; returns the leaf PEM. */
  sign(csrPem: string, days: number): string;
  /** Signs a CSR with the intermediate for an exact validity window, past or future; returns the leaf PEM. */
  signBetween(csrPem: string, notBefore: Date, notAfter: Date): string;
  dispose(): void;
}

function run(dir: string, args: string[]): void {
  const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${result.stderr}`);
}

/** A date as `openssl ca -startdate/-enddate` takes it (GeneralizedTime, `YYYYMMDDHHMMSSZ`). */
export function asn1Time(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:T]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

/** `openssl ca` configuration: one section per signer, each with its own database in `dir`. */
function writeCaConfig(dir: string): void {
  for (const db of ["root-db", "issued"]) {
    fs.mkdirSync(path.join(dir, db));
    fs.writeFileSync(path.join(dir, db, "index.txt"), "");
    fs.writeFileSync(path.join(dir, db, "serial"), db === "root-db" ? "0100\n" : "1000\n");
  }
  const signer = (name: string, db: string, extensions: string) => [
    `[${name}]`,
    `database = ${db}/index.txt`,
    `new_certs_dir = ${db}`,
    `serial = ${db}/serial`,
    "default_md = sha256",
    // `openssl ca` keeps the CSR's subject as it is (preserve), with the section's extensions only.
    "policy = as_given",
    "preserve = yes",
    "unique_subject = no",
    "copy_extensions = none",
    `x509_extensions = ${extensions}`,
  ];
  fs.writeFileSync(
    path.join(dir, "ca.cnf"),
    [
      "[ca]",
      "default_ca = intermediate",
      ...signer("root", "root-db", "ca_cert"),
      ...signer("intermediate", "issued", "leaf"),
      // Every attribute our subjects use is kept, in the CSR's order and ASN.1 types (`preserve`).
      "[as_given]",
      ...["countryName", "stateOrProvinceName", "localityName", "organizationName", "organizationalUnitName"].map(
        (a) => `${a} = optional`,
      ),
      "commonName = supplied",
      "emailAddress = optional",
      "[ca_cert]",
      "basicConstraints = critical,CA:TRUE",
      "keyUsage = critical,keyCertSign,cRLSign",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      "[leaf]",
      "basicConstraints = CA:FALSE",
      "keyUsage = critical,digitalSignature,keyEncipherment",
      "",
    ].join("\n"),
  );
}

/** `openssl ca` as `signer` (a section of ca.cnf) over `csr`, valid from `notBefore` to `notAfter`. */
function caSign(
  dir: string,
  signer: string,
  issuer: string[],
  csr: string,
  out: string,
  notBefore: Date,
  notAfter: Date,
): void {
  run(dir, [
    "ca",
    "-batch",
    "-config",
    "ca.cnf",
    "-name",
    signer,
    ...issuer,
    "-in",
    csr,
    "-out",
    out,
    "-notext",
    "-startdate",
    asn1Time(notBefore),
    "-enddate",
    asn1Time(notAfter),
  ]);
}

/**
 * Creates a root and an intermediate CA in a temp folder, on the clock `now`: both valid from a year
 * before it (so leaves dated in the past chain too) to ten (root) and five (intermediate) years after.
 */
export function createOpensslCa(now: Date): OpensslCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-ca-"));
  writeCaConfig(dir);
  run(dir, [
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "root.key",
    "-out",
    "root.csr",
    "-subj",
    "/CN=Test Root CA",
  ]);
  caSign(
    dir,
    "root",
    ["-selfsign", "-keyfile", "root.key"],
    "root.csr",
    "root.pem",
    daysAfter(-365, now),
    daysAfter(3650, now),
  );
  run(dir, [
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "int.key",
    "-out",
    "int.csr",
    "-subj",
    "/CN=Test Intermediate CA",
  ]);
  caSign(
    dir,
    "root",
    ["-cert", "root.pem", "-keyfile", "root.key"],
    "int.csr",
    "int.pem",
    daysAfter(-365, now),
    daysAfter(1825, now),
  );
  let n = 0;
  const signBetween = (csrPem: string, notBefore: Date, notAfter: Date) => {
    strictX509(csrPem);
    const name = `leaf${++n}`;
    fs.writeFileSync(path.join(dir, `${name}.csr`), csrPem);
    caSign(
      dir,
      "intermediate",
      ["-cert", "int.pem", "-keyfile", "int.key"],
      `${name}.csr`,
      `${name}.pem`,
      notBefore,
      notAfter,
    );
    return judged(fs.readFileSync(path.join(dir, `${name}.pem`), "utf8"));
  };
  return {
    rootPem: judged(fs.readFileSync(path.join(dir, "root.pem"), "utf8")),
    intermediatePem: judged(fs.readFileSync(path.join(dir, "int.pem"), "utf8")),
    sign: (csrPem, days) => signBetween(csrPem, now, daysAfter(days, now)),
    signBetween,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A fresh RSA key (`key.bits`, default 2048; or the given `key.privateKeyPem`, so that two certificates can
 * share one key pair) and a self-signed certificate for it made by openssl (not by our code), valid from
 * `notBefore` to `notAfter`, with subject `/CN=<commonName>`, or `subject` as openssl's `-subj` takes it.
 */
export function opensslSelfSigned(
  commonName: string,
  notBefore: Date,
  notAfter: Date,
  subject = `/CN=${commonName}`,
  key: { bits?: number; privateKeyPem?: string } = {},
): { privateKeyPem: string; certificatePem: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-self-signed-"));
  try {
    writeCaConfig(dir);
    if (key.privateKeyPem) {
      fs.writeFileSync(path.join(dir, "key.pem"), key.privateKeyPem, { mode: 0o600 });
      run(dir, ["req", "-new", "-key", "key.pem", "-out", "req.csr", "-subj", subject]);
    } else
      run(dir, [
        "req",
        "-new",
        "-newkey",
        `rsa:${key.bits ?? 2048}`,
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "req.csr",
        "-subj",
        subject,
      ]);
    caSign(dir, "root", ["-selfsign", "-keyfile", "key.pem"], "req.csr", "cert.pem", notBefore, notAfter);
    return {
      privateKeyPem: fs.readFileSync(path.join(dir, "key.pem"), "utf8"),
      certificatePem: judged(fs.readFileSync(path.join(dir, "cert.pem"), "utf8")),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function judged(certificatePem: string): string {
  strictX509(certificatePem);
  return certificatePem;
}
