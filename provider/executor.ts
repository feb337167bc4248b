import { orderPostSubject } from "./pendingPosts";
import { isAlreadyGone, isRenewalLinkRefused } from "./client/errors";
import { backoffDelayMs } from "./client/retry";
import { graceDeadline, postAtMostOnce } from "./postOnce";
import { OrderInfoResponse } from "./codecs/api";
import { ComputedOutputs } from "./codecs/state";
import { Declaration } from "./declaration";
import { ResourceInitError } from "./errors";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import { orderRequestBody, orderStateFromPlacement, OrderState } from "./mapping";
import { liveOrders, lookUpHistory, OrderHistory } from "./orderHistory";
import {
  ambiguousOrdersMessage,
  CreatePlan,
  DeletePlan,
  judgeAdoption,
  LostAnswerFacts,
  LostAnswerPlan,
  nextRunFinds,
  planAfterLostAnswer,
} from "./plans";
import { composeOutputs } from "./state";

/**
 * Carries out plans (./plans) against CertCentral, and owns "an order is POSTed at most once": the look-up before
 * (done by the caller, as the plan's history), the look-ups after an ambiguous failure for a grace period, never a
 * re-send after an unreadable 2xx, and partial failures once DigiCert has accepted an order. It decides nothing else.
 */

const CANCEL_NOTE = "Canceled by Pulumi (CodeSigningOrder deleted)";
const REVOKE_NOTE = "Revoked by Pulumi (CodeSigningOrder onDelete: revoke)";

/** An order DigiCert holds for this resource now, with what the resource records about it. */
export interface Accepted {
  readonly state: OrderState;
  readonly outputs: ComputedOutputs;
}

/** What the create saw before its plan: the history its look-up listed, and when it began (by our clock). */
export interface CreateFacts {
  readonly history: OrderHistory;
  readonly startedAt: number;
  /** When an earlier run's POST under the plan's ID went unanswered (its provider stopped), if one did. */
  readonly pendingSince?: number;
}

export async function executeCreatePlan(
  ctx: LifecycleContext,
  declaration: Declaration,
  plan: CreatePlan,
  facts: CreateFacts,
): Promise<Accepted> {
  switch (plan.kind) {
    case "refuse":
      throw new Error(plan.reason);
    case "adopt":
      return adopt(ctx, declaration, plan);
    case "place":
      return rememberingUnanswered(
        ctx,
        orderPostSubject(declaration.resourceKey, plan.alternativeOrderId),
        (settle) => placeAtMostOnce(ctx, declaration, plan, facts, settle),
      );
  }
}

/**
 * Runs the placing with a marker of an unanswered POST on disk (pendingPosts.ts): it stays if the process dies, or if
 * the placing ends without knowing whether DigiCert has the order; `settle` says the outcome is known.
 */
export async function rememberingUnanswered<T>(
  ctx: LifecycleContext,
  subject: string,
  place: (settle: () => void) => Promise<T>,
): Promise<T> {
  let settled = false;
  const since = ctx.pending.since(subject);
  ctx.pending.mark(subject, since ?? ctx.clock.now());
  try {
    const result = await place(() => (settled = true));
    settled = true;
    return result;
  } catch (error) {
    // A partial failure puts the order in state: nothing is left unanswered.
    if (error instanceof ResourceInitError) settled = true;
    throw error;
  } finally {
    if (settled) ctx.pending.clear(subject);
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
 * POSTs the order at most once (postOnce.ts): a POST that may have reached DigiCert is looked up by its alternative
 * order ID (planAfterLostAnswer decides what counts as this create's order) before it is ever sent again.
 */
async function placeAtMostOnce(
  ctx: LifecycleContext,
  declaration: Declaration,
  plan: Extract<CreatePlan, { kind: "place" }>,
  facts: CreateFacts,
  settle: () => void,
): Promise<Accepted> {
  const { inputs } = declaration;
  const { alternativeOrderId } = plan;
  let renewalOf = plan.renewalOf;
  let outputs: ComputedOutputs = {
    assignedAlternativeOrderId: alternativeOrderId,
    predecessorOrderId: plan.predecessorOrderId,
    renewalLinked: renewalOf === undefined ? undefined : true,
  };
  const listedBefore = new Set(facts.history.orders.map((o) => o.orderId));
  /** An earlier run's POST that went unanswered (its provider stopped). */
  let unsure: unknown;
  if (facts.pendingSince !== undefined) {
    // A killed provider's POST: DigiCert may still be storing it. Look for the grace period before ordering again.
    unsure = new Error(
      `An earlier run sent this order (alternative order ID ${alternativeOrderId}) at ` +
        `${new Date(facts.pendingSince).toISOString()} and got no answer: its provider stopped`,
    );
    ctx.log(`${messageOf(unsure)}; looking for that order before ordering again`);
    const found = await lookUpAfterFailure(ctx, declaration, plan, unsure, unsure, outputs, {
      listedBefore,
      startedAt: facts.pendingSince,
    });
    if (found !== undefined) return adoptFound(declaration, found, outputs);
  }
  const outcome = await postAtMostOnce(ctx, {
    noun: "order",
    nothingDone: "no order was placed",
    unsure,
    settle,
    send: () =>
      ctx.client.placeOrder(
        inputs.product,
        orderRequestBody(inputs, { alternativeOrderId, renewalOfOrderId: renewalOf }),
      ),
    adjust: (error) => {
      if (renewalOf === undefined || !isRenewalLinkRefused(error)) return false;
      ctx.log(
        `DigiCert refused to link the new order as a renewal of order ${renewalOf} (${messageOf(error)}); placing an unlinked order instead`,
      );
      renewalOf = undefined;
      outputs = { ...outputs, renewalLinked: false };
      return true;
    },
    lookUp: (error, firstUnsure) =>
      lookUpAfterFailure(ctx, declaration, plan, error, firstUnsure, outputs, {
        listedBefore,
        startedAt: facts.startedAt,
      }),
    refused: (error) => (error instanceof Error ? error : new Error(messageOf(error))),
    unreadable: (failure) =>
      `${failure}: DigiCert accepted the order but its answer could not be read, and no order with ` +
      `alternative order ID ${alternativeOrderId} is visible yet. ` +
      nextRunFinds(declaration.identity, alternativeOrderId),
    unsureNotVisible: `none from the earlier unanswered attempt is visible under alternative order ID ${alternativeOrderId}`,
    notVisible: `DigiCert has no order under ${alternativeOrderId}`,
    exhausted: (failure, attempts) =>
      `${failure}. No order was placed: DigiCert has none with alternative order ID ${alternativeOrderId} after ${attempts} attempts.`,
  });
  if (outcome.kind === "found") {
    ctx.log(
      `the answer to the order was lost (${messageOf(outcome.unsure)}), but DigiCert has order ${outcome.found.orderId} with alternative order ID ${alternativeOrderId}: adopting it`,
    );
    return adoptFound(declaration, outcome.found, outputs);
  }
  const response = outcome.value;
  ctx.log(`placed ${inputs.product} order ${response.id} (alternative order ID ${alternativeOrderId})`);
  return { state: orderStateFromPlacement(response, inputs), outputs };
}

function adoptFound(
  declaration: Declaration,
  found: { orderId: number; info: OrderInfoResponse },
  outputs: ComputedOutputs,
): Accepted {
  const verdict = judgeAdoption(declaration, { orderId: found.orderId, scope: "found", outputs }, found.info);
  if (verdict.kind === "refuse") throw new Error(verdict.reason);
  return verdict;
}

/**
 * The order a failed POST placed, if DigiCert shows one that can only be this create's (planAfterLostAnswer).
 * After a 429 (with an earlier unanswered attempt) one look; after any other ambiguous failure DigiCert (behind its
 * gateways) may still be storing the order, so the look-up goes on for a few request timeouts before the POST may be
 * sent again. Several possible orders are named in the error, never adopted.
 */
async function lookUpAfterFailure(
  ctx: LifecycleContext,
  declaration: Declaration,
  plan: Extract<CreatePlan, { kind: "place" }>,
  error: unknown,
  unsure: unknown,
  outputs: ComputedOutputs,
  facts: Pick<LostAnswerFacts, "listedBefore" | "startedAt">,
): Promise<{ orderId: number; info: OrderInfoResponse } | undefined> {
  const graceUntil = graceDeadline(ctx, error);
  const known = new Map<number, OrderInfoResponse>();
  for (let round = 1; ; round++) {
    let outcome: LostAnswerPlan;
    try {
      const history = await lookUpHistory(ctx.client, declaration.identity, plan.predecessorOrderId);
      const infos = new Map<number, OrderInfoResponse | undefined>(known);
      for (;;) {
        outcome = planAfterLostAnswer(declaration, {
          ...facts,
          listed: liveOrders(history),
          heldElsewhere: ctx.memory.heldByOthers(declaration.resourceKey),
          infos,
        });
        if (outcome.kind !== "need-info") break;
        for (const orderId of outcome.orderIds) {
          // An order listed under this resource's own derived ID is its own: once listed, it reaches state.
          const read = () => ctx.client.orderInfoIfExists(orderId);
          const info =
            declaration.identity.kind === "derived" && outcome.orderIds.length === 1
              ? await afterAcceptance(orderId, declaration, outputs, read)
              : await read();
          infos.set(orderId, info);
          if (info !== undefined) known.set(orderId, info);
        }
      }
    } catch (lookupError) {
      if (lookupError instanceof ResourceInitError) throw lookupError;
      throw new Error(
        `${messageOf(unsure)}. The order may have been placed, and looking it up failed too ` +
          `(${messageOf(lookupError)}). ${nextRunFinds(declaration.identity, plan.alternativeOrderId)}`,
      );
    }
    if (outcome.kind === "ambiguous") {
      throw new Error(ambiguousOrdersMessage(messageOf(unsure), plan.alternativeOrderId, outcome.orderIds));
    }
    const remaining = graceUntil - ctx.clock.now();
    // Under the user's own ID, an order another stack placed meanwhile may show before this create's own: the
    // look-up goes on to the end of the grace period, and adopts only if this is still the one candidate.
    const settled = declaration.identity.kind === "derived" || remaining <= 0;
    if (outcome.kind === "adopt" && settled) return { orderId: outcome.orderId, info: outcome.info };
    if (remaining <= 0) return undefined;
    const pause = Math.min(remaining, backoffDelayMs(ctx.settings.retry, round, ctx.clock.random));
    ctx.log(
      `looking for the order under ${plan.alternativeOrderId} again in ${(pause / 1000).toFixed(1)} s: DigiCert may ` +
        `still be storing it (look-up ${round + 1}, for ${Math.ceil(remaining / 1000)} s more)`,
    );
    await ctx.clock.sleep(pause);
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
