/**
 * Characters XML 1.0 forbids (controls other than tab, line feed and carriage return; lone surrogates;
 * U+FFFE, U+FFFF) are refused by every resource's check(), with the path and the rule: metadata rendered
 * from them is not XML, as xmllint shows.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { certificateAndKeyPairProvider, jwtIntegrationProvider, samlSpBindingProvider } from "../../../provider";
import { externalClientApplicationFile } from "../../../provider/salesforce/oauth-apps";
import { forbiddenXmlCharacter, xmlText } from "../../../provider/validate/rules";
import { goodJwtArguments, goodSamlArguments } from "../../helpers/check-arguments";

const rule = (code: string, kind: string, at: number, got: string) =>
  `must not contain ${code} (${kind}) at character ${at}: Salesforce metadata is XML 1.0, which forbids it (got ${got})`;

test("xmlText names the first forbidden character, its kind and where it is", (t) => {
  t.is(xmlText("a\x00b"), rule("U+0000", "a control character", 2, '"a\\u0000b"'));
  t.is(xmlText("\x1fx"), rule("U+001F", "a control character", 1, '"\\u001fx"'));
  t.is(xmlText("ab\x0b"), rule("U+000B", "a control character", 3, '"ab\\u000b"'));
  t.is(xmlText("x\x0c"), rule("U+000C", "a control character", 2, '"x\\f"'));
  t.is(xmlText("x\ud800y"), rule("U+D800", "a lone surrogate", 2, '"x\\ud800y"'));
  t.is(xmlText("x\udc00"), rule("U+DC00", "a lone surrogate", 2, '"x\\udc00"'));
  t.is(xmlText("\ufffe"), rule("U+FFFE", "a noncharacter", 1, '"\ufffe"'));
  t.is(xmlText("\uffff"), rule("U+FFFF", "a noncharacter", 1, '"\uffff"'));
  for (const fine of [
    "tab\there",
    "line\nfeed",
    "carriage\rreturn",
    "emoji 🚀 (a surrogate pair)",
    "Zürich & <Co>",
    "",
  ])
    t.is(xmlText(fine), undefined, JSON.stringify(fine));
  t.is(xmlText(42), undefined);
  // Every character from U+0000 to U+001F but tab, line feed and carriage return.
  const controls = Array.from({ length: 32 }, (_, c) => c).filter(
    (c) => forbiddenXmlCharacter(String.fromCharCode(c)) !== undefined,
  );
  t.deepEqual(
    controls,
    Array.from({ length: 32 }, (_, c) => c).filter((c) => c !== 9 && c !== 10 && c !== 13),
  );
});

const jwt = goodJwtArguments;
const saml = goodSamlArguments;
const checkJwt = (news: Record<string, unknown>) =>
  jwtIntegrationProvider.check!({} as never, { ...jwt, ...news } as never);
const checkSaml = (news: Record<string, unknown>) =>
  samlSpBindingProvider.check!({} as never, { ...saml, ...news } as never);
const checkCertificate = (news: Record<string, unknown>) =>
  certificateAndKeyPairProvider.check!({} as never, { uniqueName: "Idp", label: "IdP", ...news } as never);

test("JwtIntegration check() refuses forbidden characters in every text field, by path, once", async (t) => {
  t.deepEqual((await checkJwt({ label: "CI\x07" })).failures, [
    { property: "label", reason: rule("U+0007", "a control character", 3, '"CI\\u0007"') },
  ]);
  // The e-mail rule alone would let a control character through.
  t.deepEqual((await checkJwt({ contactEmail: "ops\x01@greenmoor.example" })).failures, [
    { property: "contactEmail", reason: rule("U+0001", "a control character", 4, '"ops\\u0001@greenmoor.example"') },
  ]);
  // The username rule would also refuse it: only the character is reported.
  t.deepEqual((await checkJwt({ username: "ci\x00@greenmoor.example" })).failures, [
    { property: "username", reason: rule("U+0000", "a control character", 3, '"ci\\u0000@greenmoor.example"') },
  ]);
  t.deepEqual((await checkJwt({ preAuthorized: { permissionSets: ["CI", "De\ud800"] } })).failures, [
    { property: "preAuthorized.permissionSets[1]", reason: rule("U+D800", "a lone surrogate", 3, '"De\\ud800"') },
  ]);
});

test("SamlSpBinding check() refuses forbidden characters in every text field, by path", async (t) => {
  t.deepEqual((await checkSaml({ label: "Portal\x1b" })).failures, [
    { property: "label", reason: rule("U+001B", "a control character", 7, '"Portal\\u001b"') },
  ]);
  t.deepEqual((await checkSaml({ spEntityId: "urn:partner:\x0b" })).failures, [
    { property: "spEntityId", reason: rule("U+000B", "a control character", 13, '"urn:partner:\\u000b"') },
  ]);
  t.deepEqual((await checkSaml({ preAuthorized: { profiles: ["Std\uffff"] } })).failures, [
    { property: "preAuthorized.profiles[0]", reason: rule("U+FFFF", "a noncharacter", 4, '"Std\uffff"') },
  ]);
  t.deepEqual((await checkSaml({ subjectType: "CustomAttribute", subjectCustomAttribute: "Fed\x02Id" })).failures, [
    { property: "subjectCustomAttribute", reason: rule("U+0002", "a control character", 4, '"Fed\\u0002Id"') },
  ]);
});

test("CertificateAndKeyPair check() refuses forbidden characters in the label and the subject", async (t) => {
  t.deepEqual((await checkCertificate({ label: "IdP\x08" })).failures, [
    { property: "label", reason: rule("U+0008", "a control character", 4, '"IdP\\b"') },
  ]);
  t.deepEqual((await checkCertificate({ subject: { company: "Acme\x10" } })).failures, [
    { property: "subject.company", reason: rule("U+0010", "a control character", 5, '"Acme\\u0010"') },
  ]);
  // A keystore password is a secret: never echoed, and not metadata text.
  t.deepEqual((await checkCertificate({ keystorePassword: "pass\x07word" })).failures, undefined);
});

/** xmllint's verdict on each file: true when it parses. */
function xmllintParses(files: Record<string, string>): boolean[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-xml-"));
  try {
    return Object.values(files).map((content, i) => {
      const file = path.join(dir, `${i}.xml`);
      fs.writeFileSync(file, content);
      return spawnSync("xmllint", ["--noout", file], { encoding: "utf8" }).status === 0;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("metadata rendered from a label that check() now refuses is not XML (xmllint rejects it); a clean label's is", async (t) => {
  const app = (label: string) =>
    externalClientApplicationFile({
      name: "Greenmoor_CI",
      label,
      contactEmail: "platform@greenmoor.example",
      description: "CI",
    });
  t.deepEqual(xmllintParses(app("Greenmoor CI & <friends>\ttabbed")), [true]);
  for (const label of ["CI\x07", "CI\x00", "CI\x1f", "CI\ufffe"]) {
    t.deepEqual(xmllintParses(app(label)), [false], JSON.stringify(label));
    const { failures } = await checkJwt({ label });
    t.is(failures?.[0]?.property, "label", JSON.stringify(label));
  }
});
