import { OrderInfoResponse } from "../../client/answers";
import { ComputedOutputs } from "../codecs/state";
import { Declaration } from "../declaration";
import { alternativeOrderIdAfter } from "../identity";
import { orderStateFromInfo, OrderState } from "../mapping";
import { HistoryOrder, liveOrders, newestOrder, OrderHistory } from "../orderHistory";
import { isTerminalStatus } from "../orderStatus";
import { declarationMismatch, MismatchScope } from "./mismatch";

/** Why Diff planned a replacement; "engine" when the engine replaces for a reason of its own (replaceOnChanges). */
export type ReplacementReason = "definition" | "renewal" | "terminal" | "import" | "engine";

/** What Diff learned in this deployment: the order a Create for this resource succeeds, and why. */
export interface Predecessor {
  readonly orderId: number;
  readonly reason: ReplacementReason;
}

export type CreatePlan =
  | {
      readonly kind: "place";
      readonly alternativeOrderId: string;
      readonly predecessorOrderId?: number;
      /** Sent as `renewal_of_order_id`; if DigiCert refuses the link, an unlinked order is placed. */
      readonly renewalOf?: number;
      readonly reason: string;
    }
  | {
      readonly kind: "adopt";
      readonly orderId: number;
      /** `named`: the user's existingOrderId; `found`: found by its alternative order ID. */
      readonly scope: MismatchScope;
      /** What the resource records about the adopted order, beyond DigiCert's state of it. */
      readonly outputs: ComputedOutputs;
      /**
       * What a failed wait does with the adopted order: `record` it in state (a partial failure), or `leave-out` when
       * no Diff came first: the order may also be held by the resource an engine-forced replacement (`--replace`)
       * replaces, whose Delete in a later run could not know to keep it; so the failure leaves no state, and the next
       * `pulumi up` finds the order again by its alternative order ID.
       */
      readonly onWaitFailure: "record" | "leave-out";
      readonly reason: string;
    }
  | { readonly kind: "refuse"; readonly reason: string };

/** The order the create's history starts after: the predecessor Diff named, or the imported order. */
export function historyStart(
  declaration: Declaration,
  predecessor: Predecessor | undefined,
): number | undefined {
  return predecessor !== undefined && predecessor.reason !== "import"
    ? predecessor.orderId
    : declaration.inputs.existingOrderId;
}

/**
 * Create: place, adopt or refuse, from the declaration, the resource's order history (from `historyStart`) and
 * the predecessor Diff named in this deployment, if any. Pure.
 */
export function planCreate(
  declaration: Declaration,
  fullHistory: OrderHistory,
  predecessor?: Predecessor,
  /** Orders other resources in this process hold (a shared own alternative order ID): never this resource's. */
  heldElsewhere: ReadonlySet<number> = new Set(),
): CreatePlan {
  const history = { ...fullHistory, orders: fullHistory.orders.filter((o) => !heldElsewhere.has(o.orderId)) };
  if (predecessor !== undefined && predecessor.reason !== "import")
    return planSuccessor(declaration, history, predecessor);
  return planWithoutPredecessor(declaration, history, predecessor === undefined ? "leave-out" : "record");
}

/**
 * A replacement or renewal Diff planned: place the successor, unless an earlier run placed it and lost the answer
 * (a live order newer than the predecessor carrying the successor's ID): adopt that, never the predecessor.
 */
function planSuccessor(
  declaration: Declaration,
  history: OrderHistory,
  predecessor: Predecessor,
): CreatePlan {
  const alternativeOrderId = alternativeOrderIdAfter(declaration.identity, predecessor.orderId);
  const live = liveOrders(history);
  if (live[0] !== undefined) {
    return {
      kind: "adopt",
      orderId: live[0].orderId,
      scope: "found",
      outputs: {
        assignedAlternativeOrderId: alternativeOrderId,
        predecessorOrderId: predecessor.orderId,
        adoptedExistingOrder: true,
      },
      onWaitFailure: "record",
      reason:
        adoptionLine(live[0]) +
        (live.length > 1
          ? ` (several live orders carry it: ${live.map((o) => o.orderId).join(", ")}; cancel the others in CertCentral)`
          : ""),
    };
  }
  return {
    kind: "place",
    alternativeOrderId,
    predecessorOrderId: predecessor.orderId,
    renewalOf: predecessor.reason === "renewal" ? predecessor.orderId : undefined,
    reason: `a ${predecessor.reason} replacement of order ${predecessor.orderId}`,
  };
}

/**
 * No Diff came first: a new resource, one re-created after `pulumi destroy` (which leaves an issued order with
 * DigiCert), a create the previous run lost (its answer, or the whole run: Ctrl-C twice, a kill), or one the engine
 * replaces without asking (`pulumi up --replace`, where Check gets no old inputs either). They look the same here:
 * - `existingOrderId`: adopt its latest live successor (renewals since the import), or the order itself;
 * - the newest order carrying this resource's own derived ID is live: it is this resource's order (the ID is a hash
 *   of this stack's resource, held by no other resource here): adopt it, whatever its status or age; never pay twice;
 * - several live orders carry that same ID (two lost answers?): refuse, naming them, rather than guess;
 * - a live order carries the user's own alternativeOrderId: it may be another resource's or stack's: refuse, saying
 *   how to keep it or order anew;
 * - otherwise (no order, or the newest is canceled, rejected, revoked or expired) place the next generation's order.
 */
function planWithoutPredecessor(
  declaration: Declaration,
  history: OrderHistory,
  onWaitFailure: "record" | "leave-out",
): CreatePlan {
  const existing = declaration.inputs.existingOrderId;
  const live = liveOrders(history)[0];
  if (existing !== undefined && (live === undefined || live.orderId === existing)) {
    return {
      kind: "adopt",
      orderId: existing,
      scope: "named",
      outputs: { adoptedExistingOrder: true },
      onWaitFailure,
      reason: "existingOrderId",
    };
  }
  if (existing !== undefined && live !== undefined) return adoptFound(live, onWaitFailure);
  const newest = newestOrder(history);
  if (declaration.identity.kind === "derived" && newest !== undefined && !isTerminalStatus(newest.status)) {
    const sameId = liveOrders(history).filter((o) => o.alternativeOrderId === newest.alternativeOrderId);
    if (sameId.length > 1) {
      return {
        kind: "refuse",
        reason:
          `Orders ${sameId.map((o) => `${o.orderId} (${o.status})`).join(", ")} all carry this resource's alternative ` +
          `order ID ${newest.alternativeOrderId}. No order was placed. Keep one with existingOrderId (and cancel the ` +
          "others in CertCentral), or set a new alternativeOrderId to order anew.",
      };
    }
    return adoptFound(newest, onWaitFailure);
  }
  if (live !== undefined && declaration.identity.kind === "own") {
    return {
      kind: "refuse",
      reason:
        `Order ${live.orderId} (${live.status}) already carries your alternative order ID ${live.alternativeOrderId}. ` +
        "Another resource or stack may hold it, or an earlier run of this one lost its answer. No order was placed. " +
        `If it is this resource's order, set existingOrderId: ${live.orderId}; to order anew, set a new alternativeOrderId.`,
    };
  }
  const latest = newest?.orderId ?? history.after;
  return {
    kind: "place",
    alternativeOrderId: alternativeOrderIdAfter(declaration.identity, latest),
    predecessorOrderId: latest,
    reason: latest === undefined ? "a first order" : `no live order follows order ${latest}`,
  };
}

/** Adopt a live order found by the alternative order ID it carries. */
function adoptFound(found: HistoryOrder, onWaitFailure: "record" | "leave-out"): CreatePlan {
  return {
    kind: "adopt",
    orderId: found.orderId,
    scope: "found",
    outputs: { assignedAlternativeOrderId: found.alternativeOrderId, adoptedExistingOrder: true },
    onWaitFailure,
    reason: adoptionLine(found),
  };
}

/** The one line an adoption logs: which order, its status, and that nothing is ordered. */
function adoptionLine(found: HistoryOrder): string {
  return (
    `found live order ${found.orderId} (${found.status}) with alternative order ID ${found.alternativeOrderId}: ` +
    "adopting it, not ordering again"
  );
}

export type AdoptionVerdict =
  | { readonly kind: "adopt"; readonly state: OrderState; readonly outputs: ComputedOutputs }
  | { readonly kind: "refuse"; readonly reason: string };

/**
 * Whether an order to be adopted (or found after an unanswered POST) is what the resource declares, now that DigiCert
 * said what it is (`info`, undefined when it does not exist). Pure.
 */
export function judgeAdoption(
  declaration: Declaration,
  candidate: { readonly orderId: number; readonly scope: MismatchScope; readonly outputs: ComputedOutputs },
  info: OrderInfoResponse | undefined,
): AdoptionVerdict {
  const { orderId, scope } = candidate;
  if (scope === "named") {
    if (info === undefined) {
      return {
        kind: "refuse",
        reason: `existingOrderId: order ${orderId} was not found at DigiCert (or this API key cannot see it)`,
      };
    }
    const state = orderStateFromInfo(info);
    const mismatch = isTerminalStatus(state.status)
      ? `is ${state.status}: there is nothing to adopt`
      : declarationMismatch(declaration.inputs, info, "named");
    if (mismatch) return { kind: "refuse", reason: `existingOrderId: order ${orderId} ${mismatch}` };
    return {
      kind: "adopt",
      state,
      outputs: { ...candidate.outputs, assignedAlternativeOrderId: info.alternative_order_id ?? undefined },
    };
  }
  const alternativeOrderId = candidate.outputs.assignedAlternativeOrderId;
  if (info === undefined) {
    return {
      kind: "refuse",
      reason: `Order ${orderId}, listed under alternative order ID ${alternativeOrderId}, was not found at DigiCert. Run \`pulumi up\` again.`,
    };
  }
  const mismatch = declarationMismatch(declaration.inputs, info, "found");
  if (mismatch) {
    return {
      kind: "refuse",
      reason:
        `Order ${info.id} already carries alternative order ID ${alternativeOrderId}, but it ${mismatch}. ` +
        "If an earlier run placed it before the declaration changed, cancel it in CertCentral or adopt it with " +
        "existingOrderId; to order anew, set a different alternativeOrderId.",
    };
  }
  return { kind: "adopt", state: orderStateFromInfo(info), outputs: candidate.outputs };
}
