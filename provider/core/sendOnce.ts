import { isRateLimited, isUnreadableAcceptance, leftUnanswered } from "../client/errors";
import { backoffDelayMs, retryAfterMs, retryDelayMs } from "../client/retry";
import { sleepUnlessCancelled } from "./cancellation";
import { PartialFailure } from "./errors";
import { LifecycleContext, messageOf } from "./lifecycleContext";

/*
 * The one send-once engine: every POST that creates something at DigiCert (an order, a reissue) goes through it, so
 * nothing is created twice. An unanswered POST (no answer, a 5xx or 408, an unreadable body: it may have reached DigiCert) is
 * never sent again before what it would have created has been looked for during a grace period, and never after an
 * unreadable 2xx (an acceptance). A 429 is a plain refusal: sent again once the limiter lets it, for up to
 * `retry.maxRateLimitedMs`. A marker on disk (pendingPosts.ts) outlives a killed provider: the next run finds it and
 * looks before it sends. The engine decides nothing about identity (the caller's `find` does), and words no outcome:
 * it logs its own progress lines (a resend, a look-up, a wait for another process) and returns what happened; the
 * caller says what that means (describeUnanswered and describeRateLimited, at the end, are the sentences both callers
 * share). Over 250 lines on purpose: the outcomes, the one loop and the looks are one piece; split, they would drift.
 */

/** Attempts of a POST whose answers were lost (a 429 is a refusal and does not count: see maxRateLimitedMs). */
export const MAX_POST_ATTEMPTS = 5;
/** After an unanswered POST DigiCert may still be storing what was sent: keep looking for this many request timeouts. */
export const GRACE_TIMEOUTS = 3;

/** An attempt whose answer was lost: this run's first such failure, or an earlier run's (its provider stopped). */
export type Unanswered =
  | { readonly kind: "this-run"; readonly error: unknown }
  | { readonly kind: "earlier-run"; readonly since: number };

/** What one look for an unanswered attempt's result found. */
export type Look<F> =
  | { readonly kind: "none" }
  /** `settled`: adopt it now; otherwise keep looking to the end of the grace period and adopt it then if still there. */
  | { readonly kind: "found"; readonly found: F; readonly settled: boolean }
  /** Stop here: the caller's own reason (several candidates, say). */
  | { readonly kind: "stop"; readonly error: Error };

export interface SendOnceSpec<T, F> {
  /** The marker's name on disk (pendingPosts.ts: orderPostSubject, reissuePostSubject). */
  readonly subject: string;
  /** For progress lines only: what is sent ("order", "reissue"), and what a refusal means ("no order was placed"). */
  readonly noun: string;
  readonly nothingCreated: string;
  readonly send: () => Promise<T>;
  /**
   * One look for what an unanswered attempt may have created. A throw is a failed look-up, except a PartialFailure:
   * what was found is recorded in state by it, so it passes through (and the marker goes).
   */
  readonly find: (unanswered: Unanswered) => Promise<Look<F>>;
  /** A refusal after which the POST is changed and sent again at once (true), e.g. a refused renewal link. */
  readonly adjust?: (error: unknown) => boolean;
}

export type SendOnceOutcome<T, F> =
  | { readonly kind: "sent"; readonly value: T }
  | { readonly kind: "found"; readonly found: F; readonly unanswered: Unanswered }
  /** A final refusal of the last attempt (a 4xx, or a connection that reached nothing). */
  | { readonly kind: "refused"; readonly error: unknown; readonly unanswered?: Unanswered }
  /** A 2xx whose body could not be read, and nothing visible: accepted, never sent again. */
  | { readonly kind: "unreadable"; readonly error: unknown }
  /** MAX_POST_ATTEMPTS attempts went unanswered and nothing is visible. */
  | { readonly kind: "gave-up"; readonly error: unknown; readonly attempts: number }
  | {
      readonly kind: "rate-limited";
      readonly error: unknown;
      readonly refusedForMs: number;
      readonly unanswered?: Unanswered;
    }
  | { readonly kind: "look-up-failed"; readonly error: unknown; readonly unanswered: Unanswered }
  | { readonly kind: "stopped"; readonly error: Error };

type LookOutcome<T, F> = Extract<SendOnceOutcome<T, F>, { kind: "found" | "look-up-failed" | "stopped" }>;

/** Outcomes after which nothing can still appear from this POST: its marker goes. */
const KNOWN: ReadonlySet<SendOnceOutcome<unknown, unknown>["kind"]> = new Set([
  "sent",
  "found",
  "refused",
  "gave-up",
]);

/** Until when to keep looking after `error`: a 429 hides nothing (one look), any other unanswered POST may. */
function graceDeadline(ctx: LifecycleContext, error: unknown): number {
  return ctx.clock.now() + (isRateLimited(error) ? 0 : GRACE_TIMEOUTS * ctx.settings.timeoutMs);
}

/** How often to check whether another process's request in flight has ended. */
export const IN_FLIGHT_CHECK_MS = 500;

/**
 * Waits while another process still has this request in flight (an earlier run whose CLI was killed): sending now
 * could create a second order while DigiCert is still storing the first. Ends when that process records its answer
 * (its marker goes) or stops (the marker then says what it sent, and the grace look-ups follow); a stop of its own
 * when that takes longer than the other process's POST could, or when the deployment is cancelled.
 */
async function waitForOtherSender(
  ctx: LifecycleContext,
  spec: { subject: string; noun: string; nothingCreated: string },
): Promise<{ readonly waitedSince: number } | Error | undefined> {
  const pid = ctx.pending.inFlightElsewhere(spec.subject);
  if (pid === undefined) return undefined;
  const waitedSince = ctx.clock.now();
  const longestMs = (MAX_POST_ATTEMPTS + GRACE_TIMEOUTS) * ctx.settings.timeoutMs;
  ctx.log(
    `process ${pid} (an earlier run whose CLI stopped) is still sending this ${spec.noun}: waiting up to ` +
      `${Math.ceil(longestMs / 1000)} s for it to finish before looking for what it created`,
  );
  const until = ctx.clock.now() + longestMs;
  while (ctx.pending.inFlightElsewhere(spec.subject) !== undefined) {
    const slept =
      ctx.clock.now() < until
        ? await sleepUnlessCancelled(ctx.clock, IN_FLIGHT_CHECK_MS, ctx.cancellation)
        : "timed-out";
    if (slept !== "slept")
      return new Error(
        `process ${pid} (an earlier run whose CLI stopped) is still sending this ${spec.noun}` +
          `${slept === "cancelled" ? "; stopped waiting for it (the deployment was cancelled)" : ` after ${Math.ceil(longestMs / 1000)} s`}: ` +
          `${spec.nothingCreated} by this run, so that nothing is created twice. Stop that process or let it finish, ` +
          "then run `pulumi up` again",
      );
  }
  return { waitedSince };
}

export async function sendOnce<T, F>(
  ctx: LifecycleContext,
  spec: SendOnceSpec<T, F>,
): Promise<SendOnceOutcome<T, F>> {
  const other = await waitForOtherSender(ctx, spec);
  if (other instanceof Error) return { kind: "stopped", error: other };
  const since = ctx.pending.since(spec.subject);
  ctx.pending.mark(spec.subject, since ?? ctx.clock.now());
  let known = false;
  try {
    const outcome = await sendAndLook(ctx, spec, since, other?.waitedSince);
    known = KNOWN.has(outcome.kind) || (outcome.kind === "rate-limited" && outcome.unanswered === undefined);
    return outcome;
  } catch (error) {
    // A partial failure puts what was created in state: nothing is left unanswered.
    known = error instanceof PartialFailure;
    throw error;
  } finally {
    if (known) ctx.pending.clear(spec.subject);
  }
}

async function sendAndLook<T, F>(
  ctx: LifecycleContext,
  spec: SendOnceSpec<T, F>,
  since: number | undefined,
  otherSenderFinishedAfter: number | undefined,
): Promise<SendOnceOutcome<T, F>> {
  let unanswered: Unanswered | undefined;
  if (since === undefined && otherSenderFinishedAfter !== undefined) {
    // The other process got its answer: whatever it created, DigiCert lists it now, so one look tells.
    unanswered = { kind: "earlier-run", since: otherSenderFinishedAfter };
    ctx.log(`the earlier run's ${spec.noun} POST got its answer: looking for what it created before sending`);
    const looked = await lookFor(ctx, spec, unanswered, ctx.clock.now());
    if (looked !== undefined) return looked;
    unanswered = undefined; // it created nothing: nothing of it is left unanswered
  }
  if (since !== undefined) {
    unanswered = { kind: "earlier-run", since };
    ctx.log(
      `An earlier run sent this ${spec.noun} at ${new Date(since).toISOString()} and got no answer: its provider ` +
        "stopped; looking for it before sending again",
    );
    const looked = await lookFor(ctx, spec, unanswered, graceDeadline(ctx, undefined));
    if (looked !== undefined) return looked;
  }
  let attempts = 0;
  let rateLimitedSince: number | undefined;
  for (;;) {
    try {
      return { kind: "sent", value: await spec.send() };
    } catch (error) {
      if (spec.adjust?.(error)) continue;
      if (!leftUnanswered(error)) return { kind: "refused", error, unanswered };
      const rateLimited = isRateLimited(error);
      if (!rateLimited) {
        unanswered ??= { kind: "this-run", error };
        attempts++;
      }
      if (unanswered !== undefined) {
        const looked = await lookFor(ctx, spec, unanswered, graceDeadline(ctx, error));
        if (looked !== undefined) return looked;
      }
      if (isUnreadableAcceptance(error)) return { kind: "unreadable", error };
      if (rateLimited) {
        rateLimitedSince ??= ctx.clock.now();
        const refusedForMs = ctx.clock.now() - rateLimitedSince;
        if (refusedForMs >= ctx.settings.retry.maxRateLimitedMs)
          return { kind: "rate-limited", error, refusedForMs, unanswered };
        // The limiter slows down after a 429; a Retry-After is honoured on top.
        const pause = retryAfterMs(ctx.settings.retry, error);
        ctx.log(
          `DigiCert refused the ${spec.noun} POST with 429 (rate limit): ${spec.nothingCreated}, sending it again in ` +
            `${(pause / 1000).toFixed(1)} s`,
        );
        await ctx.clock.sleep(pause);
        continue;
      }
      rateLimitedSince = undefined;
      if (attempts >= MAX_POST_ATTEMPTS) return { kind: "gave-up", error, attempts };
      const delay = retryDelayMs(ctx.settings.retry, attempts, ctx.clock.random, error);
      ctx.log(
        `${messageOf(error)}; DigiCert shows no ${spec.noun} from it: sending it again in ` +
          `${(delay / 1000).toFixed(1)} s (attempt ${attempts + 1} of ${MAX_POST_ATTEMPTS})`,
      );
      await ctx.clock.sleep(delay);
    }
  }
}

/** Looks until `graceUntil` (once, when that is now); undefined when nothing was found. */
async function lookFor<T, F>(
  ctx: LifecycleContext,
  spec: SendOnceSpec<T, F>,
  unanswered: Unanswered,
  graceUntil: number,
): Promise<LookOutcome<T, F> | undefined> {
  for (let round = 1; ; round++) {
    let look: Look<F>;
    try {
      look = await spec.find(unanswered);
    } catch (error) {
      if (error instanceof PartialFailure) throw error;
      return { kind: "look-up-failed", error, unanswered };
    }
    if (look.kind === "stop") return { kind: "stopped", error: look.error };
    const remaining = graceUntil - ctx.clock.now();
    if (look.kind === "found" && (look.settled || remaining <= 0))
      return { kind: "found", found: look.found, unanswered };
    if (remaining <= 0) return undefined;
    const pause = Math.min(remaining, backoffDelayMs(ctx.settings.retry, round, ctx.clock.random));
    ctx.log(
      `looking for the ${spec.noun} again in ${(pause / 1000).toFixed(1)} s: DigiCert may still be storing it ` +
        `(look-up ${round + 1}, for ${Math.ceil(remaining / 1000)} s more)`,
    );
    await ctx.clock.sleep(pause);
  }
}

/** The unanswered attempt, for a caller's message. */
export function describeUnanswered(unanswered: Unanswered, what: string): string {
  return unanswered.kind === "this-run"
    ? messageOf(unanswered.error)
    : `An earlier run sent ${what} at ${new Date(unanswered.since).toISOString()} and got no answer: its provider stopped`;
}

/**
 * A rate-limited outcome in words, for either caller: what was sent, what a refusal means, and where nothing from an
 * earlier unanswered attempt shows (said only when there was one).
 */
export function describeRateLimited(
  outcome: Extract<SendOnceOutcome<unknown, unknown>, { kind: "rate-limited" }>,
  words: { readonly noun: string; readonly nothingCreated: string; readonly nothingFromEarlier: string },
): string {
  return (
    `${messageOf(outcome.error)}. DigiCert refused the ${words.noun} with HTTP 429 (rate limit) for ` +
    `${Math.round(outcome.refusedForMs / 1000)} s; a 429 is a refusal, so ${words.nothingCreated} by these attempts` +
    (outcome.unanswered === undefined ? ". " : `, and ${words.nothingFromEarlier}. `) +
    "Other deployments may be using the same API key: run `pulumi up` again when they are done."
  );
}
