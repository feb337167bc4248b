import { ComputedOutputs, STATE_VERSION } from "./codecs/state";
import { INPUT_KEYS } from "./codecs/inputs";

export { STATE_VERSION } from "./codecs/state";

/** The host refuses `undefined` in outputs: absent values are left out instead. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The outputs to store: the inputs first, then computed values (which win on a name clash: there is none),
 * stamped with the current state version: every write migrates. (Version 1 is the first: nothing older to read.)
 */
export function composeOutputs(inputs: object, computed: ComputedOutputs): Record<string, unknown> {
  const echoed = Object.entries(inputs).filter(
    ([k, v]) => (INPUT_KEYS as readonly string[]).includes(k) && v !== undefined,
  );
  return { ...Object.fromEntries(echoed), ...withoutUndefined({ ...computed, stateVersion: STATE_VERSION }) };
}
