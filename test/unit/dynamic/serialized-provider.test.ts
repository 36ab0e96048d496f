/**
 * The provider objects Pulumi serialises into every resource's state (twice): small, free of secrets,
 * and loading the implementation by package name.
 */
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { certificateAndKeyPairProvider, jwtIntegrationProvider, samlSpBindingProvider } from "../../../provider";

/**
 * Upper bound for one serialised provider; state holds it twice per resource (3,427 bytes before the state
 * diet, 2,081 after its first round, 1,974 after its second, about 1,010 with the methods of org mode, 902 to
 * 904 now that each function names its runtime entry point instead of capturing the implementation's name;
 * 939 characters as JSON, down from 1,065). The no-op floor's provider, one function, serialises to 502.
 */
const maxSerializedBytes = 910;

const providers = {
  CertificateAndKeyPair: certificateAndKeyPairProvider,
  JwtIntegration: jwtIntegrationProvider,
  SamlSpBinding: samlSpBindingProvider,
};

for (const [name, provider] of Object.entries(providers)) {
  test(`the ${name} provider serialises small and self-contained`, async (t) => {
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    t.log(`serialised provider: ${serialized.text.length} bytes`);
    t.true(
      serialized.text.length < maxSerializedBytes,
      `${serialized.text.length} bytes is over ${maxSerializedBytes}`,
    );
    t.false(serialized.containsSecrets);
    t.false(serialized.text.includes("PRIVATE KEY"));
    // The implementation is loaded by package name in the provider process, not captured by value; the
    // functions capture nothing at all (a captured variable is serialised too).
    const required = [...serialized.text.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
    t.deepEqual([...new Set(required)], ["module"]);
    t.is(
      [
        ...serialized.text.matchAll(
          /createRequire\(process\.cwd\(\) \+ '\/'\)\('pulumi-salesforce-certs\/runtime'\)\.\w+\(a\)/g,
        ),
      ].length,
      2,
    );
    // Single quotes: the state's JSON stores each double quote escaped, as two characters.
    t.false(serialized.text.includes('"'));
    t.is([...serialized.text.matchAll(/with\(\{ this: undefined, arguments: undefined \}\)/g)].length, 2);
  });
}
