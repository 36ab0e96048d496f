/**
 * @module How many properties each resource of a Pulumi program registers: the keys of the props its
 * constructor hands to the SDK (its inputs, the outputs it declares as undefined, and a dynamic resource's
 * `__provider`), counted by a stack transformation as each resource is constructed. The SDK turns every
 * such key into an Output (four promises, each with a captured stack trace) and serialises it, so the
 * program's work per resource grows with this count.
 */
import * as pulumi from "@pulumi/pulumi";

/** What the resources of one program run registered. */
export interface RegisteredProperties {
  /** Resources counted (those `isCounted` accepted). */
  resources: number;
  /** Registered properties per counted resource, averaged. */
  propertiesPerResource: number;
  /** Per resource type: how many, and their registered properties per resource. */
  byType: Record<string, { count: number; propertiesPerResource: number }>;
}

/**
 * Starts counting the properties registered by every resource constructed from now on whose type
 * `isCounted` accepts. Call it inside a Pulumi program (it registers a stack transformation, which
 * changes nothing); `result()` reads the tally so far.
 */
export function countRegisteredProperties(isCounted: (type: string) => boolean): { result(): RegisteredProperties } {
  const byType = new Map<string, { count: number; properties: number }>();
  pulumi.runtime.registerStackTransformation(({ type, props }) => {
    if (!isCounted(type)) return undefined;
    // The SDK skips "id" and "urn" (each resource has them anyway) and makes every other key an Output.
    const properties = Object.keys(props).filter((key) => key !== "id" && key !== "urn").length;
    const tally = byType.get(type) ?? { count: 0, properties: 0 };
    tally.count++;
    tally.properties += properties;
    byType.set(type, tally);
    return undefined;
  });
  return {
    result() {
      let resources = 0;
      let properties = 0;
      const types: RegisteredProperties["byType"] = {};
      for (const [type, tally] of byType) {
        resources += tally.count;
        properties += tally.properties;
        types[type] = { count: tally.count, propertiesPerResource: tally.properties / tally.count };
      }
      return { resources, propertiesPerResource: resources === 0 ? 0 : properties / resources, byType: types };
    },
  };
}
