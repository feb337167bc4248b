import { isDeepStrictEqual } from "util";
import { inputsCodec, withKeptInputs } from "../index";

/** pulumirpc.PropertyDiff.Kind. */
export const DiffKind = {
  ADD: 0,
  ADD_REPLACE: 1,
  DELETE: 2,
  DELETE_REPLACE: 3,
  UPDATE: 4,
  UPDATE_REPLACE: 5,
} as const;
export type DiffKindValue = (typeof DiffKind)[keyof typeof DiffKind];

type Props = Record<string, unknown>;

function isObject(u: unknown): u is Props {
  return typeof u === "object" && u !== null && !Array.isArray(u);
}

function kindOf(before: unknown, after: unknown, replace: boolean): DiffKindValue {
  if (before === undefined) return replace ? DiffKind.ADD_REPLACE : DiffKind.ADD;
  if (after === undefined) return replace ? DiffKind.DELETE_REPLACE : DiffKind.DELETE;
  return replace ? DiffKind.UPDATE_REPLACE : DiffKind.UPDATE;
}

/**
 * Which input paths changed (plain values: secrets unwrapped) and whether each buys a new order, as the core's diff
 * decided (`replaces`). A changed object that is updated in place (a reissue changes `certificate`) is shown by its
 * changed fields (`certificate.csr`), so the preview says what the reissue carries. Presentation only: no rule here.
 */
export function detailedDiff(
  oldOutputs: Props,
  newInputs: Props,
  replaces: readonly string[],
): Record<string, DiffKindValue> {
  // Compared as the core's Diff compares them: an input left out that keeps what the order has is no change.
  const withKept = withKeptInputs(newInputs, oldOutputs);
  const result: Record<string, DiffKindValue> = {};
  for (const key of inputsCodec.keys as readonly string[]) {
    const [before, after] = [oldOutputs[key], withKept[key]];
    if (isDeepStrictEqual(before, after)) continue;
    const replace = replaces.includes(key);
    if (!replace && isObject(before) && isObject(after)) {
      for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (!isDeepStrictEqual(before[field], after[field]))
          result[`${key}.${field}`] = kindOf(before[field], after[field], false);
      }
      continue;
    }
    result[key] = kindOf(before, after, replace);
  }
  return result;
}
