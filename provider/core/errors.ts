import { ResourceState } from "./codecs/state";

/**
 * A step failed after DigiCert accepted the order (or a reissue): the order must still reach state, with what is
 * known of it. The front doors turn this into the engine's partial failure (operations/hostFailure.ts), so an order
 * DigiCert accepted is never lost from state.
 */
export class PartialFailure extends Error {
  constructor(
    readonly orderId: number,
    readonly state: ResourceState,
    message: string,
  ) {
    super(message);
    this.name = "PartialFailure";
  }

  /** The order's status when the step failed, for messages. */
  get status(): string {
    return this.state.computed.status ?? "unknown";
  }
}

/** Inputs that reached create/update without passing check (a provider used directly, or a bug). */
export class InvalidInputsError extends Error {
  constructor(problems: { property: string; reason: string }[]) {
    super(`Invalid CodeSigningOrder inputs: ${problems.map((p) => `${p.property} ${p.reason}`).join("; ")}`);
    this.name = "InvalidInputsError";
  }
}
