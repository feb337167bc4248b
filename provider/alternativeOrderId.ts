import { createHash } from "crypto";
import { isTerminalStatus } from "./state";

/**
 * The alternative order ID a resource's order carries when the user sets none. It is deterministic, so a
 * `pulumi up` that lost the answer to its POST finds the order again by this ID instead of ordering twice; and it
 * changes whenever a new order is meant: for another resource (its key: project, stack, parent and name), or as
 * the successor of another order (a replacement or renewal). Letters and digits only (DigiCert calls the field
 * alphanumeric), 3 + 48 characters, within DigiCert's 64.
 *
 * The certificate's definition is deliberately not part of it: after a lost answer, a user who edits the
 * declaration before the next `pulumi up` must still find the order that was placed (and is told if it no longer
 * matches), not pay for a second one.
 */
export function deriveAlternativeOrderId(parts: {
  resourceKey: string;
  predecessorOrderId?: number;
}): string {
  const digest = createHash("sha256")
    .update(parts.resourceKey)
    .update("\n")
    .update(String(parts.predecessorOrderId ?? "first"))
    .digest("hex");
  return `pcs${digest.slice(0, 48)}`;
}

/** An order as `GET /order/alternate/{id}` lists it. */
export interface AlternateOrder {
  readonly order_id: number;
  readonly status?: string | null;
}

/** The orders newer than `after` (order IDs grow over time), and only the live ones if asked. */
export function ordersAfter<O extends AlternateOrder>(
  orders: readonly O[],
  opts: { after?: number; liveOnly?: boolean },
): O[] {
  return orders.filter(
    (o) =>
      (opts.after === undefined || o.order_id > opts.after) && !(opts.liveOnly && isTerminalStatus(o.status)),
  );
}

/** The newest of these orders. */
export function newestOrder<O extends AlternateOrder>(orders: readonly O[]): O | undefined {
  return orders.reduce<O | undefined>(
    (newest, o) => (newest === undefined || o.order_id > newest.order_id ? o : newest),
    undefined,
  );
}
