import { expect } from "chai";
import { Emulator, startEmulator } from "../../emulator";
import { CodeSigningOrderProvider } from "../../provider/operations/codeSigningOrderProvider";
import { ovHsmInputs } from "../fixtures/digicertExample";
import { EMULATOR_KEY, stackConfig } from "../provider/providerFixture";

/**
 * 300 orders created at once through one provider (as the engine's parallelism does, all served by one host
 * process) against an emulator that enforces DigiCert's limits. The limits' time scale is shrunk 10x (100 per
 * 500 ms instead of per 5 s; 1000 per 30 s instead of per 5 min) in both the emulator and the provider's
 * `digicert:rateLimits`, so the run takes seconds; the shape of the problem is the same.
 */
const ORDERS = 300;
const BURST = { limit: 100, windowMs: 500 };
const SUSTAINED = { limit: 1000, windowMs: 30_000 };
const REQUESTS_PER_CREATE = 2; // the lookup by alternative order ID, then the POST
/**
 * How far above the floor the run may finish. A property of the machine as much as of the code: on a busy 2-core
 * machine Node 22 measured 1.34-1.49 and Node 20 up to 1.53, so scripts/ci/test-node-majors.sh raises it there.
 */
const MAX_RATIO = Number(process.env.LOAD_TEST_MAX_RATIO ?? "1.3");

describe("load: 300 concurrent orders under DigiCert's rate limits", function () {
  this.timeout(60_000);
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ rateLimits: [BURST, SUSTAINED] });
  });
  after(() => emulator.close());

  it(`creates every order once, sees no 429, and finishes within ${MAX_RATIO}x the floor the limits impose`, async () => {
    const provider = new CodeSigningOrderProvider(
      stackConfig({
        "digicert:apiKey": EMULATOR_KEY,
        "digicert:baseUrl": emulator.baseUrl,
        "digicert:rateLimits": JSON.stringify([
          { limit: BURST.limit, window: `${BURST.windowMs}ms` },
          { limit: SUSTAINED.limit, window: `${SUSTAINED.windowMs / 1000}s` },
        ]),
      }),
      { env: {}, log: () => undefined },
    );
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: ORDERS }, (_, i) => provider.create(ovHsmInputs(`codesigning/load/order-${i}`))),
    );
    const elapsed = Date.now() - started;
    const failures = results.filter((r) => r.status === "rejected");
    expect(failures.map((f) => String((f as PromiseRejectedResult).reason))).to.deep.equal([]);

    const orders = emulator.orders();
    expect(orders).to.have.length(ORDERS);
    expect(new Set(orders.map((o) => o.alternativeOrderId)).size).to.equal(ORDERS);
    expect(emulator.requests().filter((r) => r.status === 429)).to.have.length(0);

    // The last of N requests cannot start before (ceil(N / burst) - 1) full burst windows have passed.
    const requests = ORDERS * REQUESTS_PER_CREATE;
    const floorMs = (Math.ceil(requests / BURST.limit) - 1) * BURST.windowMs;
    const ratio = elapsed / floorMs;
    console.log(
      `      ${requests} requests in ${elapsed} ms; floor ${floorMs} ms; ratio ${ratio.toFixed(3)}`,
    );
    expect(ratio).to.be.at.most(MAX_RATIO);
  });
});
