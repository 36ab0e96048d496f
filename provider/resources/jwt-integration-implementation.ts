/**
 * @module What `JwtIntegration` does in the provider process. Loaded by name through
 * `pulumi-salesforce-certs/runtime`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { currentTime } from "../rotation/clock";
import { idleSlot } from "../rotation/jwt-slots";
import { toCheckResult } from "../validate/to-check-result";
import { checkJwtIntegrationArgs, unknownValue, type JwtIntegrationInputs } from "../validate/jwt-integration-args";
import {
  applyJwtUpdate,
  createJwtIntegration,
  jwtPlanChanges,
  jwtReplacingInputs,
  planJwtUpdate,
  type JwtIntegrationState,
} from "./jwt-integration-lifecycle";

/** The implementation behind the serialised `jwtIntegrationProvider` shell. */
export const jwtIntegrationImplementation: pulumi.dynamic.ResourceProvider<JwtIntegrationInputs, JwtIntegrationState> = {
  async check(olds, news) {
    const previous = (olds as Partial<JwtIntegrationInputs> | undefined)?.consumerKey;
    return toCheckResult(checkJwtIntegrationArgs(news as unknown as Record<string, unknown>, previous));
  },

  async diff(_id, olds, news) {
    const stored: Record<string, unknown> = { ...olds, consumerKey: olds.consumerKeyBase, rotationStrategy: olds.strategy };
    const replaces = jwtReplacingInputs.filter((field) => news[field] !== unknownValue && JSON.stringify(stored[field]) !== JSON.stringify(news[field]));
    if (replaces.length > 0) {
      console.log(`JwtIntegration ${olds.apiName}: replaced (${replaces.join(", ")} changed: a different app in Salesforce)`);
      return { changes: true, replaces, deleteBeforeReplace: false };
    }
    if (news.certificateSha256Fingerprint === unknownValue) {
      // The certificate is updated in this run, so preview cannot see its outputs: say what happens either way.
      const active = olds.slots[olds.activeSlot]!;
      const unchanged = {
        ...news,
        certificatePem: active.certificatePem ?? "",
        certificateSha256Fingerprint: active.sha256Fingerprint ?? "",
        certificateNotAfter: active.notAfter ?? "",
        privateKeyPem: olds.slotKeys[olds.activeSlot] ?? "",
      };
      const plan = await planJwtUpdate(olds, unchanged, currentTime());
      const idle = idleSlot(olds.activeSlot);
      const ifRotated = olds.strategy === "inPlace" ? "the app takes the new certificate in place" : `the new certificate is published to slot ${idle} first and clients stay on slot ${olds.activeSlot}`;
      console.log(`${plan.message} (if the bound certificate, updated in this run, keeps its key; if it rotates, ${ifRotated})`);
      return { changes: true, replaces: [], deleteBeforeReplace: false };
    }
    const plan = await planJwtUpdate(olds, news, currentTime());
    console.log(plan.message);
    return { changes: jwtPlanChanges(plan), replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    return { id: inputs.apiName, outs: createJwtIntegration(inputs) };
  },

  async update(_id, olds, news) {
    const now = currentTime();
    const plan = await planJwtUpdate(olds, news, now);
    if (plan.step.kind !== "none") console.log(plan.message);
    return { outs: applyJwtUpdate(olds, news, plan, now) };
  },
};
