import { expect } from "chai";
import { readSettings, REGION_BASE_URLS } from "../../provider/core/settings";
import { RateLimiter } from "../../provider/client/rateLimiter";
import { DEFAULT_RATE_LIMITS } from "../../emulator";
import { backoffDelayMs, withRetries } from "../../provider/client/retry";
import { CertCentralApiError, CertCentralTransportError } from "../../provider/client/errors";
import { parseDurationMs } from "../../provider/core/duration";
import { instantClock, rejectionOf, stackConfig } from "../provider/providerFixture";

describe("provider settings", () => {
  it("reads stack config first, then the environment, then defaults", () => {
    const fromConfig = readSettings(stackConfig({ "digicert:apiKey": "k1", "digicert:region": "eu" }), {
      DIGICERT_API_KEY: "k2",
    });
    expect(fromConfig).to.include({ apiKey: "k1", baseUrl: REGION_BASE_URLS.eu, timeoutMs: 30_000 });
    const fromEnv = readSettings(stackConfig({}), {
      DIGICERT_API_KEY: "k2",
      DIGICERT_BASE_URL: "http://127.0.0.1:9/services/v2",
    });
    expect(fromEnv).to.include({ apiKey: "k2", baseUrl: "http://127.0.0.1:9/services/v2" });
    const defaults = readSettings(undefined, {});
    expect(defaults.apiKey).to.equal(undefined);
    expect(defaults.baseUrl).to.equal("https://www.digicert.com/services/v2");
    // The stricter of DigiCert's two documented windows: 1000 per 5 minutes, not per 3 (certcentral-api.md §14).
    expect(defaults.rateWindows).to.deep.equal([
      { limit: 100, windowMs: 5000 },
      { limit: 1000, windowMs: 300_000 },
    ]);
  });

  it("the default limits hold a 1001st request until 5 minutes after the first, as the emulator's defaults do", async () => {
    const { rateWindows } = readSettings(undefined, {});
    expect(rateWindows).to.deep.equal(DEFAULT_RATE_LIMITS);
    let now = 0;
    const limiter = new RateLimiter(rateWindows, {
      now: () => now,
      sleep: async () => undefined,
      random: () => 0,
    });
    // 1000 requests, 100 every 5 s (as fast as the burst window allows): the last starts at 49.5 s.
    for (let i = 0; i < 1000; i++) {
      now = Math.floor(i / 100) * 5_001;
      expect(limiter.waitMs(now), `request ${i}`).to.equal(0);
      (await limiter.acquire())();
    }
    // 1000 per 3 minutes would let the 1001st through at 3 minutes; 1000 per 5 minutes holds it until 5.
    now = 180_001;
    expect(limiter.waitMs(now)).to.be.greaterThan(100_000);
    now = 300_001;
    expect(limiter.waitMs(now)).to.equal(0);
  });

  it("refuses a duration that would overflow Node's timers, naming the key and the range", () => {
    for (const [key, value, range] of [
      ["digicert:requestTimeout", "597h", "from 1ms to 10m"],
      ["digicert:requestTimeout", "11m", "from 1ms to 10m"],
      ["digicert:pollInterval", "600h", "from 1ms to 1h"],
    ] as const) {
      expect(() => readSettings(stackConfig({ [key]: value }), {}), key).to.throw(
        new RegExp(`${key} \\(or DIGICERT_\\w+\\) must be a duration ${range}`),
      );
    }
    expect(() =>
      readSettings(stackConfig({ "digicert:rateLimits": '[{"limit":5,"window":"600h"}]' }), {}),
    ).to.throw(/digicert:rateLimits \(or DIGICERT_RATE_LIMITS\) must be JSON .*each window from 1ms to 24h/);
    expect(readSettings(stackConfig({ "digicert:requestTimeout": "10m" }), {}).timeoutMs).to.equal(600_000);
  });

  it("an explicit base URL wins over the region", () => {
    const s = readSettings(
      stackConfig({ "digicert:region": "eu", "digicert:baseUrl": "https://example.test/services/v2" }),
      {},
    );
    expect(s.baseUrl).to.equal("https://example.test/services/v2");
  });

  it("names the bad key and what is allowed, never the value", () => {
    expect(() =>
      readSettings(
        stackConfig({ "digicert:region": "mars", "digicert:requestTimeout": "secret-looking-value" }),
        {},
      ),
    ).to.throw(/digicert:region \(or DIGICERT_REGION\) must be "us" \| "eu".*digicert:requestTimeout/);
    try {
      readSettings(stackConfig({ "digicert:requestTimeout": "secret-looking-value" }), {});
    } catch (error) {
      expect(String(error)).to.not.include("secret-looking-value");
    }
  });

  it("sends the key over plain http only to this machine", () => {
    expect(
      readSettings(stackConfig({ "digicert:baseUrl": "http://localhost:8443/services/v2" }), {}).baseUrl,
    ).to.equal("http://localhost:8443/services/v2");
    expect(() =>
      readSettings(stackConfig({ "digicert:baseUrl": "http://certcentral.example.com/services/v2" }), {}),
    ).to.throw(/digicert:baseUrl \(or DIGICERT_BASE_URL\) must be an https URL/);
  });

  it("parses rate limits and durations", () => {
    const s = readSettings(
      stackConfig({ "digicert:rateLimits": '[{"limit":5,"window":"2s"}]', "digicert:pollInterval": "1m30s" }),
      {},
    );
    expect(s.rateWindows).to.deep.equal([{ limit: 5, windowMs: 2000 }]);
    expect(s.pollIntervalMs).to.equal(90_000);
    expect(parseDurationMs("2h")).to.equal(7_200_000);
    expect(parseDurationMs("500ms")).to.equal(500);
    expect(parseDurationMs("soon")).to.equal(undefined);
    expect(parseDurationMs("")).to.equal(undefined);
  });
});

describe("retries", () => {
  const policy = {
    maxAttempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 300,
    maxElapsedMs: 10_000,
    maxRateLimitedMs: 5_000,
  };

  it("backs off exponentially with jitter, capped", () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(policy, a, () => 1))).to.deep.equal([100, 200, 300, 300]);
    expect(backoffDelayMs(policy, 3, () => 0)).to.equal(0);
  });

  it("a 429 is a refusal, not an attempt: sent again for up to maxRateLimitedMs", async () => {
    const clock = instantClock();
    let calls = 0;
    const error = new CertCentralApiError(429, []);
    const failure = await rejectionOf(
      withRetries(policy, clock, async () => {
        calls++;
        throw error;
      }),
    );
    expect(failure).to.equal(error);
    expect(calls).to.be.greaterThan(policy.maxAttempts);
    expect(clock.slept.reduce((a, b) => a + b, 0)).to.be.at.least(policy.maxRateLimitedMs);
  });

  it("retries 408, 5xx and transport failures, up to the attempt limit", async () => {
    for (const error of [
      new CertCentralApiError(408, []),
      new CertCentralApiError(502, []),
      new CertCentralTransportError("network", "GET", "/x", "reset"),
    ]) {
      let calls = 0;
      const failure = await rejectionOf(
        withRetries(policy, instantClock(), async () => {
          calls++;
          throw error;
        }),
      );
      expect(failure).to.equal(error);
      expect(calls).to.equal(4);
    }
  });

  it("waits at least as long as a Retry-After says, within the policy's ceiling", async () => {
    const clock = instantClock();
    let calls = 0;
    await withRetries(policy, clock, async () => {
      if (++calls < 3) throw new CertCentralApiError(429, [], calls === 1 ? 250 : 60_000);
    });
    expect(clock.slept).to.deep.equal([250, 300]);
  });

  it("does not retry other 4xx", async () => {
    let calls = 0;
    await rejectionOf(
      withRetries(policy, instantClock(), async () => {
        calls++;
        throw new CertCentralApiError(400, [{ code: "bad", message: "m" }]);
      }),
    );
    expect(calls).to.equal(1);
  });

  it("stops when the time budget would be exceeded", async () => {
    let calls = 0;
    await rejectionOf(
      withRetries({ ...policy, maxAttempts: 100, maxElapsedMs: 500 }, instantClock(), async () => {
        calls++;
        throw new CertCentralApiError(503, []);
      }),
    );
    expect(calls).to.be.lessThan(100);
  });
});
