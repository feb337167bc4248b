import { Cancellation } from "./cancellation";
import { CertCentralClient } from "../client/certcentralClient";
import { redact } from "../client/errors";
import { Clock } from "../client/clock";
import { PendingPosts } from "./pendingPosts";
import { ReplacementMemory } from "./replacementMemory";
import { ProviderSettings } from "./settings";

/** What the operations share: a client with a key, time, the log, settings and the deployment's memory. */
export interface LifecycleContext {
  readonly client: CertCentralClient;
  readonly clock: Clock;
  readonly settings: ProviderSettings;
  readonly memory: ReplacementMemory;
  /** POSTs (orders, reissues) that went unanswered, remembered across processes on this machine (pendingPosts.ts). */
  readonly pending: PendingPosts;
  /** The deployment cancelled (the first Ctrl-C): waits end early, recording the order. */
  readonly cancellation: Cancellation;
  log(line: string): void;
}

/** The message of anything thrown, for composing a longer one. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An error fit to leave the provider: its message and stack with the key redacted (the host prints both). Applied
 * once, where every call leaves the provider (CodeSigningOrderProvider), not at each step. Our own errors keep
 * their class (a partial failure keeps its ID and properties); anything else becomes a plain Error.
 */
export function redactedError(error: unknown, apiKey: string | undefined): Error {
  if (error instanceof Error) {
    error.message = redact(error.message, apiKey);
    if (error.stack) error.stack = redact(error.stack, apiKey);
    return error;
  }
  return new Error(redact(String(error), apiKey));
}
