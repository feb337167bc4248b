/**
 * The plugin's progress lines reach the engine in the order they were written: the engine shows each as it handles
 * it, and calls sent side by side were seen handled out of order ("waiting for order N" before "placed order N").
 */
import * as grpc from "@grpc/grpc-js";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import { expect } from "chai";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { engineLog } from "../../provider/plugin/engineLog";

describe("provider plugin: progress lines to the engine", () => {
  it("are handled one after another, in the order written, with their resource's URN", async () => {
    const handled: { line: string; urn: string }[] = [];
    let calls = 0;
    const server = new grpc.Server();
    server.addService(EngineService, {
      // The first call takes longer to handle than the next: side by side, the second would be shown first.
      log: (call: grpc.ServerUnaryCall<LogRequest, Empty>, done: grpc.sendUnaryData<Empty>) => {
        const delay = calls++ === 0 ? 100 : 0;
        setTimeout(() => {
          handled.push({ line: call.request.getMessage(), urn: call.request.getUrn() });
          done(null, new Empty());
        }, delay);
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    try {
      const log = engineLog(`127.0.0.1:${port}`);
      const lines = ["placed order 7", "order 7 is needs_approval: waiting", "order 7: issued"];
      for (const line of lines) log(line, "urn:a");
      const deadline = Date.now() + 5_000;
      while (handled.length < lines.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(handled).to.deep.equal(lines.map((line) => ({ line, urn: "urn:a" })));
    } finally {
      server.forceShutdown();
    }
  });
});
