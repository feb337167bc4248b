/**
 * The first Ctrl-C of `pulumi up`: the engine sends Cancel, and a wait for issuance (of an order or of a reissue)
 * ends at once with the partial failure that keeps the order in state; no further poll is made.
 */
import { expect } from "chai";
import * as diagnostics from "diagnostics_channel";
import { CancellationSource } from "../../provider/core/cancellation";
import { watchHostCancel } from "../../provider/dynamic/hostCancel";
import { ResourceInitError } from "../../provider/operations/hostFailure";
import { RSA_3072_CSR } from "../fixtures/certificateRequests";
import { ovHsmInputs } from "../fixtures/digicertExample";
import { instantClock, providerFor, rejectionOf, useEmulator } from "./providerFixture";

const orderInfoReads = (paths: string[], orderId: number) =>
  paths.filter((p) => p === `/order/certificate/${orderId}`).length;

describe("provider: a cancelled deployment stops waiting", () => {
  const emulator = useEmulator();

  it("a wait for issuance ends at the cancel with a partial failure carrying the order, and polls no more", async () => {
    const cancellation = new CancellationSource(true);
    let sleeps = 0;
    // The user presses Ctrl-C during the second pause between polls.
    const clock = instantClock(Date.now(), async () => {
      if (++sleeps === 2) cancellation.cancel();
    });
    const { provider, logs } = providerFor(emulator(), {}, { clock, cancellation });
    const error = await rejectionOf(
      provider.create({ ...ovHsmInputs("codesigning/dev/cancel"), waitFor: "issued", waitTimeout: "30m" }),
    );
    expect(error).to.be.instanceOf(ResourceInitError);
    const order = emulator().orders()[0]!;
    expect(emulator().orders()).to.have.length(1);
    expect(error.id).to.equal(String(order.id));
    expect(error.properties).to.include({ orderId: order.id });
    expect(error.message).to.match(
      new RegExp(
        `^Stopped waiting for order ${order.id} \\(status needs_approval\\): the deployment was cancelled\\.`,
      ),
    );
    expect(error.message).to.match(/recorded in state/);
    // One poll after the first pause; none after the cancel.
    const paths = emulator()
      .requests()
      .map((r) => r.path);
    expect(orderInfoReads(paths, order.id)).to.equal(1);
    expect(clock.slept).to.have.length(2);
    expect(logs.join("\n")).to.match(
      /waiting up to 30m for it to be issued \(Ctrl-C once stops waiting; the order stays in state\)/,
    );
  });

  it("a cancel that came before the wait stops it before any poll", async () => {
    const cancellation = new CancellationSource(true);
    cancellation.cancel();
    const { provider } = providerFor(emulator(), {}, { cancellation });
    const error = await rejectionOf(
      provider.create({
        ...ovHsmInputs("codesigning/dev/cancel-early"),
        waitFor: "approved",
        waitTimeout: "1h",
      }),
    );
    expect(error).to.be.instanceOf(ResourceInitError);
    expect(error.message).to.match(/the deployment was cancelled/);
    expect(emulator().orders()).to.have.length(1);
  });

  it("where no cancel can arrive, the first wait line does not offer Ctrl-C", async () => {
    emulator().setAutoProgress("on-read");
    const { provider, logs } = providerFor(emulator(), {}, { cancellation: new CancellationSource(false) });
    await provider.create({
      ...ovHsmInputs("codesigning/dev/no-cancel"),
      waitFor: "issued",
      waitTimeout: "2h",
    });
    expect(logs.join("\n")).to.match(/waiting up to 2h for it to be issued/);
    expect(logs.join("\n")).to.not.match(/Ctrl-C/);
  });

  it("a wait for a reissue ends at the cancel, the reissue recorded, none sent again", async () => {
    const cancellation = new CancellationSource(true);
    const { provider } = providerFor(emulator(), {}, { cancellation });
    const inputs = { ...ovHsmInputs("codesigning/dev/cancel-reissue"), skipApproval: true };
    const created = await provider.create(inputs);
    emulator().issue(Number(created.id));
    const issued = (await provider.read(created.id, created.outs)).props!;
    const rotated = {
      ...inputs,
      certificate: { csr: RSA_3072_CSR, serverPlatform: { id: -1 } },
      waitFor: "issued",
      waitTimeout: "1h",
    };
    cancellation.cancel();
    const error = await rejectionOf(provider.update(created.id, issued, rotated));
    expect(error).to.be.instanceOf(ResourceInitError);
    expect(error.message).to.match(
      new RegExp(`^Stopped waiting for the reissue of order ${created.id}.*: the deployment was cancelled`),
    );
    expect(error.properties).to.include({ status: "reissue_pending" });
    const reissuePosts = emulator()
      .requests()
      .filter((r) => r.method === "POST" && r.path.endsWith("/reissue"));
    expect(reissuePosts).to.have.length(1);
  });
});

describe("watchHostCancel: the engine's Cancel as the provider host receives it", () => {
  const HOST = "/app/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js";
  const SERVER = "/app/node_modules/@grpc/grpc-js/build/src/server.js";

  function fakeGrpc() {
    const seen: string[] = [];
    class Server {
      _retrieveHandler(path: string) {
        seen.push(path);
        return `handler for ${path}`;
      }
    }
    return { Server, seen };
  }
  const cacheOf = (modules: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(modules).map(([name, exports]) => [name, { exports } as NodeModule]),
    ) as NodeJS.Dict<NodeModule>;

  it("inside the host, a Cancel call to its gRPC server cancels; every call still reaches its handler", () => {
    const grpc = fakeGrpc();
    const source = new CancellationSource();
    expect(watchHostCancel(source, cacheOf({ [HOST]: {}, [SERVER]: { Server: grpc.Server } }))).to.equal(
      true,
    );
    const server = new grpc.Server();
    expect(server._retrieveHandler("/pulumirpc.ResourceProvider/Create")).to.equal(
      "handler for /pulumirpc.ResourceProvider/Create",
    );
    expect(source.cancelled).to.equal(false);
    server._retrieveHandler("/pulumirpc.ResourceProvider/Cancel");
    expect(source.cancelled).to.equal(true);
    expect(grpc.seen).to.deep.equal([
      "/pulumirpc.ResourceProvider/Create",
      "/pulumirpc.ResourceProvider/Cancel",
    ]);
  });

  it("inside the host, a Cancel stream the http2 server publishes on diagnostics_channel cancels", () => {
    const source = new CancellationSource();
    // A gRPC server it does not know: only the public channel can carry the Cancel.
    watchHostCancel(source, cacheOf({ [HOST]: {}, [SERVER]: { Server: class {} } }));
    const streams = diagnostics.channel("http2.server.stream.start");
    streams.publish({ headers: { ":path": "/pulumirpc.ResourceProvider/Create" } });
    expect(source.cancelled).to.equal(false);
    streams.publish({ headers: { ":path": "/pulumirpc.ResourceProvider/Cancel" } });
    expect(source.cancelled).to.equal(true);
  });

  it("outside the host (a program, a test), or with a gRPC server it does not know, nothing is watched", () => {
    const grpc = fakeGrpc();
    const original = grpc.Server.prototype._retrieveHandler;
    expect(
      watchHostCancel(new CancellationSource(), cacheOf({ [SERVER]: { Server: grpc.Server } })),
    ).to.equal(false);
    expect(grpc.Server.prototype._retrieveHandler).to.equal(original);
    expect(
      watchHostCancel(new CancellationSource(), cacheOf({ [HOST]: {}, [SERVER]: { Server: class {} } })),
    ).to.equal(false);
  });
});
