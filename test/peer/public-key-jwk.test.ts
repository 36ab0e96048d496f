/**
 * The JWK output judged by jose: it verifies a JWT signed with our private key, its x5c is our
 * certificate, and x5t#S256 is the certificate's SHA-256 fingerprint as openssl prints it.
 */
import test from "ava";
import * as jose from "jose";
import { issueCertificate } from "../../provider/certificate/lifecycle";
import { checkCertificateArgs } from "../../provider/certificate/args";
import { x509 } from "../helpers/openssl";
import { daysAfter, epochSeconds, testNow } from "../helpers/test-clock";

test("jose verifies a JWT signed with our key against our JWK and our x5c certificate", async (t) => {
  const checked = checkCertificateArgs({ uniqueName: "Jwk_Cert", label: "JWK" });
  if (!checked.ok) throw new Error("bad fixture");
  const state = issueCertificate(checked.inputs, testNow());
  const jwk = state.publicKeyJwk!;

  const privateKey = await jose.importPKCS8(state.privateKeyPem!, "RS256");
  const token = await new jose.SignJWT({ scope: "api" })
    .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
    .setIssuer("client")
    .setExpirationTime(epochSeconds(daysAfter(3 / 1440)))
    .sign(privateKey);

  const fromJwk = await jose.jwtVerify(token, await jose.importJWK(jwk, "RS256"), { currentDate: testNow() });
  t.is(fromJwk.payload.iss, "client");
  const pem = `-----BEGIN CERTIFICATE-----\n${jwk.x5c[0]!.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
  await t.notThrowsAsync(jose.jwtVerify(token, await jose.importX509(pem, "RS256"), { currentDate: testNow() }));
  t.is(x509(pem, "-fingerprint", "-sha256"), x509(state.certificatePem!, "-fingerprint", "-sha256"));

  const opensslHex = x509(state.certificatePem!, "-fingerprint", "-sha256")
    .trim()
    .replace("sha256 Fingerprint=", "")
    .replace(/:/g, "");
  t.is(jwk["x5t#S256"], Buffer.from(opensslHex, "hex").toString("base64url"));
  t.is(jwk.kid, jwk["x5t#S256"]);

  const otherKey = await jose.generateKeyPair("RS256");
  const forged = await new jose.SignJWT({}).setProtectedHeader({ alg: "RS256" }).sign(otherKey.privateKey);
  await t.throwsAsync(jose.jwtVerify(forged, await jose.importJWK(jwk, "RS256"), { currentDate: testNow() }));
});
