/**
 * Public API of the CertCentral emulator: `startEmulator` starts an offline stand-in for DigiCert's
 * CertCentral Services API v2 (code signing orders) on 127.0.0.1 and returns an `Emulator` to inspect and
 * drive it.
 */
import { EmulatorRuntime } from "./runtime";
import { API_PREFIX, EmulatorServer } from "./server";
import { Emulator, EmulatorOptions } from "./types";

export type {
  AlternateLookupNotFound,
  AutoProgressMode,
  CodeSigningProduct,
  EmulatedCertificate,
  EmulatedOrder,
  EmulatedReissue,
  EmulatedRequestSummary,
  Emulator,
  EmulatorOptions,
  Fault,
  FaultRule,
  IssueOptions,
  RateLimitWindow,
  RecordedRequest,
  ReissueOrderStatus,
} from "./types";
export { DEFAULT_API_KEY } from "./runtime";
export { DEFAULT_RATE_LIMITS } from "./rateLimit";
export { CONTROL_PREFIX } from "./control";
export { API_PREFIX, MAX_BODY_BYTES } from "./server";
export {
  DEFAULT_MAX_RECORDED_REQUESTS,
  MAX_RECORDED_BODY_BYTES,
  MAX_RECORDED_BODY_DEPTH,
  TRUNCATED_BODY_MARKER,
} from "./recorder";

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const runtime = new EmulatorRuntime(options);
  const server = new EmulatorServer(runtime);
  const port = await server.listen(options.port ?? 0);
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}${API_PREFIX}`,
    port,
    close: () => (closing ??= server.close()),
    orders: () => runtime.orders(),
    order: (id) => runtime.order(id),
    requests: () => runtime.requests(),
    droppedRequests: () => runtime.droppedRequests(),
    clearRequests: () => runtime.clearRequests(),
    reset: () => runtime.reset(),
    approve: (orderId) => runtime.approve(orderId),
    issue: (orderId, opts) => runtime.issue(orderId, opts),
    reject: (orderId) => runtime.reject(orderId),
    issueReissue: (orderId, opts) => runtime.issueReissue(orderId, opts),
    rejectReissue: (orderId) => runtime.rejectReissue(orderId),
    certificatePem: (certificateId) => runtime.certificatePem(certificateId),
    certificateAuthorities: () => runtime.certificateAuthorities(),
    setStatus: (orderId, status) => runtime.setStatus(orderId, status),
    injectFault: (rule) => runtime.injectFault(rule),
    setAutoProgress: (mode) => runtime.setAutoProgress(mode),
  };
}
