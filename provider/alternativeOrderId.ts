import { createHash } from "crypto";
import { canonicalJson } from "./canonicalJson";

/**
 * The alternative order ID a resource's order carries when the user sets none. It is deterministic, so a
 * `pulumi up` that lost the answer to its POST finds the order again by this ID instead of ordering twice; and it
 * changes whenever a new order is meant: for another resource (its key), as the successor of another order (a
 * replacement or renewal), or for another certificate definition. 4 + 48 characters, within DigiCert's 64.
 */
export function deriveAlternativeOrderId(parts: {
  resourceKey: string;
  predecessorOrderId?: number;
  definition: unknown;
}): string {
  const digest = createHash("sha256")
    .update(parts.resourceKey)
    .update("\n")
    .update(String(parts.predecessorOrderId ?? "first"))
    .update("\n")
    .update(canonicalJson(parts.definition))
    .digest("hex");
  return `pcs-${digest.slice(0, 48)}`;
}
