import { Clock } from "../clock";
import { CertCentralApiError, isRetryable } from "./errors";

/** Capped exponential backoff with full jitter, bounded in attempts and in total time. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxElapsedMs: 120_000,
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

/** Runs `operation` until it succeeds, fails for good, or the policy's attempts or time run out. */
export async function withRetries<T>(
  policy: RetryPolicy,
  clock: Clock,
  operation: () => Promise<T>,
  retryable: (error: unknown) => boolean = isRetryable,
): Promise<T> {
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!retryable(error) || attempt >= policy.maxAttempts) throw error;
      const delay = retryDelayMs(policy, attempt, clock.random, error);
      if (clock.now() + delay - started > policy.maxElapsedMs) throw error;
      await clock.sleep(delay);
    }
  }
}
