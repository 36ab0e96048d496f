/**
 * @module What `preview` and `up` say, before the engine runs, about resources the inventory no longer declares.
 */
import type { StackResource } from "../engine/stack-resources";

/** Says which resources the inventory no longer declares and what deleting them means. */
export function sayRemovals(dropped: readonly StackResource[], allowDelete: readonly string[]): void {
  for (const resource of dropped) {
    const what =
      resource.type === "CertificateAndKeyPair" ? "its private key and certificate" : "its metadata and credentials";
    if (allowDelete.includes(resource.name))
      console.log(
        `[salesforce-certs] ${resource.type} ${resource.name} is no longer in the inventory: deleting it and ${what}, as --allow-delete says`,
      );
    else {
      console.log(
        `[salesforce-certs] ${resource.type} ${resource.name} is no longer in the inventory: up would delete ${what}, so it refuses; to delete it, run salesforce-certs up --allow-delete ${resource.name} (or put it back in the inventory)`,
      );
    }
  }
}
