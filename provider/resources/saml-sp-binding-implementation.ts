/**
 * @module What `SamlSpBinding` does in the provider process. Loaded by name through
 * `pulumi-salesforce-certs/runtime`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { currentTime } from "../rotation/clock";
import { toCheckResult } from "../validate/to-check-result";
import { unknownValue } from "../validate/jwt-integration-args";
import { checkSamlSpBindingArgs, type SamlSpBindingInputs } from "../validate/saml-binding-args";
import { applySamlUpdate, createSamlSpBinding, planSamlUpdate, samlReplacingInputs, type SamlSpBindingState } from "./saml-sp-binding-lifecycle";

const sha1Warning = (apiName: string) =>
  `warning: SamlSpBinding ${apiName}: assertions are signed with SHA-1 (acknowledgeSha1 is set); move the partner to SHA-256`;

/** The implementation behind the serialised `samlSpBindingProvider` shell. */
export const samlSpBindingImplementation: pulumi.dynamic.ResourceProvider<SamlSpBindingInputs, SamlSpBindingState> = {
  async check(_olds, news) {
    return toCheckResult(checkSamlSpBindingArgs(news as unknown as Record<string, unknown>));
  },

  async diff(_id, olds, news) {
    const replaces = samlReplacingInputs.filter((field) => news[field] !== unknownValue && olds[field] !== news[field]);
    if (replaces.length > 0) {
      console.log(`SamlSpBinding ${olds.apiName}: replaced (${replaces.join(", ")} changed: a different app in Salesforce)`);
      return { changes: true, replaces, deleteBeforeReplace: false };
    }
    if (news.signingAlgorithm === "SHA1") console.log(sha1Warning(news.apiName));
    if (news.certificateSha256Fingerprint === unknownValue) {
      console.log(`SamlSpBinding ${news.apiName}: ${olds.nextStep}; the IdP certificate is updated in this run: if it rotates, the new one is published next to the signing one first, and the org keeps signing with the old one`);
      return { changes: true, replaces: [], deleteBeforeReplace: false };
    }
    const plan = planSamlUpdate(olds, news, currentTime());
    console.log(plan.message);
    return { changes: plan.step.kind !== "none" || plan.settingsChanged, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    if (inputs.signingAlgorithm === "SHA1") console.log(sha1Warning(inputs.apiName));
    return { id: inputs.apiName, outs: createSamlSpBinding(inputs, currentTime()) };
  },

  async update(_id, olds, news) {
    const now = currentTime();
    const plan = planSamlUpdate(olds, news, now);
    if (plan.step.kind !== "none") console.log(plan.message);
    return { outs: applySamlUpdate(olds, news, plan, now) };
  },
};
