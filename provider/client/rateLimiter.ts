import { createHash } from "crypto";
import { Clock, systemClock } from "../clock";

/** A rolling window: at most `limit` requests in any `windowMs`. */
export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * DigiCert's limits per API key (certcentral-api.md §14): a burst window of 100 per 5 s, and 1000 per 5 min
 * (a newer page says per 3 min: we take the stricter).
 */
export const DIGICERT_RATE_WINDOWS: readonly RateWindow[] = [
  { limit: 100, windowMs: 5_000 },
  { limit: 1000, windowMs: 180_000 },
];

/**
 * A sliding-log limiter: a request may start when every window has room, counting the start times of the
 * requests before it. Written here rather than taken from a library because DigiCert's windows are rolling:
 * the token-bucket and fixed-reservoir limiters on npm (limiter, bottleneck) let up to twice the limit through
 * across a window boundary, which is exactly what earns a 429. Waiters are served first come, first served.
 *
 * A small margin per window absorbs the time between our clock and DigiCert's stamping the request.
 */
export class RateLimiter {
  private readonly starts: number[] = [];
  private readonly waiters: (() => void)[] = [];
  private pumping = false;
  private readonly longestWindowMs: number;

  constructor(
    readonly windows: readonly RateWindow[],
    private readonly clock: Clock = systemClock,
  ) {
    this.longestWindowMs = Math.max(0, ...windows.map((w) => w.windowMs));
  }

  /** Resolves when a request may be sent; the request counts from that moment. */
  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const wait = this.waitMs(this.clock.now());
        if (wait > 0) {
          await this.clock.sleep(wait);
          continue;
        }
        this.starts.push(this.clock.now());
        this.waiters.shift()!();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** How long until every window has room; 0 if now. */
  waitMs(now: number): number {
    this.forget(now);
    let wait = 0;
    for (const window of this.windows) {
      const inWindow = this.countSince(now - window.windowMs - marginMs(window));
      if (inWindow >= window.limit) {
        // The oldest request that must leave the window before one more fits.
        const blocking = this.starts[this.starts.length - window.limit]!;
        wait = Math.max(wait, blocking + window.windowMs + marginMs(window) - now + 1);
      }
    }
    return wait;
  }

  private countSince(since: number): number {
    // starts is sorted: binary search for the first start after `since`.
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! > since) hi = mid;
      else lo = mid + 1;
    }
    return this.starts.length - lo;
  }

  private forget(now: number): void {
    const horizon = now - this.longestWindowMs - 1000;
    let drop = 0;
    while (drop < this.starts.length && this.starts[drop]! < horizon) drop++;
    if (drop > 0) this.starts.splice(0, drop);
  }
}

function marginMs(window: RateWindow): number {
  return Math.ceil(window.windowMs * 0.01) + 10;
}

/**
 * One limiter per API key in this process: every resource of a deployment is served by one provider host, so
 * they all share it. Keyed by a hash, not the key itself.
 */
const limiters = new Map<string, RateLimiter>();

export function limiterFor(apiKey: string, windows: readonly RateWindow[], clock: Clock): RateLimiter {
  const id = `${createHash("sha256").update(apiKey).digest("hex")}:${JSON.stringify(windows)}`;
  let limiter = limiters.get(id);
  if (!limiter) {
    limiter = new RateLimiter(windows, clock);
    limiters.set(id, limiter);
  }
  return limiter;
}
