/**
 * The state diet: each resource's checkpoint entry (inputs and outputs, compact JSON) stays under a bound,
 * and a private key is encrypted in as few places as the rotation needs. A checkpoint is rewritten after
 * every step, so its size per resource is what makes large stacks slow.
 */
import crypto from "node:crypto";
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import { CertificateAndKeyPair, JwtIntegration, SamlSpBinding } from "../../provider";
import { keyMaterial, openTempStack } from "../helpers/engine";

/** A dynamic resource that stores nothing of its own. */
class NoOp extends pulumi.dynamic.Resource {
  constructor(name: string) {
    super(
      {
        async create() {
          return { id: "noop", outs: {} };
        },
      },
      name,
      {},
    );
  }
}

/**
 * Upper bounds of inputs + outputs in compact JSON characters (before the diet: 17.7 k, 26.5 k, 20.4 k; after
 * its first round: 10.2 k, 15.8 k, 10.8 k; after its second: 8.6 k, 6.2 k, 6.1 k, of which 4.2 k was the
 * provider shell; then 4.7 k, 4.0 k, 4.0 k, of which 2.1 k was the shell and 0.6 k a certificate's key, stored
 * as its primes; now 4.5 k, 3.8 k, 3.8 k, of which 1.9 k is the shell: the no-op floor's is 1.06 k).
 */
const maxEntryChars: Record<string, number> = {
  CertificateAndKeyPair: 4_600,
  JwtIntegration: 3_900,
  SamlSpBinding: 3_900,
};
const secretSig = "4dabf18193072939515e22adb298388d";

interface Entry {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** Each encrypted value of `stored`, with the plain value at the same place in `plain` (the export with secrets). */
function secretsOf(stored: unknown, plain: unknown, found: { ciphertext: string; plaintext: string }[] = []) {
  if (stored && typeof stored === "object") {
    const node = stored as Record<string, unknown>;
    if (node[secretSig] && typeof node["ciphertext"] === "string") {
      found.push({
        ciphertext: node["ciphertext"],
        plaintext: String((plain as Record<string, unknown>)["plaintext"]),
      });
    } else {
      for (const [key, value] of Object.entries(node))
        secretsOf(value, (plain as Record<string, unknown> | undefined)?.[key], found);
    }
  }
  return found;
}

test("each resource's checkpoint entry is small, and a key is encrypted once per place that needs it", async (t) => {
  let rotationTrigger = "initial";
  const env = await openTempStack("state-size", async () => {
    const jwt = new CertificateAndKeyPair("jwt", {
      uniqueName: "Acme_CI_JWT",
      label: "Acme CI",
      subject: { commonName: "ci.acme.example", company: "Acme", country: "DE" },
      rotationTrigger,
    });
    const idp = new CertificateAndKeyPair("idp", {
      uniqueName: "Acme_IdP",
      label: "Acme IdP signing",
      subject: { commonName: "acme.my.salesforce.com", company: "Acme" },
    });
    const ci = new JwtIntegration("ci", {
      apiName: "Acme_CI",
      label: "Acme CI",
      contactEmail: "platform@acme.example",
      certificate: jwt,
      username: "ci@acme.example",
      audience: "https://login.salesforce.com",
      preAuthorized: { permissionSets: ["Acme_CI"] },
    });
    const sso = new SamlSpBinding("sso", {
      apiName: "Acme_Portal",
      label: "Acme portal",
      contactEmail: "platform@acme.example",
      spEntityId: "https://portal.acme.example/saml",
      acsUrl: "https://portal.acme.example/saml/acs",
      myDomainUrl: "https://acme.my.salesforce.com",
      idpCertificate: idp,
      preAuthorized: { permissionSets: ["Acme_Portal"] },
    });
    // The floor the scale benchmark compares with: a no-op dynamic resource, its entry measured the same way.
    new NoOp("noop");
    return {
      jwtKey: jwt.privateKeyPem,
      idpKey: idp.privateKeyPem,
      ciKey: ci.privateKeyPem,
      metadata: sso.idpMetadataXml,
      files: ci.salesforceFiles,
    };
  });
  t.teardown(() => env.dispose());
  await env.stack.up({ onOutput: env.onOutput });

  let stored = (JSON.parse(env.readState()).checkpoint.latest.resources as Entry[]).filter((r) =>
    r.type.startsWith("pulumi-nodejs:dynamic"),
  );
  let plain = new Map(((await env.stack.exportStack()).deployment.resources as Entry[]).map((r) => [r.urn, r]));
  const noop = stored.find((r) => r.type === "pulumi-nodejs:dynamic:Resource")!;
  const floor = JSON.stringify(noop.inputs ?? {}).length + JSON.stringify(noop.outputs ?? {}).length;
  t.log(`no-op dynamic resource: ${floor} characters of inputs + outputs`);
  stored = stored.filter((r) => r !== noop);
  t.is(stored.length, 4);
  for (const entry of stored) {
    const kind = entry.type.split(":").pop()!;
    const chars = JSON.stringify(entry.inputs ?? {}).length + JSON.stringify(entry.outputs ?? {}).length;
    t.log(`${kind}: ${chars} characters of inputs + outputs`);
    if (process.env["DIET_DUMP"])
      for (const part of ["inputs", "outputs"] as const)
        t.log(
          part,
          Object.entries(entry[part] ?? {})
            .map(([k, v]) => `${k}=${JSON.stringify(v).length}`)
            .join(" "),
        );
    t.true(chars <= maxEntryChars[kind]!, `${kind}: ${chars} characters, over ${maxEntryChars[kind]}`);
  }

  // Where each key is encrypted: once, by the certificate. The integration bound to it stores no copy in the
  // steady state (it takes the key over only during a rotation) and outputs the certificate's key.
  let values = await env.values();
  // A secret holds the key as PEM, or (a certificate's stored key) as its primes, read here by node:crypto.
  const holds = (plaintext: string, key: string) => {
    const { p, q } = crypto.createPrivateKey(key).export({ format: "jwk" });
    return plaintext.includes(key.trim().split("\n")[1]!) || plaintext.includes(`${p}.${q}`);
  };
  const places = (key: string) =>
    stored.flatMap((entry) =>
      ["inputs", "outputs"].flatMap((part) =>
        secretsOf(entry[part as "inputs"], plain.get(entry.urn)?.[part as "inputs"])
          .filter((s) => holds(s.plaintext, key))
          .map(() => `${entry.urn.split("::").pop()}.${part}`),
      ),
    );
  t.deepEqual(places(values["idpKey"]), ["idp.outputs"]);
  t.deepEqual(places(values["jwtKey"]), ["jwt.outputs"]);
  t.is(values["ciKey"], values["jwtKey"]);
  t.regex(values["metadata"], /<ds:X509Certificate>/);
  t.true(Object.keys(values["files"]).length > 0);
  t.notRegex(env.readState(), /PRIVATE KEY/);
  for (const needle of [values["jwtKey"], values["idpKey"]].flatMap(keyMaterial))
    t.false(env.readState().includes(needle), "no key body, no prime");

  // During a rotation: the certificate keeps its previous key for its overlap and hands both keys to the
  // integration as inputs; the integration keeps the old key (clients stay on slot A until slot B logs in)
  // and the new one (to prove that login), so that it needs neither once the certificate's overlap ends.
  const firstKey = values["jwtKey"];
  rotationTrigger = "rotate";
  await env.stack.up({ onOutput: env.onOutput });
  stored = (JSON.parse(env.readState()).checkpoint.latest.resources as Entry[]).filter((r) =>
    r.type.startsWith("pulumi-nodejs:dynamic/salesforce:"),
  );
  plain = new Map(((await env.stack.exportStack()).deployment.resources as Entry[]).map((r) => [r.urn, r]));
  values = await env.values();
  t.not(values["jwtKey"], firstKey);
  t.is(values["ciKey"], firstKey);
  t.deepEqual(places(firstKey).sort(), ["ci.inputs", "ci.outputs", "jwt.outputs"]);
  t.deepEqual(places(values["jwtKey"]).sort(), ["ci.inputs", "ci.outputs", "jwt.outputs"]);
  t.notRegex(env.readState(), /PRIVATE KEY/);
  for (const needle of [firstKey, values["jwtKey"]].flatMap(keyMaterial))
    t.false(env.readState().includes(needle), "no key body, no prime");

  await env.stack.destroy({ onOutput: env.onOutput });
});
