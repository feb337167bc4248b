import * as diagnostics from "diagnostics_channel";
import { Cancellation, CancellationSource } from "../core/cancellation";
import { whenLauncherGone } from "../core/processLife";

const HOST_MODULE = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/;
const GRPC_SERVER_MODULE = /[\\/]@grpc[\\/]grpc-js[\\/]build[\\/]src[\\/]server\.js$/;
const CANCEL_PATH = "/pulumirpc.ResourceProvider/Cancel";

interface GrpcServerPrototype {
  _retrieveHandler?: (path: string) => unknown;
}

/**
 * Makes the engine's Cancel reach `source` when this code runs inside the SDK's dynamic-provider host. That host
 * answers Cancel itself and drops it (measured with the real CLI 3.274.1: the first Ctrl-C sends Cancel to the
 * host, and the wait went on to its timeout). Nothing public exposes the call, so the host's own gRPC server
 * (the `@grpc/grpc-js` instance it loaded, found in require.cache, never a copy of ours) is watched as it looks up
 * each call's handler. The host starts plugins in a process group of their own, so the terminal's SIGINT never
 * reaches it. Returns whether the watch is in place; where it cannot be (another host, another grpc-js), waits run
 * to waitTimeout as before, and the progress line does not offer Ctrl-C.
 */
export function watchHostCancel(
  source: CancellationSource,
  cache: NodeJS.Dict<NodeModule> = require.cache,
): boolean {
  const names = Object.keys(cache);
  if (!names.some((name) => HOST_MODULE.test(name))) return false;
  let watching = false;
  for (const name of names.filter((n) => GRPC_SERVER_MODULE.test(n))) {
    const exported: unknown = cache[name]?.exports;
    const server = (exported as { Server?: { prototype?: GrpcServerPrototype } } | undefined)?.Server;
    const prototype = server?.prototype;
    const lookUp = prototype?._retrieveHandler;
    if (prototype === undefined || typeof lookUp !== "function") continue;
    prototype._retrieveHandler = function (this: unknown, path: string) {
      if (path === CANCEL_PATH) source.cancel();
      return lookUp.call(this, path);
    };
    watching = true;
  }
  watchCancelStreams(source);
  // The CLI killed: nobody records what a wait finds, so a wait would only keep polling DigiCert. The host's parent
  // is the `pulumi-resource-pulumi-nodejs` shell launcher, which outlives the CLI (measured: it is re-parented, the
  // host's own parent never changes), so its parent is watched too.
  whenLauncherGone(2, () => source.cancel());
  return watching;
}

/**
 * The same Cancel through a public API, where Node has it: the http2 server publishes each stream it starts, with
 * its headers, on `diagnostics_channel` (measured: Node 22.23 does, Node 20.20 publishes nothing). It holds where
 * grpc-js changes its internals; `observed` still rests on the gRPC watch alone.
 */
function watchCancelStreams(source: CancellationSource): void {
  diagnostics.subscribe("http2.server.stream.start", (message) => {
    const headers = (message as { headers?: Record<string, unknown> } | undefined)?.headers;
    if (headers?.[":path"] === CANCEL_PATH) source.cancel();
  });
}

let processWide: CancellationSource | undefined;

/** The one cancellation of this process: the host serves one deployment, and a Cancel ends it. */
export function processCancellation(): Cancellation {
  if (processWide === undefined) {
    processWide = new CancellationSource();
    processWide.observed = watchHostCancel(processWide);
  }
  return processWide;
}
