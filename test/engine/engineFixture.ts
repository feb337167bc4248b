import { captureRegistrations, Registration } from "../../harness/captureProgram";
import { CODE_SIGNING_ORDER_TYPE } from "../../harness/providerHost";
import { BASIC_PROGRAM_MODULE } from "../../scripts/lib/stackProject";

export const PROJECT = "codesigning";
export const STACK = "dev";

/**
 * Runs the basic example (DigiCert's own EV example, as a user writes it) under mocks and returns its one
 * CodeSigningOrder: the exact `__provider` and inputs a real deployment would send.
 */
export async function captureOrder(): Promise<Registration> {
  const registrations = await captureRegistrations({
    programModule: BASIC_PROGRAM_MODULE,
    project: PROJECT,
    stack: STACK,
  });
  const order = registrations.find((r) => r.type === CODE_SIGNING_ORDER_TYPE);
  if (!order) throw new Error(`no ${CODE_SIGNING_ORDER_TYPE} registered`);
  if (typeof order.inputs.__provider !== "string") throw new Error("__provider is not a plain string");
  return order;
}
