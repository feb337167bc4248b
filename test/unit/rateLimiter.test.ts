import { expect } from "chai";
import { RateLimiter } from "../../provider/client/rateLimiter";
import { instantClock } from "../provider/providerFixture";

describe("rate limiter (rolling windows, counted from each answer)", () => {
  it("lets a burst through, then holds the next request until the oldest answer leaves the window", async () => {
    const clock = instantClock(0);
    const limiter = new RateLimiter([{ limit: 3, windowMs: 1000 }], clock);
    const releases = [];
    for (let i = 0; i < 3; i++) releases.push(await limiter.acquire());
    expect(clock.now()).to.equal(0);
    releases.forEach((release) => release()); // answers at t=0
    await limiter.acquire();
    expect(clock.now()).to.equal(1001);
  });

  it("waits for an answer still in flight rather than guessing when DigiCert counted it", async () => {
    const clock = instantClock(0);
    const limiter = new RateLimiter([{ limit: 1, windowMs: 100 }], clock);
    const release = await limiter.acquire();
    let second = false;
    const next = limiter.acquire().then((r) => {
      second = true;
      return r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(second).to.equal(false);
    await clock.sleep(5000); // time passes; the request is still in flight
    expect(second).to.equal(false);
    release(); // answered at t=5000
    await next;
    expect(clock.now()).to.equal(5101);
  });

  it("honours every window at once and serves waiters in order", async () => {
    const clock = instantClock(0);
    const limiter = new RateLimiter(
      [
        { limit: 2, windowMs: 10 },
        { limit: 3, windowMs: 1000 },
      ],
      clock,
    );
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        limiter.acquire().then((release) => {
          order.push(i);
          release();
        }),
      ),
    );
    expect(order).to.deep.equal([0, 1, 2, 3]);
    // Two at 0, one after the 10 ms window, the fourth only after the 1000 ms window.
    expect(clock.now()).to.equal(1001);
  });

  it("with no windows never waits", async () => {
    const clock = instantClock(0);
    const limiter = new RateLimiter([], clock);
    for (let i = 0; i < 500; i++) (await limiter.acquire())();
    expect(clock.slept).to.deep.equal([]);
  });
});
