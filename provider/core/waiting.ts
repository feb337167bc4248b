import { CodeSigningOrderInputs, WaitTarget } from "./codecs/inputs";
import { ComputedOutputs } from "./codecs/state";
import { Wait } from "./declaration";
import { FollowStop, followOrder, howToStopWaiting } from "./follower";
import { ResourceInitError } from "./errors";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import { orderStateFromInfo, OrderState } from "./mapping";
import { isTerminalStatus } from "./orderStatus";
import { composeOutputs } from "./state";

export function reached(target: Exclude<WaitTarget, "none">, state: OrderState): boolean {
  if (target === "issued") return state.status === "issued";
  return state.status !== "needs_approval" && !isTerminalStatus(state.status) && state.status !== "unknown";
}

/**
 * Follows the order until it reaches the wait's target, within its timeout (followOrder). The order is already accepted:
 * every way out but success is a partial failure that puts its ID in state.
 */
export async function waitForOrder(
  ctx: LifecycleContext,
  { target, timeoutText, timeoutMs }: Wait,
  inputs: CodeSigningOrderInputs,
  computed: ComputedOutputs,
  initial: OrderState,
): Promise<ComputedOutputs> {
  if (target === "none" || reached(target, initial)) return computed;
  const { orderId } = initial;
  ctx.log(
    `order ${orderId} is ${initial.status}: waiting up to ${timeoutText} for it to be ${target}` +
      howToStopWaiting(ctx),
  );
  const outcome = await followOrder(ctx, {
    orderId,
    initial,
    next: async (info) => orderStateFromInfo(info),
    judge: (state) =>
      reached(target, state) ? "reached" : isTerminalStatus(state.status) ? "never" : "wait",
    deadline: ctx.clock.now() + timeoutMs,
    onPoll: (previous, state, msLeft) => {
      if (state.status === previous.status) return;
      const left = Math.round(msLeft / 60_000);
      ctx.log(
        `order ${orderId}: ${previous.status} → ${state.status} (waiting for ${target}, ${left} min left)`,
      );
    },
  });
  const current: ComputedOutputs = { ...computed, ...outcome.state };
  if (outcome.kind === "reached") return current;
  const { state } = outcome;
  const recorded =
    "It is recorded in state: `pulumi refresh` will follow it, and no second order will be placed.";
  const message: Record<FollowStop, string> = {
    cancelled: `Stopped waiting for order ${orderId} (status ${state.status}): the deployment was cancelled. ${recorded}`,
    "read-failed":
      `Order ${orderId} was placed and is recorded in state (status ${state.status}), but following it failed: ` +
      `${messageOf(outcome.error)}. \`pulumi refresh\` will follow it.`,
    never: `Order ${orderId} is ${state.status} at DigiCert; it will not reach "${target}". It is recorded in state.`,
    timeout:
      `Order ${orderId} exists at DigiCert with status ${state.status}, but did not reach "${target}" within ` +
      `waitTimeout ${timeoutText}. ${recorded}`,
  };
  throw new ResourceInitError(
    String(orderId),
    composeOutputs(inputs, current),
    message[outcome.why],
    state.status,
  );
}
