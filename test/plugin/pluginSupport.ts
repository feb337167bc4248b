/** What the plugin suites share: the order they declare, and a gRPC handler called in-process. */
import * as grpc from "@grpc/grpc-js";
import { DigicertPlugin } from "../../provider/plugin/server";
import { RSA_3072_CSR } from "../fixtures/certificateRequests";

type Props = Record<string, unknown>;

/** An OV order for an HSM (email provisioning with a CSR), as a program declares it. */
export const declaredOrder = (): Props => ({
  product: "code_signing",
  certificate: { serverPlatform: { id: -1 }, signatureHash: "sha256", csr: RSA_3072_CSR },
  organization: { id: 123456 },
  orderValidity: { years: 1 },
  csProvisioningMethod: "email",
});

/** One of the plugin's gRPC handlers called as grpc-js would, answered through its callback. */
export function invokeHandler<Res>(plugin: DigicertPlugin, method: string, request: unknown): Promise<Res> {
  const handler = plugin.handlers()[method] as (
    call: { request: unknown },
    done: grpc.sendUnaryData<Res>,
  ) => void;
  return new Promise((resolve, reject) =>
    handler({ request }, (error, response) =>
      error ? reject(new Error(error.details ?? "the handler failed")) : resolve(response as Res),
    ),
  );
}
