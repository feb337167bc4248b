import { CertCentralClient } from "./client/certcentralClient";
import { redact } from "./client/errors";
import { Clock } from "./clock";
import { Lineage } from "./replacements";
import { ProviderSettings } from "./settings";

/** What the create, wait and delete steps share: a client with a key, time, the log, settings and lineage. */
export interface LifecycleContext {
  readonly client: CertCentralClient;
  readonly clock: Clock;
  readonly settings: ProviderSettings;
  readonly lineage: Lineage;
  log(line: string): void;
}

/**
 * An error fit to show: its message and stack with the key redacted (the host prints both). Our own errors keep
 * their class; anything else becomes a plain Error with its message only.
 */
export function userFacing(error: unknown, apiKey: string | undefined): Error {
  if (error instanceof Error) {
    error.message = redact(error.message, apiKey);
    if (error.stack) error.stack = redact(error.stack, apiKey);
    return error;
  }
  return new Error(redact(String(error), apiKey));
}
