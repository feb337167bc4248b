import { createHash } from "crypto";

/**
 * How a resource's orders are recognised at DigiCert: by the alternative order ID each carries.
 *
 * - `own`: the user's `alternativeOrderId`, carried by every order of the resource (and possibly by other
 *   resources' or stacks' orders: it is never proof that an order is this resource's).
 * - `derived`: `pcs` and a hash of the resource's key and of the order it succeeds, so each generation (first
 *   order, replacement, renewal) carries its own ID and the resource's orders form a chain: each ID names its
 *   predecessor. Generations keep distinct IDs so that accounts requiring unique alternative order IDs still work.
 */
export type OrderIdentity =
  | { readonly kind: "own"; readonly alternativeOrderId: string }
  | { readonly kind: "derived"; readonly resourceKey: string };

/** The fields of a declaration (or of stored state) that say who the resource is. */
export interface IdentityFields {
  readonly resourceKey?: string;
  readonly alternativeOrderId?: string;
  readonly existingOrderId?: number;
}

/**
 * What ties one resource's calls and orders together: the key the SDK sets (organization, project, stack, parent
 * and name), or failing that the user's alternative order ID or the imported order.
 */
export function resourceKeyOf(fields: IdentityFields): string | undefined {
  if (fields.resourceKey !== undefined) return fields.resourceKey;
  if (fields.alternativeOrderId !== undefined) return `alt:${fields.alternativeOrderId}`;
  if (fields.existingOrderId !== undefined) return `order:${fields.existingOrderId}`;
  return undefined;
}

export function identityOf(fields: IdentityFields): OrderIdentity | undefined {
  if (fields.alternativeOrderId !== undefined)
    return { kind: "own", alternativeOrderId: fields.alternativeOrderId };
  const resourceKey = resourceKeyOf(fields);
  return resourceKey === undefined ? undefined : { kind: "derived", resourceKey };
}

/**
 * The alternative order ID the order succeeding `predecessorOrderId` (or the first order) carries. Deterministic,
 * so a `pulumi up` that lost the answer to its POST finds the order again instead of ordering twice. The
 * certificate's definition is deliberately not part of it: after a lost answer, a user who edits the declaration
 * must still find the order that was placed (and be told it no longer matches), not pay for a second one.
 * Letters and digits only (DigiCert calls the field alphanumeric), 3 + 48 characters, within DigiCert's 64.
 */
export function alternativeOrderIdAfter(
  identity: OrderIdentity,
  predecessorOrderId: number | undefined,
): string {
  if (identity.kind === "own") return identity.alternativeOrderId;
  const digest = createHash("sha256")
    .update(identity.resourceKey)
    .update("\n")
    .update(String(predecessorOrderId ?? "first"))
    .digest("hex");
  return `pcs${digest.slice(0, 48)}`;
}
