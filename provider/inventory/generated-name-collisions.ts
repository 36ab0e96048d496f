/**
 * @module Names in an inventory that would collide in the org, where only the whole inventory can see it:
 * a declared name that is also a generated one (`Idp_G2` beside certificate `Idp`, whose second key pair
 * is `Idp_G2`; `CI_A` beside the two-slot JWT integration `CI`), names that differ only in case
 * (Salesforce names ignore case), one app name in two sections, and consumer keys given twice (a
 * two-slot integration's keys are its `consumerKey` plus `A` and `B`). The reserved shapes themselves
 * come from validate/generated-names, which the resources' own `check()` also applies.
 */
import {
  generatedAppBase,
  generatedCertificateBase,
  jwtSlotAppName,
  jwtSlots,
  notGeneratedAppName,
  notGeneratedCertificateName,
  slotAppNamesFit,
} from "../validate/generated-names";
import { salesforceUniqueName } from "../validate/rules";

/** One collision: at the key of the entry (`onKey`) or at one of its fields. */
export interface NameCollision {
  keyPath: (string | number)[];
  message: string;
  onKey: boolean;
}

type Entries = Record<string, Record<string, unknown>>;

/** Every collision among the names of `data` (a parsed inventory that passed the schema). */
export function generatedNameCollisions(data: Record<string, unknown>): NameCollision[] {
  return [...certificateCollisions(data), ...appCollisions(data), ...consumerKeyCollisions(data)];
}

const entriesOf = (data: Record<string, unknown>, section: string): [string, Record<string, unknown>][] =>
  Object.entries((data[section] ?? {}) as Entries).filter(([name]) => salesforceUniqueName(name) === undefined);

function certificateCollisions(data: Record<string, unknown>): NameCollision[] {
  const found: NameCollision[] = [];
  const certificates = entriesOf(data, "certificates");
  const byLowerName = new Map<string, string>();
  for (const [name] of certificates) {
    const other = byLowerName.get(name.toLowerCase());
    if (other !== undefined) {
      found.push({
        keyPath: ["certificates", name],
        onKey: true,
        message: `is certificates.${other} in another case: Salesforce names ignore case, so both would be one certificate in the org`,
      });
    } else byLowerName.set(name.toLowerCase(), name);
  }
  for (const [name] of certificates) {
    const generated = generatedCertificateBase(name);
    if (!generated) continue;
    const owner = byLowerName.get(generated.base.toLowerCase());
    const message =
      owner !== undefined
        ? `collides with certificates.${owner}, whose key pair is named ${owner}${generated.suffix} in the org after its rotations: names ending in _G and digits are reserved for rotated key pairs; choose another name`
        : notGeneratedCertificateName(name)!;
    found.push({ keyPath: ["certificates", name], onKey: true, message });
  }
  return found;
}

/** The app names each integration takes in the org, by owner path. */
function appCollisions(data: Record<string, unknown>): NameCollision[] {
  const found: NameCollision[] = [];
  const jwt = entriesOf(data, "jwtIntegrations");
  const twoSlots = new Map<string, string>();
  for (const [name, entry] of jwt) {
    if (strategyOf(entry) !== "twoSlots") continue;
    twoSlots.set(name.toLowerCase(), name);
    const tooLong = slotAppNamesFit(name, "twoSlots");
    if (tooLong) found.push({ keyPath: ["jwtIntegrations", name], onKey: true, message: tooLong });
  }
  const owners = new Map<string, { section: string; name: string }>();
  for (const section of ["jwtIntegrations", "samlBindings"]) {
    for (const [name] of entriesOf(data, section)) {
      const generated = generatedAppBase(name);
      if (generated) {
        const base = twoSlots.get(generated.base.toLowerCase());
        const message =
          base !== undefined
            ? `collides with the slot ${generated.slot} app of jwtIntegrations.${base} (${base}_${generated.slot}): names ending in _A or _B are reserved for the slot apps of JWT integrations; choose another name`
            : notGeneratedAppName(name)!;
        found.push({ keyPath: [section, name], onKey: true, message });
        continue;
      }
      const other = owners.get(name.toLowerCase());
      if (other && other.name === name) {
        found.push({
          keyPath: [section, name],
          onKey: true,
          message: `is also the name of ${other.section}.${other.name}: app names must be unique in the org`,
        });
      } else if (other) {
        found.push({
          keyPath: [section, name],
          onKey: true,
          message: `is ${other.section}.${other.name} in another case: Salesforce names ignore case, so both would be one app in the org`,
        });
      } else owners.set(name.toLowerCase(), { section, name });
    }
  }
  return found;
}

function consumerKeyCollisions(data: Record<string, unknown>): NameCollision[] {
  const found: NameCollision[] = [];
  const owners = new Map<string, string>();
  for (const [name, entry] of entriesOf(data, "jwtIntegrations")) {
    const key = entry["consumerKey"];
    if (typeof key !== "string") continue;
    const apps =
      strategyOf(entry) === "twoSlots"
        ? jwtSlots.map((slot) => [jwtSlotAppName(name, slot), `${key}${slot}`] as const)
        : [[name, key] as const];
    for (const [app, appKey] of apps) {
      const other = owners.get(appKey);
      if (other !== undefined) {
        found.push({
          keyPath: ["jwtIntegrations", name, "consumerKey"],
          onKey: false,
          message: `gives app ${app} the consumer key of app ${other}: consumer keys must be unique in the org (two slots add A and B to consumerKey)`,
        });
        break;
      }
    }
    for (const [app, appKey] of apps) if (!owners.has(appKey)) owners.set(appKey, app);
  }
  return found;
}

function strategyOf(entry: Record<string, unknown>): string {
  return (
    (entry["rotationStrategy"] as string | undefined) ?? (entry["appType"] === "ConnectedApp" ? "inPlace" : "twoSlots")
  );
}
