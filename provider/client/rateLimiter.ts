import { createHash } from "crypto";
import { Clock, systemClock } from "./clock";

/** A rolling window: at most `limit` requests in any `windowMs`. */
export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * DigiCert's limits per API key (certcentral-api.md §14): a burst window of 100 per 5 s, and 1000 per 5 min
 * (a newer page says 1000 per 3 min). The default is the stricter of the two: 1000 per 5 minutes allows fewer
 * requests in any stretch of time than 1000 per 3 minutes.
 */
export const DIGICERT_RATE_WINDOWS: readonly RateWindow[] = [
  { limit: 100, windowMs: 5_000 },
  { limit: 1000, windowMs: 300_000 },
];

/**
 * A sliding-log limiter: a request may start when every window has room. Written here rather than taken from a
 * library because DigiCert's windows are rolling: the token-bucket and fixed-reservoir limiters on npm (limiter,
 * bottleneck) let up to twice the limit through across a window boundary, which is exactly what earns a 429.
 *
 * A request counts in the windows from its start until its answer arrives, and from then on as if it had been
 * sent at that moment. DigiCert stamps a request somewhere between our send and its answer; counting from the
 * answer is the only stamp that can never be earlier than DigiCert's, whatever the latency. Waiters are served
 * first come, first served.
 */
/** How a request ended, for the limiter: a 429 ("refused") says the key's budget is used by others too. */
export type Outcome = "answered" | "refused";

/** The share of each window kept after a 429, and what each answered request gives back. */
const SHARE_AFTER_REFUSAL = 0.75;
const SHARE_REGAINED_PER_ANSWER = 0.02;
const LEAST_SHARE = 0.1;
/**
 * After a 429, nothing is sent for this many of the tightest window's slots (or this long without windows), doubled
 * for each 429 in a row with no answer between, up to the tightest window (or 15 s).
 */
const PAUSE_SLOTS = 10;
const PAUSE_WITHOUT_WINDOWS_MS = 250;
const LONGEST_PAUSE_WITHOUT_WINDOWS_MS = 15_000;
/** Waits at least this long are reported (`onWait`), so that a deployment held by the limits never looks hung. */
const NOTICEABLE_WAIT_MS = 1_000;

export class RateLimiter {
  /** One entry per request in the windows: when its answer came, or Infinity while it is in flight. */
  private stamps: { at: number }[] = [];
  private readonly waiters: ((release: (outcome?: Outcome) => void) => void)[] = [];
  private pumping = false;
  private readonly longestWindowMs: number;
  /**
   * The share of each window this process takes. Another deployment (another host, another stack) may use the same
   * key, and only DigiCert's 429s say so: each one cuts the share, each answered request wins a little back
   * (additive increase, multiplicative decrease), so processes sharing a key settle near the key's limit together.
   */
  private share = 1;
  private pausedUntil = 0;
  private refusalsInARow = 0;
  private readonly pauseMs: number;
  private readonly longestPauseMs: number;

  /** Told of each wait of a second or more: how long, and how many requests are queued. */
  onWait?: (waitMs: number, queued: number) => void;

  constructor(
    readonly windows: readonly RateWindow[],
    private readonly clock: Clock = systemClock,
  ) {
    this.longestWindowMs = Math.max(0, ...windows.map((w) => w.windowMs));
    this.pauseMs =
      windows.length === 0
        ? PAUSE_WITHOUT_WINDOWS_MS
        : Math.min(...windows.map((w) => (w.windowMs / w.limit) * PAUSE_SLOTS));
    this.longestPauseMs =
      windows.length === 0 ? LONGEST_PAUSE_WITHOUT_WINDOWS_MS : Math.min(...windows.map((w) => w.windowMs));
  }

  /**
   * Resolves when a request may be sent, with the function to call once its answer (or failure) arrived: with
   * "refused" for a 429.
   */
  acquire(): Promise<(outcome?: Outcome) => void> {
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
        const now = this.clock.now();
        const wait = Math.max(this.waitMs(now), this.pausedUntil - now);
        if (wait === Infinity) return; // a release will pump again
        if (wait > 0) {
          if (wait >= NOTICEABLE_WAIT_MS) this.onWait?.(wait, this.waiters.length);
          await this.clock.sleep(wait);
          continue;
        }
        this.waiters.shift()!(this.take());
      }
    } finally {
      this.pumping = false;
    }
  }

  private take(): (outcome?: Outcome) => void {
    const stamp = { at: Infinity };
    this.stamps.push(stamp);
    return (outcome = "answered") => {
      if (stamp.at !== Infinity) return;
      const now = this.clock.now();
      stamp.at = now;
      if (outcome === "refused") {
        // DigiCert did not count it (a refusal): neither does the limiter. Its pace comes from the share.
        this.stamps = this.stamps.filter((s) => s !== stamp);
        // The requests in flight together are refused together: one cut per pause, as TCP cuts once per round trip.
        if (now >= this.pausedUntil) {
          this.share = Math.max(LEAST_SHARE, this.share * SHARE_AFTER_REFUSAL);
          const pause = Math.min(this.longestPauseMs, this.pauseMs * 2 ** Math.min(this.refusalsInARow, 20));
          this.refusalsInARow++;
          this.pausedUntil = now + pause;
        }
      } else {
        this.refusalsInARow = 0;
        this.share = Math.min(1, this.share + SHARE_REGAINED_PER_ANSWER);
      }
      void this.pump();
    };
  }

  /** How long until every window has room: 0 if now, Infinity if an answer must arrive first. */
  waitMs(now: number): number {
    this.forget(now);
    let wait = 0;
    for (const window of this.windows) {
      const since = now - window.windowMs;
      const inWindow = this.stamps
        .map((stamp) => stamp.at)
        .filter((at) => at > since)
        .sort((a, b) => a - b);
      const limit = Math.max(1, Math.floor(window.limit * this.share));
      if (inWindow.length >= limit) {
        // The request whose leaving the window makes room for one more.
        const blocking = inWindow[inWindow.length - limit]!;
        wait = Math.max(wait, blocking === Infinity ? Infinity : blocking + window.windowMs - now + 1);
      }
    }
    return wait;
  }

  private forget(now: number): void {
    const horizon = now - this.longestWindowMs - 1000;
    this.stamps = this.stamps.filter((stamp) => stamp.at >= horizon);
  }
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
