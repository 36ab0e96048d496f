/**
 * @module The engine's placeholder for a value not known until the update runs.
 */

/** Pulumi's placeholder for a value not known until the update runs (preview of new resources). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
