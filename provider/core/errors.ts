/**
 * The error the provider host turns into a partial failure: the engine records the resource with this ID and
 * these properties, so an order DigiCert accepted is never lost from state even when a later step fails.
 * (The host reads `id`, `properties` and `reasons` off any thrown error; see pulumi-dynamic-providers.md §1.5.)
 */
export class ResourceInitError extends Error {
  readonly id: string;
  /** Replaced, never mutated: the host stores it as the outputs (a front door may add its own keys). */
  properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(
    id: string,
    properties: Record<string, unknown>,
    message: string,
    /** The order's status when the step failed, for messages. */
    readonly status = "unknown",
  ) {
    super(message);
    this.name = "ResourceInitError";
    this.id = id;
    this.properties = properties;
    this.reasons = [message];
  }
}

/** Inputs that reached create/update without passing check (a provider used directly, or a bug). */
export class InvalidInputsError extends Error {
  constructor(problems: { property: string; reason: string }[]) {
    super(`Invalid CodeSigningOrder inputs: ${problems.map((p) => `${p.property} ${p.reason}`).join("; ")}`);
    this.name = "InvalidInputsError";
  }
}
