import { isRateLimited, isUnreadableAcceptance, mayHaveBeenProcessed } from "./client/errors";
import { retryAfterMs, retryDelayMs } from "./client/retry";
import { LifecycleContext, messageOf } from "./lifecycleContext";

/**
 * "A POST that creates something at DigiCert (an order, a reissue) is sent at most once", for both: a POST that may
 * have reached DigiCert (no answer, a 5xx or 408, an unreadable body) is never sent again before what it would have
 * created has been looked up for the grace period, and never after an unreadable 2xx, which is an acceptance. A 429
 * is a plain refusal: the POST is sent again once the limiter lets it (it slows down on 429s, and a Retry-After is
 * honoured on top), for up to `retry.maxRateLimitedMs`, with a log line per refusal, and looked up first only if an
 * earlier attempt went unanswered.
 */

/** Attempts of a POST whose answers were lost (a 429 is a refusal and does not count: see maxRateLimitedMs). */
export const MAX_POST_ATTEMPTS = 5;
/** After an ambiguous failure DigiCert may still be storing what was sent: keep looking for this many request timeouts. */
export const GRACE_TIMEOUTS = 3;

/** Until when to keep looking after `error`: a 429 hides nothing (one look), any other ambiguous failure may. */
export function graceDeadline(ctx: LifecycleContext, error: unknown): number {
  return ctx.clock.now() + (isRateLimited(error) ? 0 : GRACE_TIMEOUTS * ctx.settings.timeoutMs);
}

export interface PostOnceSpec<T, F> {
  /** What is sent, in messages: "order", "reissue". */
  readonly noun: string;
  /** What a refusal means, in messages: "no order was placed", "no reissue was requested". */
  readonly nothingDone: string;
  readonly send: () => Promise<T>;
  /**
   * Looks for what an unanswered attempt may have created, for the grace period after `error` (graceDeadline);
   * undefined when it is not there. `unsure` is the first unanswered failure, for messages.
   */
  readonly lookUp: (error: unknown, unsure: unknown) => Promise<F | undefined>;
  /** A refusal after which the POST is changed and sent again at once (true), e.g. a refused renewal link. */
  readonly adjust?: (error: unknown) => boolean;
  /** A final refusal (not ambiguous): the error to throw. */
  readonly refused: (error: unknown) => Error;
  /** An unreadable 2xx that the look-up does not show (yet): never sent again. */
  readonly unreadable: (failure: string) => string;
  /** After 429s with an earlier unanswered attempt: that nothing from it is visible. */
  readonly unsureNotVisible: string;
  /** For the line before sending again after an unanswered attempt: "DigiCert has no order under X". */
  readonly notVisible: string;
  /** The message once MAX_POST_ATTEMPTS unanswered attempts left nothing visible. */
  readonly exhausted: (failure: string, attempts: number) => string;
  /** An earlier run's unanswered POST (its provider stopped), already looked up by the caller. */
  readonly unsure?: unknown;
  /** The outcome is known (sent, refused, or nothing visible after every attempt). */
  readonly settle: () => void;
}

export type PostOutcome<T, F> =
  | { readonly kind: "sent"; readonly value: T }
  | { readonly kind: "found"; readonly found: F; readonly unsure: unknown };

export async function postAtMostOnce<T, F>(
  ctx: LifecycleContext,
  spec: PostOnceSpec<T, F>,
): Promise<PostOutcome<T, F>> {
  /** The first failure that may hide an acceptance (not a 429, which is a refusal). */
  let unsure: unknown = spec.unsure;
  let unanswered = 0;
  let refusedSince: number | undefined;
  for (;;) {
    try {
      const value = await spec.send();
      spec.settle();
      return { kind: "sent", value };
    } catch (error) {
      const failure = messageOf(error);
      if (spec.adjust?.(error)) continue;
      if (!mayHaveBeenProcessed(error)) {
        // A final refusal of this attempt; earlier unanswered attempts were looked up and not found.
        spec.settle();
        throw spec.refused(error);
      }
      const refused = isRateLimited(error);
      if (!refused) {
        unsure ??= error;
        unanswered++;
      }
      if (unsure !== undefined) {
        const found = await spec.lookUp(error, unsure);
        if (found !== undefined) return { kind: "found", found, unsure };
      }
      if (isUnreadableAcceptance(error)) {
        // However long the look-up lags, this is never sent again.
        throw new Error(spec.unreadable(failure));
      }
      if (refused) {
        refusedSince ??= ctx.clock.now();
        const refusedFor = ctx.clock.now() - refusedSince;
        if (refusedFor >= ctx.settings.retry.maxRateLimitedMs) {
          throw new Error(
            `${failure}. DigiCert refused the ${spec.noun} with HTTP 429 (rate limit) for ${Math.round(refusedFor / 1000)} s; ` +
              `a 429 is a refusal, so ${spec.nothingDone} by these attempts` +
              (unsure === undefined ? ". " : `, and ${spec.unsureNotVisible}. `) +
              "Other deployments may be using the same API key: run `pulumi up` again when they are done.",
          );
        }
        // The limiter slows down after a 429; a Retry-After is honoured on top.
        const pause = retryAfterMs(ctx.settings.retry, error);
        ctx.log(
          `DigiCert refused the ${spec.noun} POST with 429 (rate limit): ${spec.nothingDone}, sending it again in ${(pause / 1000).toFixed(1)} s`,
        );
        await ctx.clock.sleep(pause);
        continue;
      }
      refusedSince = undefined;
      if (unanswered >= MAX_POST_ATTEMPTS) {
        spec.settle();
        throw new Error(spec.exhausted(failure, unanswered));
      }
      const delay = retryDelayMs(ctx.settings.retry, unanswered, ctx.clock.random, error);
      ctx.log(
        `${failure}; ${spec.notVisible}: sending it again in ${(delay / 1000).toFixed(1)} s (attempt ${unanswered + 1} of ${MAX_POST_ATTEMPTS})`,
      );
      await ctx.clock.sleep(delay);
    }
  }
}
