import { OrderInfoResponse } from "../../client/answers";
import { parseApiDate } from "../dates";
import { Declaration } from "../declaration";
import { OrderIdentity } from "../identity";
import { HistoryOrder } from "../orderHistory";
import { declarationMismatch } from "./mismatch";

/**
 * How far DigiCert's clock may be behind ours (and its `date_created` truncated) and an order DigiCert dates before
 * this create began still count as possibly placed by it. DigiCert's clock and ours are both assumed NTP-synced
 * (certcentral-api.md §3 gives `date_created` to the second, with an offset); 10 minutes is far beyond ordinary
 * skew. It only ever keeps an order in the running, never adopts one by itself.
 */
export const CLOCK_SKEW_MARGIN_MS = 10 * 60_000;

/** What a look-up after an unanswered POST saw. */
export interface UnansweredFacts {
  /** Live orders carrying the plan's alternative order ID, newer than its predecessor. */
  readonly listed: readonly HistoryOrder[];
  /** Orders the look-up before the POST listed: they existed before this create's POST. */
  readonly listedBefore: ReadonlySet<number>;
  /** Orders other resources in this process hold. */
  readonly heldElsewhere: ReadonlySet<number>;
  /** When this create began, by our clock. */
  readonly startedAt: number;
  /** DigiCert's order info of the candidates, once asked for (undefined: DigiCert says it does not exist). */
  readonly infos?: ReadonlyMap<number, OrderInfoResponse | undefined>;
}

export type UnansweredPlan =
  | { readonly kind: "need-info"; readonly orderIds: readonly number[] }
  | { readonly kind: "none" }
  | { readonly kind: "adopt"; readonly orderId: number; readonly info: OrderInfoResponse }
  | { readonly kind: "ambiguous"; readonly orderIds: readonly number[] };

/**
 * After a POST whose answer may have been lost: which order, if any, this create placed. Only an order this create
 * can have placed is adopted: not one listed before the POST, not one another resource of this process holds, not one
 * DigiCert dates before this create began (less the skew margin), and, under the user's own ID (which other
 * resources and stacks may share), not one whose reported fields differ from this declaration. Under a derived ID
 * (this resource's alone) a differing order is still its own, and judgeAdoption refuses it with the difference. One
 * candidate is adopted; several cannot be told apart and are named, never adopted silently. Pure.
 */
export function planAfterUnanswered(declaration: Declaration, facts: UnansweredFacts): UnansweredPlan {
  const candidates = facts.listed.filter(
    (o) => !facts.listedBefore.has(o.orderId) && !facts.heldElsewhere.has(o.orderId),
  );
  if (candidates.length === 0) return { kind: "none" };
  const unknown = candidates.filter((o) => !facts.infos?.has(o.orderId)).map((o) => o.orderId);
  if (unknown.length > 0) return { kind: "need-info", orderIds: unknown };
  const possible = candidates.flatMap((o) => {
    const info = facts.infos!.get(o.orderId);
    if (info === undefined) return [];
    const created = createdAt(info.date_created);
    if (created !== undefined && created < facts.startedAt - CLOCK_SKEW_MARGIN_MS) return [];
    if (declaration.identity.kind === "own" && declarationMismatch(declaration.inputs, info, "found"))
      return [];
    return [{ orderId: o.orderId, info }];
  });
  if (possible.length === 0) return { kind: "none" };
  if (possible.length === 1) return { kind: "adopt", ...possible[0]! };
  return { kind: "ambiguous", orderIds: possible.map((o) => o.orderId) };
}

/**
 * `date_created` in epoch ms, only when it carries its offset ("…+00:00", "…Z"). Without one it may be in any zone
 * (DigiCert writes some times in Mountain Time): not judged, since misreading it could turn away this create's own
 * order and place a second one.
 */
function createdAt(text: string | null | undefined): number | undefined {
  if (!text || !/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text.trim())) return undefined;
  return parseApiDate(text.trim());
}

/** What the next `pulumi up` does with an order that may exist, which differs for a derived and an own ID. */
export function nextRunFinds(identity: OrderIdentity, alternativeOrderId: string): string {
  return identity.kind === "derived"
    ? `Run \`pulumi up\` again: it looks the order up by its alternative order ID ${alternativeOrderId} and adopts ` +
        "it instead of ordering twice."
    : `Run \`pulumi up\` again: if DigiCert has the order, the next \`pulumi up\` places none and stops, naming the ` +
        `order that carries your alternative order ID ${alternativeOrderId} (which other resources may share); ` +
        "if it is this resource's, set existingOrderId to it. If no order carries it, the next `pulumi up` orders.";
}

/** Several orders may be this create's: named, never adopted silently. */
export function ambiguousOrdersMessage(
  failure: string,
  alternativeOrderId: string,
  orderIds: readonly number[],
): string {
  return (
    `${failure}. The answer to the order was lost, and orders ${orderIds.join(", ")} all carry alternative order ID ` +
    `${alternativeOrderId}, were placed since this create began and match this declaration: one is probably this ` +
    "resource's and the others another resource's or stack's, and they cannot be told apart. None was adopted and " +
    "no order was placed again. Check them in CertCentral: set existingOrderId to this resource's order, and cancel " +
    "any that no resource holds."
  );
}
