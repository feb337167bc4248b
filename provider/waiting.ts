import { WaitTarget } from "./codecs/inputs";
import { parseDurationMs } from "./duration";
import { sleepUnlessCancelled } from "./cancellation";
import { ResourceInitError } from "./errors";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import { orderStateFromInfo, OrderState } from "./mapping";
import { isTerminalStatus } from "./orderStatus";
import { composeOutputs } from "./state";

export const DEFAULT_WAIT_TIMEOUT = "30m";
const MAX_POLL_INTERVAL_MS = 5 * 60_000;

/** Offered only where the engine's Cancel reaches this process (cancellation.ts). */
export function howToStopWaiting(ctx: LifecycleContext): string {
  return ctx.cancellation.observed ? " (Ctrl-C once stops waiting; the order stays in state)" : "";
}

export function reached(target: Exclude<WaitTarget, "none">, state: OrderState): boolean {
  if (target === "issued") return state.status === "issued";
  return state.status !== "needs_approval" && !isTerminalStatus(state.status) && state.status !== "unknown";
}

/**
 * Polls order info until the order reaches `target`, within `timeoutText`, backing off from the configured poll
 * interval. Pulumi's customTimeouts never reach a dynamic provider, so this deadline is the provider's own. The
 * order is already accepted: every way out but success is a partial failure that puts its ID in state.
 */
export async function waitForOrder(
  ctx: LifecycleContext,
  target: WaitTarget,
  timeoutText: string,
  outs: Record<string, unknown>,
  initial: OrderState,
): Promise<Record<string, unknown>> {
  if (target === "none" || reached(target, initial)) return outs;
  const deadline = ctx.clock.now() + parseDurationMs(timeoutText)!;
  ctx.log(
    `order ${initial.orderId} is ${initial.status}: waiting up to ${timeoutText} for it to be ${target}` +
      howToStopWaiting(ctx),
  );
  let state = initial;
  let previous = initial.status;
  let current = outs;
  let interval = ctx.settings.pollIntervalMs;
  while (ctx.clock.now() < deadline) {
    const pause = Math.min(interval, deadline - ctx.clock.now());
    if ((await sleepUnlessCancelled(ctx.clock, pause, ctx.cancellation)) === "cancelled") {
      throw new ResourceInitError(
        String(initial.orderId),
        current,
        `Stopped waiting for order ${initial.orderId} (status ${state.status}): the deployment was cancelled. ` +
          "It is recorded in state: `pulumi refresh` will follow it, and no second order will be placed.",
        state.status,
      );
    }
    interval = Math.min(interval * 1.5, MAX_POLL_INTERVAL_MS);
    try {
      state = orderStateFromInfo(await ctx.client.orderInfo(initial.orderId));
    } catch (error) {
      throw new ResourceInitError(
        String(initial.orderId),
        current,
        `Order ${initial.orderId} was placed and is recorded in state (status ${state.status}), but following it failed: ` +
          `${messageOf(error)}. \`pulumi refresh\` will follow it.`,
        state.status,
      );
    }
    current = { ...current, ...composeOutputs({}, state) };
    if (state.status !== previous) {
      const left = Math.max(0, Math.round((deadline - ctx.clock.now()) / 60_000));
      ctx.log(
        `order ${initial.orderId}: ${previous} → ${state.status} (waiting for ${target}, ${left} min left)`,
      );
      previous = state.status;
    }
    if (reached(target, state)) return current;
    if (isTerminalStatus(state.status)) {
      throw new ResourceInitError(
        String(initial.orderId),
        current,
        `Order ${initial.orderId} is ${state.status} at DigiCert; it will not reach "${target}". It is recorded in state.`,
        state.status,
      );
    }
  }
  throw new ResourceInitError(
    String(initial.orderId),
    current,
    `Order ${initial.orderId} exists at DigiCert with status ${state.status}, but did not reach "${target}" within ` +
      `waitTimeout ${timeoutText}. It is recorded in state: \`pulumi refresh\` will follow it, and no second order will be placed.`,
    state.status,
  );
}
