/**
 * The one wait (followOrder): a fake client answering scripted statuses, an instant clock, a cancellation. Each way
 * out is a fact the caller words: reached, never, timeout, read-failed, cancelled.
 */
import { expect } from "chai";
import { CancellationSource } from "../../provider/core/cancellation";
import { OrderInfoResponse } from "../../provider/client/answers";
import { FollowContext, followOrder } from "../../provider/core/follower";
import { instantClock } from "../provider/providerFixture";

const MINUTE = 60_000;

/** A context whose order info answers `statuses` in turn (the last one again after that); "fail" throws. */
function contextAnswering(statuses: string[], onSleep: () => Promise<void> = async () => undefined) {
  const clock = instantClock(Date.UTC(2026, 11, 4), onSleep);
  const cancellation = new CancellationSource(true);
  let reads = 0;
  const ctx: FollowContext = {
    clock,
    cancellation,
    settings: { pollIntervalMs: MINUTE },
    client: {
      orderInfo: async (orderId: number): Promise<OrderInfoResponse> => {
        const status = statuses[Math.min(reads++, statuses.length - 1)]!;
        if (status === "fail") throw new Error("connection failed (ECONNRESET)");
        return { id: orderId, status };
      },
    },
  };
  return { ctx, clock, cancellation, reads: () => reads };
}

const follow = (ctx: FollowContext, deadlineMs: number, seen: string[] = []) =>
  followOrder(ctx, {
    orderId: 7,
    initial: "needs_approval",
    next: async (info) => String(info.status),
    judge: (status) => (status === "issued" ? "reached" : status === "rejected" ? "never" : "wait"),
    deadline: ctx.clock.now() + deadlineMs,
    onPoll: (previous, status) => seen.push(`${previous}→${status}`),
  });

describe("followOrder: the one wait", () => {
  it("polls until the judge is satisfied, backing off by half up to 5 minutes", async () => {
    const { ctx, clock } = contextAnswering([
      "needs_approval",
      "pending",
      "pending",
      "pending",
      "pending",
      "issued",
    ]);
    const seen: string[] = [];
    const outcome = await follow(ctx, 60 * MINUTE, seen);
    expect(outcome).to.deep.equal({ kind: "reached", state: "issued" });
    expect(clock.slept).to.deep.equal([
      MINUTE,
      1.5 * MINUTE,
      2.25 * MINUTE,
      3.375 * MINUTE,
      5 * MINUTE,
      5 * MINUTE,
    ]);
    expect(seen[0]).to.equal("needs_approval→needs_approval");
    expect(seen[5]).to.equal("pending→issued");
  });

  it("stops at the deadline, the last pause cut to it", async () => {
    const { ctx, clock } = contextAnswering(["pending"]);
    const outcome = await follow(ctx, 2 * MINUTE);
    expect(outcome).to.deep.include({ kind: "stopped", why: "timeout", state: "pending" });
    expect(clock.slept).to.deep.equal([MINUTE, MINUTE]);
  });

  it("stops when the order dies", async () => {
    const { ctx } = contextAnswering(["pending", "rejected"]);
    expect(await follow(ctx, 60 * MINUTE)).to.deep.include({
      kind: "stopped",
      why: "never",
      state: "rejected",
    });
  });

  it("stops when a read fails, with the last state known and the error", async () => {
    const { ctx } = contextAnswering(["pending", "fail"]);
    const outcome = await follow(ctx, 60 * MINUTE);
    expect(outcome).to.deep.include({ kind: "stopped", why: "read-failed", state: "pending" });
    expect(String((outcome as { error?: unknown }).error)).to.match(/ECONNRESET/);
  });

  it("stops at once when cancelled during a pause, and reads no more", async () => {
    let sleeps = 0;
    const fixture = contextAnswering(["pending"], async () => {
      if (++sleeps === 3) fixture.cancellation.cancel();
    });
    const outcome = await follow(fixture.ctx, 60 * MINUTE);
    expect(outcome).to.deep.include({ kind: "stopped", why: "cancelled", state: "pending" });
    expect(fixture.reads()).to.equal(2);
  });

  it("a deployment cancelled before the wait reads nothing", async () => {
    const { ctx, cancellation, reads } = contextAnswering(["issued"]);
    cancellation.cancel();
    expect(await follow(ctx, 60 * MINUTE)).to.deep.include({ kind: "stopped", why: "cancelled" });
    expect(reads()).to.equal(0);
  });

  it("stops at once when cancelled while a read hangs (DigiCert not answering): the read's answer is dropped", async () => {
    const { ctx, cancellation } = contextAnswering(["pending"]);
    let release: (info: OrderInfoResponse) => void = () => undefined;
    const hanging: FollowContext = {
      ...ctx,
      client: {
        orderInfo: () =>
          new Promise<OrderInfoResponse>((resolve) => {
            release = resolve;
            cancellation.cancel(); // Ctrl-C while the read is in flight
          }),
      },
    };
    const outcome = await follow(hanging, 60 * MINUTE);
    expect(outcome).to.deep.include({ kind: "stopped", why: "cancelled", state: "needs_approval" });
    release({ id: 7, status: "issued" }); // too late: nothing follows it
  });

  it("tells the read the wait's deadline, so that its retries do not outlast it", async () => {
    const { ctx } = contextAnswering(["pending"]);
    const untils: (number | undefined)[] = [];
    const answering: FollowContext = {
      ...ctx,
      client: {
        orderInfo: async (orderId, opts) => {
          untils.push(opts?.until);
          return { id: orderId, status: "pending" };
        },
      },
    };
    const deadline = ctx.clock.now() + 3 * MINUTE;
    await follow(answering, 3 * MINUTE);
    expect(untils.length).to.be.greaterThan(0);
    expect(untils.every((u) => u === deadline)).to.equal(true);
  });
});
