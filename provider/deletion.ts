import { StoredState } from "./codecs/state";
import { CertCentralApiError } from "./client/errors";
import { LifecycleContext } from "./lifecycleContext";
import { orderStateFromInfo } from "./mapping";
import { isTerminalStatus } from "./state";
import { deriveAlternativeOrderId, newestOrder, ordersAfter } from "./alternativeOrderId";
import { certificateExpired } from "./dates";

const ALREADY_GONE = ["order_already_revoked", "order_is_revoked", "order_already_canceled"];
const CANCEL_NOTE = "Canceled by Pulumi (CodeSigningOrder deleted)";

/**
 * Delete: what `onDelete` says. `cancel` cancels an order not yet issued (an order awaiting approval has its
 * request rejected: canceling it is not documented) and leaves an issued one; `revoke` revokes an issued
 * certificate and cancels a pending order; `retain` makes no call. An order already gone is success.
 */
export async function deleteOrder(
  ctx: LifecycleContext,
  orderId: number,
  stored: StoredState,
  lineageKey: string | undefined,
): Promise<void> {
  const onDelete = stored.onDelete ?? "cancel";
  if (onDelete === "retain") {
    ctx.log(`order ${orderId} retained at DigiCert (onDelete: retain); removed from state only`);
    return;
  }
  if (ctx.lineage.isHeldByCreate(orderId)) {
    // A replacement in this deployment took this very order over (the engine replaced the resource without a
    // reason DigiCert knows of, e.g. `pulumi up --replace`): canceling it would leave the stack without it.
    ctx.log(`order ${orderId} is now held by the resource's replacement: not canceled`);
    return;
  }
  const info = await ctx.client.orderInfoIfExists(orderId);
  if (info === undefined) return;
  const state = orderStateFromInfo(info);
  if (isTerminalStatus(state.status)) return;
  try {
    if (state.status === "issued" || state.status === "reissue_pending") {
      if (onDelete !== "revoke") {
        ctx.log(
          `order ${orderId} is ${state.status}: left with DigiCert and removed from state (onDelete: cancel only cancels orders not yet issued)`,
        );
        return;
      }
      // Revoking invalidates software signed with the certificate. That is what destroying a resource with
      // onDelete: revoke asks for, but not when the resource was replaced (renewed, or given a new definition):
      // its successor may not even be issued yet. Nor is there any point once the certificate has expired.
      if (certificateExpired(state.validTill, ctx.clock.now())) {
        ctx.log(`order ${orderId}: its certificate expired ${state.validTill}; not revoked`);
        return;
      }
      if (ctx.lineage.isBeingReplaced(orderId)) {
        ctx.log(
          `order ${orderId} is being replaced: its certificate is left to expire, not revoked, so software signed with it keeps validating`,
        );
        return;
      }
      const successor = await successorOf(ctx, orderId, stored, lineageKey);
      if (successor !== undefined) {
        ctx.log(
          `order ${orderId} was succeeded by order ${successor}: its certificate is left to expire, not revoked, so software signed with it keeps validating`,
        );
        return;
      }
      // A certificate with a pending reissue cannot be revoked: cancel the reissue first (certcentral-api.md §9).
      if (state.status === "reissue_pending") await ctx.client.cancelOrder(orderId, CANCEL_NOTE);
      const outcome = await ctx.client.revokeOrder(
        orderId,
        "Revoked by Pulumi (CodeSigningOrder onDelete: revoke)",
      );
      ctx.log(
        outcome.kind === "revoked"
          ? `order ${orderId} revoked`
          : `order ${orderId}: revocation request ${outcome.requestId ?? ""} awaits an administrator's approval in CertCentral; the order is removed from state`,
      );
      return;
    }
    const pendingRequest = state.requests.find((r) => r.status === "pending" || r.status === "submitted");
    if (state.status === "needs_approval" && pendingRequest) {
      await ctx.client.rejectRequest(pendingRequest.id, CANCEL_NOTE);
      ctx.log(`order ${orderId}: request ${pendingRequest.id} rejected`);
      return;
    }
    await ctx.client.cancelOrder(orderId, CANCEL_NOTE);
    ctx.log(`order ${orderId} canceled`);
  } catch (error) {
    if (error instanceof CertCentralApiError && error.hasCode(...ALREADY_GONE)) return;
    throw error;
  }
}

/**
 * An order that succeeds this one, live or not (a successor DigiCert rejected still means this order was
 * replaced): it carries the alternative order ID derived from this order (or the user's own ID) and is newer.
 * Asked of DigiCert, so it holds whichever process placed the successor.
 */
async function successorOf(
  ctx: LifecycleContext,
  orderId: number,
  stored: StoredState,
  lineageKey: string | undefined,
): Promise<number | undefined> {
  const alternativeOrderId =
    stored.alternativeOrderId ??
    (lineageKey === undefined
      ? undefined
      : deriveAlternativeOrderId({ resourceKey: lineageKey, predecessorOrderId: orderId }));
  if (alternativeOrderId === undefined) return undefined;
  return newestOrder(
    ordersAfter(await ctx.client.ordersByAlternativeId(alternativeOrderId), { after: orderId }),
  )?.order_id;
}
