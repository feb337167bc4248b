/**
 * Keeps the most recent requests made to /services/v2, in arrival order, for tests to inspect. Control-plane
 * calls are not recorded.
 *
 * The log is bounded so that no client, authenticated or not, can grow the emulator's memory without limit or
 * make the log unserialisable: it keeps the last `maxRecords` requests (older ones are dropped, and counted), and
 * a body is kept as parsed JSON only when its text is at most `MAX_RECORDED_BODY_BYTES` and it nests at most
 * `MAX_RECORDED_BODY_DEPTH` levels deep; otherwise the record holds a string starting with
 * `TRUNCATED_BODY_MARKER` that says why, followed by the start of the text.
 */
import { RawBody } from "./decoding";
import { RecordedRequest } from "./types";

/** How many requests the log keeps by default (the oldest go first). */
export const DEFAULT_MAX_RECORDED_REQUESTS = 1000;
/** Bodies longer than this (UTF-8 bytes) are recorded truncated. An order with a 4096-bit CSR is about 3 KB. */
export const MAX_RECORDED_BODY_BYTES = 16_384;
/** Bodies nesting deeper than this (arrays and objects) are recorded as text. DigiCert's bodies nest 3 levels. */
export const MAX_RECORDED_BODY_DEPTH = 32;
/** How much of a body's text a truncated record keeps. */
export const TRUNCATED_BODY_PREVIEW_CHARS = 1024;
/** Every truncated body record starts with this. */
export const TRUNCATED_BODY_MARKER = "[emulator: body not recorded in full";

export function checkMaxRecords(maxRecords: number): void {
  if (!Number.isSafeInteger(maxRecords) || maxRecords < 0) {
    throw new RangeError(`maxRecordedRequests must be a non-negative integer, got ${maxRecords}`);
  }
}

/** True when `value` nests deeper than `limit`; iterative, so any depth is safe to check. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current !== "object" || current === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

function truncated(reason: string, text: string): string {
  const preview = text.slice(0, TRUNCATED_BODY_PREVIEW_CHARS);
  return `${TRUNCATED_BODY_MARKER}: ${reason}] ${preview}`;
}

/**
 * The value recorded for a body: the parsed JSON, the raw text when it was not JSON, undefined when empty, or a
 * marker string when it is too large or too deep to keep. `bytes` is the body's size on the wire.
 */
export function recordedBody(body: RawBody, text: string, bytes: number): unknown {
  if (body.kind === "empty") return undefined;
  if (bytes > MAX_RECORDED_BODY_BYTES) {
    return truncated(`${bytes} bytes, more than ${MAX_RECORDED_BODY_BYTES}`, text);
  }
  if (body.kind === "malformed") return body.text;
  if (nestsDeeperThan(body.value, MAX_RECORDED_BODY_DEPTH)) {
    return truncated(`nested more than ${MAX_RECORDED_BODY_DEPTH} levels`, text);
  }
  return body.value;
}

/** The record of a body refused with 413: nothing of it is kept. */
export const refusedBody = (bytes: number, limit: number): string =>
  `${TRUNCATED_BODY_MARKER}: refused, more than ${limit} bytes (at least ${bytes} received)]`;

export class RequestRecorder {
  private recorded: RecordedRequest[] = [];
  private droppedCount = 0;

  constructor(private readonly maxRecords = DEFAULT_MAX_RECORDED_REQUESTS) {
    checkMaxRecords(maxRecords);
  }

  /** Stores the record (dropping the oldest beyond the limit); the server fills in `status` once answered. */
  add(record: RecordedRequest): void {
    this.recorded.push(record);
    const excess = this.recorded.length - this.maxRecords;
    if (excess > 0) {
      this.recorded.splice(0, excess);
      this.droppedCount += excess;
    }
  }

  /** Deep copies, so callers cannot change the log. */
  all(): RecordedRequest[] {
    return this.recorded.map((record) => structuredClone(record));
  }

  /** How many records were dropped to stay within the limit since the last clear. */
  dropped(): number {
    return this.droppedCount;
  }

  clear(): void {
    this.recorded = [];
    this.droppedCount = 0;
  }
}
