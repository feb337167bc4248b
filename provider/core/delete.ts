import { StoredState } from "./codecs/state";
import { isAlreadyGone } from "../client/errors";
import { alternativeOrderIdAfter, identityOf } from "./identity";
import { LifecycleContext } from "./lifecycleContext";
import { orderStateFromInfo } from "./mapping";
import { lookUpHistory } from "./orderHistory";
import { DeleteFacts, DeletePlan, planDelete } from "./plans";
import { KeyExposureError } from "../client/errors";

/** A failed action is re-planned from a fresh read of the order at most this many times. */
const MAX_REPLANS = 3;

/**
 * Delete, top to bottom: what this deployment remembers of the order → the plan, which asks for the order's state
 * and its successors at DigiCert only when a rule needs them → executeDeletePlan carries out its action.
 *
 * When the action fails, its answer may have been lost after DigiCert made the change (a 5xx after it, a dropped
 * connection, a timeout: the retry then gets 400 "cannot be canceled while its status is canceled"). So the order
 * is read again and the plan made again from what DigiCert now reports: an order already canceled, rejected or
 * revoked is success; an action that is still needed is carried out (a reissue canceled before its revocation); the
 * same action again means the failure was real, and it is reported.
 */
/** How the next `pulumi up` finds this order again, if it does (see DeleteFacts.identity). */
function identityForDelete(stored: StoredState): DeleteFacts["identity"] {
  const identity = identityOf(stored.declared);
  if (identity?.kind === "own") return "own";
  const { assignedAlternativeOrderId, predecessorOrderId } = stored.computed;
  const derived = identity && alternativeOrderIdAfter(identity, predecessorOrderId);
  return derived !== undefined && assignedAlternativeOrderId === derived ? "derived" : "unmarked";
}

export async function deleteOrder(
  ctx: LifecycleContext,
  orderId: number,
  stored: StoredState,
): Promise<void> {
  let facts: DeleteFacts = {
    orderId,
    onDelete: stored.declared.onDelete ?? "cancel",
    adoptedByReplacement: ctx.memory.isAdopted(orderId),
    beingReplaced: ctx.memory.isBeingReplaced(orderId),
    now: ctx.clock.now(),
    identity: identityForDelete(stored),
  };
  let failed: { plan: DeletePlan; error: unknown } | undefined;
  for (let replans = 0; ;) {
    const plan = planDelete(facts);
    if (plan.kind !== "need") {
      if (failed !== undefined && sameAction(plan, failed.plan)) throw failed.error;
      try {
        return await executeDeletePlan(ctx, orderId, plan);
      } catch (error) {
        if (error instanceof KeyExposureError || replans++ >= MAX_REPLANS) throw error;
        failed = { plan, error };
        facts = { ...facts, order: await orderAfterFailure(ctx, orderId, error) };
        continue;
      }
    }
    if (plan.fact === "order") {
      const info = await ctx.client.orderInfoIfExists(orderId);
      facts = { ...facts, order: info === undefined ? "gone" : orderStateFromInfo(info) };
    } else {
      // Successors carry the ID derived from this order (or the user's own ID), whichever process placed them.
      const successors = await lookUpHistory(ctx.client, identityOf(stored.declared), orderId);
      facts = { ...facts, successors };
    }
  }
}

/** The order as DigiCert reports it now; if even that read fails, the action's own failure is what is reported. */
async function orderAfterFailure(
  ctx: LifecycleContext,
  orderId: number,
  failure: unknown,
): Promise<DeleteFacts["order"]> {
  try {
    const info = await ctx.client.orderInfoIfExists(orderId);
    return info === undefined ? "gone" : orderStateFromInfo(info);
  } catch {
    throw failure;
  }
}

function sameAction(a: DeletePlan, b: DeletePlan): boolean {
  return a.kind === b.kind && JSON.stringify({ ...a, reason: "" }) === JSON.stringify({ ...b, reason: "" });
}

const CANCEL_NOTE = "Canceled by Pulumi (CodeSigningOrder deleted)";
const REVOKE_NOTE = "Revoked by Pulumi (CodeSigningOrder onDelete: revoke)";

/** Carries out a delete plan's action. An order already revoked or canceled is success. */
async function executeDeletePlan(
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
