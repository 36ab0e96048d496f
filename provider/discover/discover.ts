/**
 * @module `discover` as a library function: logs in to each org (production and its sandboxes) with its
 * connection and reads it (read-org.ts) into one {@link DiscoveryDocument}. Read-only: nothing is
 * deployed, validated or deleted in any org.
 */
import { UsageError } from "../errors";
import type { OrgConnection } from "../org/org-config";
import type { OrgMetadataClient } from "../org/metadata-client";
import { discoveryFormat, type DiscoveredOrg, type DiscoveryDocument } from "./model";
import { discoverOrg } from "./read-org";

/** One org to read: the name the user gives it (a stack name on the command line) and its connection. */
export interface OrgToDiscover {
  label: string;
  connection: OrgConnection;
}

/** Opens a logged-in client for a connection; jsforce's JWT login by default. */
export type OrgOpener = (connection: OrgConnection) => Promise<OrgMetadataClient>;

/** The JWT Bearer login of org-login.ts, loaded on first use (jsforce is not loaded without an org). */
export const loginClient: OrgOpener = async (connection) => {
  const { loginToOrg }: typeof import("../org/org-login") = require("../org/org-login");
  const { OrgMetadataClient }: typeof import("../org/metadata-client") = require("../org/metadata-client");
  return new OrgMetadataClient(await loginToOrg(connection));
};

/**
 * Reads every org of `orgs`, one after the other, at `now` (the caller's clock).
 * @throws UsageError `ERR_USAGE` for no org or two of one label; OrgLoginError `ERR_ORG_LOGIN` when an org
 * refuses the login; DiscoverAccessError `ERR_DISCOVER_ACCESS` when it refuses to show its certificates:
 * a document missing an org would read as "all clear" for it, so one failure fails the whole.
 */
export async function discover(
  orgs: readonly OrgToDiscover[],
  now: Date,
  open: OrgOpener = loginClient,
): Promise<DiscoveryDocument> {
  if (orgs.length === 0) throw new UsageError("discover: no org to read: name at least one");
  const seen = new Set<string>();
  for (const { label } of orgs) {
    if (seen.has(label)) throw new UsageError(`discover: org ${JSON.stringify(label)} is named twice`);
    seen.add(label);
  }
  const read: DiscoveredOrg[] = [];
  for (const org of orgs) read.push(await discoverOrg(await open(org.connection), org.label, now));
  return { format: discoveryFormat, orgs: read };
}
