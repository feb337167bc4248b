import { orderPostSubject } from "./pendingPosts";
import { isRenewalLinkRefused } from "../client/errors";
import { describeUnanswered, Look, sendOnce, Unanswered } from "./sendOnce";
import { OrderInfoResponse } from "../client/answers";
import { ComputedOutputs } from "./codecs/state";
import { Declaration } from "./declaration";
import { ResourceInitError } from "./errors";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import { orderRequestBody, orderStateFromPlacement, OrderState } from "./mapping";
import { liveOrders, lookUpHistory, OrderHistory } from "./orderHistory";
import {
  ambiguousOrdersMessage,
  CreatePlan,
  judgeAdoption,
  nextRunFinds,
  planAfterUnanswered,
} from "./plans";
import { composeOutputs } from "./state";

/*
 * Carries out a create's plan (./plans): `place` through the send-once engine (sendOnce.ts owns "POSTed at most
 * once"; this module supplies its `send` and `find` and words each outcome for the user), `adopt` after judging the
 * order against the declaration. Once DigiCert has accepted an order, every failure is a partial failure carrying
 * it. Which order is this resource's is decided by the plans (planAfterUnanswered, judgeAdoption), not here.
 */

/** An order DigiCert holds for this resource now, with what the resource records about it. */
export interface Accepted {
  readonly state: OrderState;
  readonly outputs: ComputedOutputs;
}

/** What the create saw before its plan: the history its look-up listed, and when it began (by our clock). */
export interface CreateFacts {
  readonly history: OrderHistory;
  readonly startedAt: number;
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
      return placeOnce(ctx, declaration, plan, facts);
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
 * POSTs the order through the send-once engine (sendOnce.ts). What counts as this create's order after an unanswered POST
 * is planAfterUnanswered's to say; this words what each outcome means for the order.
 */
async function placeOnce(
  ctx: LifecycleContext,
  declaration: Declaration,
  plan: Extract<CreatePlan, { kind: "place" }>,
  facts: CreateFacts,
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
  const known = new Map<number, OrderInfoResponse>();
  const lost = (unanswered: Unanswered) =>
    describeUnanswered(unanswered, `this order (alternative order ID ${alternativeOrderId})`);
  const outcome = await sendOnce(ctx, {
    subject: orderPostSubject(declaration.resourceKey, alternativeOrderId),
    noun: "order",
    nothingCreated: "no order was placed",
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
    find: async (unanswered): Promise<Look<FoundOrder>> => {
      const startedAt = unanswered.kind === "earlier-run" ? unanswered.since : facts.startedAt;
      const history = await lookUpHistory(ctx.client, declaration.identity, plan.predecessorOrderId);
      const infos = new Map<number, OrderInfoResponse | undefined>(known);
      // One look: judge what the history lists; when the plan needs the candidates' order info, read it and judge
      // again (the plan asks for facts, as planDelete does). The look-ups over time are sendOnce's.
      for (;;) {
        const judged = planAfterUnanswered(declaration, {
          listedBefore,
          startedAt,
          listed: liveOrders(history),
          heldElsewhere: ctx.memory.heldByOthers(declaration.resourceKey),
          infos,
        });
        if (judged.kind === "none") return { kind: "none" };
        if (judged.kind === "ambiguous") {
          const message = ambiguousOrdersMessage(lost(unanswered), alternativeOrderId, judged.orderIds);
          return { kind: "stop", error: new Error(message) };
        }
        // Under the user's own ID, an order another stack placed meanwhile may show before this create's own: the
        // look-up goes on to the end of the grace period, and adopts only if this is still the one candidate.
        if (judged.kind === "adopt") {
          const found = { orderId: judged.orderId, info: judged.info };
          return { kind: "found", found, settled: declaration.identity.kind === "derived" };
        }
        // need-info: read each candidate's order info.
        for (const orderId of judged.orderIds) {
          // An order listed under this resource's own derived ID is its own: once listed, it reaches state.
          const read = () => ctx.client.orderInfoIfExists(orderId);
          const info =
            declaration.identity.kind === "derived" && judged.orderIds.length === 1
              ? await afterAcceptance(orderId, declaration, outputs, read)
              : await read();
          infos.set(orderId, info);
          if (info !== undefined) known.set(orderId, info);
        }
      }
    },
  });
  const failure = "error" in outcome ? messageOf(outcome.error) : "";
  switch (outcome.kind) {
    case "sent":
      ctx.log(
        `placed ${inputs.product} order ${outcome.value.id} (alternative order ID ${alternativeOrderId})`,
      );
      return { state: orderStateFromPlacement(outcome.value, inputs), outputs };
    case "found":
      ctx.log(
        `the answer to the order was lost (${lost(outcome.unanswered)}), but DigiCert has order ${outcome.found.orderId} ` +
          `with alternative order ID ${alternativeOrderId}: adopting it`,
      );
      return adoptFound(declaration, outcome.found, outputs);
    case "refused":
      throw outcome.error instanceof Error ? outcome.error : new Error(failure);
    case "stopped":
      throw outcome.error;
    case "unreadable":
      throw new Error(
        `${failure}: DigiCert accepted the order but its answer could not be read, and no order with alternative ` +
          `order ID ${alternativeOrderId} is visible yet. ${nextRunFinds(declaration.identity, alternativeOrderId)}`,
      );
    case "gave-up":
      throw new Error(
        `${failure}. No order was placed: DigiCert has none with alternative order ID ${alternativeOrderId} after ` +
          `${outcome.attempts} attempts.`,
      );
    case "rate-limited":
      throw new Error(
        `${failure}. DigiCert refused the order with HTTP 429 (rate limit) for ${Math.round(outcome.refusedForMs / 1000)} s; ` +
          "a 429 is a refusal, so no order was placed by these attempts" +
          (outcome.unanswered === undefined
            ? ". "
            : `, and none from the earlier unanswered attempt is visible under alternative order ID ${alternativeOrderId}. `) +
          "Other deployments may be using the same API key: run `pulumi up` again when they are done.",
      );
    case "look-up-failed":
      throw new Error(
        `${lost(outcome.unanswered)}. The order may have been placed, and looking it up failed too ` +
          `(${failure}). ${nextRunFinds(declaration.identity, alternativeOrderId)}`,
      );
  }
}

/** An order the look-up after an unanswered POST found, as DigiCert reports it. */
interface FoundOrder {
  readonly orderId: number;
  readonly info: OrderInfoResponse;
}

function adoptFound(declaration: Declaration, found: FoundOrder, outputs: ComputedOutputs): Accepted {
  const verdict = judgeAdoption(declaration, { orderId: found.orderId, scope: "found", outputs }, found.info);
  if (verdict.kind === "refuse") throw new Error(verdict.reason);
  return verdict;
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
