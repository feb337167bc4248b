import { expect } from "chai";
import { RollingRateLimiter } from "../../emulator/rateLimit";
import { apiClient, startTestEmulator } from "./harness";

describe("emulator: rate limits", () => {
  describe("RollingRateLimiter", () => {
    it("admits while every window has room, per key, and rolls", () => {
      const limiter = new RollingRateLimiter([
        { limit: 2, windowMs: 1000 },
        { limit: 3, windowMs: 10_000 },
      ]);
      const admit = (key: string, now: number): boolean => {
        if (!limiter.hasRoom(key, now)) return false;
        limiter.record(key, now);
        return true;
      };
      expect([admit("a", 0), admit("a", 100), admit("a", 200)]).to.deep.equal([true, true, false]);
      expect(admit("b", 200)).to.equal(true); // keys are independent
      expect(admit("a", 1000)).to.equal(true); // the admission at 0 has left the 1 s window
      expect(admit("a", 2500)).to.equal(false); // the 10 s window holds three
      expect(admit("a", 10_000)).to.equal(true); // the admission at 0 has left the 10 s window too
    });

    it("admits everything with no windows and refuses nonsense windows", () => {
      const unlimited = new RollingRateLimiter([]);
      for (let index = 0; index < 5000; index++) unlimited.record("a", 0);
      expect(unlimited.hasRoom("a", 0)).to.equal(true);
      expect(() => new RollingRateLimiter([{ limit: 0, windowMs: 10 }])).to.throw(RangeError);
      expect(() => new RollingRateLimiter([{ limit: 1, windowMs: 0 }])).to.throw(RangeError);
    });
  });

  describe("over HTTP with an injected clock", () => {
    it("answers 429 request_limit_exceeded when a window is full; 429s do not count", async () => {
      const { emulator, clock } = await startTestEmulator({
        rateLimits: [
          { limit: 3, windowMs: 5000 },
          { limit: 5, windowMs: 60_000 },
        ],
      });
      try {
        const api = apiClient(emulator);
        const statuses = async (count: number): Promise<number[]> => {
          const result: number[] = [];
          for (let index = 0; index < count; index++)
            result.push((await api.get("/order/certificate/1")).status);
          return result;
        };
        expect(await statuses(4)).to.deep.equal([404, 404, 404, 429]);
        const limited = await api.get("/order/certificate/1");
        expect(limited.data).to.deep.equal({
          errors: [
            { code: "request_limit_exceeded", message: "Service unavailable, please limit request volume" },
          ],
        });
        clock.advance(5000);
        // The burst window rolled; two more fit before the 60 s window (5) is full, 429s having not counted.
        expect(await statuses(3)).to.deep.equal([404, 404, 429]);
        clock.advance(55_000);
        expect(await statuses(1)).to.deep.equal([404]);
        // Invalid keys get 403 and are neither limited nor counted.
        expect((await apiClient(emulator, "bad").get("/order/certificate/1")).status).to.equal(403);
        // reset() forgets the history.
        clock.advance(1);
        await statuses(2);
        expect(await statuses(1)).to.deep.equal([429]);
        emulator.reset();
        expect(await statuses(1)).to.deep.equal([404]);
      } finally {
        await emulator.close();
      }
    });

    it("limits each key separately", async () => {
      const { emulator } = await startTestEmulator({
        apiKeys: ["k1", "k2"],
        rateLimits: [{ limit: 1, windowMs: 1000 }],
      });
      try {
        expect((await apiClient(emulator, "k1").get("/order/certificate/1")).status).to.equal(404);
        expect((await apiClient(emulator, "k1").get("/order/certificate/1")).status).to.equal(429);
        expect((await apiClient(emulator, "k2").get("/order/certificate/1")).status).to.equal(404);
      } finally {
        await emulator.close();
      }
    });
  });
});
