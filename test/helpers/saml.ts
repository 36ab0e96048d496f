/**
 * SAML peers for the tests: a signed SAML Response made with xml-crypto (standing in for the org, which
 * signs with the IdP key), an SP built by node-saml from our IdP metadata as read by passport-saml-metadata,
 * `xmlsec1 --verify`, and `xmllint --schema` with the OASIS SAML 2.0 metadata schema.
 */
import crypto from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SAML } from "@node-saml/node-saml";
import { MetadataReader, toPassportConfig } from "passport-saml-metadata";
import { XMLParser } from "fast-xml-parser";
import { SignedXml } from "xml-crypto";
import { testNow } from "./test-clock";

export interface AssertionSpec extends ResponseSpec {
  privateKeyPem: string;
  certificatePem: string;
}

/** Who a SAML Response is from and for, and when it is issued. */
export interface ResponseSpec {
  issuer: string;
  spEntityId: string;
  acsUrl: string;
  nameId: string;
  /** The issue instant (default: the tests' clock, test-clock.ts). */
  issuedAt?: Date;
}

/** A SAML Response with one Assertion, not signed yet: valid from a minute before its issue instant for five minutes. */
export function unsignedSamlResponse(spec: ResponseSpec): string {
  const now = spec.issuedAt ?? testNow();
  const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();
  const id = () => `_${crypto.randomBytes(16).toString("hex")}`;
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" IssueInstant="${at(0)}" Destination="${spec.acsUrl}">` +
    `<saml:Issuer>${spec.issuer}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion ID="${id()}" Version="2.0" IssueInstant="${at(0)}">` +
    `<saml:Issuer>${spec.issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${spec.nameId}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${at(300_000)}" Recipient="${spec.acsUrl}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${at(-60_000)}" NotOnOrAfter="${at(300_000)}"><saml:AudienceRestriction><saml:Audience>${spec.spEntityId}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${at(0)}" SessionIndex="${id()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `</saml:Assertion></samlp:Response>`
  );
}

/** `xml` with its Assertion signed by `signature` (enveloped, exclusive C14N, SHA-256 digest), the signature after the Assertion's Issuer. */
export function withSignedAssertion(xml: string, signature: SignedXml): string {
  signature.addReference({
    xpath: "//*[local-name(.)='Assertion']",
    digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
    transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"],
  });
  signature.computeSignature(xml, {
    prefix: "ds",
    location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: "after" },
  });
  return signature.getSignedXml();
}

/** A SAML Response whose Assertion is signed (enveloped, exclusive C14N, RSA-SHA256), as Salesforce sends it. */
export function signedSamlResponse(spec: AssertionSpec): string {
  const signature = new SignedXml({
    privateKey: spec.privateKeyPem,
    publicCert: spec.certificatePem,
    signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
  });
  return withSignedAssertion(unsignedSamlResponse(spec), signature);
}

/**
 * node-saml judging NotBefore/NotOnOrAfter at `clock()` instead of the machine's time: its timestamp rule
 * is kept as it is (the protected method node-saml calls for every condition), only "now" is the test's.
 */
class ServiceProviderOnClock extends SAML {
  constructor(
    options: ConstructorParameters<typeof SAML>[0],
    private readonly clock: () => Date,
  ) {
    super(options);
  }

  protected override checkTimestampsValidityError(
    _machineNowMs: number,
    notBefore: string,
    notOnOrAfter: string,
    maxTimeLimitMs?: number,
  ): Error | null {
    return super.checkTimestampsValidityError(this.clock().getTime(), notBefore, notOnOrAfter, maxTimeLimitMs);
  }
}

/**
 * A node-saml Service Provider configured once from IdP metadata (all its signing certificates trusted),
 * judging assertions' validity windows at `clock()` (default: the tests' clock).
 */
export function serviceProviderFromMetadata(
  metadataXml: string,
  sp: { entityId: string; acsUrl: string },
  clock: () => Date = testNow,
): SAML {
  const config = toPassportConfig(new MetadataReader(metadataXml), { multipleCerts: true }) as {
    idpCert: string | string[];
    entryPoint: string;
    identifierFormat: string;
  };
  return new ServiceProviderOnClock(
    {
      idpCert: config.idpCert,
      entryPoint: config.entryPoint,
      identifierFormat: config.identifierFormat,
      issuer: sp.entityId,
      audience: sp.entityId,
      callbackUrl: sp.acsUrl,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      validateInResponseTo: "never" as never,
    },
    clock,
  );
}

const responseParser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false });

/**
 * What node-saml leaves to its caller (it checks neither): the Response's Destination and the bearer
 * SubjectConfirmationData's Recipient must be the SP's ACS URL (SAML 2.0 Profiles §4.1.4.3, §4.1.4.5),
 * and the NameID must have the format the IdP metadata declares, unless that is `unspecified`.
 * Undefined when they hold, else why not.
 */
function spProfileRefusal(sp: SAML, responseXml: string): string | undefined {
  const options = sp.options as { callbackUrl: string; identifierFormat?: string | null };
  const response = (responseXml.includes("<") ? responseXml : "") && responseParser.parse(responseXml)["Response"];
  if (!response) return "not a SAML Response";
  const destination = response["@_Destination"] as string | undefined;
  if (destination !== undefined && destination !== options.callbackUrl)
    return `Destination ${destination} is not this SP's ACS URL ${options.callbackUrl}`;
  const subject = response["Assertion"]?.["Subject"];
  const confirmations = [subject?.["SubjectConfirmation"]].flat().filter(Boolean);
  for (const confirmation of confirmations) {
    const recipient = confirmation?.["SubjectConfirmationData"]?.["@_Recipient"] as string | undefined;
    if (recipient !== options.callbackUrl)
      return `Recipient ${recipient} is not this SP's ACS URL ${options.callbackUrl}`;
  }
  const format = subject?.["NameID"]?.["@_Format"] as string | undefined;
  const wanted = options.identifierFormat;
  if (wanted && !wanted.endsWith(":unspecified") && format !== wanted)
    return `NameID Format ${format} is not the format ${wanted} the IdP metadata declares`;
  return undefined;
}

/**
 * The NameID a Service Provider accepts from a Response, or the error it rejects it with: node-saml's
 * checks (signature, audience, validity window) and the profile checks it leaves out (see
 * spProfileRefusal: ACS URL, NameID format).
 */
export async function spAccepts(sp: SAML, responseXml: string): Promise<string> {
  const refused = spProfileRefusal(sp, responseXml);
  if (refused) return `rejected: ${refused}`;
  try {
    const { profile } = await sp.validatePostResponseAsync({
      SAMLResponse: Buffer.from(responseXml).toString("base64"),
    });
    return `accepted ${profile?.nameID}`;
  } catch (error) {
    return `rejected: ${(error as Error).message}`;
  }
}

function inTempDir<T>(files: Record<string, string>, run: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-saml-"));
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    return run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `xmlsec1 --verify` of the signed Assertion with `certificatePem`, at `at` (default: the tests' clock): exit status and output. */
export function xmlsecVerify(
  responseXml: string,
  certificatePem: string,
  at: Date = testNow(),
): { status: number | null; output: string } {
  return inTempDir({ "response.xml": responseXml, "cert.pem": certificatePem }, (dir) => {
    const gmt = at.toISOString().slice(0, 19).replace("T", " ");
    const args = [
      "--verify",
      "--verification-gmt-time",
      gmt,
      "--pubkey-cert-pem",
      "cert.pem",
      "--id-attr:ID",
      "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
      "response.xml",
    ];
    const run = spawnSync("xmlsec1", args, { cwd: dir, encoding: "utf8" });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  });
}

/** The folder of the OASIS SAML 2.0 schemas that scripts/setup-test-tools.sh fetched. */
export function samlSchemaDir(): string {
  const cache =
    process.env["PULUMI_SFC_CACHE"] ??
    path.join(process.env["XDG_CACHE_HOME"] ?? path.join(os.homedir(), ".cache"), "pulumi-salesforce-certs");
  return path.join(cache, "saml-schemas-1.16.0");
}

/** `xmllint --schema saml-schema-metadata-2.0.xsd`: exit status and output. */
export function validateMetadataSchema(metadataXml: string): { status: number | null; output: string } {
  return inTempDir({ "metadata.xml": metadataXml }, (dir) => {
    const run = spawnSync(
      "xmllint",
      ["--noout", "--nonet", "--schema", path.join(samlSchemaDir(), "saml-schema-metadata-2.0.xsd"), "metadata.xml"],
      { cwd: dir, encoding: "utf8" },
    );
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  });
}
