import { ReplacementReason } from "./diff";

export interface PlannedReplacement {
  readonly predecessorOrderId: number;
  readonly reason: ReplacementReason | "engine";
}

/**
 * What a provider host process learned about resources' successive orders. The engine calls Check, Diff, (Check
 * again,) Create for a replacement, then Delete of the old order; only Diff sees the old order, only Create places
 * the new one, and only Delete handles the old one. This carries that knowledge across the calls of one
 * deployment. If the process dies in between, the next `pulumi up` runs Diff again from state.
 *
 * One instance is shared by the whole process (`processLineage`): a Delete may run under an older provider shell
 * than the Create, and both load this same module.
 */
export class Lineage {
  /** resource key → the order a Create for that resource would succeed. */
  private readonly planned = new Map<string, PlannedReplacement>();
  /** Existing orders a Create took over as its own: a Delete of the same order must not cancel it. */
  private readonly heldByCreate = new Set<number>();
  /**
   * Orders whose resource went through Diff in this process. The engine only deletes such an order in the same
   * deployment when it replaces the resource (a removed or destroyed resource gets no Diff), whatever the
   * replacement's order of steps (`deleteBeforeReplace` deletes first) and whatever the new order's ID is.
   */
  private readonly diffed = new Set<number>();
  /**
   * Diff records, for any existing order, that a Create for this resource would succeed it: a replacement decided
   * by the engine (`replaceOnChanges`, a dependency's replacement) runs our Diff too, and its Create must not take
   * the old order back. A Create that follows no replacement never happens for an existing resource.
   */
  recordPossibleSuccessor(resourceKey: string, replacement: PlannedReplacement): void {
    this.planned.set(resourceKey, replacement);
    this.diffed.add(replacement.predecessorOrderId);
  }

  /** True when this order's resource was diffed in this process: a Delete of it is part of a replacement. */
  isBeingReplaced(orderId: number): boolean {
    return this.diffed.has(orderId);
  }

  /** The planned replacement for this resource, consumed: one Create per Diff. */
  takePlannedReplacement(resourceKey: string): PlannedReplacement | undefined {
    const found = this.planned.get(resourceKey);
    this.planned.delete(resourceKey);
    return found;
  }

  recordHeldByCreate(orderId: number): void {
    this.heldByCreate.add(orderId);
  }

  isHeldByCreate(orderId: number): boolean {
    return this.heldByCreate.has(orderId);
  }
}

export const processLineage = new Lineage();
