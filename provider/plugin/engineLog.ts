import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import { stdoutLine } from "../index";

/**
 * Progress lines through the engine's log service (the address the engine launches the plugin with): the CLI shows
 * them in preview and up, where a plugin's stdout is not shown. One call at a time, in the order written: calls sent
 * side by side can arrive out of order ("waiting for order N" shown before "placed order N"). Falls back to stdout
 * when there is no engine or a call fails.
 */
export function engineLog(address: string | undefined): (line: string, urn: string) => void {
  if (!address) return (line) => stdoutLine(line);
  const client = new EngineClient(address, grpc.credentials.createInsecure());
  let previous: Promise<void> = Promise.resolve();
  return (line, urn) => {
    const req = new LogRequest().setSeverity(LogSeverity.INFO).setMessage(line).setUrn(urn);
    previous = previous.then(
      () =>
        new Promise<void>((resolve) =>
          client.log(req, (error) => {
            if (error) stdoutLine(line);
            resolve();
          }),
        ),
    );
  };
}
