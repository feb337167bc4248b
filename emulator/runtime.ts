/**
 * One emulator's state (orders, recorded requests, faults, rate-limit history, settings) and the control
 * operations on it. The programmatic `Emulator` and the HTTP control plane both go through this class, so they
 * behave the same.
 */
import { FaultQueue } from "./faults";
import { toEmulatedOrder } from "./inspection";
import { approveOrder, issueOrder, rejectOrder, requireOrder } from "./lifecycle";
import { DEFAULT_RATE_LIMITS, RollingRateLimiter } from "./rateLimit";
import { RequestRecorder } from "./recorder";
import { Store } from "./store";
import {
  AlternateLookupNotFound,
  AutoProgressMode,
  EmulatedOrder,
  EmulatorOptions,
  FaultRule,
  IssueOptions,
  RecordedRequest,
} from "./types";

export const DEFAULT_API_KEY = "emulator-api-key";

export interface EmulatorSettings {
  readonly apiKeys: ReadonlySet<string>;
  autoProgress: AutoProgressMode;
  readonly alternateLookupNotFound: AlternateLookupNotFound;
  readonly revokeRequiresApproval: boolean;
}

export class EmulatorRuntime {
  readonly store = new Store();
  readonly faults = new FaultQueue();
  readonly recorder = new RequestRecorder();
  readonly limiter: RollingRateLimiter;
  readonly settings: EmulatorSettings;
  readonly now: () => number;

  constructor(options: EmulatorOptions = {}) {
    this.limiter = new RollingRateLimiter(options.rateLimits ?? DEFAULT_RATE_LIMITS);
    this.now = options.now ?? Date.now;
    this.settings = {
      apiKeys: new Set(options.apiKeys ?? [DEFAULT_API_KEY]),
      autoProgress: options.autoProgress ?? "off",
      alternateLookupNotFound: options.alternateLookupNotFound ?? "404",
      revokeRequiresApproval: options.revokeRequiresApproval ?? false,
    };
  }

  orders(): EmulatedOrder[] {
    return this.store.orders().map((order) => toEmulatedOrder(this.store, order));
  }

  order(id: number): EmulatedOrder | undefined {
    const order = this.store.order(id);
    return order && toEmulatedOrder(this.store, order);
  }

  requests(): RecordedRequest[] {
    return this.recorder.all();
  }

  clearRequests(): void {
    this.recorder.clear();
  }

  reset(): void {
    this.store.reset();
    this.recorder.clear();
    this.faults.clear();
    this.limiter.reset();
  }

  approve(orderId: number): void {
    approveOrder(this.store, orderId, this.now());
  }

  issue(orderId: number, options: IssueOptions = {}): void {
    issueOrder(this.store, orderId, options, this.now());
  }

  reject(orderId: number): void {
    rejectOrder(this.store, orderId, this.now());
  }

  setStatus(orderId: number, status: string): void {
    requireOrder(this.store, orderId).status = status;
  }

  injectFault(rule: FaultRule): void {
    this.faults.add(rule);
  }

  setAutoProgress(mode: AutoProgressMode): void {
    this.settings.autoProgress = mode;
  }
}
