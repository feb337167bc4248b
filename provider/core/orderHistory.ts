import { CertCentralClient } from "../client/certcentralClient";
import { alternativeOrderIdAfter, OrderIdentity } from "./identity";
import { isTerminalStatus } from "./orderStatus";

/**
 * The one answer to "which orders carry this resource's alternative order ID(s), newest first, with their status",
 * used by create (before placing), by the look-ups after an unanswered POST, by delete (is there a successor?)
 * and by import (renewals since the imported order). Order IDs grow over time, so "newer" is "larger ID".
 */
export interface HistoryOrder {
  readonly orderId: number;
  /** Lower-cased; "unknown" when DigiCert reports none. */
  readonly status: string;
  /** The alternative order ID the order carries. */
  readonly alternativeOrderId: string;
}

export interface OrderHistory {
  readonly identity?: OrderIdentity;
  /** Only orders newer than this one are listed (the order the history starts after), if any. */
  readonly after?: number;
  /** Newest first. */
  readonly orders: readonly HistoryOrder[];
}

/** Derived IDs form a chain; a longer one means something else is wrong. */
const MAX_GENERATIONS = 100;

/**
 * The orders carrying the identity's alternative order IDs, newer than `after`. A user's own ID is one look-up;
 * derived IDs are followed generation by generation (each generation's newest order names the next ID) until a
 * generation has no order. A resource with no identity has no history.
 */
export async function lookUpHistory(
  client: Pick<CertCentralClient, "ordersByAlternativeId">,
  identity: OrderIdentity | undefined,
  after: number | undefined,
): Promise<OrderHistory> {
  const found: HistoryOrder[] = [];
  let cursor = after;
  for (let generation = 0; identity !== undefined && generation < MAX_GENERATIONS; generation++) {
    const alternativeOrderId = alternativeOrderIdAfter(identity, cursor);
    const orders = (await client.ordersByAlternativeId(alternativeOrderId))
      .filter((o) => after === undefined || o.order_id > after)
      .map((o) => ({
        orderId: o.order_id,
        status: o.status ?? "unknown",
        alternativeOrderId,
      }));
    found.push(...orders);
    if (identity.kind === "own" || orders.length === 0) return historyOf(identity, after, found);
    cursor = Math.max(...orders.map((o) => o.orderId));
  }
  if (identity === undefined) return { identity, after, orders: [] };
  throw new Error(
    `More than ${MAX_GENERATIONS} successive orders carry this resource's alternative order IDs`,
  );
}

function historyOf(identity: OrderIdentity, after: number | undefined, orders: HistoryOrder[]): OrderHistory {
  return { identity, after, orders: [...orders].sort((a, b) => b.orderId - a.orderId) };
}

/** The newest order of the history, live or not. */
export function newestOrder(history: OrderHistory): HistoryOrder | undefined {
  return history.orders[0];
}

/** The live orders (not canceled, rejected, revoked or expired), newest first. */
export function liveOrders(history: OrderHistory): readonly HistoryOrder[] {
  return history.orders.filter((o) => !isTerminalStatus(o.status));
}
