/**
 * @module The names the provider generates in the org, in one place, so validation can reserve them:
 * a certificate's later key pairs are `<uniqueName>_G<n>` (n ≥ 2), a two-slot JWT integration's apps are
 * `<apiName>_A` and `<apiName>_B` with consumer keys `<consumerKey>A` and `<consumerKey>B`. A declared
 * name of that shape could collide with a generated one (integration `CI` beside an integration `CI_A`,
 * certificate `Idp` beside `Idp_G2`), so such names are refused outright. Salesforce names ignore case,
 * so every comparison here does too.
 */
import { salesforceUniqueName, shown, type Rule } from "./rules";

/** The org name of a certificate's key pair of `generation` (1 is the unique name itself). */
export function certificateGenerationName(uniqueName: string, generation: number): string {
  return generation > 1 ? `${uniqueName}_G${generation}` : uniqueName;
}

/** The two slots of a two-slot JWT integration. */
export const jwtSlots = ["A", "B"] as const;

/** The app name of a two-slot JWT integration's `slot`. */
export function jwtSlotAppName(apiName: string, slot: (typeof jwtSlots)[number]): string {
  return `${apiName}_${slot}`;
}

/** The consumer key of a two-slot JWT integration's `slot`. */
export function jwtSlotConsumerKey(consumerKey: string, slot: (typeof jwtSlots)[number]): string {
  return `${consumerKey}${slot}`;
}

/** The most characters Salesforce allows in a unique name (`DeveloperName`, `fullName`). */
export const maxUniqueNameLength = 80;

/**
 * The rule for the API name of a JWT integration with `rotationStrategy`: with two slots its apps are named
 * `<apiName>_A` and `<apiName>_B`, so the name leaves room for the suffix.
 */
export function slotAppNamesFit(apiName: unknown, rotationStrategy: unknown): string | undefined {
  if (rotationStrategy !== "twoSlots" || typeof apiName !== "string") return undefined;
  const most = maxUniqueNameLength - jwtSlotAppName("", "A").length;
  return apiName.length > most
    ? `must be at most ${most} characters with two slots (rotationStrategy twoSlots, the default for External Client Apps): the slot apps <name>_A and <name>_B must fit Salesforce's ${maxUniqueNameLength} (got ${apiName.length}); shorten the name, or use rotationStrategy: inPlace`
    : undefined;
}

/** The suffix of generated certificate names: `_G` and digits. */
const generationSuffix = /_G(\d+)$/i;
/** The suffix of generated app names: `_A` or `_B`. */
const slotSuffix = /_([AB])$/i;

/** For a name of the generated shape `<base>_G<n>`: its base and generation. */
export function generatedCertificateBase(name: string): { base: string; suffix: string } | undefined {
  const m = generationSuffix.exec(name);
  return m ? { base: name.slice(0, m.index), suffix: m[0] } : undefined;
}

/** For a name of the generated shape `<base>_A` / `<base>_B`: its base and slot. */
export function generatedAppBase(name: string): { base: string; slot: string } | undefined {
  const m = slotSuffix.exec(name);
  return m ? { base: name.slice(0, m.index), slot: m[1]!.toUpperCase() } : undefined;
}

/** The rule for a certificate's unique name: it must not end like a generation. */
export const notGeneratedCertificateName: Rule = (value) => {
  if (typeof value !== "string") return undefined;
  const generated = generatedCertificateBase(value);
  return generated
    ? `must not end in _G and digits (got ${shown(value)}): such names are reserved for the rotated key pairs of a certificate ${generated.base} (${generated.base}_G2, ${generated.base}_G3, …); choose another name`
    : undefined;
};

/** The rule for an app's API name (JWT or SAML): it must not end like a JWT slot. */
export const notGeneratedAppName: Rule = (value) => {
  if (typeof value !== "string") return undefined;
  const generated = generatedAppBase(value);
  return generated
    ? `must not end in _A or _B (got ${shown(value)}): such names are reserved for the two slot apps of a JWT integration ${generated.base} (${generated.base}_A, ${generated.base}_B); choose another name`
    : undefined;
};

/** An app's API name; `_A` and `_B` are reserved for the two slot apps. */
export const appApiName: Rule = (value) => salesforceUniqueName(value) ?? notGeneratedAppName(value);
