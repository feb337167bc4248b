import { StoredState } from "./codecs/state";
import { executeDeletePlan } from "./executor";
import { identityOf } from "./identity";
import { LifecycleContext } from "./lifecycleContext";
import { orderStateFromInfo } from "./mapping";
import { lookUpHistory } from "./orderHistory";
import { DeleteFacts, planDelete } from "./plans";

/**
 * Delete, top to bottom: what this deployment remembers of the order → the plan, which asks for the order's state
 * and its successors at DigiCert only when a rule needs them → the executor carries out its action.
 */
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
  };
  for (;;) {
    const plan = planDelete(facts);
    if (plan.kind !== "need") return executeDeletePlan(ctx, orderId, plan);
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
