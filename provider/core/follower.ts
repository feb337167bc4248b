import { Cancellation, sleepUnlessCancelled } from "./cancellation";
import { WaitTarget } from "./codecs/inputs";
import { ComputedOutputs, ResourceState } from "./codecs/state";
import { OrderInfoResponse } from "../client/answers";
import { Wait } from "./declaration";
import { PartialFailure } from "./errors";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import { orderStateFromInfo } from "./mapping";
import { hasCertificateOut, isTerminalStatus } from "./orderStatus";
import { refreshState } from "./plans";
import { CertCentralClient } from "../client/certcentralClient";
import { Clock } from "../client/clock";
import { ProviderSettings } from "./settings";

/** What following needs: order info, time, the poll interval, and the deployment's cancellation. */
export interface FollowContext {
  readonly client: Pick<CertCentralClient, "orderInfo">;
  readonly clock: Clock;
  readonly settings: Pick<ProviderSettings, "pollIntervalMs">;
  readonly cancellation: Cancellation;
}

/** Polls back off from `digicert:pollInterval` by half each time, up to this. */
const MAX_POLL_INTERVAL_MS = 5 * 60_000;

/** Why following stopped short of the target: facts for the caller to word, never prose. */
export type FollowStop = "timeout" | "cancelled" | "read-failed" | "never";

export type FollowOutcome<S> =
  | { readonly kind: "reached"; readonly state: S }
  | { readonly kind: "stopped"; readonly why: FollowStop; readonly state: S; readonly error?: unknown };

export interface Follow<S> {
  readonly orderId: number;
  /** What is known before the first poll. */
  readonly initial: S;
  /** The state after DigiCert's answer (it may download a certificate). */
  readonly next: (info: OrderInfoResponse, previous: S) => Promise<S>;
  /** `reached`: done; `never`: it will not get there (the order died); `wait`: poll again. */
  readonly judge: (state: S) => "reached" | "never" | "wait";
  /** Epoch ms: Pulumi's customTimeouts never reach a dynamic provider, so the deadline is the provider's own. */
  readonly deadline: number;
  /** After each poll, for progress lines. */
  readonly onPoll?: (previous: S, state: S, msLeft: number) => void;
}

/**
 * The one wait of the lifecycle (an order to be approved or issued, a reissue to be issued): poll order info, backing
 * off, until the judge is satisfied, the order dies, the deadline passes, a read fails, or the deployment is
 * cancelled (the first Ctrl-C). Nothing is thrown for those: the caller words what it means for its own operation.
 */
export async function followOrder<S>(ctx: FollowContext, follow: Follow<S>): Promise<FollowOutcome<S>> {
  let state = follow.initial;
  let interval = ctx.settings.pollIntervalMs;
  while (ctx.clock.now() < follow.deadline) {
    const pause = Math.min(interval, follow.deadline - ctx.clock.now());
    if ((await sleepUnlessCancelled(ctx.clock, pause, ctx.cancellation)) === "cancelled")
      return { kind: "stopped", why: "cancelled", state };
    interval = Math.min(interval * 1.5, MAX_POLL_INTERVAL_MS);
    let info: OrderInfoResponse;
    try {
      // A read DigiCert does not answer (its retries) neither outlasts the deadline by more than one request nor
      // holds up a Ctrl-C: the wait stops at once, and the read's late answer (a GET) is dropped.
      const read = ctx.client.orderInfo(follow.orderId, { until: follow.deadline });
      const answer = await Promise.race([
        read.then((answered) => ({ answered })),
        ctx.cancellation.whenCancelled.then(() => undefined),
      ]);
      if (answer === undefined) {
        read.catch(() => undefined);
        return { kind: "stopped", why: "cancelled", state };
      }
      info = answer.answered;
    } catch (error) {
      return { kind: "stopped", why: "read-failed", state, error };
    }
    const previous = state;
    state = await follow.next(info, previous);
    follow.onPoll?.(previous, state, Math.max(0, follow.deadline - ctx.clock.now()));
    const verdict = follow.judge(state);
    if (verdict === "reached") return { kind: "reached", state };
    if (verdict === "never") return { kind: "stopped", why: "never", state };
  }
  return { kind: "stopped", why: "timeout", state };
}

/** Offered only where the engine's Cancel reaches this process (cancellation.ts). */
export function howToStopWaiting(
  ctx: Pick<FollowContext, "cancellation">,
  afterwards = "the order stays in state",
): string {
  return ctx.cancellation.observed ? ` (Ctrl-C once stops waiting; ${afterwards})` : "";
}

/** Whether an order's status is where `waitFor` asks: issued means a certificate is out (a reissue may be pending). */
function reached(target: Exclude<WaitTarget, "none">, status: string | undefined): boolean {
  if (status === undefined) return false;
  if (target === "issued") return hasCertificateOut(status);
  return status !== "needs_approval" && status !== "unknown" && !isTerminalStatus(status);
}

/** How a later call takes up an order's wait: whether a failed wait records it, whether its state is from earlier. */
export interface WaitOptions {
  /** False: the caller leaves the order out of state when the wait fails (see the create plan's onWaitFailure). */
  readonly recorded?: boolean;
  /** The state is from an earlier up (an update taking up a wait that stopped): DigiCert is read once at once. */
  readonly resumed?: boolean;
}

/**
 * An order's wait (`waitFor`, `waitTimeout`), for a create and for an update whose order is not there yet (an earlier
 * up stopped waiting: a timeout, Ctrl-C). Follows the order until it reaches the target, within the timeout. The
 * order is DigiCert's already: every way out but success is a partial failure that keeps it in state.
 */
export async function waitForOrder(
  ctx: LifecycleContext,
  { target, timeoutText, timeoutMs }: Wait,
  earlier: ResourceState,
  { recorded = true, resumed = false }: WaitOptions = {},
): Promise<ResourceState> {
  const { orderId } = earlier.computed;
  if (target === "none" || orderId === undefined || reached(target, earlier.computed.status)) return earlier;
  // An earlier up's state may be old: DigiCert may have moved the order on since (no wait, then).
  const state = resumed
    ? { ...earlier, computed: merged(earlier.computed, await ctx.client.orderInfo(orderId)) }
    : earlier;
  const { status } = state.computed;
  if (reached(target, status)) return state;
  ctx.log(
    `order ${orderId} is ${status ?? "unknown"}: waiting up to ${timeoutText} for it to be ${target}` +
      (resumed ? ", as `waitFor` asks of every up" : "") +
      howToStopWaiting(ctx, recorded ? undefined : "the next `pulumi up` adopts the order again"),
  );
  const outcome = await followOrder<ComputedOutputs>(ctx, {
    orderId,
    initial: state.computed,
    next: async (info, previous) => merged(previous, info),
    judge: (now) =>
      reached(target, now.status) ? "reached" : isTerminalStatus(now.status) ? "never" : "wait",
    deadline: ctx.clock.now() + timeoutMs,
    onPoll: (previous, now, msLeft) => {
      if (now.status === previous.status) return;
      ctx.log(
        `order ${orderId}: ${previous.status} → ${now.status} (waiting for ${target}, ${timeLeft(msLeft)} left)`,
      );
    },
  });
  const followed = { ...state, computed: outcome.state };
  if (outcome.kind === "reached") return followed;
  const now = outcome.state.status;
  const inState =
    "It is recorded in state: `pulumi refresh` will follow it, the next `pulumi up` waits for it again (unless " +
    "`waitFor` is `none`), and no second order will be placed.";
  const message: Record<FollowStop, string> = {
    cancelled: `Stopped waiting for order ${orderId} (status ${now}): the deployment was cancelled. ${inState}`,
    "read-failed":
      `Order ${orderId} is recorded in state (status ${now}), but following it failed: ` +
      `${messageOf(outcome.error)}. \`pulumi refresh\` will follow it.`,
    never:
      `Order ${orderId} is ${now} at DigiCert; it will not reach "${target}". It is recorded in state: the next ` +
      "`pulumi up` places a new order for it (or keeps this one with `replaceWhenTerminal: false`).",
    timeout:
      `Order ${orderId} exists at DigiCert with status ${now}, but did not reach "${target}" within ` +
      `waitTimeout ${timeoutText}. ${inState}`,
  };
  throw new PartialFailure(orderId, followed, message[outcome.why]);
}

/** DigiCert's order merged into state as a refresh merges it (a pending reissue keeps the current certificate's). */
function merged(computed: ComputedOutputs, info: OrderInfoResponse): ComputedOutputs {
  return refreshState(computed, orderStateFromInfo(info)).computed;
}

/** Time left, for a progress line: seconds under two minutes (a short waitTimeout), minutes above. */
function timeLeft(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
