/**
 * The emulator's public types. Other parts of the project (provider tests, the demo) code against exactly these
 * names, so change them only together with their users. `index.ts` re-exports everything here.
 */

export type AutoProgressMode = "off" | "on-read";
export type AlternateLookupNotFound = "404" | "empty-list" | "omit-orders";
export type CodeSigningProduct = "code_signing" | "code_signing_ev";
/**
 * The order status while a reissue is pending. DigiCert documents `reissue_pending` (list-orders filter values,
 * and cancel "from reissue_pending"); "issued" lets a client be tested against an order that stays issued.
 */
export type ReissueOrderStatus = "reissue_pending" | "issued";

export interface RateLimitWindow {
  limit: number;
  windowMs: number;
}

export interface EmulatorOptions {
  /** 0 (default) = any free port; the server always binds 127.0.0.1. */
  port?: number;
  /** Accepted X-DC-DEVKEY values; default ["emulator-api-key"]. */
  apiKeys?: string[];
  /** Per key, rolling windows; default [{limit:100,windowMs:5000},{limit:1000,windowMs:300000}]; [] disables. */
  rateLimits?: RateLimitWindow[];
  /** Injectable clock in ms (rate limit windows, dates); default Date.now. */
  now?: () => number;
  /** "on-read": each GET order info moves the order one step needs_approval→pending(+certificate id)→issued. */
  autoProgress?: AutoProgressMode;
  /** How GET /order/alternate/{id} answers when nothing matches (DigiCert's behaviour is unconfirmed). */
  alternateLookupNotFound?: AlternateLookupNotFound;
  /** When true, revoke answers 201 with a pending revoke request even with skip_approval. */
  revokeRequiresApproval?: boolean;
  /**
   * How many API requests `requests()` keeps (the oldest are dropped first); default 1000. Bodies over 16 KiB
   * or nested over 32 levels are recorded as a truncated text marker (see `TRUNCATED_BODY_MARKER`).
   */
  maxRecordedRequests?: number;
  /** Called once per API request when its status is known (0: no answer), e.g. for a request log. */
  onRequest?: (request: RecordedRequest) => void;
  /** The order's status while a reissue is pending; default "reissue_pending" (DigiCert's documented value). */
  reissueOrderStatus?: ReissueOrderStatus;
}

export interface RecordedRequest {
  method: string;
  /** The path after /services/v2, without the query string (the same string fault rules match). */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names, as node delivers them; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /**
   * The parsed JSON body; the raw text when it was not JSON; undefined when empty; a string starting with
   * TRUNCATED_BODY_MARKER when it was too large or too deep to keep.
   */
  body: unknown;
  /** The status sent; 0 when a drop-after fault closed the socket without an answer. */
  status: number;
  /** Arrival time on the emulator's clock. */
  at: number;
}

export interface EmulatedRequestSummary {
  id: number;
  type: string;
  status: string;
}

export interface EmulatedCertificate {
  id: number;
  serialNumber?: string;
  thumbprint?: string;
  validFrom?: string;
  validTill?: string;
  dateIssued?: string;
}

/** A reissue of an order: its request and the certificate it creates (filled once issued). */
export interface EmulatedReissue {
  requestId: number;
  status: "pending" | "issued" | "rejected";
  certificate: EmulatedCertificate;
}

export interface EmulatedOrder {
  id: number;
  product: CodeSigningProduct;
  status: string;
  /** The decoded POST body as received. */
  body: unknown;
  alternativeOrderId?: string;
  requests: EmulatedRequestSummary[];
  certificate?: EmulatedCertificate;
  organizationId: number;
  renewalOfOrderId?: number;
  isRenewed: boolean;
  renewedOrderId?: number;
  /** Present once the order has been reissued (or a reissue requested), oldest first. */
  reissues?: EmulatedReissue[];
  /** Ids of certificates replaced by reissues, oldest first; present once there is one. */
  previousCertificateIds?: number[];
}

export type Fault =
  /** Respond with that status, do not process. */
  | { kind: "error-before"; status: number; code?: string; message?: string }
  /** Process fully (e.g. store the order), then answer that status. */
  | { kind: "error-after"; status: number }
  /** Process fully, then destroy the socket with no response. */
  | { kind: "drop-after" }
  /** Process fully, then answer after ms (real timer; tests use small ms). */
  | { kind: "delay"; ms: number }
  /** Hold the call for ms, then process and answer it: DigiCert still working after the client gave up. */
  | { kind: "process-late"; ms: number }
  /** Process fully, answer the normal status with a body that is not JSON. */
  | { kind: "malformed-json" }
  /** Process fully, answer with unknown extra fields added at several levels. */
  | { kind: "extra-fields" }
  /** Answer 429 request_limit_exceeded without processing. */
  | { kind: "rate-limited" };

export interface FaultRule {
  method?: string;
  /** Matched against the path after /services/v2: a string matches as a prefix, a RegExp by test(). */
  path?: string | RegExp;
  /** How many matching requests the rule fires for before it is removed; default 1. */
  times?: number;
  fault: Fault;
}

export interface IssueOptions {
  validFrom?: string;
  validTill?: string;
}

export interface Emulator {
  /** e.g. "http://127.0.0.1:41234/services/v2" */
  readonly baseUrl: string;
  readonly port: number;
  close(): Promise<void>;
  // inspection
  orders(): EmulatedOrder[];
  order(id: number): EmulatedOrder | undefined;
  /** The most recent HTTP requests to /services/v2 (up to maxRecordedRequests), in order; control calls excluded. */
  requests(): RecordedRequest[];
  /** How many older requests were dropped from requests() to stay within maxRecordedRequests. */
  droppedRequests(): number;
  clearRequests(): void;
  /** Drop orders, requests, faults, rate-limit history (and restart the id counters). */
  reset(): void;
  // lifecycle control (synchronous state changes)
  approve(orderId: number): void;
  issue(orderId: number, opts?: IssueOptions): void;
  reject(orderId: number): void;
  /** DigiCert issued the order's pending reissue: new certificate id, serial, thumbprint, PEM and validity. */
  issueReissue(orderId: number, opts?: IssueOptions): void;
  /** The pending reissue was rejected: its request is rejected, the order keeps its certificate (issued). */
  rejectReissue(orderId: number): void;
  setStatus(orderId: number, status: string): void;
  /** The leaf certificate (PEM) of an issued certificate, current or not; undefined before issuance. */
  certificatePem(certificateId: number): string | undefined;
  /** The emulator's root and intermediate CA certificates (PEM), to build or verify chains. */
  certificateAuthorities(): { root: string; intermediate: string };
  injectFault(rule: FaultRule): void;
  setAutoProgress(mode: AutoProgressMode): void;
}
