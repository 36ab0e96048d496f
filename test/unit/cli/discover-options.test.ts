/**
 * `salesforce-certs discover`'s draft options, read before any stack or org: --contact-email (the
 * draft's org.contactEmail, under the rule `validate` applies to it) and --draft-stack (which of several
 * --stack the draft is for, the first by default); both only with --write-inventory. The rule's verdicts
 * are compared with the inventory's own e-mail rule, so the option and `validate` cannot drift apart.
 */
import test from "ava";
import { type DiscoverPlan, discoverHelp, discoverPlan } from "../../../provider/cli/discover";
import { UsageError } from "../../../provider/errors";
import { emailAddress } from "../../../provider/validate/rules";
import { testInstant } from "../../helpers/test-clock";

const at = ["--now", testInstant];

/** The plan of `argv`, which is not --help. */
function plan(argv: string[]): DiscoverPlan {
  const read = discoverPlan(argv);
  if (read === "help") throw new Error("unexpected --help");
  return read;
}

test("the draft is for the first --stack unless --draft-stack names another; the contact e-mail goes to the draft only", (t) => {
  const first = plan(["--stack", "prod", "--stack", "uat", "--write-inventory", "d.yaml", ...at]);
  t.deepEqual(first.draft, { file: "d.yaml", options: { org: "prod" } });

  const chosen = plan([
    "--stack",
    "prod",
    "--stack",
    "uat",
    "--write-inventory",
    "d.yaml",
    "--draft-stack",
    "uat",
    "--contact-email",
    "platform@greenmoor.example",
    ...at,
  ]);
  t.deepEqual(chosen.draft, {
    file: "d.yaml",
    options: { org: "uat", contactEmail: "platform@greenmoor.example" },
  });
  t.deepEqual(chosen.stacks, ["prod", "uat"], "every stack is still read");
  t.is(plan(["--stack", "prod", ...at]).draft, undefined);
});

test("a --contact-email the inventory would refuse is refused before anything is read, naming the option and the rule", (t) => {
  const hostile = [
    "not-an-address",
    "ops@greenmoor.example\norg:\n  myDomainUrl: https://evil.example",
    "ops @greenmoor.example",
    "ops@localhost",
    `${"a".repeat(250)}@x.example`,
    "",
  ];
  for (const value of hostile) {
    t.truthy(emailAddress(value), `control: the inventory's rule refuses ${JSON.stringify(value)}`);
    const error = t.throws(
      () => discoverPlan(["--stack", "prod", "--write-inventory", "d.yaml", "--contact-email", value, ...at]),
      { instanceOf: UsageError },
    );
    t.regex(error!.message, /^discover: --contact-email must be an e-mail address like name@example\.com \(got .*\)/);
    t.false(error!.message.includes("\n"), "the value is quoted, its line breaks escaped");
  }
  t.is(emailAddress("platform+certs@greenmoor.example"), undefined);
  t.notThrows(() =>
    discoverPlan(["--write-inventory", "d.yaml", "--contact-email", "platform+certs@greenmoor.example", ...at]),
  );
});

test("--draft-stack must be one of the --stack, and both draft options need --write-inventory", (t) => {
  const other = t.throws(
    () =>
      discoverPlan([
        "--stack",
        "prod",
        "--stack",
        "uat",
        "--write-inventory",
        "d.yaml",
        "--draft-stack",
        "Prod",
        ...at,
      ]),
    { instanceOf: UsageError },
  );
  t.is(
    other!.message,
    'discover: --draft-stack "Prod" must be one of the --stack given ("prod", "uat") (see salesforce-certs discover --help)',
  );
  // The default stack is demo: --draft-stack demo without --stack is the same org.
  t.deepEqual(plan(["--write-inventory", "d.yaml", "--draft-stack", "demo", ...at]).draft?.options, { org: "demo" });
  for (const option of [
    ["--contact-email", "platform@greenmoor.example"],
    ["--draft-stack", "prod"],
  ])
    t.throws(() => discoverPlan(["--stack", "prod", ...option, ...at]), {
      instanceOf: UsageError,
      message: `discover: ${option[0]} shapes the draft inventory only: give --write-inventory FILE with it (see salesforce-certs discover --help)`,
    });
});

test("--help says both options are for the draft only, and which org the draft is for", (t) => {
  t.is(discoverPlan(["--help", "--contact-email", "x"]), "help");
  t.regex(discoverHelp, /--contact-email ADDRESS {2}for the draft only: its org\.contactEmail/);
  t.regex(
    discoverHelp,
    /--draft-stack NAME {7}for the draft only, with several --stack: which one's org the draft is for/,
  );
  t.regex(discoverHelp, /default: the first --stack/);
});
