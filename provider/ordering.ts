import { CodeSigningOrderInputs } from "./codecs/inputs";
import { AlternateOrder, deriveAlternativeOrderId, newestOrder, ordersAfter } from "./alternativeOrderId";
import { CertCentralApiError, CertCentralTransportError, mayHaveBeenProcessed } from "./client/errors";
import { OrderInfoResponse } from "./codecs/api";
import { backoffDelayMs, retryDelayMs } from "./client/retry";
import { ResourceInitError } from "./errors";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import {
  orderRequestBody,
  orderStateFromInfo,
  orderStateFromPlacement,
  OrderState,
  productOf,
} from "./mapping";
import { PlannedReplacement } from "./replacements";
import { canonicalJson } from "./canonicalJson";
import { ComputedOutputs, composeOutputs, isTerminalStatus } from "./state";
import { DEFAULT_WAIT_TIMEOUT, waitForOrder } from "./waiting";

/**
 * DigiCert's codes for a renewal link it will not make (certcentral-api.md §11): place an unlinked order. Not
 * `order_renewed_already`: a renewal may already exist (DigiCert's auto-renew, an earlier run), and a second,
 * unlinked order would be paid twice.
 */
const RENEWAL_REFUSED = [
  "order_not_eligible_for_renewal",
  "order_not_renewable",
  "renewal_window_closed",
  "cannot_renew_expired_order",
  "product_not_eligible_for_renewal",
];
const MAX_POST_ATTEMPTS = 5;
/** After an ambiguous failure DigiCert may still be storing the order: keep looking for this many request timeouts. */
const GRACE_TIMEOUTS = 3;

type Props = Record<string, unknown>;
interface Accepted {
  readonly state: OrderState;
  readonly extra: Partial<ComputedOutputs>;
}

/**
 * Create: place this resource's order, unless an earlier run placed it and lost the answer (found by its
 * alternative order ID), or `existingOrderId` names one to take over; then wait if asked. Once DigiCert has
 * accepted an order, every failure is a partial failure carrying its ID.
 */
export async function createOrder(
  ctx: LifecycleContext,
  inputs: CodeSigningOrderInputs,
  raw: Props,
  lineageKey: string,
): Promise<{ id: string; outs: Props }> {
  const planned = ctx.lineage.takePlannedReplacement(lineageKey);
  const accepted =
    planned === undefined || planned.reason === "import"
      ? await withoutPredecessor(ctx, inputs, raw, lineageKey)
      : await placeAfter(ctx, inputs, raw, lineageKey, planned.predecessorOrderId, planned.reason, {
          lookedUp: false,
        });
  // An order this resource took over may be the very order a replacement's Delete is about to handle.
  if (accepted.extra.adoptedExistingOrder) ctx.lineage.recordHeldByCreate(accepted.state.orderId);
  const outs = composeOutputs(raw, { ...accepted.extra, ...accepted.state });
  const wait = waitForOrder(
    ctx,
    inputs.waitFor ?? "none",
    inputs.waitTimeout ?? DEFAULT_WAIT_TIMEOUT,
    outs,
    accepted.state,
  );
  try {
    return { id: String(accepted.state.orderId), outs: await wait };
  } catch (error) {
    // An order taken over without a Diff may also be held by the resource an engine-forced replacement
    // (`--replace`) is replacing; as a partial failure, that resource's Delete would run in a later `pulumi up`, which
    // cannot know it must keep the order. A plain failure leaves both as they were, and the next `pulumi up` finds
    // the order again by its alternative order ID: it is not lost.
    if (!(error instanceof ResourceInitError && accepted.extra.adoptedExistingOrder && planned === undefined))
      throw error;
    const status = typeof error.properties.status === "string" ? error.properties.status : "unknown";
    throw new Error(
      `Order ${error.id} (status ${status}), taken over rather than placed, did not reach "${inputs.waitFor}" ` +
        `within waitTimeout ${inputs.waitTimeout ?? DEFAULT_WAIT_TIMEOUT}. It is not recorded in state yet: the next ` +
        "`pulumi up` finds it again by its alternative order ID, and no second order is placed.",
    );
  }
}

/** Statuses of an order a lost answer leaves behind: it was placed moments (or days) ago and is not issued yet. */
const FRESH_STATUSES = ["needs_approval", "pending"];

/**
 * No Diff came first: a new resource, or one the engine replaces without asking (`pulumi up --replace`, where
 * Check gets no old inputs either). The two look the same here, so only what is safe in both is done:
 * - `existingOrderId`: take over its latest successor (renewals since the import), or the order itself;
 * - a live order not issued yet carries this resource's latest ID: a lost answer; take it over, never pay twice;
 * - an issued one: this resource had orders before (an earlier stack of the same name, or `--replace`); refuse,
 *   saying how to keep it or order anew, rather than guess;
 * - otherwise place the order.
 */
async function withoutPredecessor(
  ctx: LifecycleContext,
  inputs: CodeSigningOrderInputs,
  raw: Props,
  lineageKey: string,
): Promise<Accepted> {
  const current = await currentOrderOf(ctx, inputs, lineageKey, inputs.existingOrderId);
  const live = current.live;
  if (
    inputs.existingOrderId !== undefined &&
    (live === undefined || live.orderId === inputs.existingOrderId)
  ) {
    return adoptExistingOrder(ctx, inputs);
  }
  // Only an ID derived from this resource's own key says the order is this resource's; a user's own ID may be
  // shared with other resources or stacks.
  const ours = inputs.existingOrderId !== undefined || inputs.alternativeOrderId === undefined;
  if (
    live !== undefined &&
    ours &&
    (inputs.existingOrderId !== undefined || FRESH_STATUSES.includes(live.status))
  ) {
    return takeOver(ctx, inputs, live.orderId, { assignedAlternativeOrderId: live.alternativeOrderId });
  }
  if (live !== undefined) {
    throw new Error(
      `Order ${live.orderId} (${live.status}) already carries ${ours ? "this resource's" : "your"} alternative order ID ` +
        `${live.alternativeOrderId}. ` +
        (ours
          ? "It was placed for a resource of this name before: a lost answer DigiCert has since issued, an earlier " +
            "stack of the same name, or `pulumi up --replace`. "
          : "Another resource or stack may hold it, or an earlier run of this one lost its answer. ") +
        `No order was placed. If it is this resource's order, set existingOrderId: ${live.orderId}; to order anew, ` +
        "set a new alternativeOrderId.",
    );
  }
  // The look-up for the successor of the latest order was part of the walk: none is live.
  return placeAfter(ctx, inputs, raw, lineageKey, current.latest, undefined, { lookedUp: true });
}

interface CurrentOrder {
  /** The resource's latest live order, with the alternative order ID it carries and its status. */
  readonly live?: { readonly orderId: number; readonly alternativeOrderId: string; readonly status: string };
  /** The resource's latest order, live or not. */
  readonly latest?: number;
}

/** Orders of one resource: each derived ID names its predecessor, so they form a chain this walks to its end. */
const MAX_GENERATIONS = 100;

async function currentOrderOf(
  ctx: LifecycleContext,
  inputs: CodeSigningOrderInputs,
  lineageKey: string,
  start: number | undefined,
): Promise<CurrentOrder> {
  const liveOf = (orders: readonly AlternateOrder[], alternativeOrderId: string): CurrentOrder["live"] => {
    const live = newestOrder(ordersAfter(orders, { after: start, liveOnly: true }));
    return (
      live && { orderId: live.order_id, alternativeOrderId, status: (live.status ?? "unknown").toLowerCase() }
    );
  };
  if (inputs.alternativeOrderId !== undefined) {
    const orders = await ctx.client.ordersByAlternativeId(inputs.alternativeOrderId);
    return {
      live: liveOf(orders, inputs.alternativeOrderId),
      latest: newestOrder(orders)?.order_id ?? start,
    };
  }
  let latest = start;
  let live: CurrentOrder["live"];
  for (let generation = 0; generation < MAX_GENERATIONS; generation++) {
    const alternativeOrderId = deriveAlternativeOrderId({
      resourceKey: lineageKey,
      predecessorOrderId: latest,
    });
    const orders = await ctx.client.ordersByAlternativeId(alternativeOrderId);
    if (orders.length === 0) return { live, latest };
    live = liveOf(orders, alternativeOrderId) ?? live;
    latest = newestOrder(orders)?.order_id;
  }
  throw new Error(
    `More than ${MAX_GENERATIONS} successive orders carry this resource's alternative order IDs`,
  );
}

/**
 * Places the successor of `predecessorOrderId` (or a first order), unless an earlier run already did and lost the
 * answer: a live order carrying the successor's alternative order ID, newer than the predecessor, is taken over.
 */
async function placeAfter(
  ctx: LifecycleContext,
  inputs: CodeSigningOrderInputs,
  raw: Props,
  lineageKey: string,
  predecessorOrderId: number | undefined,
  reason: PlannedReplacement["reason"] | undefined,
  opts: { readonly lookedUp: boolean },
): Promise<Accepted> {
  const alternativeOrderId =
    inputs.alternativeOrderId ?? deriveAlternativeOrderId({ resourceKey: lineageKey, predecessorOrderId });
  const base: Partial<ComputedOutputs> = {
    assignedAlternativeOrderId: alternativeOrderId,
    predecessorOrderId,
  };
  const renewalOf = reason === "renewal" ? predecessorOrderId : undefined;

  const found = opts.lookedUp ? undefined : await findLiveOrder(ctx, alternativeOrderId, predecessorOrderId);
  if (found !== undefined)
    return takeOver(ctx, inputs, found, { ...base, assignedAlternativeOrderId: alternativeOrderId });
  return placeOrder(ctx, inputs, raw, alternativeOrderId, base, renewalOf);
}

/** `existingOrderId`: the way to import. Checked against the declaration; no order is placed. */
async function adoptExistingOrder(ctx: LifecycleContext, inputs: CodeSigningOrderInputs): Promise<Accepted> {
  const orderId = inputs.existingOrderId!;
  const info = await ctx.client.orderInfoIfExists(orderId);
  if (info === undefined) {
    throw new Error(
      `existingOrderId: order ${orderId} was not found at DigiCert (or this API key cannot see it)`,
    );
  }
  const state = orderStateFromInfo(info);
  const mismatch = isTerminalStatus(state.status)
    ? `is ${state.status}: there is nothing to take over`
    : declarationMismatch(inputs, productOf(info), state.organizationId);
  if (mismatch) throw new Error(`existingOrderId: order ${orderId} ${mismatch}`);
  ctx.log(`adopted existing order ${orderId} (status ${state.status}); no order was placed`);
  return {
    state,
    extra: { adoptedExistingOrder: true, assignedAlternativeOrderId: info.alternative_order_id ?? undefined },
  };
}

/** Why an existing order is not the one declared, or undefined if it is. */
function declarationMismatch(
  inputs: CodeSigningOrderInputs,
  product: string | undefined,
  organizationId: number | undefined,
): string | undefined {
  if (product !== undefined && product !== inputs.product) {
    return `is a ${product} order, not ${inputs.product}`;
  }
  const declared = inputs.organization.id;
  if (declared !== undefined && organizationId !== undefined && organizationId !== declared) {
    return `belongs to organization ${organizationId}, not organization.id ${declared}`;
  }
  return undefined;
}

/**
 * Why an order found by alternative order ID (not named by the user) is not the certificate declared: any defining
 * field DigiCert reports that differs. A field DigiCert leaves out is not judged.
 */
function definitionMismatch(inputs: CodeSigningOrderInputs, info: OrderInfoResponse): string | undefined {
  const basic = declarationMismatch(inputs, productOf(info), orderStateFromInfo(info).organizationId);
  if (basic) return basic;
  const declaredBody = orderRequestBody(inputs);
  const reported: [string, unknown, unknown][] = [
    ["certificate.csr", squash(inputs.certificate.csr), squash(info.certificate?.csr ?? undefined)],
    [
      "certificate.serverPlatform.id",
      inputs.certificate.serverPlatform?.id,
      info.certificate?.server_platform?.id,
    ],
    ["csProvisioningMethod", inputs.csProvisioningMethod, info.cs_provisioning_method],
    ["container.id", inputs.container?.id, info.container?.id],
    [
      "orderValidity",
      canonicalJson(declaredBody.order_validity),
      info.order_validity && canonicalJson(withoutNulls(info.order_validity)),
    ],
  ];
  const differing = reported.filter(
    ([, declared, actual]) =>
      declared !== undefined && actual !== undefined && actual !== null && declared !== actual,
  );
  return differing.length === 0
    ? undefined
    : `differs from the declaration in ${differing.map(([name]) => name).join(", ")}`;
}

function squash(pem: string | undefined): string | undefined {
  return pem?.replace(/\s+/g, "");
}

function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * Takes over an order found by its alternative order ID, once its order info shows it is what this resource
 * declares. Not a partial failure if that fails: the order is not known to be this resource's until verified, and
 * the next run finds it again by the same ID.
 */
async function takeOver(
  ctx: LifecycleContext,
  inputs: CodeSigningOrderInputs,
  orderId: number,
  extra: Partial<ComputedOutputs> & { assignedAlternativeOrderId: string },
): Promise<Accepted> {
  ctx.log(
    `found live order ${orderId} with alternative order ID ${extra.assignedAlternativeOrderId}: adopting it, not ordering again`,
  );
  const info = await ctx.client.orderInfo(orderId);
  refuseIfForeign(inputs, info, extra.assignedAlternativeOrderId);
  return { state: orderStateFromInfo(info), extra: { ...extra, adoptedExistingOrder: true } };
}

/** An order carrying our alternative order ID that is not what this resource declares is never taken over. */
function refuseIfForeign(
  inputs: CodeSigningOrderInputs,
  info: OrderInfoResponse,
  alternativeOrderId: string,
): void {
  const mismatch = definitionMismatch(inputs, info);
  if (mismatch) {
    throw new Error(
      `Order ${info.id} already carries alternative order ID ${alternativeOrderId}, but it ${mismatch}. ` +
        "If an earlier run placed it before the declaration changed, cancel it in CertCentral or adopt it with " +
        "existingOrderId; to order anew, set a different alternativeOrderId.",
    );
  }
}

/**
 * The live order carrying this alternative order ID that a lost answer would have left: newer than the order it
 * succeeds (a user's own ID is shared by all of a resource's orders). The newest wins.
 */
async function findLiveOrder(ctx: LifecycleContext, alternativeOrderId: string, predecessor?: number) {
  const orders = await ctx.client.ordersByAlternativeId(alternativeOrderId);
  const live = ordersAfter(orders, { after: predecessor, liveOnly: true });
  const found = newestOrder(live);
  if (found !== undefined && live.length > 1) {
    ctx.log(
      `several live orders carry alternative order ID ${alternativeOrderId} (${live.map((o) => o.order_id).join(", ")}): adopting ${found.order_id}; cancel the others in CertCentral`,
    );
  }
  return found?.order_id;
}

/**
 * POSTs the order. A POST that may have reached DigiCert (no answer, a 5xx, 408 or 429, an unreadable body) is
 * never sent again before the order has been looked up by its alternative order ID (see lookUpAfterFailure), and
 * never after an unreadable 2xx, which is an acceptance.
 */
async function placeOrder(
  ctx: LifecycleContext,
  inputs: CodeSigningOrderInputs,
  raw: Props,
  alternativeOrderId: string,
  base: Partial<ComputedOutputs>,
  automaticRenewalOf: number | undefined,
): Promise<Accepted> {
  let renewalOf = automaticRenewalOf;
  let extra: Partial<ComputedOutputs> = renewalOf === undefined ? base : { ...base, renewalLinked: true };
  for (let attempt = 1; ; attempt++) {
    const body = orderRequestBody(inputs, { alternativeOrderId, renewalOfOrderId: renewalOf });
    try {
      const response = await ctx.client.placeOrder(inputs.product, body);
      ctx.log(`placed ${inputs.product} order ${response.id} (alternative order ID ${alternativeOrderId})`);
      return { state: orderStateFromPlacement(response, inputs), extra };
    } catch (error) {
      const failure = messageOf(error);
      if (
        renewalOf !== undefined &&
        error instanceof CertCentralApiError &&
        error.hasCode(...RENEWAL_REFUSED)
      ) {
        ctx.log(
          `DigiCert refused to link the new order as a renewal of order ${renewalOf} (${failure}); placing an unlinked order instead`,
        );
        renewalOf = undefined;
        extra = { ...base, renewalLinked: false };
        continue;
      }
      if (!mayHaveBeenProcessed(error)) throw error;
      const found = await lookUpAfterFailure(ctx, error, alternativeOrderId, base.predecessorOrderId);
      if (found !== undefined) {
        ctx.log(
          `the answer to the order was lost (${failure}), but DigiCert has order ${found} with alternative order ID ${alternativeOrderId}: adopting it`,
        );
        const info = await afterAcceptance(found, raw, extra, () => ctx.client.orderInfo(found));
        refuseIfForeign(inputs, info, alternativeOrderId);
        return { state: orderStateFromInfo(info), extra };
      }
      if (error instanceof CertCentralTransportError && error.failure === "malformed-response") {
        // A 2xx is an acceptance: however long the look-up lags, this order is never sent again.
        throw new Error(
          `${failure}: DigiCert accepted the order but its answer could not be read, and no order with ` +
            `alternative order ID ${alternativeOrderId} is visible yet. Run \`pulumi up\` again later: it finds the ` +
            "order by that ID and adopts it instead of ordering twice.",
        );
      }
      if (attempt >= MAX_POST_ATTEMPTS) {
        throw new Error(
          `${failure}. No order was placed: DigiCert has none with alternative order ID ${alternativeOrderId} after ${attempt} attempts.`,
        );
      }
      await ctx.clock.sleep(retryDelayMs(ctx.settings.retry, attempt, ctx.clock.random, error));
    }
  }
}

/**
 * Looks for the order a failed POST may have placed. Only a 429 is a plain refusal; after any other ambiguous
 * failure DigiCert (behind its gateways) may still be storing the order, so the look-up goes on for a few request
 * timeouts before the POST may be sent again.
 */
async function lookUpAfterFailure(
  ctx: LifecycleContext,
  error: unknown,
  alternativeOrderId: string,
  exclude: number | undefined,
): Promise<number | undefined> {
  const mayStillBeStoring = !(error instanceof CertCentralApiError && error.httpStatus === 429);
  const graceUntil = ctx.clock.now() + (mayStillBeStoring ? GRACE_TIMEOUTS * ctx.settings.timeoutMs : 0);
  for (let round = 1; ; round++) {
    let found: number | undefined;
    try {
      found = await findLiveOrder(ctx, alternativeOrderId, exclude);
    } catch (lookupError) {
      throw new Error(
        `${messageOf(error)}. The order may have been placed, and looking it up failed too ` +
          `(${messageOf(lookupError)}). Run \`pulumi up\` again: it looks the order up by its ` +
          `alternative order ID ${alternativeOrderId} and adopts it instead of ordering twice.`,
      );
    }
    const remaining = graceUntil - ctx.clock.now();
    if (found !== undefined || remaining <= 0) return found;
    await ctx.clock.sleep(Math.min(remaining, backoffDelayMs(ctx.settings.retry, round, ctx.clock.random)));
  }
}

/** Runs a step that follows DigiCert's acceptance of an order; on failure the order still reaches state. */
async function afterAcceptance<T>(
  orderId: number,
  raw: Props,
  extra: Partial<ComputedOutputs>,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const outs = composeOutputs(raw, { ...extra, orderId, status: "unknown", requests: [] });
    throw new ResourceInitError(
      String(orderId),
      outs,
      `Order ${orderId} exists at DigiCert and is recorded in state, but a later step failed: ` +
        `${messageOf(error)}. Run \`pulumi refresh\` to read its current state.`,
    );
  }
}
