/**
 * One emulator's state (orders, recorded requests, faults, rate-limit history, settings) and the control
 * operations on it. The programmatic `Emulator` and the HTTP control plane both go through this class, so they
 * behave the same.
 */
import { FaultQueue } from "./faults";
import { toEmulatedOrder } from "./inspection";
import {
  approveOrder,
  issueOrder,
  issueReissue,
  rejectOrder,
  rejectReissue,
  requireOrder,
} from "./lifecycle";
import { certificateAuthorities } from "./x509";
import { DEFAULT_RATE_LIMITS, RollingRateLimiter } from "./rateLimit";
import { DEFAULT_MAX_RECORDED_REQUESTS, RequestRecorder } from "./recorder";
import { Store } from "./store";
import {
  AlternateLookupNotFound,
  AutoProgressMode,
  EmulatedOrder,
  EmulatorOptions,
  FaultRule,
  IssueOptions,
  RecordedRequest,
  ReissueOrderStatus,
} from "./types";

export const DEFAULT_API_KEY = "emulator-api-key";

export interface EmulatorSettings {
  readonly apiKeys: ReadonlySet<string>;
  autoProgress: AutoProgressMode;
  readonly alternateLookupNotFound: AlternateLookupNotFound;
  readonly revokeRequiresApproval: boolean;
  readonly reissueOrderStatus: ReissueOrderStatus;
}

export class EmulatorRuntime {
  readonly store = new Store();
  readonly faults = new FaultQueue();
  readonly recorder: RequestRecorder;
  readonly limiter: RollingRateLimiter;
  readonly settings: EmulatorSettings;
  readonly now: () => number;
  private readonly onRequest?: (request: RecordedRequest) => void;

  constructor(options: EmulatorOptions = {}) {
    this.limiter = new RollingRateLimiter(options.rateLimits ?? DEFAULT_RATE_LIMITS);
    this.recorder = new RequestRecorder(options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED_REQUESTS);
    this.onRequest = options.onRequest;
    this.now = options.now ?? Date.now;
    this.settings = {
      apiKeys: new Set(options.apiKeys ?? [DEFAULT_API_KEY]),
      autoProgress: options.autoProgress ?? "off",
      alternateLookupNotFound: options.alternateLookupNotFound ?? "404",
      revokeRequiresApproval: options.revokeRequiresApproval ?? false,
      reissueOrderStatus: options.reissueOrderStatus ?? "reissue_pending",
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

  /** How many recorded requests were dropped (oldest first) to keep the log within maxRecordedRequests. */
  droppedRequests(): number {
    return this.recorder.dropped();
  }

  /** Hands an answered API request to the onRequest option; a throwing listener never breaks the answer. */
  notifyRequest(record: RecordedRequest): void {
    if (!this.onRequest) return;
    try {
      this.onRequest(structuredClone(record));
    } catch {
      // The listener is a log; the emulator keeps serving.
    }
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

  issueReissue(orderId: number, options: IssueOptions = {}): void {
    issueReissue(this.store, orderId, options, this.now());
  }

  rejectReissue(orderId: number): void {
    rejectReissue(this.store, orderId, this.now());
  }

  /** The leaf PEM of any issued certificate (current, replaced or reissued), by certificate id. */
  certificatePem(certificateId: number): string | undefined {
    return this.store.certificateById(certificateId)?.certificate.pem;
  }

  certificateAuthorities(): { root: string; intermediate: string } {
    const { root, intermediate } = certificateAuthorities();
    return { root: root.pem, intermediate: intermediate.pem };
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
