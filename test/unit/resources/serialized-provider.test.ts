/**
 * The provider objects Pulumi serialises into every resource's state (twice): small, free of secrets,
 * and loading the implementation by package name.
 */
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { certificateAndKeyPairProvider, jwtIntegrationProvider, samlSpBindingProvider } from "../../../provider";

/**
 * Upper bound for one serialised provider; state holds it twice per resource (3,427 bytes before the state
 * diet, 2,081 after its first round, 1,974 after its second, about 1,010 now, with the methods of org mode).
 */
const maxSerializedBytes = 1_050;

const providers = { CertificateAndKeyPair: certificateAndKeyPairProvider, JwtIntegration: jwtIntegrationProvider, SamlSpBinding: samlSpBindingProvider };

for (const [name, provider] of Object.entries(providers)) {
  test(`the ${name} provider serialises small and self-contained`, async (t) => {
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    t.log(`serialised provider: ${serialized.text.length} bytes`);
    t.true(serialized.text.length < maxSerializedBytes, `${serialized.text.length} bytes is over ${maxSerializedBytes}`);
    t.false(serialized.containsSecrets);
    t.false(serialized.text.includes("PRIVATE KEY"));
    // The implementation is loaded by package name in the provider process, not captured by value.
    const required = [...serialized.text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    t.deepEqual([...new Set(required)], ["node:module"]);
    t.is([...serialized.text.matchAll(/createRequire\(process\.cwd\(\) \+ "\/_"\)\("pulumi-salesforce-certs\/runtime"\)/g)].length, 2);
  });
}
