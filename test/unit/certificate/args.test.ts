/**
 * CertificateAndKeyPair's check(): defaults, one failure per broken rule naming the field, and the time
 * rules of a CA-signed chain (judged by the provider clock).
 */
import test from "ava";
import { certificateAndKeyPairProvider } from "../../../provider";
import { generateRsaKeyPair } from "../../../provider/crypto/rsa-key-pair";
import { buildSelfSignedCertificate } from "../../../provider/crypto/self-signed-certificate";
import { checkCertificateArgs, keystorePasswordEnvIssues } from "../../../provider/certificate/args";

const check = (news: Record<string, unknown>) => certificateAndKeyPairProvider.check!({} as never, news as never);

test("check fills in Salesforce's defaults", async (t) => {
  t.deepEqual(await check({ uniqueName: "Partner_SSO", label: "Partner SSO", __provider: "x" }), {
    inputs: {
      uniqueName: "Partner_SSO",
      custody: "provider",
      label: "Partner SSO",
      keySize: 2048,
      validityDays: 365,
      subject: { commonName: "Partner_SSO" },
      caSigned: false,
      privateKeyExportable: true,
      overlapDays: 7,
      renewal: { percentOfLifetime: 80 },
    },
  });
  const big = await check({ uniqueName: "Big", label: "Big", keySize: 4096 });
  t.is((big.inputs as { validityDays: number }).validityDays, 730);
});

const cases: [string, Record<string, unknown>, { property: string; reason: string }][] = [
  [
    "unique name with a double underscore",
    { uniqueName: "Bad__Name" },
    { property: "uniqueName", reason: 'must not contain two underscores in a row (got "Bad__Name")' },
  ],
  [
    "unique name ending in an underscore",
    { uniqueName: "Bad_" },
    { property: "uniqueName", reason: 'must not end with an underscore (got "Bad_")' },
  ],
  [
    "unique name starting with a digit",
    { uniqueName: "1Cert" },
    { property: "uniqueName", reason: 'must start with a letter (got "1Cert")' },
  ],
  [
    "unique name with a hyphen",
    { uniqueName: "My-Cert" },
    { property: "uniqueName", reason: 'may contain only letters, digits and underscores (got "My-Cert")' },
  ],
  ["missing label", { label: undefined }, { property: "label", reason: "is required" }],
  [
    "label of 65 characters",
    { label: "x".repeat(65) },
    { property: "label", reason: "must be at most 64 characters (got 65)" },
  ],
  ["key size 1024", { keySize: 1024 }, { property: "keySize", reason: "must be one of 2048, 4096 (got 1024)" }],
  [
    "validity 0",
    { validityDays: 0 },
    { property: "validityDays", reason: "must be a whole number from 1 to 3650 (got 0)" },
  ],
  [
    "fractional validity",
    { validityDays: 1.5 },
    { property: "validityDays", reason: "must be a whole number from 1 to 3650 (got 1.5)" },
  ],
  [
    "three-letter country",
    { subject: { country: "USA" } },
    { property: "subject.country", reason: 'must be a two-letter ISO 3166 country code such as US or DE (got "USA")' },
  ],
  [
    "bad e-mail",
    { subject: { email: "ops" } },
    { property: "subject.email", reason: 'must be an e-mail address like name@example.com (got "ops")' },
  ],
  [
    "non-ASCII e-mail (X.509 writes it as an IA5String)",
    { subject: { email: "zoë@söns.example" } },
    {
      property: "subject.email",
      reason:
        'must be ASCII: X.509 writes emailAddress as an IA5String, which cannot hold other characters (got "zoë@söns.example")',
    },
  ],
  [
    "a lone surrogate in the company (no UTF-8 form)",
    { subject: { company: "Söns \ud800" } },
    {
      property: "subject.company",
      reason:
        'must not contain U+D800 (a lone surrogate) at character 6: Salesforce metadata is XML 1.0, which forbids it (got "Söns \\ud800")',
    },
  ],
  [
    "long common name",
    { subject: { commonName: "c".repeat(65) } },
    { property: "subject.commonName", reason: "must be at most 64 characters (got 65)" },
  ],
  [
    "unknown subject field",
    { subject: { organisation: "x" } },
    {
      property: "subject.organisation",
      reason: "is not a subject field (known: commonName, email, company, department, city, state, country)",
    },
  ],
  [
    "unknown argument",
    { keysize: 4096 },
    {
      property: "keysize",
      reason:
        "is not a CertificateAndKeyPair argument (known: uniqueName, custody, label, keySize, validityDays, caSigned, privateKeyExportable, overlapDays, rotationTrigger, keystorePassword, signedChainPem, subject, renewal, adopt)",
    },
  ],
  [
    "an unknown custody",
    { custody: "hsm" },
    { property: "custody", reason: 'must be one of provider, org (got "hsm")' },
  ],
  [
    "a subject for a certificate the org generates",
    { custody: "org", subject: { company: "Acme" } },
    {
      property: "subject",
      reason:
        "cannot be set with custody: org: Salesforce writes the subject of a certificate it generates (CN=SelfSignedCert_<date>_<time>, O=Salesforce.com, …); remove subject, or use custody: provider",
    },
  ],
  [
    "a validity for a certificate the org generates",
    { custody: "org", validityDays: 200 },
    {
      property: "validityDays",
      reason:
        "cannot be set with custody: org: Salesforce sets the validity of a certificate it generates (1 year at 2048 bits, 2 at 4096); remove validityDays, or use custody: provider",
    },
  ],
  [
    "a keystore for a key the org keeps",
    { custody: "org", keystorePassword: "changeit" },
    {
      property: "keystorePassword",
      reason:
        "cannot be set with custody: org: the org keeps the private key: no keystore can hold it; remove keystorePassword, or use custody: provider",
    },
  ],
  [
    "custody org without an org connection",
    { custody: "org" },
    {
      property: "custody",
      reason:
        "custody: org needs an org connection: set salesforce-certs:org (loginUrl, username, consumerKey) and the secret salesforce-certs:orgPrivateKey (README: Connect an org)",
    },
  ],
  [
    "a renewal window as long as the validity",
    { validityDays: 30, renewal: { daysBeforeExpiry: 30 } },
    {
      property: "renewal.daysBeforeExpiry",
      reason:
        "must be less than validityDays (30): a renewal window as long as the validity would rotate on every run (got 30)",
    },
  ],
  [
    "a renewal percentage of 100",
    { renewal: { percentOfLifetime: 100 } },
    { property: "renewal.percentOfLifetime", reason: "must be a number from 1 to 99 (got 100)" },
  ],
  [
    "an unknown renewal field",
    { renewal: { hoursBeforeExpiry: 5 } },
    {
      property: "renewal.hoursBeforeExpiry",
      reason: "is not a renewal field (known: daysBeforeExpiry, percentOfLifetime)",
    },
  ],
  [
    "a negative overlap",
    { overlapDays: -1 },
    { property: "overlapDays", reason: "must be a whole number from 0 to 365 (got -1)" },
  ],
  [
    "a short keystore password",
    { keystorePassword: "12345" },
    { property: "keystorePassword", reason: "must be at least 6 characters" },
  ],
  [
    "a keystore for a key that is not exportable",
    { keystorePassword: "changeit", privateKeyExportable: false },
    {
      property: "keystorePassword",
      reason: "needs privateKeyExportable: true (a key that is not exportable goes into no keystore)",
    },
  ],
  [
    "a chain on a self-signed certificate",
    { signedChainPem: "x" },
    { property: "signedChainPem", reason: "is only for CA-signed certificates: set caSigned: true" },
  ],
  [
    "a chain that holds no certificate",
    { caSigned: true, signedChainPem: "hello" },
    { property: "signedChainPem", reason: "holds no PEM certificate (-----BEGIN CERTIFICATE-----)" },
  ],
  ["an empty rotation trigger", { rotationTrigger: "" }, { property: "rotationTrigger", reason: "must not be empty" }],
];

test("custody org takes caSigned and signedChainPem (the org makes the CSR, the chain is uploaded to it), still not a subject", (t) => {
  const signed = checkCertificateArgs({
    uniqueName: "Org_Mtls",
    label: "Org mTLS",
    custody: "org",
    caSigned: true,
    signedChainPem: leafPem,
  });
  t.like(signed, { ok: true, inputs: { custody: "org", caSigned: true, signedChainPem: leafPem }, warnings: [] });
  t.like(
    checkCertificateArgs({
      uniqueName: "Org_Mtls",
      label: "Org mTLS",
      custody: "org",
      caSigned: true,
      subject: { company: "Acme" },
    }),
    {
      ok: false,
      issues: [
        {
          path: "subject",
          message:
            "cannot be set with custody: org: Salesforce writes the subject of a certificate it generates (CN=SelfSignedCert_<date>_<time>, O=Salesforce.com, …); remove subject, or use custody: provider",
        },
      ],
    },
  );
});

test("check keeps the keystore password out of its messages", async (t) => {
  const result = await check({ uniqueName: "Good_Name", label: "Good", keystorePassword: "abc" });
  t.false(JSON.stringify(result).includes("abc"));
});

test("both renewal rules may be given", async (t) => {
  const result = await check({
    uniqueName: "Good_Name",
    label: "Good",
    renewal: { daysBeforeExpiry: 30, percentOfLifetime: 90 },
  });
  t.deepEqual((result.inputs as { renewal: unknown }).renewal, { percentOfLifetime: 90, daysBeforeExpiry: 30 });
});

for (const [title, change, failure] of cases) {
  test(`check rejects ${title}`, async (t) => {
    const result = await check({ uniqueName: "Good_Name", label: "Good", ...change });
    t.deepEqual(result, { failures: [failure] });
  });
}

test("check reports every problem at once", async (t) => {
  const result = await check({ uniqueName: "_x", label: "", keySize: 1, validityDays: -1 });
  t.deepEqual(
    result.failures?.map((f) => f.property),
    ["uniqueName", "label", "keySize", "validityDays"],
  );
});

// A CA-signed chain's leaf, valid through 2026: its window is what the time rules judge.
const leafPem = buildSelfSignedCertificate({
  keyPair: generateRsaKeyPair(2048),
  subject: { commonName: "leaf" },
  notBefore: new Date("2026-01-01T00:00:00Z"),
  notAfter: new Date("2027-01-01T00:00:00Z"),
});
const chained = { uniqueName: "Chained", label: "Chained", caSigned: true, signedChainPem: leafPem };

test("a new chain whose leaf has expired is refused, naming the date and what to do", (t) => {
  t.deepEqual(checkCertificateArgs(chained, { now: new Date("2027-01-01T00:00:01Z") }), {
    ok: false,
    issues: [
      {
        path: "signedChainPem",
        message:
          "holds a leaf certificate that expired at 2027-01-01T00:00:00.000Z (now is 2027-01-01T00:00:01.000Z): have the CA sign the CSR in output csrPem and give that chain, leaf first",
      },
    ],
  });
  // Valid through its last second.
  const lastSecond = checkCertificateArgs(chained, { now: new Date("2027-01-01T00:00:00Z") });
  t.true(lastSecond.ok && lastSecond.warnings.length === 0);
});

test("the chain already given expiring is not a bad input (rotation handles it), nor is any chain without a clock", (t) => {
  const later = new Date("2028-01-01T00:00:00Z");
  t.like(checkCertificateArgs(chained, { now: later, previousChainPem: leafPem }), { ok: true, warnings: [] });
  t.like(checkCertificateArgs(chained), { ok: true, warnings: [] });
});

test("a chain whose leaf is not valid yet is accepted with a warning naming the date", (t) => {
  t.like(checkCertificateArgs(chained, { now: new Date("2025-12-31T23:59:59Z") }), {
    ok: true,
    warnings: [
      {
        path: "signedChainPem",
        message:
          "holds a leaf certificate that is not valid before 2026-01-01T00:00:00.000Z (now is 2025-12-31T23:59:59.000Z); it is adopted, but Salesforce and partners refuse it until then",
      },
    ],
  });
  t.like(checkCertificateArgs(chained, { now: new Date("2026-01-01T00:00:00Z") }), { ok: true, warnings: [] });
});

test.serial(
  "check judges a new chain by the provider clock (SALESFORCE_CERTS_NOW): expired is a failure, not yet valid a printed warning",
  async (t) => {
    const printed: string[] = [];
    const original = { log: console.log, now: process.env["SALESFORCE_CERTS_NOW"] };
    console.log = (...args: unknown[]) => void printed.push(args.join(" "));
    try {
      process.env["SALESFORCE_CERTS_NOW"] = "2027-06-01T00:00:00Z";
      t.deepEqual(await check(chained), {
        failures: [
          {
            property: "signedChainPem",
            reason:
              "holds a leaf certificate that expired at 2027-01-01T00:00:00.000Z (now is 2027-06-01T00:00:00.000Z): have the CA sign the CSR in output csrPem and give that chain, leaf first",
          },
        ],
      });
      // The same chain in the old inputs: already the resource's, so its expiry is left to rotation.
      t.truthy((await certificateAndKeyPairProvider.check!({ ...chained } as never, chained as never)).inputs);
      process.env["SALESFORCE_CERTS_NOW"] = "2025-06-01T00:00:00Z";
      t.truthy((await check(chained)).inputs);
    } finally {
      console.log = original.log;
      if (original.now === undefined) delete process.env["SALESFORCE_CERTS_NOW"];
      else process.env["SALESFORCE_CERTS_NOW"] = original.now;
    }
    t.deepEqual(printed, [
      "warning: CertificateAndKeyPair Chained: signedChainPem holds a leaf certificate that is not valid before 2026-01-01T00:00:00.000Z (now is 2025-06-01T00:00:00.000Z); it is adopted, but Salesforce and partners refuse it until then",
    ]);
  },
);

test("an inventory's keystorePasswordEnv is a variable's name, for a key a keystore can hold, and is never shown", (t) => {
  const notAName =
    "must be the name of an environment variable (letters, digits and underscores, not starting with a digit, such as ACME_KEYSTORE_PASSWORD), never the password itself; the value is not shown";
  t.deepEqual(keystorePasswordEnvIssues(undefined, {}), []);
  for (const name of ["IDP_KEYSTORE_PASSWORD", "_x", "a1"]) t.deepEqual(keystorePasswordEnvIssues(name, {}), [], name);
  for (const value of ["Tr0ub4dor&3", "1PASSWORD", "MY-PASSWORD", "PASS WORD", "", "ÄRGER", 123456, null]) {
    const issues = keystorePasswordEnvIssues(value, {});
    t.deepEqual(issues, [notAName], String(value));
    if (typeof value === "string" && value !== "") t.false(issues.join().includes(value));
  }
  t.deepEqual(keystorePasswordEnvIssues("IDP_KEYSTORE_PASSWORD", { privateKeyExportable: false }), [
    "needs privateKeyExportable: true (a key that is not exportable goes into no keystore)",
  ]);
  t.deepEqual(keystorePasswordEnvIssues("IDP_KEYSTORE_PASSWORD", { custody: "org" }), [
    "cannot be set with custody: org: the org keeps the private key: no keystore can hold it; remove keystorePasswordEnv, or use custody: provider",
  ]);
});

test("a unique name longer than a commonName may be gives the subject its first 64 characters", async (t) => {
  const uniqueName = `Long_${"N".repeat(70)}`;
  const result = checkCertificateArgs({ uniqueName, label: "Long" });
  if (!result.ok) return t.fail(JSON.stringify(result.issues));
  t.is(uniqueName.length, 75);
  t.is(result.inputs.subject.commonName, uniqueName.slice(0, 64));
  // A commonName given is held to the limit.
  t.deepEqual((await check({ uniqueName, label: "Long", subject: { commonName: uniqueName } })).failures, [
    { property: "subject.commonName", reason: "must be at most 64 characters (got 75)" },
  ]);
  const short = checkCertificateArgs({ uniqueName: "Short_Name", label: "Short" });
  t.is(short.ok ? short.inputs.subject.commonName : undefined, "Short_Name");
});
