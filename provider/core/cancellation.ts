import { Clock } from "../client/clock";

/**
 * The deployment being cancelled: the first Ctrl-C of `pulumi up` makes the engine send the provider a Cancel.
 * Waits (polling an order until it is issued) end early on it, with the partial failure that keeps the order in
 * state. Nothing else is cut short: a POST in flight, or a look-up for one whose answer was lost, always finishes.
 */
export interface Cancellation {
  readonly cancelled: boolean;
  /** Resolves once cancelled; never rejects. */
  readonly whenCancelled: Promise<void>;
  /** Whether a cancel can reach this process at all (a progress line then says how to stop waiting). */
  readonly observed: boolean;
}

export class CancellationSource implements Cancellation {
  cancelled = false;
  readonly whenCancelled: Promise<void>;
  private resolve!: () => void;

  constructor(public observed = false) {
    this.whenCancelled = new Promise((resolve) => (this.resolve = resolve));
  }

  cancel(): void {
    this.cancelled = true;
    this.resolve();
  }
}

/** Sleeps `ms` on the clock, unless cancelled first (or already). */
export async function sleepUnlessCancelled(
  clock: Clock,
  ms: number,
  cancellation: Cancellation,
): Promise<"slept" | "cancelled"> {
  if (cancellation.cancelled) return "cancelled";
  return Promise.race([
    clock.sleep(ms).then(() => "slept" as const),
    cancellation.whenCancelled.then(() => "cancelled" as const),
  ]);
}
