/**
 * Every URL field is held to one rule (canonicalUrl): the text must be exactly its canonical form, so what
 * is checked is what is used; no credentials, and none shown. Each field is checked through its own
 * resource's rules (or the org connection's), with the values the URL parser would quietly repair.
 */
import test from "ava";
import type { ValidationError } from "../../../provider/errors";
import { generateRsaKeyPair } from "../../../provider/crypto/rsa-key-pair";
import { parseOrgConnection } from "../../../provider/org/org-config";
import { checkJwtIntegrationArgs } from "../../../provider/jwt-integration/args";
import { checkSamlSpBindingArgs } from "../../../provider/saml-binding/args";
import { canonicalUrl, shown } from "../../../provider/validate/rules";
import { goodJwtArguments, goodSamlArguments } from "../../helpers/check-arguments";

/** The issue (path: message) a URL field's value gives, or undefined when it passes. */
type FieldCheck = (value: string) => string | undefined;

const issueOf = (result: { ok: true } | { ok: false; issues: { path: string; message: string }[] }, path: string) =>
  result.ok ? undefined : result.issues.find((i) => i.path === path)?.message;

/** A real key made at run time: the org connection parses it, and no key text sits in the source. */
const orgKey = generateRsaKeyPair(2048).privateKeyPem;

const orgIssue =
  (field: string): FieldCheck =>
  (value) => {
    try {
      parseOrgConnection(
        {
          loginUrl: "https://greenmoor.my.salesforce.com",
          username: "deploy@greenmoor.example",
          consumerKey: "3MVG9greenmoorKey",
          [field]: value,
        },
        orgKey,
      );
      return undefined;
    } catch (error) {
      const line = (error as ValidationError).message
        .split("\n")
        .find((l) => l.startsWith(` - salesforce-certs:org.${field}: `));
      return line?.slice(` - salesforce-certs:org.${field}: `.length);
    }
  };

/** Every URL field, with a valid value of its kind (bare origin, or a URL with a path). */
const fields: { name: string; check: FieldCheck; origin: string; withPath?: string }[] = [
  {
    name: "JwtIntegration.audience",
    check: (v) => issueOf(checkJwtIntegrationArgs({ ...goodJwtArguments, audience: v }, "KeyKeyKeyKey"), "audience"),
    origin: "https://login.salesforce.com",
    withPath: "https://acme.my.site.com/partners",
  },
  {
    name: "JwtIntegration.loginUrl",
    check: (v) => issueOf(checkJwtIntegrationArgs({ ...goodJwtArguments, loginUrl: v }, "KeyKeyKeyKey"), "loginUrl"),
    origin: "https://test.salesforce.com",
    withPath: "https://acme.my.site.com/partners/",
  },
  {
    name: "SamlSpBinding.acsUrl",
    check: (v) => issueOf(checkSamlSpBindingArgs({ ...goodSamlArguments, acsUrl: v }), "acsUrl"),
    origin: "https://portal.example",
    withPath: "https://portal.example/saml/acs?tenant=7",
  },
  {
    name: "SamlSpBinding.singleLogoutUrl",
    check: (v) => issueOf(checkSamlSpBindingArgs({ ...goodSamlArguments, singleLogoutUrl: v }), "singleLogoutUrl"),
    origin: "https://portal.example/",
    withPath: "https://portal.example/saml/slo",
  },
  {
    name: "SamlSpBinding.spEntityId",
    check: (v) => issueOf(checkSamlSpBindingArgs({ ...goodSamlArguments, spEntityId: v }), "spEntityId"),
    origin: "http://www.partner.example",
    withPath: "https://portal.example/saml/metadata",
  },
  {
    name: "SamlSpBinding.myDomainUrl",
    check: (v) => issueOf(checkSamlSpBindingArgs({ ...goodSamlArguments, myDomainUrl: v }), "myDomainUrl"),
    origin: "https://greenmoor.my.salesforce.com",
  },
  {
    name: "salesforce-certs:org.loginUrl",
    check: orgIssue("loginUrl"),
    origin: "https://greenmoor--uat.sandbox.my.salesforce.com/",
  },
  { name: "salesforce-certs:org.audience", check: orgIssue("audience"), origin: "https://test.salesforce.com" },
];

const blank = (code: string, name: string, at: number, got: string) =>
  `must not hold spaces, tabs, line breaks or other control characters, not even at either end: ${code} (${name}) at character ${at} (got ${shown(got)})`;
const canonicalForm = (canonical: string, got: string) =>
  `must be written in its canonical form ${shown(canonical)}: host in lower case, no default port, no . or .. segments, characters a URL cannot hold percent-encoded (got ${shown(got)})`;
const credentials =
  "must not hold a user name or password (user:pass@): a URL here ends up in metadata, outputs and logs (the value is not shown)";

for (const field of fields) {
  test(`${field.name}: only the canonical text of a URL passes`, (t) => {
    const origin = field.origin.replace(/\/$/, "");
    t.is(field.check(origin), undefined, "a bare origin");
    t.is(field.check(`${origin}/`), undefined, "a bare origin with its /");
    if (field.withPath) t.is(field.check(field.withPath), undefined, "a URL with a path");
    t.is(field.check(` ${origin}`), blank("U+0020", "a space", 1, ` ${origin}`));
    t.is(field.check(`${origin} `), blank("U+0020", "a space", origin.length + 1, `${origin} `));
    t.is(field.check(`${origin}\n`), blank("U+000A", "a line feed", origin.length + 1, `${origin}\n`));
    t.is(field.check(`\t${origin}`), blank("U+0009", "a tab", 1, `\t${origin}`));
    t.is(field.check(`${origin}\r\n`), blank("U+000D", "a carriage return", origin.length + 1, `${origin}\r\n`));
    t.is(
      field.check(`${origin}\u00a0`),
      `must not hold spaces, tabs, line breaks or other control characters, not even at either end: U+00A0 at character ${origin.length + 1} (got ${shown(`${origin}\u00a0`)})`,
    );
    const host = new URL(origin).host;
    const withCredentials = origin.replace("//", "//ops:hunter2@");
    t.is(field.check(withCredentials), credentials);
    t.is(field.check(origin.replace("//", "//ops@")), credentials);
    t.is(
      field.check(origin.replace(host, host.toUpperCase())),
      canonicalForm(origin, origin.replace(host, host.toUpperCase())),
    );
    const defaultPort = `${origin}:${origin.startsWith("https") ? 443 : 80}`;
    t.is(field.check(defaultPort), canonicalForm(origin, defaultPort));
    t.is(field.check(`${origin}?`), canonicalForm(origin, `${origin}?`));
    if (field.withPath) {
      t.is(field.check(`${origin}/a/../saml`), canonicalForm(`${origin}/saml`, `${origin}/a/../saml`));
      t.is(field.check(`${origin}/$\`id\``), canonicalForm(`${origin}/$%60id%60`, `${origin}/$\`id\``));
    }
  });
}

test("no message shows the credentials of a URL, whatever else is wrong with it", (t) => {
  const rule = canonicalUrl({
    schemes: "https",
    notUrl: "must be a URL",
    scheme: "must be https",
    shape: { only: "origin", message: "must be an origin" },
  });
  for (const value of [
    "ftp://ops:hunter2@x.example",
    "https://ops:hunter2@x.example/path",
    " https://ops:hunter2@x.example",
    "https://ops:hunter2@x.example:99999",
    "https:\\\\ops:hunter2@x.example\t",
  ]) {
    const message = rule(value)!;
    t.truthy(message, value);
    t.false(message.includes("hunter2"), message);
    t.false(message.includes("ops:"), message);
  }
  t.is(rule("ftp://ops:hunter2@x.example"), credentials);
  t.is(rule(" https://ops:hunter2@x.example"), blank("U+0020", "a space", 1, " https://…@x.example"));
});

test("an org login URL keeps its own messages for scheme and shape", (t) => {
  const check = orgIssue("loginUrl");
  t.is(
    check("http://login.salesforce.com"),
    'must use https (plain http only for a loopback stand-in) (got "http://login.salesforce.com")',
  );
  t.is(check("http://127.0.0.1:4321"), undefined);
  t.is(
    check("https://login.salesforce.com/services"),
    'must be an origin only, with no path, query or credentials, such as https://login.salesforce.com (got "https://login.salesforce.com/services")',
  );
});
