/**
 * @module Checks a CA-signed chain before it is adopted: leaf first, each certificate issued and signed
 * by the next, and the leaf's public key equal to ours. node:crypto (OpenSSL) does the X.509 work.
 */
import crypto = require("node:crypto");
import { pemBlocks } from "./pem";

/** Why a chain was refused; `message` says what to do. */
export interface ChainProblem {
  message: string;
}

/** The chain's certificates as PEM, leaf first; empty when the text holds no certificate. */
export function splitChain(chainPem: string): string[] {
  return pemBlocks(chainPem, "CERTIFICATE");
}

/** Problems with the chain's order and signatures (not with whose key it is); empty when in order. */
export function chainOrderProblems(chainPem: string): ChainProblem[] {
  const blocks = splitChain(chainPem);
  if (blocks.length === 0) return [{ message: "holds no PEM certificate (-----BEGIN CERTIFICATE-----)" }];
  let certificates: crypto.X509Certificate[];
  try {
    certificates = blocks.map((block) => new crypto.X509Certificate(block));
  } catch (error) {
    return [{ message: `holds a certificate that does not parse (${(error as Error).message})` }];
  }
  const problems: ChainProblem[] = [];
  for (let i = 0; i + 1 < certificates.length; i++) {
    const [child, issuer] = [certificates[i]!, certificates[i + 1]!];
    if (!child.checkIssued(issuer) || !child.verify(issuer.publicKey)) {
      problems.push({
        message: `is not in order: certificate ${i + 1} (${child.subject.replace(/\n/g, ", ")}) is not signed by certificate ${i + 2} (${issuer.subject.replace(/\n/g, ", ")}); list the leaf first, then each issuer`,
      });
    }
  }
  return problems;
}

/** True when the chain's leaf certifies `publicKeyPem`. */
export function leafMatchesKey(chainPem: string, publicKeyPem: string): boolean {
  const [leaf] = splitChain(chainPem);
  if (!leaf) return false;
  const leafKey = new crypto.X509Certificate(leaf).publicKey.export({ type: "spki", format: "der" });
  const ours = crypto.createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return leafKey.equals(ours);
}
