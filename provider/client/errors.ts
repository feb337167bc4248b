/**
 * Errors from talking to CertCentral. They carry what a user needs (DigiCert's code and message, the HTTP
 * status, the method and path) and never the request headers, the axios config or the API key: an axios error
 * holds all three, so it is never passed on, wrapped or logged.
 */

export interface DigiCertErrorEntry {
  readonly code: string;
  readonly message: string;
}

/** DigiCert answered with an error status: `CertCentral <code>: <message> (HTTP <status>)`. */
export class CertCentralApiError extends Error {
  readonly httpStatus: number;
  readonly errors: readonly DigiCertErrorEntry[];
  /** From a `Retry-After` header, when DigiCert (or a gateway before it) sent one. */
  readonly retryAfterMs?: number;
  constructor(httpStatus: number, errors: readonly DigiCertErrorEntry[], retryAfterMs?: number) {
    const described =
      errors.length > 0
        ? errors.map((e) => `CertCentral ${e.code}: ${e.message}`).join("; ")
        : "CertCentral returned an error without a body";
    super(`${described} (HTTP ${httpStatus})`);
    this.name = "CertCentralApiError";
    this.httpStatus = httpStatus;
    this.errors = errors;
    this.retryAfterMs = retryAfterMs;
  }

  /** True if any error's code, or its category before `|`, is one of `codes`. */
  hasCode(...codes: string[]): boolean {
    return this.errors.some((e) => codes.includes(e.code) || codes.includes(e.code.split("|")[0]!));
  }
}

export type TransportFailure = "timeout" | "network" | "malformed-response";

/**
 * Connection errors that happen before a byte of the request is sent (nothing listens, no such host): the request
 * never reached the server, so it changed nothing there.
 */
export const NEVER_CONNECTED_CODES: readonly string[] = [
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
];

/** No usable answer: timed out, connection failed or dropped, or a 2xx body that could not be decoded. */
export class CertCentralTransportError extends Error {
  readonly failure: TransportFailure;
  /** False when the connection itself failed (NEVER_CONNECTED_CODES): the request reached nothing. */
  readonly reachedServer: boolean;
  constructor(failure: TransportFailure, method: string, path: string, detail: string, reachedServer = true) {
    super(`CertCentral ${method} ${path}: ${detail}`);
    this.name = "CertCentralTransportError";
    this.failure = failure;
    this.reachedServer = reachedServer;
  }
}

/** The request never reached the server: nothing answers at the base URL (or its host does not exist). */
export function neverConnected(error: unknown): boolean {
  return error instanceof CertCentralTransportError && !error.reachedServer;
}

/** A request was not sent because sending the key now would print it (Node's debug log); final, never retried. */
export class KeyExposureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyExposureError";
  }
}

/** Worth another try for an idempotent request: rate limited, request timeout, server error, or no answer. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof CertCentralTransportError) return error.failure !== "malformed-response";
  if (error instanceof CertCentralApiError)
    return error.httpStatus === 429 || error.httpStatus === 408 || error.httpStatus >= 500;
  return false;
}

/**
 * A POST that failed this way is not final: no answer, a 408 or 5xx (DigiCert may have stored what was sent, so the
 * send-once engine looks before sending again), or a 429 (a refusal: nothing stored, sent again later; no look-up
 * of its own). A 4xx otherwise is final.
 */
export function leftUnanswered(error: unknown): boolean {
  if (error instanceof CertCentralTransportError) return error.reachedServer;
  return isRetryable(error);
}

/**
 * DigiCert says this order does not exist (`not_found|order`, or a bare `not_found`). A 404 for a route that
 * does not exist (a wrong base URL, a proxy's page) says nothing about the order and must never remove it from
 * state.
 */
export function isOrderNotFound(error: unknown): boolean {
  return (
    error instanceof CertCentralApiError &&
    error.httpStatus === 404 &&
    error.errors.length > 0 &&
    error.errors.every((e) => e.code === "not_found" || e.code === "not_found|order")
  );
}

/** A 404 from the alternative-order-ID search: nothing carries that ID (anything but a missing route). */
export function isNothingFound(error: unknown): boolean {
  return (
    error instanceof CertCentralApiError &&
    error.httpStatus === 404 &&
    !error.errors.some((e) => e.code.startsWith("not_found|route") || e.code.startsWith("http_"))
  );
}

/** Belt and braces: no message that leaves the provider may contain the key, whatever built it. */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  // Also as an answer might echo it: base64 (a gateway dumping headers) and URL-encoded.
  const forms = [secret, Buffer.from(secret, "utf8").toString("base64"), encodeURIComponent(secret)];
  return [...new Set(forms)].reduce((redacted, form) => redacted.split(form).join("[redacted]"), text);
}

/**
 * DigiCert's codes for a renewal link it will not make (certcentral-api.md §11). Not `order_renewed_already`: a
 * renewal may already exist (DigiCert's auto-renew, an earlier run), and a second, unlinked order is paid twice.
 */
const RENEWAL_LINK_REFUSED = [
  "order_not_eligible_for_renewal",
  "order_not_renewable",
  "renewal_window_closed",
  "cannot_renew_expired_order",
  "product_not_eligible_for_renewal",
];

export function isRenewalLinkRefused(error: unknown): boolean {
  return error instanceof CertCentralApiError && error.hasCode(...RENEWAL_LINK_REFUSED);
}

/** The order is already revoked or canceled: a cancel or revoke of it has nothing left to do. */
export function isAlreadyGone(error: unknown): boolean {
  return (
    error instanceof CertCentralApiError &&
    error.hasCode("order_already_revoked", "order_is_revoked", "order_already_canceled")
  );
}

/** A 429: DigiCert refused the request outright; nothing of it is being stored. */
export function isRateLimited(error: unknown): boolean {
  return error instanceof CertCentralApiError && error.httpStatus === 429;
}

/** A 2xx whose body could not be read: DigiCert accepted the request. */
export function isUnreadableAcceptance(error: unknown): boolean {
  return error instanceof CertCentralTransportError && error.failure === "malformed-response";
}
