import { orderPostSubject } from "./pendingPosts";
import {
  isAlreadyGone,
  isRateLimited,
  isRenewalLinkRefused,
  isUnreadableAcceptance,
  mayHaveBeenProcessed,
} from "./client/errors";
import { backoffDelayMs, retryAfterMs, retryDelayMs } from "./client/retry";
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

/** Attempts of a POST whose answers were lost (a 429 is a refusal and does not count: see maxRateLimitedMs). */
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
 * POSTs the order. A POST that may have reached DigiCert (no answer, a 5xx or 408, an unreadable body) is never
 * sent again before the order has been looked up by its alternative order ID (planAfterLostAnswer decides what
 * counts as this create's order), and never after an unreadable 2xx, which is an acceptance. A 429 is a plain
 * refusal: the POST is sent again once the limiter lets it (it slows down on 429s), for up to
 * `retry.maxRateLimitedMs`, and looked up first only if an earlier attempt went unanswered.
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
  /** The first failure that may hide an accepted order (not a 429, which is a refusal). */
  let unsure: unknown;
  let unanswered = 0;
  let refusedSince: number | undefined;
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
  for (;;) {
    const body = orderRequestBody(inputs, { alternativeOrderId, renewalOfOrderId: renewalOf });
    try {
      const response = await ctx.client.placeOrder(inputs.product, body);
      settle();
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
      if (!mayHaveBeenProcessed(error)) {
        // A final refusal of this attempt; earlier unanswered attempts were looked up and not found.
        settle();
        throw error;
      }
      const refused = isRateLimited(error);
      if (!refused) {
        unsure ??= error;
        unanswered++;
      }
      if (unsure !== undefined) {
        const found = await lookUpAfterFailure(ctx, declaration, plan, error, unsure, outputs, {
          listedBefore,
          startedAt: facts.startedAt,
        });
        if (found !== undefined) {
          ctx.log(
            `the answer to the order was lost (${messageOf(unsure)}), but DigiCert has order ${found.orderId} with alternative order ID ${alternativeOrderId}: adopting it`,
          );
          return adoptFound(declaration, found, outputs);
        }
      }
      if (isUnreadableAcceptance(error)) {
        // However long the look-up lags, this order is never sent again.
        throw new Error(
          `${failure}: DigiCert accepted the order but its answer could not be read, and no order with ` +
            `alternative order ID ${alternativeOrderId} is visible yet. ` +
            nextRunFinds(declaration.identity, alternativeOrderId),
        );
      }
      if (refused) {
        refusedSince ??= ctx.clock.now();
        const refusedFor = ctx.clock.now() - refusedSince;
        if (refusedFor >= ctx.settings.retry.maxRateLimitedMs) {
          throw new Error(
            `${failure}. DigiCert refused the order with HTTP 429 (rate limit) for ${Math.round(refusedFor / 1000)} s; ` +
              "a 429 is a refusal, so no order was placed by these attempts" +
              (unsure === undefined
                ? ". "
                : `, and none from the earlier unanswered attempt is visible under alternative order ID ${alternativeOrderId}. `) +
              "Other deployments may be using the same API key: run `pulumi up` again when they are done.",
          );
        }
        // The limiter slows down after a 429; a Retry-After is honoured on top.
        const pause = retryAfterMs(ctx.settings.retry, error);
        ctx.log(
          `DigiCert refused the order POST with 429 (rate limit): no order placed, sending it again in ${(pause / 1000).toFixed(1)} s`,
        );
        await ctx.clock.sleep(pause);
        continue;
      }
      refusedSince = undefined;
      if (unanswered >= MAX_POST_ATTEMPTS) {
        settle();
        throw new Error(
          `${failure}. No order was placed: DigiCert has none with alternative order ID ${alternativeOrderId} after ${unanswered} attempts.`,
        );
      }
      const delay = retryDelayMs(ctx.settings.retry, unanswered, ctx.clock.random, error);
      ctx.log(
        `${failure}; DigiCert has no order under ${alternativeOrderId}: sending it again in ${(delay / 1000).toFixed(1)} s (attempt ${unanswered + 1} of ${MAX_POST_ATTEMPTS})`,
      );
      await ctx.clock.sleep(delay);
    }
  }
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
  const graceUntil = ctx.clock.now() + (isRateLimited(error) ? 0 : GRACE_TIMEOUTS * ctx.settings.timeoutMs);
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
