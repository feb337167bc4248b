import { isRenewalLinkRefused } from "../client/errors";
import { OrderInfoResponse } from "../client/answers";
import { withCertificatePem } from "./certificateDownload";
import { CodeSigningOrderInputs } from "./codecs/inputs";
import { ComputedOutputs, ResourceState } from "./codecs/state";
import { Declaration } from "./declaration";
import { PartialFailure } from "./errors";
import { waitForOrder } from "./follower";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import { orderRequestBody, orderStateFromPlacement, OrderState } from "./mapping";
import { liveOrders, lookUpHistory, OrderHistory } from "./orderHistory";
import { isTerminalStatus } from "./orderStatus";
import { orderPostSubject } from "./pendingPosts";
import {
  ambiguousOrdersMessage,
  CreatePlan,
  historyStart,
  judgeAdoption,
  nextRunFinds,
  planAfterUnanswered,
  planCreate,
} from "./plans";
import { describeRateLimited, describeUnanswered, Look, sendOnce, Unanswered } from "./sendOnce";

/*
 * Create, top to bottom: the predecessor Diff named in this deployment (if any) → the resource's order history at
 * DigiCert → a plan (place, adopt or refuse: ./plans decides, including which order an unanswered POST created) →
 * carried out (`place` through the send-once engine, `adopt` once the order is judged) → the wait, if asked → the
 * PEM of an issued order. Once DigiCert has accepted an order, a failure that leaves it this resource's is a
 * PartialFailure carrying it (but see `onWaitFailure`). The whole create is this one module, read in the order it
 * runs; it calls out for decisions (the plans), sending (sendOnce), waiting (the follower), and for facts and bodies
 * (order history, mapping, the download, the client). Over 250 lines: most of it is the words of each outcome.
 */

/** The order a create leaves in state. */
export interface CreatedOrder {
  readonly orderId: number;
  readonly state: ResourceState;
}

export async function createOrder(ctx: LifecycleContext, declaration: Declaration): Promise<CreatedOrder> {
  const predecessor = ctx.memory.takePredecessor(declaration.resourceKey);
  const { plan, accepted } = await ctx.memory.oneAtATime(lockOf(declaration), async () => {
    const startedAt = ctx.clock.now();
    const history = await lookUpHistory(
      ctx.client,
      declaration.identity,
      historyStart(declaration, predecessor),
    );
    const heldElsewhere = ctx.memory.heldByOthers(declaration.resourceKey);
    const plan = planCreate(declaration, history, predecessor, heldElsewhere);
    const accepted = await carryOut(ctx, declaration, plan, { history, startedAt }).catch(
      (error: unknown) => {
        // A partial failure puts the order in this resource's state: it holds it all the same.
        if (error instanceof PartialFailure)
          ctx.memory.rememberHolder(error.orderId, declaration.resourceKey);
        throw error;
      },
    );
    ctx.memory.rememberHolder(accepted.state.orderId, declaration.resourceKey);
    return { plan, accepted };
  });
  // An order this resource adopted may be the very order a replacement's Delete is about to handle.
  if (plan.kind === "adopt") ctx.memory.rememberAdopted(accepted.state.orderId);

  const { inputs } = declaration;
  const { orderId } = accepted.state;
  // The plan may say an adopted order is left out of state when its wait fails (see onWaitFailure): a plain error.
  const leftOut = plan.kind === "adopt" && plan.onWaitFailure === "leave-out";
  try {
    const placed = { echoed: inputs, computed: { ...accepted.outputs, ...accepted.state } };
    const waited = await waitForOrder(ctx, declaration.wait, placed, { recorded: !leftOut });
    // An order issued by now (waited for, or adopted issued) carries its certificate's PEM at once.
    return { orderId, state: { ...waited, computed: await withCertificatePem(ctx, waited.computed) } };
  } catch (error) {
    if (!(error instanceof PartialFailure && leftOut)) throw error;
    const why = ctx.cancellation.cancelled
      ? "the deployment was cancelled while waiting for it"
      : isTerminalStatus(error.status)
        ? `it is ${error.status} at DigiCert`
        : `it did not reach "${declaration.wait.target}" within waitTimeout ${declaration.wait.timeoutText}`;
    throw new Error(
      `Order ${orderId} (status ${error.status}) was adopted rather than placed, and ${why}. It is not recorded in ` +
        "state yet: the next `pulumi up` finds it again by its alternative order ID, and no second order is placed. " +
        "Until then `pulumi destroy` does not see it: to record it now, run `pulumi up` with `waitFor` set to `none`; " +
        "to give it up, cancel it in CertCentral.",
    );
  }
}

/** Creates under the user's own ID take turns (see ReplacementMemory.oneAtATime); derived IDs are per resource. */
function lockOf(declaration: Declaration): string {
  return declaration.identity.kind === "own"
    ? `own:${declaration.identity.alternativeOrderId}`
    : `key:${declaration.resourceKey}`;
}

/** An order DigiCert holds for this resource now, with what the resource records about it. */
interface Accepted {
  readonly state: OrderState;
  readonly outputs: ComputedOutputs;
}

/** What the create saw before its plan: the history its look-up listed, and when it began (by our clock). */
interface CreateFacts {
  readonly history: OrderHistory;
  readonly startedAt: number;
}

function carryOut(
  ctx: LifecycleContext,
  declaration: Declaration,
  plan: CreatePlan,
  facts: CreateFacts,
): Promise<Accepted> {
  switch (plan.kind) {
    case "refuse":
      return Promise.reject(new Error(plan.reason));
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

/** An order the look-up after an unanswered POST found, as DigiCert reports it. */
interface FoundOrder {
  readonly orderId: number;
  readonly info: OrderInfoResponse;
}

/**
 * POSTs the order through the send-once engine: this supplies its `send` and `find` (which asks
 * planAfterUnanswered which order, if any, the unanswered POST created) and words what each outcome means.
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
  const infosRead = new Map<number, OrderInfoResponse>();
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
      const infos = new Map<number, OrderInfoResponse | undefined>(infosRead);
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
              ? await recordedIfItFails(orderId, inputs, outputs, read)
              : await read();
          infos.set(orderId, info);
          if (info !== undefined) infosRead.set(orderId, info);
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
    case "found": {
      ctx.log(
        `the answer to the order was lost (${lost(outcome.unanswered)}), but DigiCert has order ${outcome.found.orderId} ` +
          `with alternative order ID ${alternativeOrderId}: adopting it`,
      );
      const { orderId, info } = outcome.found;
      const verdict = judgeAdoption(declaration, { orderId, scope: "found", outputs }, info);
      if (verdict.kind === "refuse") throw new Error(verdict.reason);
      return verdict;
    }
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
        describeRateLimited(outcome, {
          noun: "order",
          nothingCreated: "no order was placed",
          nothingFromEarlier: `none from the earlier unanswered attempt is visible under alternative order ID ${alternativeOrderId}`,
        }),
      );
    case "look-up-failed":
      throw new Error(
        `${lost(outcome.unanswered)}. The order may have been placed, and looking it up failed too ` +
          `(${failure}). ${nextRunFinds(declaration.identity, alternativeOrderId)}`,
      );
  }
}

/**
 * Runs a step after DigiCert accepted the order (reading an order already listed as this resource's): if it fails,
 * the order still reaches state, as a PartialFailure that sendOnce lets through (it is no failed look-up).
 */
async function recordedIfItFails<T>(
  orderId: number,
  inputs: CodeSigningOrderInputs,
  outputs: ComputedOutputs,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new PartialFailure(
      orderId,
      { echoed: inputs, computed: { ...outputs, orderId, status: "unknown", requests: [] } },
      `Order ${orderId} exists at DigiCert and is recorded in state, but a later step failed: ` +
        `${messageOf(error)}. Run \`pulumi refresh\` to read its current state.`,
    );
  }
}
