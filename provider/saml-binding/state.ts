/**
 * @module A binding's state codec: what is stored (shape 2: the settings, the stages and where they
 * stand; absent outputs as null) and the state the lifecycle reads back. Shape 1 also stored the views,
 * which decoding recomputes over whatever was stored. Pure.
 */
import { withAbsentOutputs, withoutAbsentOutputs } from "../dynamic/absent-outputs";
import { samlOptionalOutputs, samlTransientFields, samlViewFields } from "./fields";
import { samlSpBindingViews, type SamlSpBindingState } from "./lifecycle";

/** Shape of the stored state this release writes (the lifecycle's state carries the same number). */
export const storedSamlVersion = 2;

/**
 * The state as the lifecycle reads it, from a stored state of any shape: absent outputs (null) removed,
 * and, unless `views` is false (planning reads none), the views recomputed from the stored facts.
 */
export function decodeSamlState(stored: SamlSpBindingState, views = true): SamlSpBindingState {
  const state = withoutAbsentOutputs(stored) as SamlSpBindingState;
  return views ? { ...state, ...samlSpBindingViews(state) } : state;
}

/**
 * The state to store (shape 2): without its views, which the program computes, and without the bound
 * certificate's PEM and facts, which the stages hold; absent outputs as null.
 */
export function encodeSamlState(state: SamlSpBindingState): SamlSpBindingState {
  const next: Record<string, unknown> = { ...state, stateVersion: storedSamlVersion };
  for (const field of [...samlViewFields, ...samlTransientFields]) delete next[field];
  return withAbsentOutputs(next, samlOptionalOutputs) as unknown as SamlSpBindingState;
}
