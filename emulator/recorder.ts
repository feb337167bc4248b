/**
 * Keeps every request made to /services/v2, in arrival order, for tests to inspect. Control-plane calls are not
 * recorded.
 */
import { RecordedRequest } from "./types";

export class RequestRecorder {
  private recorded: RecordedRequest[] = [];

  /** Stores the record; the server fills in `status` once the answer is decided. */
  add(record: RecordedRequest): void {
    this.recorded.push(record);
  }

  /** Deep copies, so callers cannot change the log. */
  all(): RecordedRequest[] {
    return this.recorded.map((record) => structuredClone(record));
  }

  clear(): void {
    this.recorded = [];
  }
}
