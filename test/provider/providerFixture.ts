import { Cancellation, CancellationSource } from "../../provider/core/cancellation";
import { Clock } from "../../provider/client/clock";
import { RateLimiter } from "../../provider/client/rateLimiter";
import { CodeSigningOrderProvider } from "../../provider/operations/codeSigningOrderProvider";
import { ReplacementMemory } from "../../provider/core/replacementMemory";
import { noPendingPosts, PendingPosts } from "../../provider/core/pendingPosts";
import { Emulator, EmulatorOptions, startEmulator } from "../../emulator";

export const EMULATOR_KEY = "emulator-api-key";

/**
 * A clock whose sleeps return at once and move time forward: backoff, polling and deadlines run in no real
 * time and always the same way. `now` starts from the real time so dates compare sensibly with the emulator's.
 */
export function instantClock(
  start = Date.now(),
  /** Runs at each sleep, before it returns: what happens in the world while the provider waits. */
  onSleep: () => Promise<void> = async () => undefined,
): Clock & { slept: number[] } {
  let offset = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => start + offset,
    sleep: async (ms) => {
      slept.push(ms);
      offset += Math.max(0, ms);
      await onSleep();
      await new Promise((resolve) => setImmediate(resolve));
    },
    random: () => 0.5,
  };
}

/**
 * A clock `daysAhead` days after the real time: the provider's "now" near the end of an order the emulator places
 * now (renewals that need a new order, because the order itself runs out, not only its certificate).
 */
export function clockAhead(daysAhead: number): Clock & { slept: number[] } {
  return instantClock(Date.now() + daysAhead * 86_400_000);
}

/** Stack config as `configure()` receives it (namespaced keys). */
export function stackConfig(values: Record<string, string>) {
  return { get: (key: string) => values[key] };
}

export interface ProviderUnderTest {
  provider: CodeSigningOrderProvider;
  logs: string[];
  clock: Clock & { slept: number[] };
}

/** A provider pointed at the emulator, with an instant clock, no rate limit, and no environment. */
export function providerFor(
  emulator: Emulator,
  config: Record<string, string> = {},
  opts: {
    limiter?: RateLimiter;
    clock?: Clock & { slept: number[] };
    pendingPosts?: PendingPosts;
    cancellation?: Cancellation;
  } = {},
): ProviderUnderTest {
  const logs: string[] = [];
  const clock = opts.clock ?? instantClock();
  const provider = new CodeSigningOrderProvider(
    stackConfig({ "digicert:apiKey": EMULATOR_KEY, "digicert:baseUrl": emulator.baseUrl, ...config }),
    {
      clock,
      env: {},
      log: (line) => logs.push(line),
      limiter: opts.limiter ?? new RateLimiter([], clock),
      // Each test's own: the emulator's order IDs restart on reset, real DigiCert's never repeat.
      memory: new ReplacementMemory(),
      // Nothing on this machine's disk: each test's "next run" is told only what DigiCert says.
      pendingPosts: opts.pendingPosts ?? noPendingPosts,
      // Never cancelled unless the test says so (not the process's, which watches a provider host).
      cancellation: opts.cancellation ?? new CancellationSource(),
    },
  );
  return { provider, logs, clock };
}

/** Runs `promise` and returns what it threw (failing the test if it did not throw). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error as Error & Record<string, unknown>;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error("expected a rejection, but it resolved");
}

/**
 * Starts one emulator for the enclosing `describe` (no rate limits unless given), resets it before each test,
 * and closes it after. Returns a getter, since the emulator exists only once the `before` hook ran.
 */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
  let emulator: Emulator | undefined;
  before(async () => {
    emulator = await startEmulator({ rateLimits: [], ...options });
  });
  after(() => emulator?.close());
  beforeEach(() => emulator!.reset());
  return () => emulator!;
}

/** Places an order through the provider, has the emulator approve and issue it, and refreshes it into state. */
export async function placeAndIssue(
  emulator: Emulator,
  provider: CodeSigningOrderProvider,
  inputs: Record<string, unknown>,
  validity: { validTill?: string; validFrom?: string } = {},
): Promise<{ id: string; state: Record<string, unknown> }> {
  const created = await provider.create(inputs);
  emulator.approve(Number(created.id));
  emulator.issue(Number(created.id), validity.validTill === undefined ? undefined : validity);
  return { id: created.id, state: (await provider.read(created.id, created.outs)).props! };
}

/** The emulator answers the next order POST with DigiCert's error `code` (HTTP 400 unless given). */
export function refuseNextOrder(emulator: Emulator, code: string, message: string, status = 400): void {
  emulator.injectFault({
    method: "POST",
    path: "/order/certificate",
    fault: { kind: "error-before", status, code, message },
  });
}

/** The date `days` from the clock's now, as DigiCert writes validity dates. */
export function daysFrom(clock: { now(): number }, days: number): string {
  return new Date(clock.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Creates `inputs` while the emulator stores the order and loses its answer (the connection drops), and every
 * look-up after that fails too: the create fails saying the order may have been placed. Returns that error. The
 * faults are queued up front, in the order the provider meets them: no waiting on real time.
 */
export async function createLosingAnswerAndLookUps(
  emulator: Emulator,
  provider: CodeSigningOrderProvider,
  inputs: Record<string, unknown>,
): Promise<Error & Record<string, unknown>> {
  // The look-up before the POST finds nothing, as it should (a zero delay is no fault)...
  emulator.injectFault({ method: "GET", path: "/order/alternate", fault: { kind: "delay", ms: 0 } });
  // ...the POST stores the order and its answer is lost, and the look-ups after it fail.
  emulator.injectFault({
    method: "GET",
    path: "/order/alternate",
    times: 2,
    fault: { kind: "error-before", status: 503 },
  });
  emulator.injectFault({ method: "POST", path: "/order/certificate", fault: { kind: "drop-after" } });
  return rejectionOf(provider.create(inputs));
}
