import { createHash } from "crypto";

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
