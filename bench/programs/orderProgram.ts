/** A user's program with `CodeSigningOrder` resources: the bench captures their `__provider` and inputs. */
import { CodeSigningOrder } from "../../sdk";
import { PROGRAM_RESOURCE_NAMES, SAMPLE_ARGS } from "./sample";

/** One order per name: what a user's loop over certificates declares. */
export function declareOrders(names: readonly string[]): void {
  for (const name of names) new CodeSigningOrder(name, SAMPLE_ARGS);
}

export default function program(): void {
  declareOrders(PROGRAM_RESOURCE_NAMES);
}
