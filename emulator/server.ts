/**
 * The HTTP server (node's `http` only) and the request pipeline: routing between /services/v2 and the
 * /__emulator control plane, then for API calls: record → authenticate → rate limit → fault → handle → answer.
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { handleApiCall } from "./api";
import { ApiKeyHeader, IncomingHeaders } from "./codecs";
import { CONTROL_PREFIX, handleControlCall } from "./control";
import { decodeOrUndefined, parseBody, RawBody } from "./decoding";
import {
  ApiError,
  faultError,
  invalidApiKey,
  payloadTooLarge,
  requestLimitExceeded,
  routeNotFound,
} from "./errors";
import { malformedJson, withExtraFields } from "./faults";
import { recordedBody, refusedBody } from "./recorder";
import { Answer } from "./router";
import { EmulatorRuntime } from "./runtime";
import { Fault, RecordedRequest } from "./types";

export const API_PREFIX = "/services/v2";

/**
 * Bodies above this are refused with 413 `request_entity_too_large` (DigiCert's own limit and code are not
 * documented). No CertCentral call needs more: an order carrying a 4096-bit CSR is about 3 KB.
 */
export const MAX_BODY_BYTES = 262_144;

/** A body as read off the socket: parsed, plus its text and size for the request log. */
interface ReceivedBody {
  parsed: RawBody;
  text: string;
  bytes: number;
}

interface Target {
  method: string;
  path: string;
  query: Record<string, string>;
}

function parseTarget(request: http.IncomingMessage): Target | undefined {
  let url: URL;
  try {
    url = new URL(request.url ?? "/", "http://127.0.0.1");
  } catch {
    return undefined;
  }
  const method = (request.method ?? "GET").toUpperCase();
  return { method, path: url.pathname, query: Object.fromEntries(url.searchParams) };
}

const isUnder = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

const errorAnswer = (error: ApiError): Answer => ({ status: error.status, body: error.body() });

/** Runs a handler, turning thrown ApiErrors into answers and anything else into a 500. */
function answerOf(run: () => Answer): Answer {
  try {
    return run();
  } catch (error) {
    if (error instanceof ApiError) return errorAnswer(error);
    const message = error instanceof Error ? error.message : String(error);
    return { status: 500, body: { errors: [{ code: "internal_error", message }] } };
  }
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const decoded = decodeOrUndefined(IncomingHeaders, raw) ?? {};
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(decoded)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** JSON text of an answer body; a body that cannot be serialised becomes a 500 rather than a crash. */
function serialize(answer: Answer): { status: number; text: string } {
  try {
    return { status: answer.status, text: JSON.stringify(answer.body) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 500, text: JSON.stringify({ errors: [{ code: "internal_error", message }] }) };
  }
}

function send(response: http.ServerResponse, answer: Answer): number {
  if (answer.text !== undefined) {
    sendText(response, answer.status, answer.text.content, answer.text.contentType);
    return answer.status;
  }
  if (answer.body === undefined) {
    response.writeHead(answer.status);
    response.end();
    return answer.status;
  }
  const { status, text } = serialize(answer);
  sendText(response, status, text);
  return status;
}

function sendText(
  response: http.ServerResponse,
  status: number,
  text: string,
  contentType = "application/json; charset=utf-8",
): void {
  response.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

export class EmulatorServer {
  private readonly server: http.Server;
  /** Answers held back by delay faults, cleared on close so the process can exit. */
  private readonly delayed = new Set<NodeJS.Timeout>();

  constructor(private readonly runtime: EmulatorRuntime) {
    this.server = http.createServer((request, response) => this.receive(request, response));
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      // Keep-alive sockets would otherwise hold close() open until they time out.
      this.server.closeAllConnections();
    });
  }

  private receive(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on("end", () => {
      if (tooLarge) return this.refuseTooLarge(request, response, size);
      const text = Buffer.concat(chunks).toString("utf8");
      this.route(request, response, { parsed: parseBody(text), text, bytes: size });
    });
    request.on("error", () => response.destroy());
  }

  /** 413 for a body over MAX_BODY_BYTES; an API call is still recorded, without its body. */
  private refuseTooLarge(request: http.IncomingMessage, response: http.ServerResponse, bytes: number): void {
    const answer = errorAnswer(payloadTooLarge(MAX_BODY_BYTES));
    const target = parseTarget(request);
    if (target && isUnder(target.path, API_PREFIX)) {
      const record = this.record(
        request,
        target,
        target.path.slice(API_PREFIX.length),
        refusedBody(bytes, MAX_BODY_BYTES),
      );
      return this.answer(response, record, answer);
    }
    send(response, answer);
  }

  private record(
    request: http.IncomingMessage,
    target: Target,
    path: string,
    body: unknown,
  ): RecordedRequest {
    const record: RecordedRequest = {
      method: target.method,
      path,
      query: target.query,
      headers: flattenHeaders(request.headers),
      body,
      status: 0,
      at: this.runtime.now(),
    };
    this.runtime.recorder.add(record);
    return record;
  }

  private route(request: http.IncomingMessage, response: http.ServerResponse, received: ReceivedBody): void {
    const target = parseTarget(request);
    if (!target) {
      send(response, errorAnswer(routeNotFound()));
      return;
    }
    const { method, query, path } = target;
    const body = received.parsed;
    if (isUnder(path, CONTROL_PREFIX)) {
      const controlPath = path.slice(CONTROL_PREFIX.length);
      const context = this.runtime;
      send(
        response,
        answerOf(() => handleControlCall({ context, method, path: controlPath, query, body })),
      );
      return;
    }
    if (isUnder(path, API_PREFIX)) {
      const apiPath = path.slice(API_PREFIX.length);
      const record = this.record(request, target, apiPath, recordedBody(body, received.text, received.bytes));
      return this.serveApi(response, record, body);
    }
    send(response, errorAnswer(routeNotFound()));
  }

  private serveApi(response: http.ServerResponse, record: RecordedRequest, body: RawBody): void {
    const runtime = this.runtime;
    const { method, path, query, headers } = record;
    const now = record.at;

    const key = decodeOrUndefined(ApiKeyHeader, headers["x-dc-devkey"]);
    if (key === undefined || !runtime.settings.apiKeys.has(key)) {
      return this.answer(response, record, errorAnswer(invalidApiKey()));
    }
    // Keys are checked first: an invalid key gets 403 and never touches (or fills) a rate-limit window.
    if (!runtime.limiter.hasRoom(key, now)) {
      return this.answer(response, record, errorAnswer(requestLimitExceeded()));
    }
    const fault = runtime.faults.take(method, path);
    if (fault?.kind === "error-before") {
      runtime.limiter.record(key, now);
      return this.answer(response, record, errorAnswer(faultError(fault.status, fault.code, fault.message)));
    }
    if (fault?.kind === "rate-limited") {
      // Like a real 429, an injected one does not count toward the windows.
      return this.answer(response, record, errorAnswer(requestLimitExceeded()));
    }
    runtime.limiter.record(key, now);
    const process = () =>
      answerOf(() => handleApiCall({ context: { runtime, now: runtime.now() }, method, path, query, body }));
    if (fault?.kind === "process-late") {
      const timer = setTimeout(() => {
        this.delayed.delete(timer);
        const answer = process();
        if (response.destroyed) this.finish(record, 0);
        else this.answer(response, record, answer);
      }, fault.ms);
      this.delayed.add(timer);
      return;
    }
    this.answerWithFault(response, record, process(), fault);
  }

  /** Applies a fault that lets the call be processed and then changes how (or whether) it is answered. */
  private answerWithFault(
    response: http.ServerResponse,
    record: RecordedRequest,
    answer: Answer,
    fault: Fault | undefined,
  ): void {
    switch (fault?.kind) {
      case undefined:
      case "error-before":
      case "rate-limited":
      case "process-late":
        return this.answer(response, record, answer);
      case "error-after":
        return this.answer(response, record, errorAnswer(faultError(fault.status)));
      case "drop-after":
        this.finish(record, 0);
        response.socket?.destroy();
        response.destroy();
        return;
      case "delay": {
        this.finish(record, answer.status);
        const timer = setTimeout(() => {
          this.delayed.delete(timer);
          if (!response.destroyed) send(response, answer);
        }, fault.ms);
        this.delayed.add(timer);
        return;
      }
      case "malformed-json": {
        // A 204 cannot carry a body, so a bodiless answer becomes a 200 with the non-JSON body; a text answer
        // (a download) is cut in half like a JSON one.
        const bodiless = answer.body === undefined && answer.text === undefined;
        const status = bodiless ? 200 : answer.status;
        this.finish(record, status);
        const serialized = answer.text?.content ?? (bodiless ? undefined : serialize(answer).text);
        return sendText(response, status, malformedJson(serialized));
      }
      case "extra-fields":
        return this.answer(response, record, {
          ...answer,
          body: answer.body === undefined ? undefined : withExtraFields(answer.body),
        });
    }
  }

  private answer(response: http.ServerResponse, record: RecordedRequest, answer: Answer): void {
    this.finish(record, send(response, answer));
  }

  /** Sets the status a request was answered with (0: none) and tells the onRequest listener, if any. */
  private finish(record: RecordedRequest, status: number): void {
    record.status = status;
    this.runtime.notifyRequest(record);
  }
}
