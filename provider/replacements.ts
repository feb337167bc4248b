import { ReplacementReason } from "./diff";

/**
 * What diff decided about a resource, for the create that follows it in the same provider host process (the
 * engine calls Check, Diff, then Create for a replacement; Create sees only the new inputs). It tells create
 * which order the new one succeeds, so a renewal carries `renewal_of_order_id` and the new order gets its own
 * alternative order ID. If the process dies before create, the next `pulumi up` runs diff again.
 */
export interface PlannedReplacement {
  readonly predecessorOrderId: number;
  readonly reason: ReplacementReason;
}

const planned = new Map<string, PlannedReplacement>();

export function recordReplacement(resourceKey: string, replacement: PlannedReplacement): void {
  planned.set(resourceKey, replacement);
}

export function plannedReplacement(resourceKey: string): PlannedReplacement | undefined {
  return planned.get(resourceKey);
}
