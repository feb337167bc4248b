/**
 * Progress as it happens: Pulumi shows provider log lines live, so a `pulumi up` that waits for DigiCert (for
 * issuance, a retry, the rate limit, or the look-ups after a lost answer) says what it waits for instead of looking
 * hung.
 */
import { expect } from "chai";
import { RateLimiter } from "../../provider/client/rateLimiter";
import { ovHsmInputs } from "../fixtures/digicertExample";
import { instantClock, providerFor, useEmulator } from "./providerFixture";

describe("provider: progress lines while it waits", () => {
  const emulator = useEmulator();

  it("waitFor logs the start and each status change with the time left", async () => {
    emulator().setAutoProgress("on-read");
    const { provider, logs } = providerFor(emulator(), { "digicert:pollInterval": "10s" });
    await provider.create({
      ...ovHsmInputs("codesigning/dev/progress-wait"),
      waitFor: "issued",
      waitTimeout: "2h",
    });
    expect(logs.some((l) => /is needs_approval: waiting up to 2h for it to be issued/.test(l))).to.equal(
      true,
    );
    expect(
      logs.some((l) => /needs_approval → pending \(waiting for issued, \d+ min left\)/.test(l)),
    ).to.equal(true);
    expect(logs.some((l) => /pending → issued/.test(l))).to.equal(true);
  });

  it("a retried read says what failed and when it tries again", async () => {
    emulator().injectFault({
      method: "GET",
      path: "/order/certificate/",
      fault: { kind: "error-before", status: 503 },
    });
    const created = await providerFor(emulator()).provider.create(
      ovHsmInputs("codesigning/dev/progress-retry"),
    );
    emulator().injectFault({
      method: "GET",
      path: "/order/certificate/",
      fault: { kind: "error-before", status: 503 },
    });
    const { provider, logs } = providerFor(emulator());
    await provider.read(created.id, created.outs);
    expect(logs.some((l) => /HTTP 503.*; trying again in \d+\.\d s \(attempt 2 of 6\)/.test(l))).to.equal(
      true,
    );
  });

  it("a wait of a second or more for the rate limit is logged as it starts, with the queue", async () => {
    const clock = instantClock();
    const limiter = new RateLimiter([{ limit: 1, windowMs: 60_000 }], clock);
    const { provider, logs } = providerFor(emulator(), {}, { limiter, clock });
    await Promise.all([
      provider.create(ovHsmInputs("codesigning/dev/progress-first")),
      provider.create(ovHsmInputs("codesigning/dev/progress-second")),
    ]);
    expect(
      logs.some((l) => /waiting \d+\.\d s for DigiCert's rate limit \(\d+ requests? queued\)/.test(l)),
    ).to.equal(true);
  });
});
