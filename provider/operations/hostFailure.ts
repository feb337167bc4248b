import { encodeState } from "../core/codecs/state";
import { PartialFailure } from "../core/errors";

/**
 * A partial failure as the engine records it: the host reads `id`, `properties` and `reasons` off any thrown error
 * (pulumi-dynamic-providers.md §1.5; the plugin packs the same into ErrorResourceInitFailed), stores the resource with
 * this ID and these properties as its outputs, and fails the step with the message.
 */
export class ResourceInitError extends Error {
  readonly reasons: string[];
  constructor(
    readonly id: string,
    readonly properties: Record<string, unknown>,
    message: string,
  ) {
    super(message);
    this.name = "ResourceInitError";
    this.reasons = [message];
  }
}

/**
 * The core's partial failure in the host's terms. The host adds `__provider` to a successful create's outputs, not to
 * these: without it the next refresh or destroy cannot load the provider ("code must be a string, not undefined"), so
 * the dynamic front door passes the inputs' `__provider` (`extra`) to be put back.
 */
export function hostFailure(error: unknown, extra: Record<string, unknown> = {}): unknown {
  if (!(error instanceof PartialFailure)) return error;
  const failure = new ResourceInitError(
    String(error.orderId),
    { ...extra, ...encodeState(error.state) },
    error.message,
  );
  if (error.stack) failure.stack = error.stack.replace(/^PartialFailure/, "ResourceInitError");
  return failure;
}
