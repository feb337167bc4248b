/**
 * The baseline: a dynamic provider as a user would write it by hand from Pulumi's docs and DigiCert's example.
 * It POSTs the same snake_case body with plain axios: no validation (no check), no diff, no idempotency (no
 * alternative order ID, no lookup), no rate limiter, no retries. The key and base URL come from the environment at
 * call time, so they stay out of state. axios is captured at module level, so its path is written into state.
 */
import * as pulumi from "@pulumi/pulumi";
import axios from "axios";
import { PRODUCT, PROGRAM_RESOURCE_NAMES, SAMPLE_BODY } from "./sample";

export const BASELINE_MODULE = "baseline";
export const BASELINE_TYPE = "Order";

const baselineProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    const res = await axios.post(
      `${process.env.DIGICERT_BASE_URL}/order/certificate/${inputs.product}`,
      inputs.body,
      { headers: { "X-DC-DEVKEY": process.env.DIGICERT_API_KEY ?? "" } },
    );
    return { id: String(res.data.id), outs: { ...inputs, orderId: res.data.id } };
  },

  async read(id, props) {
    const res = await axios.get(`${process.env.DIGICERT_BASE_URL}/order/certificate/${id}`, {
      headers: { "X-DC-DEVKEY": process.env.DIGICERT_API_KEY ?? "" },
    });
    return { id, props: { ...props, status: res.data.status } };
  },

  async delete(id) {
    await axios.put(
      `${process.env.DIGICERT_BASE_URL}/order/certificate/${id}/status`,
      { status: "canceled", note: "Deleted by Pulumi" },
      { headers: { "X-DC-DEVKEY": process.env.DIGICERT_API_KEY ?? "" } },
    );
  },
};

// dynamic.Resource is abstract in the SDK's typings (not at run time), hence the empty subclass.
class BaselineOrder extends pulumi.dynamic.Resource {}

/** One order per name, as `declareOrders` in orderProgram.ts. */
export function declareOrders(names: readonly string[]): void {
  for (const name of names) {
    new BaselineOrder(
      baselineProvider,
      name,
      { product: PRODUCT, body: SAMPLE_BODY },
      {},
      BASELINE_MODULE,
      BASELINE_TYPE,
    );
  }
}

export default function program(): void {
  declareOrders(PROGRAM_RESOURCE_NAMES);
}
