import { Clock } from "./clock";
import { CertCentralApiError, isRetryable, neverConnected } from "./errors";

/** Capped exponential backoff with full jitter, bounded in attempts and in total time. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxElapsedMs: number;
  /**
   * How long a request refused with 429 keeps being sent again (a refusal is not an attempt: it does not count
   * toward maxAttempts). Long enough for DigiCert's 5-minute window to roll while another deployment shares the key.
   */
  readonly maxRateLimitedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxElapsedMs: 120_000,
  maxRateLimitedMs: 600_000,
};

/** Delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * The pause before attempt `attempt + 1` after `error`: the backoff, or longer when the server said when to come
 * back (`Retry-After`), within the policy's ceiling.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  error: unknown,
): number {
  const retryAfter = error instanceof CertCentralApiError ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(backoffDelayMs(policy, attempt, random), Math.min(retryAfter, policy.maxDelayMs));
}

/**
 * Attempts while nothing answers at all (connection refused, no such host): a restarting server gets a second
 * chance within about a second, but a stopped one (or a wrong base URL) is reported at once, not after a minute.
 */
export const MAX_NEVER_CONNECTED_ATTEMPTS = 3;

/** The least pause after a 429, so that time always moves on; the rate limiter does the real pacing. */
const MIN_RATE_LIMITED_PAUSE_MS = 10;

/** After a 429: what a `Retry-After` asks, within the policy's ceiling; the rate limiter does the pacing. */
export function retryAfterMs(policy: RetryPolicy, error: unknown): number {
  const retryAfter = error instanceof CertCentralApiError ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(MIN_RATE_LIMITED_PAUSE_MS, Math.min(retryAfter, policy.maxDelayMs));
}

/**
 * Runs `operation` until it succeeds, fails for good, or the policy's attempts or time run out. A 429 is a refusal,
 * not a failed attempt: it is sent again once the rate limiter (which slows down on 429s) lets it, for up to
 * `maxRateLimitedMs` since the first refusal in a row.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  clock: Clock,
  operation: () => Promise<T>,
  retryable: (error: unknown) => boolean = isRetryable,
  onRetry?: (error: unknown, delayMs: number, attempt: number) => void,
): Promise<T> {
  const started = clock.now();
  let rateLimitedSince: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (retryable(error) && error instanceof CertCentralApiError && error.httpStatus === 429) {
        rateLimitedSince ??= clock.now();
        if (clock.now() - rateLimitedSince >= policy.maxRateLimitedMs) throw error;
        attempt--;
        const pause = retryAfterMs(policy, error);
        onRetry?.(error, pause, attempt);
        await clock.sleep(pause);
        continue;
      }
      rateLimitedSince = undefined;
      if (!retryable(error) || attempt >= policy.maxAttempts) throw error;
      if (neverConnected(error) && attempt >= MAX_NEVER_CONNECTED_ATTEMPTS) throw error;
      const delay = retryDelayMs(policy, attempt, clock.random, error);
      if (clock.now() + delay - started > policy.maxElapsedMs) throw error;
      onRetry?.(error, delay, attempt + 1);
      await clock.sleep(delay);
    }
  }
}
