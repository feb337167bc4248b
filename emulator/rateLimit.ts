/**
 * DigiCert's per-API-key rate limits: several rolling windows at once (e.g. 100 per 5 s and 1000 per 5 min);
 * a request is admitted only when every window has room (reference §14).
 *
 * Choice: only admitted requests are recorded. A request answered 429 does not count toward the windows, so a
 * client that keeps retrying gets through as soon as the oldest admitted request leaves the window. DigiCert
 * does not document whether rejected requests count.
 */
import { RateLimitWindow } from "./types";

export const DEFAULT_RATE_LIMITS: readonly RateLimitWindow[] = [
  { limit: 100, windowMs: 5_000 },
  { limit: 1000, windowMs: 300_000 },
];

export function checkRateLimitWindows(windows: readonly RateLimitWindow[]): void {
  for (const window of windows) {
    if (!Number.isInteger(window.limit) || window.limit < 1) {
      throw new RangeError(`rate limit must be a positive integer, got ${window.limit}`);
    }
    if (!Number.isFinite(window.windowMs) || window.windowMs <= 0) {
      throw new RangeError(`rate limit windowMs must be positive, got ${window.windowMs}`);
    }
  }
}

export class RollingRateLimiter {
  /** Admission times per key, oldest first. */
  private readonly admissions = new Map<string, number[]>();
  private readonly longestWindowMs: number;

  constructor(private readonly windows: readonly RateLimitWindow[]) {
    checkRateLimitWindows(windows);
    this.longestWindowMs = Math.max(0, ...windows.map((window) => window.windowMs));
  }

  /** True when every window still has room for one more request from `key` at `now`. */
  hasRoom(key: string, now: number): boolean {
    const times = this.prune(key, now);
    return this.windows.every((window) => countAfter(times, now - window.windowMs) < window.limit);
  }

  /** Counts an admitted request. */
  record(key: string, now: number): void {
    if (this.windows.length === 0) return;
    const times = this.prune(key, now);
    times.push(now);
    this.admissions.set(key, times);
  }

  reset(): void {
    this.admissions.clear();
  }

  /** Drops admissions older than the longest window; they can no longer count. */
  private prune(key: string, now: number): number[] {
    const times = this.admissions.get(key) ?? [];
    const firstLive = times.findIndex((time) => time > now - this.longestWindowMs);
    const live = firstLive < 0 ? [] : times.slice(firstLive);
    this.admissions.set(key, live);
    return live;
  }
}

/** How many of the ascending `times` are after `threshold` (an admission at exactly now-windowMs has left). */
function countAfter(times: readonly number[], threshold: number): number {
  let count = 0;
  for (let index = times.length - 1; index >= 0 && times[index] > threshold; index--) count++;
  return count;
}
