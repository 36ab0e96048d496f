/**
 * The resource classes make their views (a certificate's PEM, DER, fingerprints, files, its key rebuilt
 * from its primes; an integration's slots, files and active key) only when the program reads them: at
 * scale, the SDK's work for Outputs nobody reads was the largest part of an unchanged preview.
 * The program runs against Pulumi's mock monitor, whose resources answer with what the real providers
 * (check, then create) store, so the views are computed from real stored state.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import * as views from "../../../provider/certificate/state";
import * as samlViews from "../../../provider/saml-binding/lifecycle";
import { implementations } from "../../../provider/runtime";
import { CertificateAndKeyPair, JwtIntegration, SamlSpBinding } from "../../../provider";

/** Calls of the view functions the classes use, counted by replacing the module's exports; the providers' own calls (they run in this process here) are not counted. */
const calls = { certificateViews: 0, storedKeyPem: 0, samlSpBindingViews: 0 };
const providerCall = new AsyncLocalStorage<true>();
for (const [module, name] of [
  [views, "certificateViews"],
  [views, "storedKeyPem"],
  [samlViews, "samlSpBindingViews"],
] as const) {
  const exports = module as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = exports[name]!;
  exports[name] = (...a: unknown[]) => {
    if (!providerCall.getStore()) calls[name]++;
    return original(...a);
  };
}
const resetCalls = () => Object.assign(calls, { certificateViews: 0, storedKeyPem: 0, samlSpBindingViews: 0 });

pulumi.runtime.setMocks(
  {
    newResource: (args) =>
      providerCall.run(true, async () => {
        const type = args.type.split(":").pop() as "CertificateAndKeyPair" | "JwtIntegration" | "SamlSpBinding";
        const implementation = {
          CertificateAndKeyPair: implementations.certificateAndKeyPair,
          JwtIntegration: implementations.jwtIntegration,
          SamlSpBinding: implementations.samlSpBinding,
        }[type] as pulumi.dynamic.ResourceProvider;
        const { __provider: _shell, ...inputs } = args.inputs as Record<string, unknown>;
        const checked = await implementation.check!({}, inputs);
        if (checked.failures?.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
        const created = await implementation.create(checked.inputs);
        return { id: created.id, state: asStoredBy(args.name, created.outs as Record<string, unknown>) };
      }),
    call: () => ({}),
  },
  "lazy-views",
  "test",
  false,
);

/**
 * Resources named `shape3-…` answer with the state as releases up to 2cbda53 stored it
 * (shape 3: the key as its PEM under `privateKeyPem`, no `privateKey`), as a stack they wrote still holds.
 */
function asStoredBy(name: string, outs: Record<string, unknown>): Record<string, unknown> {
  if (!name.startsWith("shape3-")) return outs;
  const { privateKey, ...rest } = outs;
  return { ...rest, stateVersion: 3, privateKeyPem: views.storedKeyPem(privateKey as string) };
}

function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Waits until every registration the program started has answered. */
async function settled(resource: pulumi.CustomResource): Promise<void> {
  await outputValue(resource.urn);
  await outputValue(resource.id);
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const certificateArgs = { uniqueName: "Lazy_Views", label: "Lazy views", subject: { commonName: "lazy.example" } };

test.serial("a certificate whose views nobody reads computes none, and rebuilds no key", async (t) => {
  resetCalls();
  const certificate = new CertificateAndKeyPair("unread", certificateArgs);
  await settled(certificate);
  t.is(typeof (await outputValue(certificate.certificateChainPem)), "string", "the stored chain is there");
  t.deepEqual(calls, { certificateViews: 0, storedKeyPem: 0, samlSpBindingViews: 0 });
});

test.serial("views are computed on first read, once, and agree with the stored chain and key", async (t) => {
  resetCalls();
  const certificate = new CertificateAndKeyPair("read", certificateArgs);
  await settled(certificate);
  t.true(
    Object.keys(certificate).includes("sha256Fingerprint"),
    "views are enumerable properties, as the other outputs",
  );
  t.is(certificate.certificatePem, certificate.certificatePem, "the same Output at every read");
  const [chain, pem, sha256] = await Promise.all([
    outputValue(certificate.certificateChainPem),
    outputValue(certificate.certificatePem),
    outputValue(certificate.sha256Fingerprint),
  ]);
  t.is(calls.certificateViews, 1, "one computation serves every view");
  t.true(chain!.startsWith(pem!));
  t.is(sha256, new crypto.X509Certificate(pem!).fingerprint256);
  t.is(calls.storedKeyPem, 0, "no key rebuilt before its PEM is read");
  const key = await outputValue(certificate.privateKeyPem);
  t.is(calls.storedKeyPem, 1);
  t.true(
    new crypto.X509Certificate(pem!).checkPrivateKey(crypto.createPrivateKey(key!)),
    "the rebuilt key is the certificate's",
  );
});

test.serial("an integration reads its certificate's facts, not its key, until its own key is read", async (t) => {
  resetCalls();
  const certificate = new CertificateAndKeyPair("bound", { ...certificateArgs, uniqueName: "Lazy_Bound" });
  const integration = new JwtIntegration("ci", {
    apiName: "Lazy_CI",
    label: "Lazy CI",
    contactEmail: "platform@lazy.example",
    certificate,
    username: "ci@lazy.example",
    audience: "https://login.salesforce.com",
    preAuthorized: { permissionSets: ["Lazy_CI"] },
  });
  await settled(integration);
  t.is(calls.storedKeyPem, 0, "in the steady state no key is handed over, so none is rebuilt");
  const [pem, tokenEndpoint, slots] = await Promise.all([
    outputValue(certificate.certificatePem),
    outputValue(integration.tokenEndpoint),
    outputValue(integration.slots),
  ]);
  t.is(tokenEndpoint, "https://login.salesforce.com/services/oauth2/token");
  t.is(
    Object.values(slots).find((slot) => slot?.sha256Fingerprint)?.certificatePem,
    pem,
    "the slots show the bound certificate",
  );
  const key = await outputValue(integration.privateKeyPem);
  t.is(calls.storedKeyPem, 1, "the integration's key is its certificate's, rebuilt once when read");
  t.true(new crypto.X509Certificate(pem!).checkPrivateKey(crypto.createPrivateKey(key)));
});

test.serial("a SAML binding computes its metadata only when read", async (t) => {
  resetCalls();
  const idp = new CertificateAndKeyPair("idp", { ...certificateArgs, uniqueName: "Lazy_IdP" });
  const binding = new SamlSpBinding("sso", {
    apiName: "Lazy_Portal",
    label: "Lazy portal",
    contactEmail: "platform@lazy.example",
    spEntityId: "https://portal.lazy.example/saml",
    acsUrl: "https://portal.lazy.example/saml/acs",
    myDomainUrl: "https://lazy.my.salesforce.com",
    idpCertificate: idp,
    preAuthorized: { permissionSets: ["Lazy_Portal"] },
  });
  await settled(binding);
  t.is(calls.samlSpBindingViews, 0);
  const [metadata, signing, pem] = await Promise.all([
    outputValue(binding.idpMetadataXml),
    outputValue(binding.signingCertificatePem),
    outputValue(idp.certificatePem),
  ]);
  t.is(calls.samlSpBindingViews, 1, "one computation serves every view");
  t.is(signing, pem!, "the binding signs with its certificate");
  t.true(metadata.includes(pem!.replace(/-----[A-Z ]+-----|\s/g, "")), "the metadata publishes it");
});

test.serial("a serialised function that captures a view captures its value, not the code that makes it", async (t) => {
  const certificate = new CertificateAndKeyPair("captured", { ...certificateArgs, uniqueName: "Lazy_Captured" });
  await settled(certificate);
  const read = await pulumi.runtime.serializeFunction(() => certificate.sha256Fingerprint.get());
  const unread = await pulumi.runtime.serializeFunction(() => certificate.certificatePem.get());
  for (const serialized of [read, unread]) {
    t.false(serialized.text.includes("certificateViews"), "the view's code is not serialised");
    t.true(serialized.text.length < 6_000, `${serialized.text.length} characters`);
  }
  t.true(
    unread.text.includes(String(await outputValue(certificate.certificatePem)).split("\n")[1]!),
    "the certificate itself is",
  );
});

test.serial("a certificate stored by an earlier release (shape 3) outputs the key it stored as PEM", async (t) => {
  const certificate = new CertificateAndKeyPair("shape3-cert", { ...certificateArgs, uniqueName: "Lazy_Shape3" });
  await settled(certificate);
  const pem = await Promise.race([
    outputValue(certificate.privateKeyPem),
    new Promise<string>((resolve) => setTimeout(() => resolve("(never resolved)"), 5_000)),
  ]);
  t.not(pem, "(never resolved)", "8edce00 read its own view here and never resolved");
  const certificatePem = await outputValue(certificate.certificatePem);
  t.true(new crypto.X509Certificate(certificatePem!).checkPrivateKey(crypto.createPrivateKey(pem!)));
});
