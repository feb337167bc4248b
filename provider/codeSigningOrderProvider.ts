import { CodeSigningOrderInputs, inputsCodec } from "./codecs/inputs";
import { reportErrors } from "./codecs/report";
import { OrderInfoResponse } from "./codecs/api";
import { CertCentralClient } from "./client/certcentralClient";
import { CertCentralApiError, isNotFound, mayHaveBeenProcessed, redact } from "./client/errors";
import { limiterFor, RateLimiter } from "./client/rateLimiter";
import { backoffDelayMs } from "./client/retry";
import { Clock, systemClock } from "./clock";
import { deriveAlternativeOrderId } from "./alternativeOrderId";
import { decideDiff, REPLACING_INPUTS } from "./diff";
import { parseDurationMs } from "./duration";
import { InvalidInputsError, ResourceInitError } from "./errors";
import {
  orderRequestBody,
  orderStateFromInfo,
  orderStateFromPlacement,
  OrderState,
  productOf,
} from "./mapping";
import { plannedReplacement, recordReplacement } from "./replacements";
import { validateInputs } from "./rules";
import {
  ConfigSource,
  ConfigurationError,
  MISSING_API_KEY_MESSAGE,
  ProviderSettings,
  readSettings,
  RegionBaseUrls,
} from "./settings";
import {
  ComputedOutputs,
  composeOutputs,
  isTerminalStatus,
  migrateState,
  pickComputed,
  pickInputs,
} from "./state";

/** DigiCert's codes for a renewal link it will not make (certcentral-api.md §11): place an unlinked order. */
const RENEWAL_REFUSED = [
  "order_not_eligible_for_renewal",
  "order_renewed_already",
  "order_not_renewable",
  "renewal_window_closed",
  "cannot_renew_expired_order",
  "product_not_eligible_for_renewal",
];
const ALREADY_GONE = ["order_already_revoked", "order_is_revoked", "order_already_canceled"];
const MAX_POST_ATTEMPTS = 5;
const DEFAULT_WAIT_TIMEOUT = "30m";
const MAX_POLL_INTERVAL_MS = 5 * 60_000;

export interface ProviderDeps {
  readonly clock?: Clock;
  readonly env?: NodeJS.ProcessEnv;
  /** Where progress lines go; the host shows the provider's stdout as diagnostics. */
  readonly log?: (line: string) => void;
  /** A limiter of the test's own; by default one per API key is shared across the process. */
  readonly limiter?: RateLimiter;
  /** Where each region's API lives; tests point the regions at emulators. */
  readonly regionBaseUrls?: RegionBaseUrls;
}

type Props = Record<string, unknown>;

/**
 * The lifecycle decisions of `CodeSigningOrder`: what check, diff, create, read, update and delete do. The
 * serialized shell (sdk/providerShell.ts) loads this by package name and forwards every call here.
 */
export class CodeSigningOrderProvider {
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private settingsOrError: ProviderSettings | ConfigurationError;
  private clientInstance?: CertCentralClient;

  constructor(
    config: ConfigSource | undefined,
    private readonly deps: ProviderDeps = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log ?? ((line) => console.log(`[digicert] ${line}`));
    try {
      this.settingsOrError = readSettings(config, deps.env ?? process.env, deps.regionBaseUrls);
    } catch (error) {
      // Preview must work with broken settings too; the error surfaces when an API call is needed.
      this.settingsOrError =
        error instanceof ConfigurationError
          ? error
          : new ConfigurationError("Invalid DigiCert configuration");
    }
  }

  async check(
    _olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const { __provider: _ignored, ...raw } = news;
    return { inputs: news, failures: validateInputs(raw, this.clock.now()) };
  }

  async diff(
    _id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
    const decision = decideDiff(olds, news, this.clock.now());
    const key = lineageKey(news);
    if (decision.reason !== undefined && typeof olds.orderId === "number" && key !== undefined) {
      recordReplacement(key, { predecessorOrderId: olds.orderId, reason: decision.reason });
    }
    if (decision.explanation) this.log(decision.explanation);
    // Create the successor before the old order is canceled: never be left without a certificate.
    return { changes: decision.changes, replaces: decision.replaces, deleteBeforeReplace: false };
  }

  async create(raw: Props): Promise<{ id: string; outs: Props }> {
    const inputs = decodeInputs(raw);
    const client = this.client();
    if (inputs.existingOrderId !== undefined) return this.adoptExistingOrder(client, inputs, raw);

    const key = lineageKey(raw);
    const planned = key === undefined ? undefined : plannedReplacement(key);
    const predecessorOrderId = planned?.predecessorOrderId;
    const automaticRenewalOf = planned?.reason === "renewal" ? predecessorOrderId : undefined;
    const alternativeOrderId =
      inputs.alternativeOrderId ??
      deriveAlternativeOrderId({
        resourceKey: inputs.resourceKey!,
        predecessorOrderId,
        definition: Object.fromEntries(REPLACING_INPUTS.map((k) => [k, raw[k]])),
      });
    const base: Partial<ComputedOutputs> = {
      assignedAlternativeOrderId: alternativeOrderId,
      predecessorOrderId,
    };

    // An earlier run may have placed this order and lost the answer: take it over rather than order twice.
    const existing = await this.findLiveOrder(client, alternativeOrderId, predecessorOrderId);
    let state: OrderState;
    let extra: Partial<ComputedOutputs> = {};
    if (existing !== undefined) {
      this.log(
        `found order ${existing} with alternative order ID ${alternativeOrderId}: adopting it, not ordering again`,
      );
      state = await this.afterAcceptance(existing, composeOutputs(raw, base), () =>
        client.orderInfo(existing).then(orderStateFromInfo),
      );
    } else {
      const placed = await this.placeOrder(client, inputs, raw, alternativeOrderId, automaticRenewalOf);
      state = placed.state;
      extra = placed.extra;
    }
    const outs = composeOutputs(raw, { ...base, ...extra, ...state });
    return { id: String(state.orderId), outs: await this.waitIfAsked(client, inputs, outs, state) };
  }

  async read(id: string, props?: Props): Promise<{ id?: string; props?: Props; inputs?: Props }> {
    const old = migrateState(props ?? {});
    const client = this.client();
    let info: OrderInfoResponse;
    try {
      info = await client.orderInfo(parseOrderId(id));
    } catch (error) {
      if (isNotFound(error)) {
        this.log(`order ${id} no longer exists at DigiCert: removing it from state`);
        return {};
      }
      throw this.userFacing(error);
    }
    const outs = composeOutputs(old, { ...pickComputed(old), ...orderStateFromInfo(info) });
    return { id, props: outs, inputs: pickInputs(old) };
  }

  async update(_id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    // Nothing that updates in place is sent to DigiCert: only state changes. All outputs are returned, as the
    // host keeps only what update returns.
    decodeInputs(news);
    return { outs: composeOutputs(news, pickComputed(migrateState(olds))) };
  }

  async delete(id: string, props: Props): Promise<void> {
    const onDelete = props.onDelete ?? "cancel";
    if (onDelete === "retain") {
      this.log(`order ${id} retained at DigiCert (onDelete: retain); removed from state only`);
      return;
    }
    const orderId = parseOrderId(id);
    const client = this.client();
    let info: OrderInfoResponse;
    try {
      info = await client.orderInfo(orderId);
    } catch (error) {
      if (isNotFound(error)) return;
      throw this.userFacing(error);
    }
    const state = orderStateFromInfo(info);
    if (isTerminalStatus(state.status)) return;
    try {
      if (state.status === "issued") {
        if (onDelete !== "revoke") {
          this.log(
            `order ${orderId} is issued: left with DigiCert and removed from state (onDelete: cancel only cancels orders not yet issued)`,
          );
          return;
        }
        const outcome = await client.revokeOrder(
          orderId,
          "Revoked by Pulumi (CodeSigningOrder onDelete: revoke)",
        );
        this.log(
          outcome.kind === "revoked"
            ? `order ${orderId} revoked`
            : `order ${orderId}: revocation request ${outcome.requestId ?? ""} awaits an administrator's approval in CertCentral; the order is removed from state`,
        );
        return;
      }
      const pendingRequest = state.requests.find((r) => r.status === "pending" || r.status === "submitted");
      if (state.status === "needs_approval" && pendingRequest) {
        // Canceling an order that awaits approval is not documented: reject its request instead.
        await client.rejectRequest(pendingRequest.id, "Canceled by Pulumi (CodeSigningOrder deleted)");
        this.log(`order ${orderId}: request ${pendingRequest.id} rejected`);
        return;
      }
      await client.cancelOrder(orderId, "Canceled by Pulumi (CodeSigningOrder deleted)");
      this.log(`order ${orderId} canceled`);
    } catch (error) {
      if (error instanceof CertCentralApiError && error.hasCode(...ALREADY_GONE)) return;
      throw this.userFacing(error);
    }
  }

  // ---- create, step by step ----

  private async adoptExistingOrder(client: CertCentralClient, inputs: CodeSigningOrderInputs, raw: Props) {
    const orderId = inputs.existingOrderId!;
    let info: OrderInfoResponse;
    try {
      info = await client.orderInfo(orderId);
    } catch (error) {
      if (isNotFound(error)) {
        throw new Error(
          `existingOrderId: order ${orderId} was not found at DigiCert (or this API key cannot see it)`,
        );
      }
      throw this.userFacing(error);
    }
    const product = productOf(info);
    if (product !== undefined && product !== inputs.product) {
      throw new Error(
        `existingOrderId: order ${orderId} is a ${product} order, not ${inputs.product}; set product: "${product}" to adopt it`,
      );
    }
    const state = orderStateFromInfo(info);
    if (
      inputs.organization.id !== undefined &&
      state.organizationId !== undefined &&
      state.organizationId !== inputs.organization.id
    ) {
      throw new Error(
        `existingOrderId: order ${orderId} belongs to organization ${state.organizationId}, not organization.id ${inputs.organization.id}`,
      );
    }
    this.log(`adopted existing order ${orderId} (status ${state.status}); no order was placed`);
    const outs = composeOutputs(raw, {
      ...state,
      adoptedExistingOrder: true,
      assignedAlternativeOrderId: info.alternative_order_id ?? undefined,
    });
    return { id: String(orderId), outs: await this.waitIfAsked(client, inputs, outs, state) };
  }

  /** Live orders carrying this alternative order ID, other than the one being replaced; the oldest wins. */
  private async findLiveOrder(client: CertCentralClient, alternativeOrderId: string, exclude?: number) {
    const orders = await client.ordersByAlternativeId(alternativeOrderId).catch((error: unknown) => {
      throw this.userFacing(error);
    });
    const live = orders
      .filter((o) => o.order_id !== exclude && !isTerminalStatus(o.status))
      .map((o) => o.order_id)
      .sort((a, b) => a - b);
    if (live.length > 1) {
      this.log(
        `several live orders carry alternative order ID ${alternativeOrderId} (${live.join(", ")}): adopting ${live[0]}`,
      );
    }
    return live[0];
  }

  /**
   * POSTs the order. A POST that may have reached DigiCert (no answer, a 5xx, a 408 or 429, an unreadable
   * body) is never sent again before the order has been looked up by its alternative order ID.
   */
  private async placeOrder(
    client: CertCentralClient,
    inputs: CodeSigningOrderInputs,
    raw: Props,
    alternativeOrderId: string,
    automaticRenewalOf: number | undefined,
  ): Promise<{ state: OrderState; extra: Partial<ComputedOutputs> }> {
    let renewalOf = automaticRenewalOf;
    let extra: Partial<ComputedOutputs> = automaticRenewalOf === undefined ? {} : { renewalLinked: true };
    for (let attempt = 1; ; attempt++) {
      const body = orderRequestBody(inputs, { alternativeOrderId, renewalOfOrderId: renewalOf });
      try {
        const response = await client.placeOrder(inputs.product, body);
        this.log(
          `placed ${inputs.product} order ${response.id} (alternative order ID ${alternativeOrderId})`,
        );
        return { state: orderStateFromPlacement(response, inputs), extra };
      } catch (error) {
        if (
          renewalOf !== undefined &&
          error instanceof CertCentralApiError &&
          error.hasCode(...RENEWAL_REFUSED)
        ) {
          this.log(
            `DigiCert refused to link the new order as a renewal of order ${renewalOf} (${error.message}); placing an unlinked order instead`,
          );
          renewalOf = undefined;
          extra = { renewalLinked: false };
          continue;
        }
        if (!mayHaveBeenProcessed(error)) throw this.userFacing(error);
        const found = await this.findLiveOrder(client, alternativeOrderId).catch((lookupError: unknown) => {
          throw new Error(
            `${this.userFacing(error).message}. The order may have been placed, and looking it up failed too ` +
              `(${this.userFacing(lookupError).message}). Run \`pulumi up\` again: it looks the order up by its ` +
              `alternative order ID ${alternativeOrderId} and adopts it instead of ordering twice.`,
          );
        });
        if (found !== undefined) {
          this.log(
            `the answer to the order was lost (${this.userFacing(error).message}), but DigiCert has order ${found} with alternative order ID ${alternativeOrderId}: adopting it`,
          );
          const partial = composeOutputs(raw, {
            assignedAlternativeOrderId: alternativeOrderId,
            orderId: found,
            status: "unknown",
            requests: [],
          });
          return {
            state: await this.afterAcceptance(found, partial, () =>
              client.orderInfo(found).then(orderStateFromInfo),
            ),
            extra,
          };
        }
        if (attempt >= MAX_POST_ATTEMPTS) {
          throw new Error(
            `${this.userFacing(error).message}. No order was placed: DigiCert has none with alternative order ID ${alternativeOrderId} after ${attempt} attempts.`,
          );
        }
        await this.clock.sleep(backoffDelayMs(this.settings().retry, attempt, this.clock.random));
      }
    }
  }

  /** Runs a step that follows DigiCert's acceptance of an order; on failure the order still reaches state. */
  private async afterAcceptance<T>(orderId: number, outsSoFar: Props, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      throw new ResourceInitError(
        String(orderId),
        outsSoFar,
        `Order ${orderId} exists at DigiCert and is recorded in state, but a later step failed: ${this.userFacing(error).message}. ` +
          "Run `pulumi refresh` to read its current state.",
      );
    }
  }

  /** Polls order info until the order reaches `waitFor`, within `waitTimeout`; the order stays in state either way. */
  private async waitIfAsked(
    client: CertCentralClient,
    inputs: CodeSigningOrderInputs,
    outs: Props,
    initial: OrderState,
  ): Promise<Props> {
    const target = inputs.waitFor ?? "none";
    if (target === "none" || reached(target, initial)) return outs;
    const timeoutText = inputs.waitTimeout ?? DEFAULT_WAIT_TIMEOUT;
    const deadline = this.clock.now() + parseDurationMs(timeoutText)!;
    let state = initial;
    let current = outs;
    let interval = this.settings().pollIntervalMs;
    while (this.clock.now() < deadline) {
      await this.clock.sleep(Math.min(interval, deadline - this.clock.now()));
      interval = Math.min(interval * 1.5, MAX_POLL_INTERVAL_MS);
      try {
        state = orderStateFromInfo(await client.orderInfo(initial.orderId));
      } catch (error) {
        throw new ResourceInitError(
          String(initial.orderId),
          current,
          `Order ${initial.orderId} was placed and is recorded in state (status ${state.status}), but following it failed: ${this.userFacing(error).message}. \`pulumi refresh\` will follow it.`,
        );
      }
      current = composeOutputs(current, { ...pickComputed(current), ...state });
      if (reached(target, state)) return current;
      if (isTerminalStatus(state.status)) {
        throw new ResourceInitError(
          String(initial.orderId),
          current,
          `Order ${initial.orderId} is ${state.status} at DigiCert; it will not reach "${target}". It is recorded in state.`,
        );
      }
    }
    throw new ResourceInitError(
      String(initial.orderId),
      current,
      `Order ${initial.orderId} exists at DigiCert with status ${state.status}, but did not reach "${target}" within waitTimeout ${timeoutText}. ` +
        "It is recorded in state: `pulumi refresh` will follow it, and no second order will be placed.",
    );
  }

  // ---- plumbing ----

  private settings(): ProviderSettings {
    if (this.settingsOrError instanceof ConfigurationError) throw this.settingsOrError;
    return this.settingsOrError;
  }

  private client(): CertCentralClient {
    if (this.clientInstance) return this.clientInstance;
    const settings = this.settings();
    if (!settings.apiKey) throw new ConfigurationError(MISSING_API_KEY_MESSAGE);
    this.clientInstance = new CertCentralClient({
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      timeoutMs: settings.timeoutMs,
      retry: settings.retry,
      limiter: this.deps.limiter ?? limiterFor(settings.apiKey, settings.rateWindows, this.clock),
      clock: this.clock,
    });
    return this.clientInstance;
  }

  /** An error fit to show: our own errors as they are, anything else reduced to its message; the key redacted. */
  private userFacing(error: unknown): Error {
    const apiKey =
      this.settingsOrError instanceof ConfigurationError ? undefined : this.settingsOrError.apiKey;
    if (error instanceof Error) {
      error.message = redact(error.message, apiKey);
      return error;
    }
    return new Error(redact(String(error), apiKey));
  }
}

function reached(target: "approved" | "issued", state: OrderState): boolean {
  if (target === "issued") return state.status === "issued";
  return state.status !== "needs_approval" && !isTerminalStatus(state.status) && state.status !== "unknown";
}

function decodeInputs(raw: Props): CodeSigningOrderInputs {
  const { __provider: _ignored, ...inputs } = raw;
  const decoded = inputsCodec.decode(inputs);
  if (decoded._tag === "Left") throw new InvalidInputsError(reportErrors(decoded.left));
  return decoded.right;
}

/** What ties successive orders of one resource together: set by the SDK, or the user's alternative order ID. */
function lineageKey(props: Props): string | undefined {
  if (typeof props.resourceKey === "string") return props.resourceKey;
  if (typeof props.alternativeOrderId === "string") return `alt:${props.alternativeOrderId}`;
  return undefined;
}

function parseOrderId(id: string): number {
  if (!/^\d+$/.test(id)) throw new Error(`The resource ID "${id}" is not a DigiCert order ID`);
  return Number(id);
}
