import {
  isAlreadyGone,
  isRateLimited,
  isRenewalLinkRefused,
  isUnreadableAcceptance,
  mayHaveBeenProcessed,
} from "./client/errors";
import { backoffDelayMs, retryDelayMs } from "./client/retry";
import { ComputedOutputs } from "./codecs/state";
import { Declaration } from "./declaration";
import { ResourceInitError } from "./errors";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import { orderRequestBody, orderStateFromPlacement, OrderState } from "./mapping";
import { liveOrders, lookUpHistory } from "./orderHistory";
import { CreatePlan, DeletePlan, judgeAdoption } from "./plans";
import { composeOutputs } from "./state";

/**
 * Carries out plans (./plans) against CertCentral, and owns "an order is POSTed at most once": the look-up before
 * (done by the caller, as the plan's history), the look-ups after an ambiguous failure for a grace period, never a
 * re-send after an unreadable 2xx, and partial failures once DigiCert has accepted an order. It decides nothing else.
 */

const MAX_POST_ATTEMPTS = 5;
/** After an ambiguous failure DigiCert may still be storing the order: keep looking for this many request timeouts. */
const GRACE_TIMEOUTS = 3;
const CANCEL_NOTE = "Canceled by Pulumi (CodeSigningOrder deleted)";
const REVOKE_NOTE = "Revoked by Pulumi (CodeSigningOrder onDelete: revoke)";

/** An order DigiCert holds for this resource now, with what the resource records about it. */
export interface Accepted {
  readonly state: OrderState;
  readonly outputs: ComputedOutputs;
}

export async function executeCreatePlan(
  ctx: LifecycleContext,
  declaration: Declaration,
  plan: CreatePlan,
): Promise<Accepted> {
  switch (plan.kind) {
    case "refuse":
      throw new Error(plan.reason);
    case "adopt":
      return adopt(ctx, declaration, plan);
    case "place":
      return placeAtMostOnce(ctx, declaration, plan);
  }
}

/** Adopts an existing order once DigiCert's order info shows it is what the resource declares. */
async function adopt(
  ctx: LifecycleContext,
  declaration: Declaration,
  plan: Extract<CreatePlan, { kind: "adopt" }>,
): Promise<Accepted> {
  if (plan.scope === "found") ctx.log(plan.reason);
  const verdict = judgeAdoption(declaration, plan, await ctx.client.orderInfoIfExists(plan.orderId));
  if (verdict.kind === "refuse") throw new Error(verdict.reason);
  if (plan.scope === "named") {
    ctx.log(`adopted existing order ${plan.orderId} (status ${verdict.state.status}); no order was placed`);
  }
  return verdict;
}

/**
 * POSTs the order. A POST that may have reached DigiCert (no answer, a 5xx, 408 or 429, an unreadable body) is
 * never sent again before the order has been looked up by its alternative order ID, and never after an unreadable
 * 2xx, which is an acceptance.
 */
async function placeAtMostOnce(
  ctx: LifecycleContext,
  declaration: Declaration,
  plan: Extract<CreatePlan, { kind: "place" }>,
): Promise<Accepted> {
  const { inputs } = declaration;
  const { alternativeOrderId } = plan;
  let renewalOf = plan.renewalOf;
  let outputs: ComputedOutputs = {
    assignedAlternativeOrderId: alternativeOrderId,
    predecessorOrderId: plan.predecessorOrderId,
    renewalLinked: renewalOf === undefined ? undefined : true,
  };
  for (let attempt = 1; ; attempt++) {
    const body = orderRequestBody(inputs, { alternativeOrderId, renewalOfOrderId: renewalOf });
    try {
      const response = await ctx.client.placeOrder(inputs.product, body);
      ctx.log(`placed ${inputs.product} order ${response.id} (alternative order ID ${alternativeOrderId})`);
      return { state: orderStateFromPlacement(response, inputs), outputs };
    } catch (error) {
      const failure = messageOf(error);
      if (renewalOf !== undefined && isRenewalLinkRefused(error)) {
        ctx.log(
          `DigiCert refused to link the new order as a renewal of order ${renewalOf} (${failure}); placing an unlinked order instead`,
        );
        renewalOf = undefined;
        outputs = { ...outputs, renewalLinked: false };
        continue;
      }
      if (!mayHaveBeenProcessed(error)) throw error;
      const found = await lookUpAfterFailure(ctx, declaration, plan, error);
      if (found !== undefined) {
        ctx.log(
          `the answer to the order was lost (${failure}), but DigiCert has order ${found} with alternative order ID ${alternativeOrderId}: adopting it`,
        );
        const info = await afterAcceptance(found, declaration, outputs, () => ctx.client.orderInfo(found));
        const verdict = judgeAdoption(declaration, { orderId: found, scope: "found", outputs }, info);
        if (verdict.kind === "refuse") throw new Error(verdict.reason);
        return verdict;
      }
      if (isUnreadableAcceptance(error)) {
        // However long the look-up lags, this order is never sent again.
        throw new Error(
          `${failure}: DigiCert accepted the order but its answer could not be read, and no order with ` +
            `alternative order ID ${alternativeOrderId} is visible yet. Run \`pulumi up\` again later: it finds the ` +
            "order by that ID and adopts it instead of ordering twice.",
        );
      }
      if (attempt >= MAX_POST_ATTEMPTS) {
        throw new Error(
          `${failure}. No order was placed: DigiCert has none with alternative order ID ${alternativeOrderId} after ${attempt} attempts.`,
        );
      }
      await ctx.clock.sleep(retryDelayMs(ctx.settings.retry, attempt, ctx.clock.random, error));
    }
  }
}

/**
 * The live order a failed POST may have placed: newer than the plan's predecessor, carrying its alternative order
 * ID. Only a 429 is a plain refusal; after any other ambiguous failure DigiCert (behind its gateways) may still be
 * storing the order, so the look-up goes on for a few request timeouts before the POST may be sent again.
 */
async function lookUpAfterFailure(
  ctx: LifecycleContext,
  declaration: Declaration,
  plan: Extract<CreatePlan, { kind: "place" }>,
  error: unknown,
): Promise<number | undefined> {
  const graceUntil = ctx.clock.now() + (isRateLimited(error) ? 0 : GRACE_TIMEOUTS * ctx.settings.timeoutMs);
  for (let round = 1; ; round++) {
    let found: number | undefined;
    try {
      const history = await lookUpHistory(ctx.client, declaration.identity, plan.predecessorOrderId);
      found = liveOrders(history)[0]?.orderId;
    } catch (lookupError) {
      throw new Error(
        `${messageOf(error)}. The order may have been placed, and looking it up failed too ` +
          `(${messageOf(lookupError)}). Run \`pulumi up\` again: it looks the order up by its ` +
          `alternative order ID ${plan.alternativeOrderId} and adopts it instead of ordering twice.`,
      );
    }
    const remaining = graceUntil - ctx.clock.now();
    if (found !== undefined || remaining <= 0) return found;
    await ctx.clock.sleep(Math.min(remaining, backoffDelayMs(ctx.settings.retry, round, ctx.clock.random)));
  }
}

/** Runs a step that follows DigiCert's acceptance of an order; on failure the order still reaches state. */
async function afterAcceptance<T>(
  orderId: number,
  declaration: Declaration,
  outputs: ComputedOutputs,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new ResourceInitError(
      String(orderId),
      composeOutputs(declaration.inputs, { ...outputs, orderId, status: "unknown", requests: [] }),
      `Order ${orderId} exists at DigiCert and is recorded in state, but a later step failed: ` +
        `${messageOf(error)}. Run \`pulumi refresh\` to read its current state.`,
    );
  }
}

/** Carries out a delete plan's action. An order already revoked or canceled is success. */
export async function executeDeletePlan(
  ctx: LifecycleContext,
  orderId: number,
  plan: Exclude<DeletePlan, { kind: "need" }>,
): Promise<void> {
  try {
    switch (plan.kind) {
      case "forget":
        break;
      case "reject":
        await ctx.client.rejectRequest(plan.requestId, CANCEL_NOTE);
        break;
      case "cancel":
        await ctx.client.cancelOrder(orderId, CANCEL_NOTE);
        break;
      case "revoke": {
        if (plan.cancelReissueFirst) await ctx.client.cancelOrder(orderId, CANCEL_NOTE);
        const outcome = await ctx.client.revokeOrder(orderId, REVOKE_NOTE);
        if (outcome.kind === "revoke-requested") {
          ctx.log(
            `order ${orderId}: revocation request ${outcome.requestId ?? ""} awaits an administrator's approval in CertCentral; the order is removed from state`,
          );
          return;
        }
        break;
      }
    }
  } catch (error) {
    if (isAlreadyGone(error)) return;
    throw error;
  }
  ctx.log(plan.reason);
}
