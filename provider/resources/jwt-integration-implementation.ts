/**
 * @module What `JwtIntegration` does in the provider process. Loaded by name through
 * `pulumi-salesforce-certs/runtime`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { currentTime } from "../rotation/clock";
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
    const result = checkJwtIntegrationArgs(news as unknown as Record<string, unknown>, previous);
    if (!result.ok) return { failures: result.issues.map((i) => ({ property: i.path, reason: i.message })) };
    return { inputs: result.inputs };
  },

  async diff(_id, olds, news) {
    const stored: Record<string, unknown> = { ...olds, consumerKey: olds.consumerKeyBase, rotationStrategy: olds.strategy };
    const replaces = jwtReplacingInputs.filter((field) => news[field] !== unknownValue && JSON.stringify(stored[field]) !== JSON.stringify(news[field]));
    if (replaces.length > 0) {
      console.log(`JwtIntegration ${olds.apiName}: replaced (${replaces.join(", ")} changed: a different app in Salesforce)`);
      return { changes: true, replaces, deleteBeforeReplace: false };
    }
    if (news.certificateSha256Fingerprint === unknownValue) {
      console.log(`JwtIntegration ${news.apiName}: the bound certificate changes in this update; the next step of the rotation is decided when it has`);
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
