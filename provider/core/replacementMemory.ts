import { Predecessor } from "./plans";

/**
 * What crosses calls within one deployment. For a replacement the engine calls Diff, Create, then Delete of the
 * old order: only Diff sees the old order, only Create places the new one, only Delete handles the old one.
 *
 * The assumption, written once: **one provider host process serves a whole deployment** (the engine starts one
 * dynamic-provider host per `pulumi up` and sends it every call of every resource; asserted through the SDK's host in
 * test/engine/lifecycle.test.ts). If the process dies between calls, the next `pulumi up` runs Diff again from
 * state, and Delete asks DigiCert for successors (orderHistory.ts) instead of relying on this memory.
 *
 * One instance is shared by the whole process (`processMemory`): a Delete may run under an older provider shell
 * than the Create, and both load this same module.
 */
export class ReplacementMemory {
  /** resource key → the order a Create for that resource succeeds (one Create per Diff). */
  private readonly predecessors = new Map<string, Predecessor>();
  /**
   * Orders whose resource went through Diff: the engine deletes such an order in the same deployment only when it
   * replaces the resource (a removed or destroyed resource gets no Diff), whatever the order of steps.
   */
  private readonly replaced = new Set<number>();
  /** Orders a Create adopted as its own: a Delete of the same order must not cancel it. */
  private readonly adopted = new Set<number>();
  /**
   * order ID → the resource key of the resource that holds it (placed or adopted it) in this process. A user's own
   * alternative order ID may be shared by several resources: an order another resource holds is never this one's.
   */
  private readonly holders = new Map<number, string>();
  /** Alternative order ID → the tail of the creates that look up and place under it, one at a time. */
  private readonly placing = new Map<string, Promise<unknown>>();

  /**
   * Diff saw this resource's current order: a Create for the resource would succeed it. The engine may decide a
   * replacement our Diff did not (`replaceOnChanges`, a dependency's replacement): it runs our Diff too, and its
   * Create must not take the old order back.
   */
  rememberDiff(resourceKey: string, predecessor: Predecessor): void {
    this.predecessors.set(resourceKey, predecessor);
    this.replaced.add(predecessor.orderId);
  }

  /** The predecessor Diff named for this resource, consumed. */
  takePredecessor(resourceKey: string): Predecessor | undefined {
    const found = this.predecessors.get(resourceKey);
    this.predecessors.delete(resourceKey);
    return found;
  }

  rememberAdopted(orderId: number): void {
    this.adopted.add(orderId);
  }

  isAdopted(orderId: number): boolean {
    return this.adopted.has(orderId);
  }

  isBeingReplaced(orderId: number): boolean {
    return this.replaced.has(orderId);
  }

  /** This resource holds the order now (its Create placed or adopted it). */
  rememberHolder(orderId: number, resourceKey: string): void {
    this.holders.set(orderId, resourceKey);
  }

  /** The orders other resources of this process hold. */
  heldByOthers(resourceKey: string): ReadonlySet<number> {
    const held = new Set<number>();
    for (const [orderId, holder] of this.holders) if (holder !== resourceKey) held.add(orderId);
    return held;
  }

  /**
   * Runs `step` (look up, place or adopt, remember the holder) when no other step holding the same lock runs in
   * this process. The create's lock is its alternative order ID when it is the user's own: two resources sharing it
   * then never see each other's order before it is held, and one's lost answer is never answered by the other's
   * order. A derived ID is its resource's own, so creates under derived IDs run side by side.
   */
  async oneAtATime<T>(lock: string, step: () => Promise<T>): Promise<T> {
    const before = this.placing.get(lock) ?? Promise.resolve();
    const mine = before.then(step, step);
    const tail = mine.catch(() => undefined);
    this.placing.set(lock, tail);
    try {
      return await mine;
    } finally {
      if (this.placing.get(lock) === tail) this.placing.delete(lock);
    }
  }
}

export const processMemory = new ReplacementMemory();
