import { isLeft, isRight } from "fp-ts/Either";
import axios, { AxiosInstance } from "axios";
import * as t from "io-ts";
import { Clock } from "./clock";
import {
  alternateOrdersResponse,
  AlternateOrdersResponse,
  errorBody,
  orderInfoResponse,
  OrderInfoResponse,
  orderPlacedResponse,
  OrderPlacedResponse,
  reissueResponse,
  ReissueResponse,
  revokeRequestResponse,
} from "./answers";
import { JsonObject } from "./json";
import {
  CertCentralApiError,
  CertCentralTransportError,
  isNothingFound,
  isOrderNotFound,
  KeyExposureError,
  NEVER_CONNECTED_CODES,
  redact,
} from "./errors";
import { debugLogRefusal, keyPrintingDebugSections } from "./nodeDebug";
import { RateLimiter } from "./rateLimiter";
import { RetryPolicy, withRetries } from "./retry";

/*
 * Over 250 lines on purpose: this is the whole HTTP surface of CertCentral that the lifecycle uses (one method per
 * endpoint, each decoding its answer), behind one request path that owns authentication, limits and redaction.
 */

export interface ClientSettings {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  /** The provider's environment, when injected; NODE_DEBUG is also asked of Node itself (nodeDebug.ts). */
  readonly env?: NodeJS.ProcessEnv;
  /** Told of each retry as it happens (a line for the deployment's log), so a slow call never looks hung. */
  readonly onProgress?: (line: string) => void;
}

export type RevokeOutcome =
  { readonly kind: "revoked" } | { readonly kind: "revoke-requested"; readonly requestId?: number };

/** The largest JSON answer read: DigiCert's run to tens of kilobytes (an order list page). */
export const MAX_JSON_BYTES = 1024 * 1024;
/** The largest download read: a PEM bundle is a few kilobytes. */
export const MAX_DOWNLOAD_BYTES = 5 * 1024 * 1024;

/**
 * CertCentral Services API v2 over axios: base URL, the `X-DC-DEVKEY` header, timeouts, the shared rate
 * limiter, retries of idempotent calls, and decoding of every answer with io-ts. `placeOrder` is never retried
 * here: whether to send it again is the provider's decision, after looking the order up.
 */
export class CertCentralClient {
  private readonly http: AxiosInstance;
  /** Why no request may carry the key in this process (Node's debug log prints headers), if so. */
  private readonly keyGuard?: string;

  constructor(private readonly settings: ClientSettings) {
    const sections = keyPrintingDebugSections(settings.env);
    if (sections.length > 0) this.keyGuard = debugLogRefusal(sections, settings.env);
    this.http = axios.create({
      baseURL: settings.baseUrl.replace(/\/+$/, ""),
      timeout: settings.timeoutMs,
      headers: {
        "X-DC-DEVKEY": settings.apiKey,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      // Status and body are judged here, not by axios: keep the raw text so a malformed body is detectable.
      validateStatus: () => true,
      transformResponse: [(data: unknown) => data],
      responseType: "text",
      maxRedirects: 0,
      proxy: false,
    });
  }

  placeOrder(product: string, body: JsonObject): Promise<OrderPlacedResponse> {
    return this.send("POST", `/order/certificate/${encodeURIComponent(product)}`, body, orderPlacedResponse);
  }

  /**
   * `POST /order/certificate/{order_id}/reissue`. Like `placeOrder`, never retried here: whether to send it again
   * is the provider's decision, after reading the order.
   */
  reissueOrder(orderId: number, body: JsonObject): Promise<ReissueResponse> {
    return this.send("POST", `/order/certificate/${orderId}/reissue`, body, reissueResponse);
  }

  /** `GET /certificate/{certificate_id}/download/format/{format}`: the file as text (not JSON). */
  downloadCertificate(certificateId: number, format: string): Promise<string> {
    return this.idempotent(() =>
      this.send(
        "GET",
        `/certificate/${certificateId}/download/format/${encodeURIComponent(format)}`,
        undefined,
        "text",
      ),
    );
  }

  /** `until` (epoch ms, by the client's clock): no retry is started that would begin after it (a wait's deadline). */
  orderInfo(orderId: number, { until }: { until?: number } = {}): Promise<OrderInfoResponse> {
    return this.idempotent(
      () => this.send("GET", `/order/certificate/${orderId}`, undefined, orderInfoResponse),
      until,
    );
  }

  /** Order info, or undefined when DigiCert says the order does not exist (never for a missing route). */
  async orderInfoIfExists(orderId: number): Promise<OrderInfoResponse | undefined> {
    try {
      return await this.orderInfo(orderId);
    } catch (error) {
      if (isOrderNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Orders carrying this alternative order ID; none when DigiCert answers 404 or omits `orders`. */
  async ordersByAlternativeId(
    alternativeOrderId: string,
  ): Promise<NonNullable<AlternateOrdersResponse["orders"]>> {
    try {
      const found = await this.idempotent(() =>
        this.send(
          "GET",
          `/order/alternate/${encodeURIComponent(alternativeOrderId)}`,
          undefined,
          alternateOrdersResponse,
        ),
      );
      return found.orders ?? [];
    } catch (error) {
      if (isNothingFound(error)) return [];
      throw error;
    }
  }

  cancelOrder(orderId: number, note: string): Promise<void> {
    return this.idempotent(() =>
      this.send("PUT", `/order/certificate/${orderId}/status`, { status: "canceled", note }, undefined),
    );
  }

  rejectRequest(requestId: number, comment: string): Promise<void> {
    return this.idempotent(() =>
      this.send(
        "PUT",
        `/request/${requestId}/status`,
        { status: "rejected", processor_comment: comment },
        undefined,
      ),
    );
  }

  async revokeOrder(orderId: number, comments: string): Promise<RevokeOutcome> {
    const answer = await this.idempotent(() =>
      this.send(
        "PUT",
        `/order/certificate/${orderId}/revoke`,
        { comments, skip_approval: true },
        t.union([revokeRequestResponse, t.undefined]),
      ),
    );
    return answer === undefined
      ? { kind: "revoked" }
      : { kind: "revoke-requested", requestId: answer.id ?? undefined };
  }

  private idempotent<T>(call: () => Promise<T>, until?: number): Promise<T> {
    const { retry, clock } = this.settings;
    const policy =
      until === undefined
        ? retry
        : { ...retry, maxElapsedMs: Math.max(0, Math.min(retry.maxElapsedMs, until - clock.now())) };
    return withRetries(policy, clock, call, undefined, (error, delayMs, attempt) =>
      this.settings.onProgress?.(retryNotice(error, delayMs, attempt, retry.maxAttempts)),
    );
  }

  /**
   * One HTTP exchange through the rate limiter; `codec` undefined means an empty answer (204) is expected, "text"
   * a file that is returned as it is.
   */
  private async send<T>(
    method: "GET" | "POST" | "PUT",
    path: string,
    body: JsonObject | undefined,
    codec: t.Decoder<unknown, T> | undefined | "text",
  ): Promise<T> {
    if (this.keyGuard !== undefined) throw new KeyExposureError(this.keyGuard);
    const release = await this.settings.limiter.acquire();
    let status: number;
    let text: string;
    let retryAfter: unknown;
    try {
      const response = await this.http.request<string>({
        method,
        url: path,
        data: body,
        ...(codec === "text" ? { headers: { Accept: "*/*" } } : {}),
        maxContentLength: codec === "text" ? MAX_DOWNLOAD_BYTES : MAX_JSON_BYTES,
      });
      status = response.status;
      text = typeof response.data === "string" ? response.data : "";
      retryAfter = response.headers["retry-after"];
    } catch (error) {
      release();
      if (axios.isAxiosError(error) && /maxContentLength/.test(error.message)) {
        // An answer far larger than any DigiCert sends (a proxy's page, a runaway body): not read, and unreadable.
        throw new CertCentralTransportError(
          "malformed-response",
          method,
          path,
          `an answer larger than ${codec === "text" ? MAX_DOWNLOAD_BYTES : MAX_JSON_BYTES} bytes, not read`,
        );
      }
      // Only the kind of failure survives: the axios error holds the request headers, the key among them.
      const timedOut =
        axios.isAxiosError(error) && (error.code === "ECONNABORTED" || error.code === "ETIMEDOUT");
      const code = axios.isAxiosError(error) && error.code ? error.code : "unknown error";
      throw new CertCentralTransportError(
        timedOut ? "timeout" : "network",
        method,
        path,
        timedOut ? `no answer within ${this.settings.timeoutMs} ms` : `connection failed (${code})`,
        !NEVER_CONNECTED_CODES.includes(code),
      );
    }
    release(status === 429 ? "refused" : "answered");
    if (status < 200 || status >= 300) throw this.apiError(status, text, retryAfterMs(retryAfter));
    if (codec === undefined) return undefined as T;
    if (codec === "text") return text as T;
    const parsed = parseJson(text);
    const decoded = parsed.ok ? codec.decode(parsed.value) : undefined;
    if (!decoded || isLeft(decoded)) {
      if (text.trim() === "" && isRight(codec.decode(undefined))) return undefined as T;
      throw new CertCentralTransportError(
        "malformed-response",
        method,
        path,
        `HTTP ${status} with a body that is not the expected JSON`,
      );
    }
    return decoded.right;
  }

  private apiError(status: number, text: string, retryAfter: number | undefined): CertCentralApiError {
    const parsed = parseJson(text);
    const decoded = parsed.ok ? errorBody.decode(parsed.value) : undefined;
    const entries =
      decoded && isRight(decoded)
        ? decoded.right.errors.map((e) => ({
            code: redact(e.code, this.settings.apiKey),
            message: redact(e.message ?? "", this.settings.apiKey),
          }))
        : [{ code: `http_${status}`, message: "no DigiCert error body" }];
    return new CertCentralApiError(status, entries, retryAfter);
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** `Retry-After` in seconds (the form APIs use); an HTTP date or anything else is ignored. */
function retryAfterMs(header: unknown): number | undefined {
  return typeof header === "string" && /^\d{1,4}$/.test(header.trim())
    ? Number(header.trim()) * 1000
    : undefined;
}

/** "GET /order/certificate/7: HTTP 503 …; trying again in 1.2 s (attempt 2 of 6)"; a 429 is no attempt. */
function retryNotice(error: unknown, delayMs: number, attempt: number, maxAttempts: number): string {
  const seconds = `${(delayMs / 1000).toFixed(1)} s`;
  const what = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return error instanceof CertCentralApiError && error.httpStatus === 429
    ? `${what}; refused for the rate limit, sending again in ${seconds}`
    : `${what}; trying again in ${seconds} (attempt ${attempt} of ${maxAttempts})`;
}
