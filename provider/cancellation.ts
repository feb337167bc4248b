import { Clock } from "./clock";

/**
 * The deployment being cancelled: the first Ctrl-C of `pulumi up` makes the engine send the provider a Cancel.
 * Waits (polling an order until it is issued) end early on it, with the partial failure that keeps the order in
 * state. Nothing else is cut short: a POST in flight, or a look-up for one whose answer was lost, always finishes.
 */
export interface Cancellation {
  readonly cancelled: boolean;
  /** Resolves once cancelled; never rejects. */
  readonly whenCancelled: Promise<void>;
  /** Whether a cancel can reach this process at all (a progress line then says how to stop waiting). */
  readonly observed: boolean;
}

export class CancellationSource implements Cancellation {
  cancelled = false;
  readonly whenCancelled: Promise<void>;
  private resolve!: () => void;

  constructor(public observed = false) {
    this.whenCancelled = new Promise((resolve) => (this.resolve = resolve));
  }

  cancel(): void {
    this.cancelled = true;
    this.resolve();
  }
}

/** Sleeps `ms` on the clock, unless cancelled first (or already). */
export async function sleepUnlessCancelled(
  clock: Clock,
  ms: number,
  cancellation: Cancellation,
): Promise<"slept" | "cancelled"> {
  if (cancellation.cancelled) return "cancelled";
  return Promise.race([
    clock.sleep(ms).then(() => "slept" as const),
    cancellation.whenCancelled.then(() => "cancelled" as const),
  ]);
}

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
  return watching;
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
