import { Cancellation, sleepUnlessCancelled } from "./cancellation";
import { CertCentralClient } from "../client/certcentralClient";
import { Clock } from "../client/clock";
import { OrderInfoResponse } from "../client/answers";
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
      info = await ctx.client.orderInfo(follow.orderId);
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
