import * as grpc from "@grpc/grpc-js";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { ResourceInitError } from "../index";
import { encodeProps } from "./wire";

/*
 * The gRPC side of the plugin's calls: a handler's promise as a unary call, a thrown error as a gRPC status (a
 * partial failure as the engine's ErrorResourceInitFailed, so the order reaches state), and the server itself.
 */

type Call<Req, Res> = grpc.ServerUnaryCall<Req, Res>;
type Done<Res> = grpc.sendUnaryData<Res>;

/** A partial failure as the engine records it: ErrorResourceInitFailed with the order's ID and properties. */
class InitFailedReply extends Error {
  constructor(
    readonly error: ResourceInitError,
    readonly secretKeys: ReadonlySet<string>,
  ) {
    super(error.message);
  }
}

export function initFailure(secretKeys: ReadonlySet<string>): (error: unknown) => never {
  return (error) => {
    if (error instanceof ResourceInitError) throw new InitFailedReply(error, secretKeys);
    throw error;
  };
}

function grpcError(error: unknown): Partial<grpc.StatusObject> {
  const message = error instanceof Error ? error.message : String(error);
  const metadata = new grpc.Metadata();
  if (error instanceof InitFailedReply) {
    const detail = new pb.ErrorResourceInitFailed()
      .setId(error.error.id)
      .setProperties(encodeProps(error.error.properties, error.secretKeys))
      .setReasonsList(error.error.reasons);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new Status().setCode(grpc.status.UNKNOWN).setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

export function unary<Req, Res>(handle: (req: Req) => Promise<Res>) {
  return (call: Call<Req, Res>, callback: Done<Res>): void => {
    handle(call.request).then(
      (res) => callback(null, res),
      (error: unknown) => callback(grpcError(error)),
    );
  };
}

/** Serves the plugin on 127.0.0.1 and resolves with the port. */
export async function serve(
  handlers: grpc.UntypedServiceImplementation,
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  server.addService(ResourceProviderService, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { server, port };
}
