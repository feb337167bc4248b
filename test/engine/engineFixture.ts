import * as path from "path";
import { captureRegistrations, Registration } from "../support/captureProgram";
import { CODE_SIGNING_ORDER_TYPE } from "../support/providerHost";

export const PROJECT = "codesigning";
export const STACK = "dev";

/** Registers the example program under mocks and returns its one CodeSigningOrder, as the engine would send it. */
export async function captureOrder(): Promise<Registration> {
  const registrations = await captureRegistrations({
    programModule: path.join(__dirname, "programs", "orderProgram.js"),
    project: PROJECT,
    stack: STACK,
  });
  const order = registrations.find((r) => r.type === CODE_SIGNING_ORDER_TYPE);
  if (!order) throw new Error(`no ${CODE_SIGNING_ORDER_TYPE} registered`);
  if (typeof order.inputs.__provider !== "string") throw new Error("__provider is not a plain string");
  return order;
}
