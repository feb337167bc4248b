import * as t from "io-ts";
import { apiId } from "./api";
import { ON_DELETE_ACTIONS } from "./inputs";
import { oneOf } from "./combinators";
import { STATE_VERSION } from "../state";

/**
 * The parts of a resource's stored state (its outputs, as the engine sends them back) that lifecycle decisions
 * read. Lenient: state written by an older version may lack fields; a value of the wrong type is dropped rather
 * than trusted.
 */
const storedFields = {
  orderId: apiId,
  status: t.string,
  validTill: t.string,
  organizationId: apiId,
  existingOrderId: apiId,
  onDelete: oneOf(ON_DELETE_ACTIONS),
  alternativeOrderId: t.string,
  stateVersion: t.number,
};
type StoredField = keyof typeof storedFields;
export type StoredState = { [K in StoredField]?: t.TypeOf<(typeof storedFields)[K]> };

export class NewerStateError extends Error {
  constructor(version: number) {
    super(
      `This resource's state was written by a newer pulumi-digicert-code-signing (state version ${version}; this ` +
        `one reads up to ${STATE_VERSION}). Upgrade the package in this program's folder.`,
    );
    this.name = "NewerStateError";
  }
}

export function decodeStoredState(props: Record<string, unknown>): StoredState {
  const state: Record<string, unknown> = {};
  for (const [key, codec] of Object.entries(storedFields)) {
    const decoded = codec.decode(props[key]);
    if (decoded._tag === "Right") state[key] = decoded.right;
  }
  const stored = state as StoredState;
  if (stored.stateVersion !== undefined && stored.stateVersion > STATE_VERSION) {
    throw new NewerStateError(stored.stateVersion);
  }
  return stored;
}
