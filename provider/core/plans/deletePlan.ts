import { OnDeleteAction } from "../codecs/inputs";
import { certificateExpired } from "../dates";
import { OrderState } from "../mapping";
import { newestOrder, OrderHistory } from "../orderHistory";
import { hasCertificateOut, isTerminalStatus } from "../orderStatus";

/**
 * What Delete knows so far. `order` and `successors` start unknown: the plan asks for them (`need`) only when a
 * rule depends on them, so a delete makes no call it does not need.
 */
export interface DeleteFacts {
  readonly orderId: number;
  readonly onDelete: OnDeleteAction;
  /** A replacement in this deployment adopted this very order (replacementMemory.ts). */
  readonly adoptedByReplacement: boolean;
  /** The resource went through Diff in this deployment: this Delete is part of its replacement. */
  readonly beingReplaced: boolean;
  readonly now: number;
  /**
   * How the resource's orders are found again: `derived` IDs are this resource's own, so the next `pulumi up` of it
   * adopts an order left at DigiCert; the user's `own` ID may be shared, so adopting needs existingOrderId; an
   * `unmarked` order (imported, or named by existingOrderId) carries no ID of this resource: nothing finds it again.
   */
  readonly identity: "derived" | "own" | "unmarked";
  /** The order as DigiCert reports it, or "gone" when DigiCert says it does not exist. */
  readonly order?: OrderState | "gone";
  /** The resource's orders newer than this one (its successors), whichever process placed them. */
  readonly successors?: OrderHistory;
}

export type DeletePlan =
  | { readonly kind: "need"; readonly fact: "order" | "successors" }
  /** Nothing to do at DigiCert: the order leaves state as it is. */
  | { readonly kind: "forget"; readonly reason: string }
  /** An order awaiting approval is canceled by rejecting its request (canceling it is not documented). */
  | { readonly kind: "reject"; readonly requestId: number; readonly reason: string }
  | { readonly kind: "cancel"; readonly reason: string }
  /** A certificate with a pending reissue cannot be revoked: its reissue is canceled first (certcentral-api.md §9). */
  | { readonly kind: "revoke"; readonly cancelReissueFirst: boolean; readonly reason: string };

/**
 * Delete: what `onDelete` says. `cancel` cancels an order not yet issued and leaves an issued one; `revoke` revokes
 * an issued certificate and cancels a pending order; `retain` makes no call. An order already gone is success.
 * Revoking invalidates software signed with the certificate, so it is never done when the resource is being
 * replaced (renewed, or given a new definition: the successor may not even be issued yet), when a newer order
 * (live or rejected) succeeds it, or once the certificate has expired. Pure.
 */
export function planDelete(facts: DeleteFacts): DeletePlan {
  const { orderId, order } = facts;
  if (facts.onDelete === "retain") {
    return forget(
      `order ${orderId} retained at DigiCert (onDelete: retain); removed from state only. ${nextUp(facts)}`,
    );
  }
  if (facts.adoptedByReplacement) {
    // The engine replaced the resource without a reason DigiCert knows of (`pulumi up --replace`) and the
    // replacement adopted this order: canceling it would leave the stack without it.
    return forget(`order ${orderId} is now held by the resource's replacement: not canceled`);
  }
  if (order === undefined) return { kind: "need", fact: "order" };
  if (order === "gone") return forget(`order ${orderId} no longer exists at DigiCert: removed from state`);
  if (isTerminalStatus(order.status))
    return forget(`order ${orderId} is ${order.status} already: removed from state`);
  if (hasCertificateOut(order.status)) return planCertificateOut(facts, order);
  const pendingRequest = order.requests.find((r) => r.status === "pending" || r.status === "submitted");
  if (order.status === "needs_approval" && pendingRequest) {
    return {
      kind: "reject",
      requestId: pendingRequest.id,
      reason: `order ${orderId}: request ${pendingRequest.id} rejected`,
    };
  }
  return { kind: "cancel", reason: `order ${orderId} canceled` };
}

function planCertificateOut(facts: DeleteFacts, order: OrderState): DeletePlan {
  const { orderId } = facts;
  if (facts.onDelete !== "revoke") {
    return forget(
      `order ${orderId} is ${order.status}: left with DigiCert and removed from state (onDelete: cancel only ` +
        `cancels orders not yet issued). ${nextUp(facts)}`,
    );
  }
  if (certificateExpired(order.validTill, facts.now)) {
    return forget(`order ${orderId}: its certificate expired ${order.validTill}; not revoked`);
  }
  const leftToExpire =
    "its certificate is left to expire, not revoked, so software signed with it keeps validating";
  if (facts.beingReplaced) return forget(`order ${orderId} is being replaced: ${leftToExpire}`);
  if (facts.successors === undefined) return { kind: "need", fact: "successors" };
  const successor = newestOrder(facts.successors);
  if (successor !== undefined)
    return forget(`order ${orderId} was succeeded by order ${successor.orderId}: ${leftToExpire}`);
  return {
    kind: "revoke",
    cancelReissueFirst: order.status === "reissue_pending",
    reason: `order ${orderId} revoked`,
  };
}

/** What the next `pulumi up` of the same program does with an order left at DigiCert. */
function nextUp(facts: DeleteFacts): string {
  switch (facts.identity) {
    case "derived":
      return "The next `pulumi up` of this resource adopts it again while it matches the declaration (no new order).";
    case "own":
      return (
        `To have it back, set existingOrderId: ${facts.orderId} (an order under your own alternativeOrderId is ` +
        "not adopted by itself: another resource may hold it)."
      );
    case "unmarked":
      return (
        `To have it back, set existingOrderId: ${facts.orderId} (it carries no alternative order ID of this ` +
        "resource, imported or named by existingOrderId: without it the next `pulumi up` places a new order)."
      );
  }
}

function forget(reason: string): DeletePlan {
  return { kind: "forget", reason };
}
