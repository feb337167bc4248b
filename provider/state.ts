import { INPUT_KEYS } from "./codecs/inputs";
import { OrderState, withoutUndefined } from "./mapping";

/**
 * The wire format of a resource's state: its inputs echoed (diff compares new inputs with these old outputs)
 * plus what DigiCert and the provider computed. `stateVersion` lets a newer implementation read what an older
 * one wrote (the serialized shell always runs the installed implementation).
 */
export const STATE_VERSION = 1;

export interface ComputedOutputs extends OrderState {
  stateVersion: number;
  /** The alternative order ID the order carries at DigiCert (the user's, or the derived one). */
  assignedAlternativeOrderId?: string;
  /** The order this one renews or replaces, if any. */
  predecessorOrderId?: number;
  /** False when DigiCert refused the renewal link and an unlinked order was placed instead. */
  renewalLinked?: boolean;
  /** True when the resource took over an order that already existed instead of placing one. */
  adoptedExistingOrder?: boolean;
}

/** The outputs a resource declares beyond its echoed inputs (the SDK names each in the resource's props). */
export const OUTPUT_KEYS = [
  "orderId",
  "status",
  "requests",
  "certificateId",
  "organizationId",
  "serialNumber",
  "thumbprint",
  "validFrom",
  "validTill",
  "dateIssued",
  "assignedAlternativeOrderId",
  "predecessorOrderId",
  "renewalLinked",
  "adoptedExistingOrder",
] as const;

export const COMPUTED_KEYS: readonly string[] = ["stateVersion", ...OUTPUT_KEYS];

export function pickInputs(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(props).filter(([k, v]) => INPUT_KEYS.includes(k) && v !== undefined),
  );
}

export function pickComputed(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(props).filter(([k, v]) => COMPUTED_KEYS.includes(k) && v !== undefined),
  );
}

/**
 * The outputs to store: inputs first, then computed values (which win on a name clash: there is none), stamped
 * with the current state version: every write migrates. (Version 1 is the first: there is nothing older to read.)
 */
export function composeOutputs(
  inputs: Record<string, unknown>,
  computed: Partial<ComputedOutputs>,
): Record<string, unknown> {
  return { ...pickInputs(inputs), ...withoutUndefined({ ...computed, stateVersion: STATE_VERSION }) };
}

export const TERMINAL_STATUSES: readonly string[] = [
  "rejected",
  "canceled",
  "cancelled",
  "revoked",
  "expired",
];

export function isTerminalStatus(status: unknown): boolean {
  return typeof status === "string" && TERMINAL_STATUSES.includes(status.toLowerCase());
}
