/**
 * The bad-input catalogue: one row per bad input a user can give the command line (inventory YAML,
 * options, the clock), each run through the built CLI as a user would, with its exact exit code and its
 * exact message. Rows are data: add one by appending to `rows`. A row's `yaml` is written to
 * `inventory.yaml` in a fresh folder, which is the working directory; `args` may name it (and `files`).
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { repoRoot } from "../../helpers/cli";
import { testInstant } from "../../helpers/test-clock";

export interface CatalogueRow {
  /** What is wrong, as the test title. */
  title: string;
  /** The command line after `salesforce-certs`. */
  args: string[];
  /** Written to inventory.yaml (a Buffer for bytes that are not UTF-8). */
  yaml?: string | Buffer;
  /** More files to write next to it: name → content. */
  files?: Record<string, string | Buffer>;
  /** Named pipes (FIFOs) to make next to it, with no writer: a reader that waits for one hangs. */
  fifos?: string[];
  /** Environment variables for this run (undefined: unset; SALESFORCE_CERTS_NOW is the tests' fixed instant unless given here). */
  env?: Record<string, string | undefined>;
  /** The exact exit code. */
  exit: number;
  /** The exact standard error, whole (each string a line), or `{ line }` for one line of it. */
  stderr: string[] | { line: string };
  /** A line the standard output must hold. */
  stdoutLine?: string;
}

/** A valid inventory; rows change it with {@link edit}. Line numbers in messages refer to this text. */
export const validInventory = `org:
  myDomainUrl: https://acme.my.salesforce.com
  contactEmail: ops@acme.example
certificates:
  Idp:
    label: IdP signing
  Jwt:
    label: CI key
    subject:
      commonName: ci.acme.example
      country: GB
jwtIntegrations:
  CI:
    label: CI
    certificate: Jwt
    username: ci@acme.example
    audience: https://login.salesforce.com
    preAuthorized:
      permissionSets: [Deployer]
samlBindings:
  Portal:
    label: Portal
    certificate: Idp
    spEntityId: https://portal.example/saml
    acsUrl: https://portal.example/acs
`;

/** The valid inventory with `find` (which must occur exactly once) replaced by `replacement`. */
export function edit(find: string, replacement: string, text = validInventory): string {
  const at = text.indexOf(find);
  if (at < 0 || text.indexOf(find, at + 1) >= 0)
    throw new Error(`catalogue: ${JSON.stringify(find)} must occur exactly once`);
  return text.slice(0, at) + replacement + text.slice(at + find.length);
}

const validate = ["validate", "inventory.yaml"];
const file = "inventory.yaml";
const nowHint = "2027-01-31T00:00:00Z or 2027-01-31T10:00:00+01:00";
const instant = `must be an ISO 8601 instant with a time zone, such as ${nowHint}`;
const within = (got: string) =>
  `error: check: --within must be a whole number of days from 0 to 36500 (got ${JSON.stringify(got)})`;
/** node:util parseArgs's own words; with positionals allowed it adds how to pass one that starts with "-". */
const unknownOption = (command: string, option: string) =>
  command === "validate"
    ? `error: ${command}: Unknown option '${option}'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "${option}" (see salesforce-certs ${command} --help)`
    : `error: ${command}: Unknown option '${option}' (see salesforce-certs ${command} --help)`;
const notKnown = {
  certificate:
    "label, owner, custody, keySize, validityDays, subject, caSigned, signedChainFile, privateKeyExportable, renewal, overlapDays, rotationTrigger, keystorePasswordEnv, adopt",
  jwt: "label, owner, certificate, contactEmail, username, audience, loginUrl, scopes, preAuthorized, consumerKey, appType, rotationStrategy, overlapDays, orgConnection, adopt",
  saml: "label, owner, partnerContact, certificate, contactEmail, myDomainUrl, spEntityId, acsUrl, singleLogoutUrl, singleLogoutBinding, nameIdFormat, subjectType, subjectCustomAttribute, signingAlgorithm, acknowledgeSha1, spSigningCertificateFile, encryption, preAuthorized, appType, publishDays, overlapDays, holdPhase, advanceTrigger, adopt",
};
const uniqueNameRule =
  "must be a Salesforce unique name: letters, digits and underscores, starting with a letter, with no trailing or double underscore";
const xml = (code: string, kind: string, at: number, got: string) =>
  `must not contain ${code} (${kind}) at character ${at}: Salesforce metadata is XML 1.0, which forbids it (got ${got})`;
/** A billion-laughs file: each line aliases the one before nine times. */
const aliasBomb = `${[
  "a: &a [x, x, x, x, x, x, x, x, x]",
  ...Array.from("bcdefghi", (n, i) => `${n}: &${n} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`),
].join("\n")}\n`;
/** Stack outputs whose owner, label and consumer name would add a table row, an <img> element and a Mermaid click line if written raw. */
const forgingOutputs = JSON.stringify({
  certificates: {
    Idp: {
      label: "<img src=x onerror=alert(1)>",
      owner: "Ops\n| Fake | forged | x |",
      notBefore: "2026-01-01T00:00:00.000Z",
      notAfter: "2027-01-01T00:00:00.000Z",
      nextRotation: "2026-11-01T00:00:00.000Z",
    },
  },
  wiring: { Idp: [{ kind: "saml", name: 'P"]\nclick P "javascript:alert(1)"' }] },
});
const certificateRow = (label: string) => edit("    label: IdP signing\n", `    label: ${label}\n`);
const urlBlank = (what: string, at: number, got: string) =>
  `must not hold spaces, tabs, line breaks or other control characters, not even at either end: ${what} at character ${at} (got ${got})`;
const urlCanonical = (canonical: string, got: string) =>
  `must be written in its canonical form ${canonical}: host in lower case, no default port, no . or .. segments, characters a URL cannot hold percent-encoded (got ${got})`;
const urlCredentials =
  "must not hold a user name or password (user:pass@): a URL here ends up in metadata, outputs and logs (the value is not shown)";

export const rows: CatalogueRow[] = [
  // ---- the file itself: bytes, encoding, size
  {
    title: "a file that does not exist",
    args: ["validate", "missing.yaml"],
    exit: 1,
    stderr: ["missing.yaml: cannot be read: no such file"],
  },
  {
    title: "a folder instead of a file",
    args: ["validate", "folder"],
    files: { "folder/x": "" },
    exit: 1,
    stderr: ["folder: cannot be read: it is a folder"],
  },
  {
    title: "bytes that are not UTF-8 (Latin-1 é)",
    args: validate,
    yaml: Buffer.from(edit("    label: CI key\n", "    label: CI cl\xe9\n"), "latin1"),
    exit: 1,
    stderr: [
      "inventory.yaml:8:17 (file): is not UTF-8: byte 0xE9 (at byte 151) is not UTF-8 here; save it as UTF-8 (YAML files are read as UTF-8)",
    ],
  },
  {
    title: "a UTF-16 file with a little-endian byte order mark",
    args: validate,
    yaml: Buffer.from(`\ufeff${validInventory}`, "utf16le"),
    exit: 1,
    stderr: [
      "inventory.yaml: is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 (YAML files are read as UTF-8)",
    ],
  },
  {
    title: "a UTF-16 file with a big-endian byte order mark",
    args: validate,
    yaml: Buffer.from(`\ufeff${validInventory}`, "utf16le").swap16(),
    exit: 1,
    stderr: [
      "inventory.yaml: is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 (YAML files are read as UTF-8)",
    ],
  },
  {
    title: "a UTF-32 file",
    args: validate,
    yaml: Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from("a\0\0\0")]),
    exit: 1,
    stderr: [
      "inventory.yaml: is UTF-32 (it starts with a UTF-32 byte order mark): save it as UTF-8 (YAML files are read as UTF-8)",
    ],
  },
  {
    title: "a UTF-16 file without a byte order mark",
    args: validate,
    yaml: Buffer.from(validInventory, "utf16le"),
    exit: 1,
    stderr: [
      "inventory.yaml: contains NUL bytes, so it is UTF-16 or UTF-32, or not text at all: save it as UTF-8 (YAML files are read as UTF-8)",
    ],
  },
  {
    title: "a file larger than 1 MiB",
    args: validate,
    yaml: `# ${"x".repeat(1024 * 1024)}\n${validInventory}`,
    exit: 1,
    stderr: ["inventory.yaml: is 1049126 bytes, more than an inventory can be (1048576): is it the right file?"],
  },

  // ---- YAML syntax and safety limits
  {
    title: "an unclosed quote",
    args: validate,
    yaml: edit("    label: CI\n", '    label: "CI\n'),
    exit: 1,
    stderr: { line: 'inventory.yaml:26:1 (yaml): Missing closing "quote' },
  },
  {
    title: "a tab used for indentation",
    args: validate,
    yaml: edit("    label: CI key\n", "\tlabel: CI key\n"),
    exit: 1,
    stderr: { line: "inventory.yaml:8:1 (yaml): Tabs are not allowed as indentation" },
  },
  {
    title: "a mapping value where none can be",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI: again\n"),
    exit: 1,
    stderr: ["inventory.yaml:14:12 (yaml): Nested mappings are not allowed in compact mappings"],
  },
  {
    title: "two YAML documents in one file",
    args: validate,
    yaml: `${validInventory}---\norg: {}\n`,
    exit: 1,
    stderr: [
      "inventory.yaml:26:1 (yaml): must hold one YAML document: remove this second one (or the --- that starts it)",
    ],
  },
  {
    title: "an alias bomb (billion laughs)",
    args: validate,
    yaml: aliasBomb,
    exit: 1,
    stderr: [
      "inventory.yaml:2:8 (yaml): aliases here expand to too many values (yaml's maxAliasCount, 100): write the values out, or alias them fewer times",
    ],
  },
  {
    title: "flow collections nested 10,000 deep",
    args: validate,
    yaml: `certificates: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`,
    exit: 1,
    stderr: [
      "inventory.yaml:1:46 (yaml): nests collections more than 32 deep: an inventory needs 5; is it the right file?",
    ],
  },
  {
    title: "block collections nested 40 deep",
    args: validate,
    yaml: `certificates:\n${Array.from({ length: 40 }, (_, i) => `${"  ".repeat(i)}-\n`).join("")}`,
    exit: 1,
    stderr: [
      "inventory.yaml:33:63 (yaml): nests collections more than 32 deep: an inventory needs 5; is it the right file?",
    ],
  },
  {
    title: "an alias inside the value it names",
    args: validate,
    yaml: edit("      permissionSets: [Deployer]\n", "      permissionSets: &p [Deployer, *p]\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:19:37 jwtIntegrations.CI.preAuthorized.permissionSets[1]: is the alias *p inside the value it names, which would repeat forever: write the value out",
    ],
  },
  {
    title: "an alias to no anchor",
    args: validate,
    yaml: edit("      permissionSets: [Deployer]\n", "      permissionSets: *nothing\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:19:23 jwtIntegrations.CI.preAuthorized.permissionSets: is the alias *nothing, but no anchor &nothing comes before it",
    ],
  },
  {
    title: "an unknown local tag (!foo)",
    args: validate,
    yaml: edit("    label: CI\n", "    label: !foo CI\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:14:17 jwtIntegrations.CI.label: has the tag !foo, which an inventory does not use: remove it (only the YAML core schema's tags, such as !!str, are read)",
    ],
  },
  {
    title: "a !!binary tag",
    args: validate,
    yaml: edit("    label: CI\n", "    label: !!binary Q0k=\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:14:21 jwtIntegrations.CI.label: has the tag !!binary, which an inventory does not use: remove it (only the YAML core schema's tags, such as !!str, are read)",
    ],
  },
  {
    title: "a !!set tag",
    args: validate,
    yaml: edit("      permissionSets: [Deployer]\n", "      permissionSets: !!set {Deployer}\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:19:29 jwtIntegrations.CI.preAuthorized.permissionSets: has the tag !!set, which an inventory does not use: remove it (only the YAML core schema's tags, such as !!str, are read)",
    ],
  },
  {
    title: "a !!timestamp tag",
    args: validate,
    yaml: edit("    label: CI\n", "    label: !!timestamp 2027-01-01\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:14:24 jwtIntegrations.CI.label: has the tag !!timestamp, which an inventory does not use: remove it (only the YAML core schema's tags, such as !!str, are read)",
    ],
  },
  {
    title: "a key that is a list",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    ? [a, b]\n    : c\n"),
    exit: 1,
    stderr: ["inventory.yaml:15:7 jwtIntegrations.CI: has a key that is a list or mapping: keys must be plain names"],
  },
  {
    title: "a raw control character (BEL) in a plain scalar",
    args: validate,
    yaml: edit("    label: CI\n", "    label: C\x07I\n"),
    exit: 1,
    stderr: [
      `inventory.yaml:14:12 jwtIntegrations.CI.label: ${xml("U+0007", "a control character", 2, '"C\\u0007I"')}`,
    ],
  },
  {
    title: "a top-level key twice",
    args: validate,
    yaml: `${validInventory}certificates:\n  Other:\n    label: Other\n`,
    exit: 1,
    stderr: ["inventory.yaml:26:1 certificates: is defined twice in the file: keys must be unique"],
  },
  {
    title: "a field twice in one entry",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    label: CI again\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:15:5 jwtIntegrations.CI.label: is defined twice in jwtIntegrations.CI: keys must be unique",
    ],
  },
  {
    title: "a UTF-8 byte order mark is fine",
    args: validate,
    yaml: `\ufeff${validInventory}`,
    exit: 0,
    stderr: [],
    stdoutLine: "inventory.yaml: valid (2 certificates, 1 JWT integrations, 1 SAML bindings)",
  },
  {
    title: "a YAML 1.1 yes is a string, not true",
    args: validate,
    yaml: edit("    label: IdP signing\n", "    label: IdP signing\n    caSigned: yes\n"),
    exit: 1,
    stderr: ['inventory.yaml:7:15 certificates.Idp.caSigned: must be a boolean (got "yes")'],
  },

  // ---- the schema: shape and types
  {
    title: "the file is a list",
    args: validate,
    yaml: "- certificates\n",
    exit: 1,
    stderr: ['inventory.yaml:1:1 (root): must be a mapping (got ["certificates"])'],
  },
  {
    title: "the file is one string",
    args: validate,
    yaml: "hello\n",
    exit: 1,
    stderr: ['inventory.yaml:1:1 (root): must be a mapping (got "hello")'],
  },
  {
    title: "an unknown top-level key",
    args: validate,
    yaml: `${validInventory}certificate: {}\n`,
    exit: 1,
    stderr: [
      "inventory.yaml:26:1 certificate: is not a known field (known: org, certificates, jwtIntegrations, samlBindings)",
    ],
  },
  {
    title: "an unknown org field",
    args: validate,
    yaml: edit("  contactEmail: ops@acme.example\n", "  contactEmail: ops@acme.example\n  domain: acme\n"),
    exit: 1,
    stderr: ["inventory.yaml:4:3 org.domain: is not a known field (known: myDomainUrl, contactEmail)"],
  },
  {
    title: "an unknown certificate field",
    args: validate,
    yaml: edit("    label: IdP signing\n", "    label: IdP signing\n    keysize: 4096\n"),
    exit: 1,
    stderr: [`inventory.yaml:7:5 certificates.Idp.keysize: is not a known field (known: ${notKnown.certificate})`],
  },
  {
    title: "an unknown JWT integration field",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    scope: [Api]\n"),
    exit: 1,
    stderr: [`inventory.yaml:15:5 jwtIntegrations.CI.scope: is not a known field (known: ${notKnown.jwt})`],
  },
  {
    title: "an unknown SAML binding field",
    args: validate,
    yaml: edit("    label: Portal\n", "    label: Portal\n    entityId: x\n"),
    exit: 1,
    stderr: [`inventory.yaml:23:5 samlBindings.Portal.entityId: is not a known field (known: ${notKnown.saml})`],
  },
  {
    title: "an unknown subject field",
    args: validate,
    yaml: edit("      country: GB\n", "      country: GB\n      street: Main St\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:12:7 certificates.Jwt.subject.street: is not a known field (known: commonName, email, company, department, city, state, country)",
    ],
  },
  {
    title: "an unknown renewal field",
    args: validate,
    yaml: certificateRow("IdP\n    renewal:\n      days: 30"),
    exit: 1,
    stderr: [
      "inventory.yaml:8:7 certificates.Idp.renewal.days: is not a known field (known: daysBeforeExpiry, percentOfLifetime)",
    ],
  },
  {
    title: "an unknown preAuthorized field",
    args: validate,
    yaml: edit("      permissionSets: [Deployer]\n", "      permissionSets: [Deployer]\n      groups: [Ops]\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:20:7 jwtIntegrations.CI.preAuthorized.groups: is not a known field (known: permissionSets, profiles)",
    ],
  },
  {
    title: "__proto__ as a field",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    __proto__: {}\n"),
    exit: 1,
    stderr: [`inventory.yaml:15:5 jwtIntegrations.CI.__proto__: is not a known field (known: ${notKnown.jwt})`],
  },
  {
    title: "certificates as a list",
    args: validate,
    yaml: "certificates:\n  - Idp\n",
    exit: 1,
    stderr: ['inventory.yaml:2:3 certificates: must be a mapping (got ["Idp"])'],
  },
  {
    title: "an entry that is a string",
    args: validate,
    yaml: edit("  Idp:\n    label: IdP signing\n", "  Idp: IdP signing\n"),
    exit: 1,
    stderr: ['inventory.yaml:5:8 certificates.Idp: must be a mapping (got "IdP signing")'],
  },
  {
    title: "a label that is a number",
    args: validate,
    yaml: certificateRow("42"),
    exit: 1,
    stderr: ["inventory.yaml:6:12 certificates.Idp.label: must be a string (got 42)"],
  },
  {
    title: "a missing certificate label",
    args: validate,
    yaml: edit("  Idp:\n    label: IdP signing\n", "  Idp:\n    owner: Ops\n"),
    exit: 1,
    stderr: ["inventory.yaml:6:5 certificates.Idp.label: is required"],
  },
  {
    title: "a key size outside 2048 and 4096",
    args: validate,
    yaml: certificateRow("IdP\n    keySize: 1024"),
    exit: 1,
    stderr: ["inventory.yaml:7:14 certificates.Idp.keySize: must be one of 2048, 4096 (got 1024)"],
  },
  {
    title: "validityDays as text",
    args: validate,
    yaml: certificateRow("IdP\n    validityDays: a year"),
    exit: 1,
    stderr: ['inventory.yaml:7:19 certificates.Idp.validityDays: must be an integer (got "a year")'],
  },
  {
    title: "validityDays with a fraction",
    args: validate,
    yaml: certificateRow("IdP\n    validityDays: 365.5"),
    exit: 1,
    stderr: ["inventory.yaml:7:19 certificates.Idp.validityDays: must be an integer (got 365.5)"],
  },
  {
    title: "validityDays .inf",
    args: validate,
    yaml: certificateRow("IdP\n    validityDays: .inf"),
    exit: 1,
    stderr: ["inventory.yaml:7:19 certificates.Idp.validityDays: must be a whole number from 1 to 3650 (got Infinity)"],
  },
  {
    title: "privateKeyExportable as text",
    args: validate,
    yaml: certificateRow("IdP\n    privateKeyExportable: 'no'"),
    exit: 1,
    stderr: ['inventory.yaml:7:27 certificates.Idp.privateKeyExportable: must be a boolean (got "no")'],
  },
  {
    title: "subject as text",
    args: validate,
    yaml: certificateRow("IdP\n    subject: CN=idp"),
    exit: 1,
    stderr: ['inventory.yaml:7:14 certificates.Idp.subject: must be a mapping (got "CN=idp")'],
  },
  {
    title: "renewal as a list",
    args: validate,
    yaml: certificateRow("IdP\n    renewal: [30]"),
    exit: 1,
    stderr: ["inventory.yaml:7:14 certificates.Idp.renewal: must be a mapping (got [30])"],
  },
  {
    title: "scopes as text",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    scopes: Api\n"),
    exit: 1,
    stderr: ['inventory.yaml:15:13 jwtIntegrations.CI.scopes: must be a list (got "Api")'],
  },
  {
    title: "an empty permission set name",
    args: validate,
    yaml: edit("      permissionSets: [Deployer]\n", '      permissionSets: [""]\n'),
    exit: 1,
    stderr: [
      'inventory.yaml:19:24 jwtIntegrations.CI.preAuthorized.permissionSets[0]: must NOT have fewer than 1 characters (got "")',
    ],
  },
  {
    title: "a JWT integration without username",
    args: validate,
    yaml: edit("    username: ci@acme.example\n", ""),
    exit: 1,
    stderr: ["inventory.yaml:14:5 jwtIntegrations.CI.username: is required"],
  },
  {
    title: "a SAML binding without acsUrl",
    args: validate,
    yaml: edit("    acsUrl: https://portal.example/acs\n", ""),
    exit: 1,
    stderr: ["inventory.yaml:22:5 samlBindings.Portal.acsUrl: is required"],
  },
  {
    title: "an unknown appType",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    appType: ConnectedApps\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:15:14 jwtIntegrations.CI.appType: must be one of ExternalClientApp, ConnectedApp (got "ConnectedApps")',
    ],
  },
  {
    title: "an unknown rotationStrategy",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    rotationStrategy: blueGreen\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:15:23 jwtIntegrations.CI.rotationStrategy: must be one of twoSlots, inPlace (got "blueGreen")',
    ],
  },
  {
    title: "an unknown nameIdFormat",
    args: validate,
    yaml: edit("    label: Portal\n", "    label: Portal\n    nameIdFormat: email\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:23:19 samlBindings.Portal.nameIdFormat: must be one of unspecified, emailAddress, persistent, transient (got "email")',
    ],
  },
  {
    title: "an unknown signingAlgorithm",
    args: validate,
    yaml: edit("    label: Portal\n", "    label: Portal\n    signingAlgorithm: SHA512\n"),
    exit: 1,
    stderr: ['inventory.yaml:23:23 samlBindings.Portal.signingAlgorithm: must be one of SHA256, SHA1 (got "SHA512")'],
  },
  {
    title: "holdPhase as text",
    args: validate,
    yaml: edit("    label: Portal\n", "    label: Portal\n    holdPhase: 'true'\n"),
    exit: 1,
    stderr: ['inventory.yaml:23:16 samlBindings.Portal.holdPhase: must be a boolean (got "true")'],
  },
  {
    title: "encryption without certificateName",
    args: validate,
    yaml: edit("    label: Portal\n", "    label: Portal\n    encryption: {type: AES_256}\n"),
    exit: 1,
    stderr: ["inventory.yaml:23:17 samlBindings.Portal.encryption.certificateName: is required"],
  },
  {
    title: "org.contactEmail as a number",
    args: validate,
    yaml: edit("  contactEmail: ops@acme.example\n", "  contactEmail: 42\n"),
    exit: 1,
    stderr: ["inventory.yaml:3:17 org.contactEmail: must be a string (got 42)"],
  },

  // ---- each resource's own rules (check())
  {
    title: "validityDays 0",
    args: validate,
    yaml: certificateRow("IdP\n    validityDays: 0"),
    exit: 1,
    stderr: ["inventory.yaml:7:19 certificates.Idp.validityDays: must be a whole number from 1 to 3650 (got 0)"],
  },
  {
    title: "validityDays over ten years",
    args: validate,
    yaml: certificateRow("IdP\n    validityDays: 4000"),
    exit: 1,
    stderr: ["inventory.yaml:7:19 certificates.Idp.validityDays: must be a whole number from 1 to 3650 (got 4000)"],
  },
  {
    title: "a renewal window as long as the validity",
    args: validate,
    yaml: certificateRow("IdP\n    validityDays: 30\n    renewal: {daysBeforeExpiry: 30}"),
    exit: 1,
    stderr: [
      "inventory.yaml:8:33 certificates.Idp.renewal.daysBeforeExpiry: must be less than validityDays (30): a renewal window as long as the validity would rotate on every run (got 30)",
    ],
  },
  {
    title: "percentOfLifetime 100",
    args: validate,
    yaml: certificateRow("IdP\n    renewal: {percentOfLifetime: 100}"),
    exit: 1,
    stderr: ["inventory.yaml:7:34 certificates.Idp.renewal.percentOfLifetime: must be a number from 1 to 99 (got 100)"],
  },
  {
    title: "a lower-case country code",
    args: validate,
    yaml: edit("      country: GB\n", "      country: gb\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:11:16 certificates.Jwt.subject.country: must be a two-letter ISO 3166 country code such as US or DE (got "gb")',
    ],
  },
  {
    title: "a subject e-mail that is not one",
    args: validate,
    yaml: edit("      country: GB\n", "      email: ops-at-acme\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:11:14 certificates.Jwt.subject.email: must be an e-mail address like name@example.com (got "ops-at-acme")',
    ],
  },
  {
    title: "a certificate label over 64 characters",
    args: validate,
    yaml: certificateRow("x".repeat(65)),
    exit: 1,
    stderr: ["inventory.yaml:6:12 certificates.Idp.label: must be at most 64 characters (got 65)"],
  },
  {
    title: "an empty certificate label",
    args: validate,
    yaml: certificateRow('""'),
    exit: 1,
    stderr: ["inventory.yaml:6:12 certificates.Idp.label: must not be empty"],
  },
  {
    title: "a username that is not e-mail shaped",
    args: validate,
    yaml: edit("    username: ci@acme.example\n", "    username: ci\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:16:15 jwtIntegrations.CI.username: must be a Salesforce username, shaped like an e-mail address (name@example.com.prod), at most 80 characters (got "ci")',
    ],
  },
  {
    title: "an http audience",
    args: validate,
    yaml: edit("    audience: https://login.salesforce.com\n", "    audience: http://login.salesforce.com\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:17:15 jwtIntegrations.CI.audience: must be an https URL (got "http://login.salesforce.com")',
    ],
  },
  {
    title: "an unknown OAuth scope",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    scopes: [Api, Everything]\n"),
    exit: 1,
    stderr: [
      `inventory.yaml:15:19 jwtIntegrations.CI.scopes[1]: is not an OAuth scope Salesforce knows (known: Basic, Api, Web, Full, Chatter, CustomApplications, RefreshToken, OpenID, Profile, Email, Address, Phone, OfflineAccess, CustomPermissions, Wave, Eclair, Pardot, Lightning, Content, CDPIngest, Chatbot, ForgotPassword, UserRegistration, PwdlessLogin) (got "Everything")`,
    ],
  },
  {
    title: "no pre-authorized permission set or profile",
    args: validate,
    yaml: edit("      permissionSets: [Deployer]\n", "      permissionSets: []\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:19:7 jwtIntegrations.CI.preAuthorized: must name at least one permission set or profile: the JWT flow has no approval step",
    ],
  },
  {
    title: "a consumer key that is too short",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    consumerKey: abc\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:15:18 jwtIntegrations.CI.consumerKey: must be 8 to 256 letters and digits (got 3 characters)",
    ],
  },
  {
    title: "two slots on a Connected App",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    appType: ConnectedApp\n    rotationStrategy: twoSlots\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:16:23 jwtIntegrations.CI.rotationStrategy: twoSlots needs External Client Apps: since Spring '26 no new Connected App can be created for the second slot; use inPlace, or appType ExternalClientApp",
    ],
  },
  {
    title: "an http ACS URL",
    args: validate,
    yaml: edit("    acsUrl: https://portal.example/acs\n", "    acsUrl: http://portal.example/acs\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:25:13 samlBindings.Portal.acsUrl: must be an absolute https URL (got "http://portal.example/acs")',
    ],
  },
  {
    title: "an SP entity ID that is not a URI",
    args: validate,
    yaml: edit("    spEntityId: https://portal.example/saml\n", "    spEntityId: portal\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:24:17 samlBindings.Portal.spEntityId: must be an absolute URI (a URL such as https://sp.example.com/saml or a URN), at most 1024 characters (got "portal")',
    ],
  },
  {
    title: "SHA1 without acknowledging it",
    args: validate,
    yaml: edit("    label: Portal\n", "    label: Portal\n    signingAlgorithm: SHA1\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:23:23 samlBindings.Portal.signingAlgorithm: SHA1 is weak: Salesforce recommends SHA256; set acknowledgeSha1: true only if the partner cannot verify SHA-256 signatures",
    ],
  },
  {
    title: "a custom attribute without subjectType CustomAttribute",
    args: validate,
    yaml: edit("    label: Portal\n", "    label: Portal\n    subjectCustomAttribute: Email\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:23:29 samlBindings.Portal.subjectCustomAttribute: is only for subjectType CustomAttribute",
    ],
  },
  {
    title: "a logout binding without a logout URL",
    args: validate,
    yaml: edit("    label: Portal\n", "    label: Portal\n    singleLogoutBinding: HttpPost\n"),
    exit: 1,
    stderr: ["inventory.yaml:23:26 samlBindings.Portal.singleLogoutBinding: needs singleLogoutUrl"],
  },
  {
    title: "a My Domain URL with a path",
    args: validate,
    yaml: edit(
      "  myDomainUrl: https://acme.my.salesforce.com\n",
      "  myDomainUrl: https://acme.my.salesforce.com/home\n",
    ),
    exit: 1,
    stderr: [
      'inventory.yaml:2:16 org.myDomainUrl: must be the org\'s My Domain URL alone, such as https://greenmoor.my.salesforce.com (got "https://acme.my.salesforce.com/home")',
    ],
  },

  // ---- names: pattern, length, reserved suffixes, collisions
  {
    title: "a certificate name with two underscores in a row",
    args: validate,
    yaml: edit("  Idp:\n", "  Id__p:\n").replace("certificate: Idp\n", "certificate: Id__p\n"),
    exit: 1,
    stderr: [`inventory.yaml:5:3 certificates.Id__p: ${uniqueNameRule} (got "Id__p")`],
  },
  {
    title: "a JWT integration name that starts with a digit",
    args: validate,
    yaml: edit("  CI:\n", "  1CI:\n"),
    exit: 1,
    stderr: [`inventory.yaml:13:3 jwtIntegrations.1CI: ${uniqueNameRule} (got "1CI")`],
  },
  {
    title: "a SAML binding name with a hyphen",
    args: validate,
    yaml: edit("  Portal:\n", "  Partner-Portal:\n"),
    exit: 1,
    stderr: [`inventory.yaml:21:3 samlBindings.Partner-Portal: ${uniqueNameRule} (got "Partner-Portal")`],
  },
  {
    title: "a name with a trailing underscore",
    args: validate,
    yaml: edit("  CI:\n", "  CI_:\n"),
    exit: 1,
    stderr: [`inventory.yaml:13:3 jwtIntegrations.CI_: ${uniqueNameRule} (got "CI_")`],
  },
  {
    title: "a certificate name of 76 characters",
    args: validate,
    yaml: edit("  Idp:\n", `  ${"I".repeat(76)}:\n`).replace("certificate: Idp\n", `certificate: ${"I".repeat(76)}\n`),
    exit: 1,
    stderr: [
      `inventory.yaml:5:3 certificates.${"I".repeat(76)}: must be at most 75 characters, leaving room for the _G2, _G3, … of rotated key pairs (got "IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII…)`,
    ],
  },
  {
    title: "an integration name of 81 characters",
    args: validate,
    yaml: edit("  CI:\n", `  ${"C".repeat(81)}:\n`),
    exit: 1,
    stderr: [
      `inventory.yaml:13:3 jwtIntegrations.${"C".repeat(81)}: must be at most 80 characters (got "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC…)`,
    ],
  },
  {
    title: "a certificate named like the next key pair of another (Idp_G2 beside Idp)",
    args: validate,
    yaml: edit("  Jwt:\n", "  Idp_G2:\n    label: IdP 2\n  Jwt:\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:7:3 certificates.Idp_G2: collides with certificates.Idp, whose key pair is named Idp_G2 in the org after its rotations: names ending in _G and digits are reserved for rotated key pairs; choose another name",
    ],
  },
  {
    title: "a generation suffix in another case (idp_g3 beside Idp)",
    args: validate,
    yaml: edit("  Jwt:\n", "  idp_g3:\n    label: IdP 3\n  Jwt:\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:7:3 certificates.idp_g3: collides with certificates.Idp, whose key pair is named Idp_g3 in the org after its rotations: names ending in _G and digits are reserved for rotated key pairs; choose another name",
    ],
  },
  {
    title: "a certificate name ending in _G7 with no base certificate",
    args: validate,
    yaml: edit("  Jwt:\n", "  Legacy_G7:\n    label: Old\n  Jwt:\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:7:3 certificates.Legacy_G7: must not end in _G and digits (got "Legacy_G7"): such names are reserved for the rotated key pairs of a certificate Legacy (Legacy_G2, Legacy_G3, …); choose another name',
    ],
  },
  {
    title: "two certificate names that differ only in case",
    args: validate,
    yaml: edit("  Jwt:\n", "  IDP:\n    label: IdP upper\n  Jwt:\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:7:3 certificates.IDP: is certificates.Idp in another case: Salesforce names ignore case, so both would be one certificate in the org",
    ],
  },
  {
    title: "an integration named like a slot app of another (CI_A beside CI)",
    args: validate,
    yaml: edit(
      "samlBindings:\n",
      "  CI_A:\n    label: CI A\n    certificate: Jwt\n    username: cia@acme.example\n    audience: https://login.salesforce.com\n    preAuthorized:\n      permissionSets: [Deployer]\nsamlBindings:\n",
    ),
    exit: 1,
    stderr: [
      "inventory.yaml:20:3 jwtIntegrations.CI_A: collides with the slot A app of jwtIntegrations.CI (CI_A): names ending in _A or _B are reserved for the slot apps of JWT integrations; choose another name",
    ],
  },
  {
    title: "a SAML binding named like a slot app (CI_B beside CI)",
    args: validate,
    yaml: edit("  Portal:\n", "  CI_B:\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:21:3 samlBindings.CI_B: collides with the slot B app of jwtIntegrations.CI (CI_B): names ending in _A or _B are reserved for the slot apps of JWT integrations; choose another name",
    ],
  },
  {
    title: "an app name ending in _A with no base integration",
    args: validate,
    yaml: edit("  Portal:\n", "  Portal_A:\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:21:3 samlBindings.Portal_A: must not end in _A or _B (got "Portal_A"): such names are reserved for the two slot apps of a JWT integration Portal (Portal_A, Portal_B); choose another name',
    ],
  },
  {
    title: "one app name in both sections",
    args: validate,
    yaml: edit("  Portal:\n", "  CI:\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:21:3 samlBindings.CI: is also the name of jwtIntegrations.CI: app names must be unique in the org",
    ],
  },
  {
    title: "app names that differ only in case",
    args: validate,
    yaml: edit("  Portal:\n", "  ci:\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:21:3 samlBindings.ci: is jwtIntegrations.CI in another case: Salesforce names ignore case, so both would be one app in the org",
    ],
  },
  {
    title: "a consumer key that another integration's slot already has",
    args: validate,
    yaml: edit("    label: CI\n", "    label: CI\n    consumerKey: AcmeKey123\n").replace(
      "samlBindings:\n",
      "  Deploy:\n    label: Deploy\n    certificate: Jwt\n    username: deploy@acme.example\n    audience: https://login.salesforce.com\n    rotationStrategy: inPlace\n    consumerKey: AcmeKey123B\n    preAuthorized:\n      permissionSets: [Deployer]\nsamlBindings:\n",
    ),
    exit: 1,
    stderr: [
      "inventory.yaml:27:18 jwtIntegrations.Deploy.consumerKey: gives app Deploy the consumer key of app CI_B: consumer keys must be unique in the org (two slots add A and B to consumerKey)",
    ],
  },

  // ---- strings: characters XML 1.0 forbids, anywhere they would land in metadata
  {
    title: "a BEL control character in a certificate label",
    args: validate,
    yaml: certificateRow('"IdP\\asigning"'),
    exit: 1,
    stderr: [
      `inventory.yaml:6:12 certificates.Idp.label: ${xml("U+0007", "a control character", 4, '"IdP\\u0007signing"')}`,
    ],
  },
  {
    title: "a NUL character in a JWT label",
    args: validate,
    yaml: edit("    label: CI\n", '    label: "CI\\0"\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:14:12 jwtIntegrations.CI.label: ${xml("U+0000", "a control character", 3, '"CI\\u0000"')}`,
    ],
  },
  {
    title: "a vertical tab in a SAML label",
    args: validate,
    yaml: edit("    label: Portal\n", '    label: "Por\\vtal"\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:22:12 samlBindings.Portal.label: ${xml("U+000B", "a control character", 4, '"Por\\u000btal"')}`,
    ],
  },
  {
    title: "a form feed in a subject field",
    args: validate,
    yaml: edit("      country: GB\n", '      country: GB\n      city: "Leeds\\f"\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:12:13 certificates.Jwt.subject.city: ${xml("U+000C", "a control character", 6, '"Leeds\\f"')}`,
    ],
  },
  {
    title: "an escape character in a username",
    args: validate,
    yaml: edit("    username: ci@acme.example\n", '    username: "ci\\e@acme.example"\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:16:15 jwtIntegrations.CI.username: ${xml("U+001B", "a control character", 3, '"ci\\u001b@acme.example"')}`,
    ],
  },
  {
    title: "a control character in a permission set name",
    args: validate,
    yaml: edit("      permissionSets: [Deployer]\n", '      permissionSets: ["Deploy\\x01er"]\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:19:24 jwtIntegrations.CI.preAuthorized.permissionSets[0]: ${xml("U+0001", "a control character", 7, '"Deploy\\u0001er"')}`,
    ],
  },
  {
    title: "a control character in an SP entity ID",
    args: validate,
    yaml: edit("    spEntityId: https://portal.example/saml\n", '    spEntityId: "https://portal.example/sa\\x1fml"\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:24:17 samlBindings.Portal.spEntityId: ${xml("U+001F", "a control character", 26, '"https://portal.example/sa\\u001fml"')}`,
    ],
  },
  {
    title: "a control character in the org contact e-mail",
    args: validate,
    yaml: edit("  contactEmail: ops@acme.example\n", '  contactEmail: "ops\\x08@acme.example"\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:3:17 org.contactEmail: ${xml("U+0008", "a control character", 4, '"ops\\b@acme.example"')}`,
    ],
  },
  {
    title: "a control character in an owner",
    args: validate,
    yaml: edit("    label: CI\n", '    label: CI\n    owner: "Ops\\x02"\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:15:12 jwtIntegrations.CI.owner: ${xml("U+0002", "a control character", 4, '"Ops\\u0002"')}`,
    ],
  },
  {
    title: "a lone surrogate in a label",
    args: validate,
    yaml: edit("    label: CI\n", '    label: "CI\\uD800"\n'),
    exit: 1,
    stderr: [`inventory.yaml:14:12 jwtIntegrations.CI.label: ${xml("U+D800", "a lone surrogate", 3, '"CI\\ud800"')}`],
  },
  {
    title: "U+FFFE in a label",
    args: validate,
    yaml: edit("    label: CI\n", '    label: "CI\\uFFFE"\n'),
    exit: 1,
    stderr: [`inventory.yaml:14:12 jwtIntegrations.CI.label: ${xml("U+FFFE", "a noncharacter", 3, '"CI\uFFFE"')}`],
  },
  {
    title: "tab, line feed and emoji are fine in a label",
    args: validate,
    yaml: edit("    label: CI\n", '    label: "CI\\tbuild\\n🚀"\n'),
    exit: 0,
    stderr: [],
    stdoutLine: "inventory.yaml: valid (2 certificates, 1 JWT integrations, 1 SAML bindings)",
  },

  // ---- references between entries
  {
    title: "a JWT integration naming no certificate",
    args: validate,
    yaml: edit("    certificate: Jwt\n", "    certificate: JWT\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:15:18 jwtIntegrations.CI.certificate: names no certificate in this inventory (known: Idp, Jwt) (got "JWT")',
    ],
  },
  {
    title: "a SAML binding naming no certificate",
    args: validate,
    yaml: edit("    certificate: Idp\n", "    certificate: IdP_Signing\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:23:18 samlBindings.Portal.certificate: names no certificate in this inventory (known: Idp, Jwt) (got "IdP_Signing")',
    ],
  },
  {
    title: "a JWT integration on a key that is not exportable",
    args: validate,
    yaml: edit("    label: CI key\n", "    label: CI key\n    privateKeyExportable: false\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:16:18 jwtIntegrations.CI.certificate: is not exportable (privateKeyExportable: false): a JWT integration signs with the private key, so its key must be exportable",
    ],
  },
  {
    title: "two SAML bindings on different IdP certificates",
    args: validate,
    yaml: `${validInventory}  Wiki:\n    label: Wiki\n    certificate: Jwt\n    spEntityId: https://wiki.example/saml\n    acsUrl: https://wiki.example/acs\n`,
    exit: 1,
    stderr: [
      "inventory.yaml:28:18 samlBindings.Wiki.certificate: must be the same IdP certificate as samlBindings.Portal (Idp): the org signs for every SP with one certificate",
    ],
  },
  {
    title: "publishDays not shorter than the certificate's renewal window",
    args: validate,
    yaml: certificateRow("IdP\n    renewal: {daysBeforeExpiry: 10}").replace(
      "    label: Portal\n",
      "    label: Portal\n    publishDays: 10\n",
    ),
    exit: 1,
    stderr: [
      "inventory.yaml:24:18 samlBindings.Portal.publishDays: must be shorter than certificates.Idp.renewal.daysBeforeExpiry (10): the org signs with the old certificate for publishDays after the rotation, and it expires 10 days after it (got 10)",
    ],
  },
  {
    title: "a signed chain file that does not exist",
    args: validate,
    yaml: certificateRow("IdP\n    caSigned: true\n    signedChainFile: chain.pem"),
    exit: 1,
    stderr: [
      'inventory.yaml:8:22 certificates.Idp.signedChainFile: cannot read "chain.pem" (paths are relative to the inventory file)',
    ],
  },
  {
    title: "an SP signing certificate file that does not exist",
    args: validate,
    yaml: edit("    label: Portal\n", "    label: Portal\n    spSigningCertificateFile: sp.pem\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:23:31 samlBindings.Portal.spSigningCertificateFile: cannot read "sp.pem" (paths are relative to the inventory file)',
    ],
  },
  {
    title: "an SP signing certificate file that is not PEM",
    args: validate,
    files: { "sp.pem": "not a certificate\n" },
    yaml: edit("    label: Portal\n", "    label: Portal\n    spSigningCertificateFile: sp.pem\n"),
    exit: 1,
    stderr: [
      "inventory.yaml:23:31 samlBindings.Portal.spSigningCertificateFile: must be a PEM certificate (-----BEGIN CERTIFICATE-----) that parses",
    ],
  },

  // ---- validate --json and report --inventory over a bad inventory
  {
    title: "validate --json: problems as JSON on stdout, exit 1",
    args: ["validate", "inventory.yaml", "--json"],
    yaml: edit("  Portal:\n", "  CI_B:\n"),
    exit: 1,
    stderr: [],
    stdoutLine:
      '      "message": "collides with the slot B app of jwtIntegrations.CI (CI_B): names ending in _A or _B are reserved for the slot apps of JWT integrations; choose another name"',
  },
  {
    title: "validate --json: a file-level problem has no line",
    args: ["validate", "--json", "inventory.yaml"],
    yaml: Buffer.from(validInventory, "utf16le"),
    exit: 1,
    stderr: [],
    stdoutLine: '      "path": "(file)",',
  },
  {
    title: "report --inventory of an inventory with an unknown tag",
    args: ["report", "--inventory", file],
    yaml: edit("    label: CI\n", "    label: !foo CI\n"),
    exit: 1,
    stderr: [
      "error: inventory.yaml:14:17 jwtIntegrations.CI.label: has the tag !foo, which an inventory does not use: remove it (only the YAML core schema's tags, such as !!str, are read)",
    ],
  },
  {
    title: "report --inventory of an alias bomb",
    args: ["report", "--inventory", file],
    yaml: aliasBomb,
    exit: 1,
    stderr: [
      "error: inventory.yaml:2:8 (yaml): aliases here expand to too many values (yaml's maxAliasCount, 100): write the values out, or alias them fewer times",
    ],
  },
  {
    title: "report --inventory of a file that does not exist",
    args: ["report", "--inventory", "nothing.yaml"],
    exit: 1,
    stderr: ["error: nothing.yaml: cannot be read: no such file"],
  },

  // ---- the clock and day options
  {
    title: "check --within missing",
    args: ["check", "--outputs", "outputs.json"],
    exit: 2,
    stderr: ["error: check: --within DAYS is required (see salesforce-certs check --help)"],
  },
  {
    title: 'check --within ""',
    args: ["check", "--within", "", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [within("")],
  },
  {
    title: "check --within with a fraction",
    args: ["check", "--within", "1.5", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [within("1.5")],
  },
  {
    title: "check --within in exponent notation",
    args: ["check", "--within", "1e3", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [within("1e3")],
  },
  {
    title: "check --within in hexadecimal",
    args: ["check", "--within", "0x10", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [within("0x10")],
  },
  {
    title: "check --within with a space",
    args: ["check", "--within", " 7", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [within(" 7")],
  },
  {
    title: "check --within negative",
    args: ["check", "--within=-1", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [within("-1")],
  },
  {
    title: "check --within a word",
    args: ["check", "--within", "thirty", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [within("thirty")],
  },
  {
    title: "check --within past a hundred years",
    args: ["check", "--within", "36501", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [within("36501")],
  },
  {
    title: "check --now 12 (not the year 2001)",
    args: ["check", "--within", "30", "--now", "12", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [`error: --now ${instant} (got "12")`],
  },
  {
    title: "check --now of a day that does not exist",
    args: ["check", "--within", "30", "--now", "2027-02-30T00:00:00Z", "--outputs", "outputs.json"],
    exit: 2,
    stderr: ['error: --now must be a date that exists (2027-02 has 28 days, not 30) (got "2027-02-30T00:00:00Z")'],
  },
  {
    title: "check --now of 29 February in a common year",
    args: ["check", "--within", "30", "--now", "2027-02-29T12:00:00Z", "--outputs", "outputs.json"],
    exit: 2,
    stderr: ['error: --now must be a date that exists (2027-02 has 28 days, not 29) (got "2027-02-29T12:00:00Z")'],
  },
  {
    title: "check --now of month 13",
    args: ["check", "--within", "30", "--now", "2027-13-01T00:00:00Z", "--outputs", "outputs.json"],
    exit: 2,
    stderr: ['error: --now must be a date that exists (there is no month 13) (got "2027-13-01T00:00:00Z")'],
  },
  {
    title: "check --now without a time",
    args: ["check", "--within", "30", "--now", "2027-01-31", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [`error: --now ${instant} (got "2027-01-31")`],
  },
  {
    title: "check --now without a zone",
    args: ["check", "--within", "30", "--now", "2027-01-31T00:00:00", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [`error: --now ${instant} (got "2027-01-31T00:00:00")`],
  },
  {
    title: "check --now at hour 24",
    args: ["check", "--within", "30", "--now", "2027-01-31T24:00:00Z", "--outputs", "outputs.json"],
    exit: 2,
    stderr: ['error: --now must be a time of day from 00:00:00 to 23:59:59 (got "2027-01-31T24:00:00Z")'],
  },
  {
    title: "check --now with a zone offset of 24 hours",
    args: ["check", "--within", "30", "--now", "2027-01-31T00:00:00+24:00", "--outputs", "outputs.json"],
    exit: 2,
    stderr: ['error: --now must have a time zone offset from -23:59 to +23:59 (got "2027-01-31T00:00:00+24:00")'],
  },
  {
    title: "check --now empty",
    args: ["check", "--within", "30", "--now", "", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [`error: --now ${instant} (got "")`],
  },
  {
    title: "check --now in words",
    args: ["check", "--within", "30", "--now", "next Tuesday", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [`error: --now ${instant} (got "next Tuesday")`],
  },
  {
    title: "SALESFORCE_CERTS_NOW=12 is named as the variable",
    args: ["check", "--within", "30", "--outputs", "outputs.json"],
    env: { SALESFORCE_CERTS_NOW: "12" },
    exit: 2,
    stderr: [`error: SALESFORCE_CERTS_NOW ${instant} (got "12")`],
  },
  {
    title: "SALESFORCE_CERTS_NOW of a day that does not exist",
    args: ["check", "--within", "30", "--outputs", "outputs.json"],
    env: { SALESFORCE_CERTS_NOW: "2027-04-31T00:00:00Z" },
    exit: 2,
    stderr: [
      'error: SALESFORCE_CERTS_NOW must be a date that exists (2027-04 has 30 days, not 31) (got "2027-04-31T00:00:00Z")',
    ],
  },
  {
    title: "report --now of a day that does not exist",
    args: ["report", "--inventory", file, "--now", "2027-02-30T00:00:00Z"],
    yaml: validInventory,
    exit: 2,
    stderr: ['error: --now must be a date that exists (2027-02 has 28 days, not 30) (got "2027-02-30T00:00:00Z")'],
  },
  {
    title: "report with SALESFORCE_CERTS_NOW=2027",
    args: ["report", "--inventory", file],
    yaml: validInventory,
    env: { SALESFORCE_CERTS_NOW: "2027" },
    exit: 2,
    stderr: [`error: SALESFORCE_CERTS_NOW ${instant} (got "2027")`],
  },
  {
    title: "report --now with an offset is accepted",
    args: ["report", "--inventory", file, "--now", "2028-02-29T10:00:00+01:00"],
    yaml: validInventory,
    exit: 0,
    stderr: [],
    stdoutLine: "# Salesforce certificates and their consumers",
  },

  // ---- unknown commands and options
  { title: "an unknown command", args: ["deploy"], exit: 2, stderr: { line: "error: unknown command 'deploy'" } },
  {
    title: "validate without a file",
    args: ["validate"],
    exit: 2,
    stderr: [],
    stdoutLine: "usage: salesforce-certs validate FILE [--json]",
  },
  {
    title: "validate with two files",
    args: ["validate", "a.yaml", "b.yaml"],
    exit: 2,
    stderr: [],
    stdoutLine: "usage: salesforce-certs validate FILE [--json]",
  },
  {
    title: "validate --jsn",
    args: ["validate", "inventory.yaml", "--jsn"],
    exit: 2,
    stderr: [unknownOption("validate", "--jsn")],
  },
  {
    title: "validate --json=yes",
    args: ["validate", "inventory.yaml", "--json=yes"],
    exit: 2,
    stderr: ["error: validate: Option '--json' does not take an argument (see salesforce-certs validate --help)"],
  },
  {
    title: "check --bogus",
    args: ["check", "--within", "3", "--bogus"],
    exit: 2,
    stderr: [unknownOption("check", "--bogus")],
  },
  {
    title: "check --within without a value",
    args: ["check", "--within"],
    exit: 2,
    stderr: ["error: check: Option '--within <value>' argument missing (see salesforce-certs check --help)"],
  },
  {
    title: "check with a stray argument",
    args: ["check", "--within", "3", "extra"],
    exit: 2,
    stderr: [
      "error: check: Unexpected argument 'extra'. This command does not take positional arguments (see salesforce-certs check --help)",
    ],
  },
  { title: "report --bogus", args: ["report", "--bogus"], exit: 2, stderr: [unknownOption("report", "--bogus")] },
  { title: "up --bogus", args: ["up", "--bogus"], exit: 2, stderr: [unknownOption("up", "--bogus")] },
  { title: "preview --bogus", args: ["preview", "--bogus"], exit: 2, stderr: [unknownOption("preview", "--bogus")] },
  { title: "destroy --bogus", args: ["destroy", "--bogus"], exit: 2, stderr: [unknownOption("destroy", "--bogus")] },
  { title: "outputs --bogus", args: ["outputs", "--bogus"], exit: 2, stderr: [unknownOption("outputs", "--bogus")] },
  {
    title: "export-sfdx --bogus",
    args: ["export-sfdx", "--bogus"],
    exit: 2,
    stderr: [unknownOption("export-sfdx", "--bogus")],
  },
  {
    title: "export-sfdx without --out",
    args: ["export-sfdx", "--outputs", "outputs.json"],
    exit: 2,
    stderr: ["error: export-sfdx: --out DIR is required (see salesforce-certs export-sfdx --help)"],
  },
  {
    title: "up --stack without a name",
    args: ["up", "--stack"],
    exit: 2,
    stderr: ["error: up: Option '--stack <value>' argument missing (see salesforce-certs up --help)"],
  },
  // ---- files a user names, and the report
  {
    title: "validate /dev/zero (a device of endless bytes)",
    args: ["validate", "/dev/zero"],
    exit: 1,
    stderr: ["/dev/zero: cannot be read: it is a character device, not a regular file"],
  },
  {
    title: "validate of a named pipe with no writer",
    args: ["validate", "pipe.yaml"],
    fifos: ["pipe.yaml"],
    exit: 1,
    stderr: ["pipe.yaml: cannot be read: it is a named pipe (FIFO), not a regular file"],
  },
  {
    title: "report --inventory /dev/zero",
    args: ["report", "--inventory", "/dev/zero"],
    exit: 1,
    stderr: ["error: /dev/zero: cannot be read: it is a character device, not a regular file"],
  },
  {
    title: "signedChainFile: /dev/zero",
    args: validate,
    yaml: certificateRow("IdP\n    caSigned: true\n    signedChainFile: /dev/zero"),
    exit: 1,
    stderr: [
      'inventory.yaml:8:22 certificates.Idp.signedChainFile: cannot read "/dev/zero": it is a character device, not a regular file',
    ],
  },
  {
    title: "signedChainFile naming a named pipe",
    args: validate,
    fifos: ["chain.pem"],
    yaml: certificateRow("IdP\n    caSigned: true\n    signedChainFile: chain.pem"),
    exit: 1,
    stderr: [
      'inventory.yaml:8:22 certificates.Idp.signedChainFile: cannot read "chain.pem": it is a named pipe (FIFO), not a regular file',
    ],
  },
  {
    title: "signedChainFile naming a folder",
    args: validate,
    files: { "chains/x": "" },
    yaml: certificateRow("IdP\n    caSigned: true\n    signedChainFile: chains"),
    exit: 1,
    stderr: ['inventory.yaml:8:22 certificates.Idp.signedChainFile: cannot read "chains": it is a folder'],
  },
  {
    title: "signedChainFile larger than 1 MiB",
    args: validate,
    files: { "chain.pem": "x".repeat(1024 * 1024 + 1) },
    yaml: certificateRow("IdP\n    caSigned: true\n    signedChainFile: chain.pem"),
    exit: 1,
    stderr: [
      'inventory.yaml:8:22 certificates.Idp.signedChainFile: cannot read "chain.pem": it is 1048577 bytes, more than a PEM file of certificates can be (1048576): is it the right file?',
    ],
  },
  {
    title: "spSigningCertificateFile: /dev/zero",
    args: validate,
    yaml: edit("    label: Portal\n", "    label: Portal\n    spSigningCertificateFile: /dev/zero\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:23:31 samlBindings.Portal.spSigningCertificateFile: cannot read "/dev/zero": it is a character device, not a regular file',
    ],
  },
  {
    title: "check --outputs /dev/zero",
    args: ["check", "--within", "30", "--outputs", "/dev/zero"],
    exit: 2,
    stderr: ["error: --outputs /dev/zero: cannot be read (is a character device, not a regular file)"],
  },
  {
    title: "report --outputs /dev/zero",
    args: ["report", "--outputs", "/dev/zero"],
    exit: 2,
    stderr: ["error: --outputs /dev/zero: cannot be read (is a character device, not a regular file)"],
  },
  {
    title: "export-sfdx --outputs /dev/zero",
    args: ["export-sfdx", "--out", "sfdx", "--outputs", "/dev/zero"],
    exit: 2,
    stderr: ["error: --outputs /dev/zero: cannot be read (is a character device, not a regular file)"],
  },
  {
    title: "check --outputs of a named pipe",
    args: ["check", "--within", "30", "--outputs", "outputs.json"],
    fifos: ["outputs.json"],
    exit: 2,
    stderr: ["error: --outputs outputs.json: cannot be read (is a named pipe (FIFO), not a regular file)"],
  },
  {
    title: "report --outputs whose owner and label would forge a row and an element",
    args: ["report", "--outputs", "outputs.json", "--now", "2026-02-01T00:00:00Z"],
    files: { "outputs.json": forgingOutputs },
    exit: 0,
    stderr: [],
    stdoutLine:
      '| Idp | &lt;img src=x onerror=alert(1)&gt; | Ops \\| Fake \\| forged \\| x \\| | 2027-01-01 | 334 | 2026-11-01 | SAML P"\\] click P "javascript:alert(1)" |',
  },
  {
    title: "report with both --inventory and --outputs",
    args: ["report", "--inventory", file, "--outputs", "outputs.json"],
    yaml: validInventory,
    exit: 2,
    stderr: [
      "error: report: give --inventory FILE or --outputs FILE, not both: the report is made from one source (see salesforce-certs report --help)",
    ],
  },
  {
    title: 'report --out ""',
    args: ["report", "--inventory", file, "--out", ""],
    yaml: validInventory,
    exit: 2,
    stderr: [
      'error: report: --out FILE must name a file (got ""); omit --out to print the report (see salesforce-certs report --help)',
    ],
  },
  {
    title: 'report --inventory ""',
    args: ["report", "--inventory", ""],
    exit: 2,
    stderr: [
      'error: report: --inventory FILE must name a file (got ""); omit --inventory to report on the stack (see salesforce-certs report --help)',
    ],
  },
  {
    title: "lone CR line endings (classic Mac) are line endings",
    args: validate,
    yaml: validInventory.replace(/\n/g, "\r"),
    exit: 0,
    stderr: [],
    stdoutLine: "inventory.yaml: valid (2 certificates, 1 JWT integrations, 1 SAML bindings)",
  },
  {
    title: "lone CR line endings: a problem is at its line and column",
    args: validate,
    yaml: certificateRow("IdP\n    keySize: 1024").replace(/\n/g, "\r"),
    exit: 1,
    stderr: ["inventory.yaml:7:14 certificates.Idp.keySize: must be one of 2048, 4096 (got 1024)"],
  },
  {
    title: "lone CR line endings: a byte that is not UTF-8 is at its line",
    args: validate,
    yaml: Buffer.from(edit("    label: CI key\n", "    label: CI cl\xe9\n").replace(/\n/g, "\r"), "latin1"),
    exit: 1,
    stderr: [
      "inventory.yaml:8:17 (file): is not UTF-8: byte 0xE9 (at byte 151) is not UTF-8 here; save it as UTF-8 (YAML files are read as UTF-8)",
    ],
  },
  {
    title: "report --inventory of an inventory with lone CR line endings",
    args: ["report", "--inventory", file, "--now", "2026-02-01T00:00:00Z"],
    yaml: validInventory.replace(/\n/g, "\r"),
    exit: 0,
    stderr: [],
    stdoutLine: "| Jwt | CI key | — | — | not issued yet | — | JWT CI |",
  },
  {
    title: "report --out at a folder",
    args: ["report", "--inventory", file, "--out", "folder"],
    yaml: validInventory,
    files: { "folder/x": "" },
    exit: 2,
    stderr: ["error: report: --out folder: is a folder: name a file, such as folder/report.md"],
  },
  {
    title: "report --out /",
    args: ["report", "--inventory", file, "--out", "/"],
    yaml: validInventory,
    exit: 2,
    stderr: ["error: report: --out /: is a folder: name a file, such as /report.md"],
  },
  {
    title: "report --out into a folder that does not exist",
    args: ["report", "--inventory", file, "--out", "missing/report.md"],
    yaml: validInventory,
    exit: 2,
    stderr: ["error: report: --out missing/report.md: the folder missing does not exist: create it first"],
  },
  {
    title: "report --out below a file",
    args: ["report", "--inventory", file, "--out", "inventory.yaml/report.md"],
    yaml: validInventory,
    exit: 2,
    stderr: ["error: report: --out inventory.yaml/report.md: a part of inventory.yaml is a file, not a folder"],
  },
  {
    title: "export-sfdx of a stack made without a keystore password",
    args: ["export-sfdx", "--out", "sfdx", "--outputs", "outputs.json"],
    files: {
      "outputs.json": JSON.stringify({
        certificates: {
          Idp: { label: "IdP", salesforceFiles: { "setup-keystore-import/Idp.crt-meta.xml": "<Certificate/>" } },
        },
        wiring: { Idp: [{ kind: "saml", name: "Portal" }] },
        keystores: { Idp: {} },
      }),
    },
    exit: 0,
    stderr: [],
    stdoutLine:
      "  setup-keystore-import/Idp.crt-meta.xml (needed: the org signs SAML assertions with it; the label, key size and exportability of certificate Idp; no keystore was made, so keystores.Idp.jksBase64 is empty: a keystore needs a password: set certificates.Idp.keystorePasswordEnv in the inventory to the name of an environment variable, set that variable, and run salesforce-certs up; the keystore is then the secret output keystores.Idp.jksBase64 (alias idp))",
  },
  {
    title: "report made after an overlap ended",
    args: ["report", "--outputs", "outputs.json", "--now", "2026-03-01T00:00:00Z"],
    files: {
      "outputs.json": JSON.stringify({
        certificates: {
          Idp: {
            label: "IdP",
            notBefore: "2026-01-01T00:00:00Z",
            notAfter: "2027-01-01T00:00:00Z",
            previousCertificate: {
              sha256Fingerprint: "AA",
              notAfter: "2026-06-01T00:00:00Z",
              retainedUntil: "2026-02-15T00:00:00Z",
            },
          },
        },
      }),
    },
    exit: 0,
    stderr: [],
    stdoutLine: "  overlap ended, previous released : milestone, 2026-02-15, 0d",
  },

  // ---- values that reach a shell, URLs, generated names, keystore settings
  // The username goes into sfLoginJwtCommand: a character shells act on is refused with its position.
  {
    title: "a username that tries command substitution",
    args: validate,
    yaml: edit("    username: ci@acme.example\n", "    username: ci$(touch${IFS}/tmp/pwned)@acme.example\n"),
    exit: 1,
    stderr: [
      'inventory.yaml:16:15 jwtIntegrations.CI.username: must be a Salesforce username, shaped like an e-mail address (name@example.com.prod), at most 80 characters: "$" at character 3 is not allowed in one (got "ci$(touch${IFS}/tmp/pwned)@acme.exam…)',
    ],
  },
  {
    title: "a username with a quote is valid (RFC 5322 dot-atom)",
    args: validate,
    yaml: edit("    username: ci@acme.example\n", "    username: o'brien@acme.example\n"),
    exit: 0,
    stderr: [],
    stdoutLine: "inventory.yaml: valid (2 certificates, 1 JWT integrations, 1 SAML bindings)",
  },
  // A URL is used as written: only its canonical text passes, and credentials are refused (and not shown).
  {
    title: "an audience with a trailing space",
    args: validate,
    yaml: edit("    audience: https://login.salesforce.com\n", '    audience: "https://login.salesforce.com "\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:17:15 jwtIntegrations.CI.audience: ${urlBlank("U+0020 (a space)", 29, '"https://login.salesforce.com "')}`,
    ],
  },
  {
    title: "an audience as a block scalar, which ends in a line feed",
    args: validate,
    yaml: edit("    audience: https://login.salesforce.com\n", "    audience: |\n      https://login.salesforce.com\n"),
    exit: 1,
    stderr: [
      `inventory.yaml:17:15 jwtIntegrations.CI.audience: ${urlBlank("U+000A (a line feed)", 29, '"https://login.salesforce.com\\n"')}`,
    ],
  },
  {
    title: "an audience with the default port",
    args: validate,
    yaml: edit("    audience: https://login.salesforce.com\n", "    audience: https://login.salesforce.com:443\n"),
    exit: 1,
    stderr: [
      `inventory.yaml:17:15 jwtIntegrations.CI.audience: ${urlCanonical('"https://login.salesforce.com"', '"https://login.salesforce.com:443"')}`,
    ],
  },
  {
    title: "a login URL with a leading tab",
    args: validate,
    yaml: edit(
      "    audience: https://login.salesforce.com\n",
      '    audience: https://login.salesforce.com\n    loginUrl: "\\thttps://acme.my.salesforce.com"\n',
    ),
    exit: 1,
    stderr: [
      `inventory.yaml:18:15 jwtIntegrations.CI.loginUrl: ${urlBlank("U+0009 (a tab)", 1, '"\\thttps://acme.my.salesforce.com"')}`,
    ],
  },
  {
    title: "a login URL with credentials",
    args: validate,
    yaml: edit(
      "    audience: https://login.salesforce.com\n",
      "    audience: https://login.salesforce.com\n    loginUrl: https://ci:hunter2@acme.my.salesforce.com\n",
    ),
    exit: 1,
    stderr: [`inventory.yaml:18:15 jwtIntegrations.CI.loginUrl: ${urlCredentials}`],
  },
  {
    title: "a login URL with a host in capitals",
    args: validate,
    yaml: edit(
      "    audience: https://login.salesforce.com\n",
      "    audience: https://login.salesforce.com\n    loginUrl: https://Acme.My.Salesforce.com\n",
    ),
    exit: 1,
    stderr: [
      `inventory.yaml:18:15 jwtIntegrations.CI.loginUrl: ${urlCanonical('"https://acme.my.salesforce.com"', '"https://Acme.My.Salesforce.com"')}`,
    ],
  },
  {
    title: "an ACS URL with a trailing line feed",
    args: validate,
    yaml: edit("    acsUrl: https://portal.example/acs\n", '    acsUrl: "https://portal.example/acs\\n"\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:25:13 samlBindings.Portal.acsUrl: ${urlBlank("U+000A (a line feed)", 27, '"https://portal.example/acs\\n"')}`,
    ],
  },
  {
    title: "an ACS URL with credentials",
    args: validate,
    yaml: edit("    acsUrl: https://portal.example/acs\n", "    acsUrl: https://sso:s3cret@portal.example/acs\n"),
    exit: 1,
    stderr: [`inventory.yaml:25:13 samlBindings.Portal.acsUrl: ${urlCredentials}`],
  },
  {
    title: "an ACS URL with a dot segment",
    args: validate,
    yaml: edit("    acsUrl: https://portal.example/acs\n", "    acsUrl: https://portal.example/saml/../acs\n"),
    exit: 1,
    stderr: [
      `inventory.yaml:25:13 samlBindings.Portal.acsUrl: ${urlCanonical('"https://portal.example/acs"', '"https://portal.example/saml/../acs"')}`,
    ],
  },
  {
    title: "a logout URL with a leading space",
    args: validate,
    yaml: edit("    label: Portal\n", '    label: Portal\n    singleLogoutUrl: " https://portal.example/slo"\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:23:22 samlBindings.Portal.singleLogoutUrl: ${urlBlank("U+0020 (a space)", 1, '" https://portal.example/slo"')}`,
    ],
  },
  {
    title: "an SP entity ID URL with a trailing space",
    args: validate,
    yaml: edit("    spEntityId: https://portal.example/saml\n", '    spEntityId: "https://portal.example/saml "\n'),
    exit: 1,
    stderr: [
      `inventory.yaml:24:17 samlBindings.Portal.spEntityId: ${urlBlank("U+0020 (a space)", 28, '"https://portal.example/saml "')}`,
    ],
  },
  {
    title: "an SP entity ID URL with credentials",
    args: validate,
    yaml: edit(
      "    spEntityId: https://portal.example/saml\n",
      "    spEntityId: https://sp:s3cret@portal.example/saml\n",
    ),
    exit: 1,
    stderr: [`inventory.yaml:24:17 samlBindings.Portal.spEntityId: ${urlCredentials}`],
  },
  {
    title: "a My Domain URL with a trailing line feed",
    args: validate,
    yaml: edit(
      "  myDomainUrl: https://acme.my.salesforce.com\n",
      '  myDomainUrl: "https://acme.my.salesforce.com\\n"\n',
    ),
    exit: 1,
    stderr: [
      `inventory.yaml:2:16 org.myDomainUrl: ${urlBlank("U+000A (a line feed)", 31, '"https://acme.my.salesforce.com\\n"')}`,
    ],
  },
  {
    title: "a My Domain URL with credentials",
    args: validate,
    yaml: edit(
      "  myDomainUrl: https://acme.my.salesforce.com\n",
      "  myDomainUrl: https://admin:s3cret@acme.my.salesforce.com\n",
    ),
    exit: 1,
    stderr: [`inventory.yaml:2:16 org.myDomainUrl: ${urlCredentials}`],
  },
  {
    title: "a My Domain URL with its trailing slash is valid",
    args: validate,
    yaml: edit("  myDomainUrl: https://acme.my.salesforce.com\n", "  myDomainUrl: https://acme.my.salesforce.com/\n"),
    exit: 0,
    stderr: [],
    stdoutLine: "inventory.yaml: valid (2 certificates, 1 JWT integrations, 1 SAML bindings)",
  },
  // Two slots name their apps <name>_A and <name>_B: the name leaves room for the suffix.
  {
    title: "a two-slot integration name of 80 characters",
    args: validate,
    yaml: edit("  CI:\n", `  ${"C".repeat(80)}:\n`),
    exit: 1,
    stderr: [
      `inventory.yaml:13:3 jwtIntegrations.${"C".repeat(80)}: must be at most 78 characters with two slots (rotationStrategy twoSlots, the default for External Client Apps): the slot apps <name>_A and <name>_B must fit Salesforce's 80 (got 80); shorten the name, or use rotationStrategy: inPlace`,
    ],
  },
  {
    title: "an in-place integration name of 80 characters is valid",
    args: validate,
    yaml: edit("  CI:\n    label: CI\n", `  ${"C".repeat(80)}:\n    label: CI\n    rotationStrategy: inPlace\n`),
    exit: 0,
    stderr: [],
    stdoutLine: "inventory.yaml: valid (2 certificates, 1 JWT integrations, 1 SAML bindings)",
  },
  // keystorePasswordEnv names a variable: validate says what up would refuse, and never shows a password put there.
  {
    title: "keystorePasswordEnv for a key that is not exportable",
    args: validate,
    yaml: certificateRow("IdP\n    privateKeyExportable: false\n    keystorePasswordEnv: IDP_KEYSTORE_PASSWORD"),
    exit: 1,
    stderr: [
      "inventory.yaml:8:26 certificates.Idp.keystorePasswordEnv: needs privateKeyExportable: true (a key that is not exportable goes into no keystore)",
    ],
  },
  {
    title: "keystorePasswordEnv for a key the org keeps",
    args: validate,
    yaml: certificateRow("IdP\n    custody: org\n    keystorePasswordEnv: IDP_KEYSTORE_PASSWORD"),
    exit: 1,
    stderr: [
      "inventory.yaml:8:26 certificates.Idp.keystorePasswordEnv: cannot be set with custody: org: the org keeps the private key: no keystore can hold it; remove keystorePasswordEnv, or use custody: provider",
    ],
  },
  {
    title: "a password in keystorePasswordEnv is not shown",
    args: validate,
    yaml: certificateRow("IdP\n    keystorePasswordEnv: Tr0ub4dor&3 horse"),
    exit: 1,
    stderr: [
      "inventory.yaml:7:26 certificates.Idp.keystorePasswordEnv: must be the name of an environment variable (letters, digits and underscores, not starting with a digit, such as ACME_KEYSTORE_PASSWORD), never the password itself; the value is not shown",
    ],
  },
  {
    title: "a numeric password in keystorePasswordEnv is not shown",
    args: validate,
    yaml: certificateRow("IdP\n    keystorePasswordEnv: 73519046"),
    exit: 1,
    stderr: ["inventory.yaml:7:26 certificates.Idp.keystorePasswordEnv: must be a string (the value is not shown)"],
  },
  // A unique name may have 75 characters; the commonName it gives by default is cut to X.520's 64.
  {
    title: "a certificate name of 75 characters without a subject is valid",
    args: validate,
    yaml: edit("  Idp:\n", `  ${"I".repeat(75)}:\n`).replace("certificate: Idp\n", `certificate: ${"I".repeat(75)}\n`),
    exit: 0,
    stderr: [],
    stdoutLine: "inventory.yaml: valid (2 certificates, 1 JWT integrations, 1 SAML bindings)",
  },
  // ---- the clock's range
  {
    title: "check --now in the year 0000",
    args: ["check", "--within", "30", "--now", "0000-01-01T00:00:00Z", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [
      `error: --now must be from 1950-01-01T00:00:00Z to 9899-12-31T23:59:59Z: certificates write dates from 1950 to 9999 (X.509 UTCTime and GeneralizedTime), and dates are derived from this clock up to 36500 days later (got "0000-01-01T00:00:00Z")`,
    ],
  },
  {
    title: "check --now in the year 9999",
    args: ["check", "--within", "30", "--now", "9999-06-01T00:00:00Z", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [
      `error: --now must be from 1950-01-01T00:00:00Z to 9899-12-31T23:59:59Z: certificates write dates from 1950 to 9999 (X.509 UTCTime and GeneralizedTime), and dates are derived from this clock up to 36500 days later (got "9999-06-01T00:00:00Z")`,
    ],
  },
  {
    title: "check --now a second before 1950",
    args: ["check", "--within", "30", "--now", "1949-12-31T23:59:59Z", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [
      `error: --now must be from 1950-01-01T00:00:00Z to 9899-12-31T23:59:59Z: certificates write dates from 1950 to 9999 (X.509 UTCTime and GeneralizedTime), and dates are derived from this clock up to 36500 days later (got "1949-12-31T23:59:59Z")`,
    ],
  },
  {
    title: "check --now at 9900 (a day of 36500 would pass 9999)",
    args: ["check", "--within", "30", "--now", "9900-01-01T00:00:00Z", "--outputs", "outputs.json"],
    exit: 2,
    stderr: [
      `error: --now must be from 1950-01-01T00:00:00Z to 9899-12-31T23:59:59Z: certificates write dates from 1950 to 9999 (X.509 UTCTime and GeneralizedTime), and dates are derived from this clock up to 36500 days later (got "9900-01-01T00:00:00Z")`,
    ],
  },
  {
    title: "report --now in the year 9999",
    args: ["report", "--inventory", file, "--now", "9999-12-31T23:59:59Z"],
    yaml: validInventory,
    exit: 2,
    stderr: [
      `error: --now must be from 1950-01-01T00:00:00Z to 9899-12-31T23:59:59Z: certificates write dates from 1950 to 9999 (X.509 UTCTime and GeneralizedTime), and dates are derived from this clock up to 36500 days later (got "9999-12-31T23:59:59Z")`,
    ],
  },
  {
    title: "SALESFORCE_CERTS_NOW in the year 0000",
    args: ["check", "--within", "30", "--outputs", "outputs.json"],
    env: { SALESFORCE_CERTS_NOW: "0000-01-01T00:00:00Z" },
    exit: 2,
    stderr: [
      `error: SALESFORCE_CERTS_NOW must be from 1950-01-01T00:00:00Z to 9899-12-31T23:59:59Z: certificates write dates from 1950 to 9999 (X.509 UTCTime and GeneralizedTime), and dates are derived from this clock up to 36500 days later (got "0000-01-01T00:00:00Z")`,
    ],
  },
  {
    title: "SALESFORCE_CERTS_NOW in the year 9999, for up: refused before the engine runs",
    args: ["up", "--inventory", file, "--stack", "clock"],
    yaml: validInventory,
    env: { SALESFORCE_CERTS_NOW: "9999-06-01T00:00:00Z" },
    exit: 2,
    stderr: [
      `error: SALESFORCE_CERTS_NOW must be from 1950-01-01T00:00:00Z to 9899-12-31T23:59:59Z: certificates write dates from 1950 to 9999 (X.509 UTCTime and GeneralizedTime), and dates are derived from this clock up to 36500 days later (got "9999-06-01T00:00:00Z")`,
    ],
  },
  {
    title: "SALESFORCE_CERTS_NOW before 1950 by its zone offset",
    args: ["preview", "--inventory", file, "--stack", "clock"],
    yaml: validInventory,
    env: { SALESFORCE_CERTS_NOW: "1950-01-01T00:30:00+01:00" },
    exit: 2,
    stderr: [
      `error: SALESFORCE_CERTS_NOW must be from 1950-01-01T00:00:00Z to 9899-12-31T23:59:59Z: certificates write dates from 1950 to 9999 (X.509 UTCTime and GeneralizedTime), and dates are derived from this clock up to 36500 days later (got "1950-01-01T00:30:00+01:00")`,
    ],
  },
  // ---- the stack: passphrase, state folder, checkpoint
  // An empty passphrase (a CI variable that expanded to nothing) is refused like a missing one, before the engine runs.
  {
    title: "up with PULUMI_CONFIG_PASSPHRASE empty",
    args: ["up", "--stack", "acme"],
    env: { PULUMI_CONFIG_PASSPHRASE: "" },
    exit: 2,
    stderr: [emptyPassphrase("acme")],
  },
  {
    title: "up with PULUMI_CONFIG_PASSPHRASE of spaces only",
    args: ["up", "--stack", "acme"],
    env: { PULUMI_CONFIG_PASSPHRASE: "   " },
    exit: 2,
    stderr: [emptyPassphrase("acme")],
  },
  {
    title: "the demo stack with PULUMI_CONFIG_PASSPHRASE empty",
    args: ["up"],
    env: { PULUMI_CONFIG_PASSPHRASE: "" },
    exit: 2,
    stderr: [emptyPassphrase("demo")],
  },
  {
    title: "an empty PULUMI_CONFIG_PASSPHRASE shadows a good passphrase file",
    args: ["preview", "--stack", "acme"],
    files: { "passphrase.txt": "good passphrase\n" },
    env: { PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: "passphrase.txt" },
    exit: 2,
    stderr: [emptyPassphrase("acme")],
  },
  {
    title: "an empty passphrase file",
    args: ["up", "--stack", "acme"],
    files: { "passphrase.txt": "" },
    env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: "passphrase.txt" },
    exit: 2,
    stderr: [
      passphraseFile(
        "acme",
        "passphrase.txt",
        "which is empty or blank: write the stack's passphrase into it (or set PULUMI_CONFIG_PASSPHRASE)",
      ),
    ],
  },
  {
    title: "a passphrase file holding a line break only",
    args: ["destroy", "--stack", "acme"],
    files: { "passphrase.txt": "\r\n" },
    env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: "passphrase.txt" },
    exit: 2,
    stderr: [
      passphraseFile(
        "acme",
        "passphrase.txt",
        "which is empty or blank: write the stack's passphrase into it (or set PULUMI_CONFIG_PASSPHRASE)",
      ),
    ],
  },
  {
    title: "PULUMI_CONFIG_PASSPHRASE_FILE empty",
    args: ["up", "--stack", "acme"],
    env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: "" },
    exit: 2,
    stderr: [
      "error: stack 'acme' needs a passphrase for its secrets: PULUMI_CONFIG_PASSPHRASE_FILE is empty or blank: set it to the file that holds the stack's passphrase (or set PULUMI_CONFIG_PASSPHRASE)",
    ],
  },
  {
    title: "a passphrase file that does not exist",
    args: ["up", "--stack", "acme"],
    env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: "nowhere.txt" },
    exit: 2,
    stderr: [passphraseFile("acme", "nowhere.txt", "which cannot be read (no such file)")],
  },
  {
    title: "a passphrase file that is a device",
    args: ["up", "--stack", "acme"],
    env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: "/dev/zero" },
    exit: 2,
    stderr: [passphraseFile("acme", "/dev/zero", "which cannot be read (it is not a regular file)")],
  },
  {
    title: "no passphrase at all for a stack other than demo",
    args: ["up", "--stack", "acme"],
    env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: undefined },
    exit: 2,
    stderr: [
      "error: stack 'acme' needs a passphrase for its secrets: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE (only the 'demo' stack uses the published demo passphrase)",
    ],
  },
  {
    title: "check of a stack with PULUMI_CONFIG_PASSPHRASE empty: could not look",
    args: ["check", "--within", "30", "--stack", "acme"],
    env: { PULUMI_CONFIG_PASSPHRASE: "" },
    exit: 2,
    stderr: [emptyPassphrase("acme")],
  },
  {
    title: "report of a stack with an empty passphrase file: could not look",
    args: ["report", "--stack", "acme"],
    files: { "passphrase.txt": "" },
    env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: "passphrase.txt" },
    exit: 2,
    stderr: [
      passphraseFile(
        "acme",
        "passphrase.txt",
        "which is empty or blank: write the stack's passphrase into it (or set PULUMI_CONFIG_PASSPHRASE)",
      ),
    ],
  },
  {
    title: "export-sfdx of a stack with PULUMI_CONFIG_PASSPHRASE empty: could not look",
    args: ["export-sfdx", "--out", "out", "--stack", "acme"],
    env: { PULUMI_CONFIG_PASSPHRASE: "" },
    exit: 2,
    stderr: [emptyPassphrase("acme")],
  },
  // The state folder is checked before the engine runs (and before anything is written): one line, exit 2.
  {
    title: "up --state at a file",
    args: ["up", "--state", "state"],
    files: { state: "not a folder\n" },
    exit: 2,
    stderr: [stateIsAFile()],
  },
  {
    title: "destroy --state at a file",
    args: ["destroy", "--state", "state"],
    files: { state: "not a folder\n" },
    exit: 2,
    stderr: [stateIsAFile()],
  },
  {
    title: "outputs --state at a file",
    args: ["outputs", "--state", "state"],
    files: { state: "not a folder\n" },
    exit: 2,
    stderr: [stateIsAFile()],
  },
  {
    title: "check --state at a file: could not look",
    args: ["check", "--within", "30", "--state", "state"],
    files: { state: "not a folder\n" },
    exit: 2,
    stderr: [stateIsAFile()],
  },
  {
    title: "report --state at a file: could not look",
    args: ["report", "--state", "state"],
    files: { state: "not a folder\n" },
    exit: 2,
    stderr: [stateIsAFile()],
  },
  {
    title: "export-sfdx --state at a file: could not look",
    args: ["export-sfdx", "--out", "out", "--state", "state"],
    files: { state: "not a folder\n" },
    exit: 2,
    stderr: [stateIsAFile()],
  },
  {
    title: "up --state inside a file",
    args: ["up", "--state", "state/inner"],
    files: { state: "not a folder\n" },
    exit: 2,
    stderr: ["error: state folder state/inner: cannot be reached (a folder on its path is a file)"],
  },
];

/** The refusal of `--state state` where `state` is a file (engine and state rows). */
function stateIsAFile(): string {
  return "error: state folder state: is a file, not a folder: --state names the folder that holds the stack's state (the .pulumi folder inside it)";
}

/** The refusal of an empty or blank PULUMI_CONFIG_PASSPHRASE (engine and state rows). */
function emptyPassphrase(stack: string): string {
  return `error: stack '${stack}' needs a passphrase for its secrets: PULUMI_CONFIG_PASSPHRASE is empty or blank (a variable that expanded to nothing?), which protects no key: set it to the stack's passphrase (or unset it and set PULUMI_CONFIG_PASSPHRASE_FILE)`;
}

/** The refusal of a PULUMI_CONFIG_PASSPHRASE_FILE that gives no passphrase (engine and state rows). */
function passphraseFile(stack: string, file: string, problem: string): string {
  return `error: stack '${stack}' needs a passphrase for its secrets: PULUMI_CONFIG_PASSPHRASE_FILE names ${file}, ${problem}`;
}

/** Spawned CLIs at once: the machine is shared. */
const parallel = 4;
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= parallel) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function runCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return slot(
    () =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          [path.join(repoRoot, "build", "provider", "cli", "main.js"), ...args],
          { cwd, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
            resolve({ code, stdout: String(stdout), stderr: String(stderr) });
          },
        );
      }),
  );
}

test("the catalogue has at least 90 rows, each title once", (t) => {
  t.true(rows.length >= 90, `${rows.length} rows`);
  t.is(new Set(rows.map((r) => r.title)).size, rows.length);
});

for (const row of rows) {
  test(`bad input: ${row.title}`, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-catalogue-"));
    try {
      if (row.yaml !== undefined) fs.writeFileSync(path.join(dir, file), row.yaml);
      for (const [name, content] of Object.entries(row.files ?? {})) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), content);
      }
      // Node has no mkfifo: the coreutils command makes it.
      for (const name of row.fifos ?? []) execFileSync("mkfifo", [path.join(dir, name)]);
      const env: NodeJS.ProcessEnv = { ...process.env, ...row.env };
      if (!row.env?.["SALESFORCE_CERTS_NOW"]) env["SALESFORCE_CERTS_NOW"] = testInstant;
      for (const [name, value] of Object.entries(row.env ?? {})) if (value === undefined) delete env[name];
      const result = await runCli(row.args, dir, env);
      const stderrLines = result.stderr.split("\n").filter((line, i, all) => line !== "" || i < all.length - 1);
      if (Array.isArray(row.stderr)) t.deepEqual(stderrLines, row.stderr, `stdout: ${result.stdout}`);
      else t.true(stderrLines.includes(row.stderr.line), `stderr: ${result.stderr}`);
      if (row.stdoutLine !== undefined)
        t.true(result.stdout.split("\n").includes(row.stdoutLine), `stdout: ${result.stdout}`);
      t.is(result.code, row.exit, `stderr: ${result.stderr}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
