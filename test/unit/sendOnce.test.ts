/**
 * The one send-once engine (sendOnce) with a scripted `send` and `find`, an instant clock, an in-memory marker store
 * and a cancellation: each outcome is a fact the caller words. Nothing is ever sent twice while what the first send
 * may have created could still appear.
 */
import { expect } from "chai";
import { CertCentralApiError, CertCentralTransportError } from "../../provider/client/errors";
import { CancellationSource } from "../../provider/core/cancellation";
import { LifecycleContext } from "../../provider/core/lifecycleContext";
import { PendingPosts } from "../../provider/core/pendingPosts";
import { readSettings } from "../../provider/core/settings";
import {
  GRACE_TIMEOUTS,
  IN_FLIGHT_CHECK_MS,
  Look,
  MAX_POST_ATTEMPTS,
  sendOnce,
  SendOnceSpec,
  Unanswered,
} from "../../provider/core/sendOnce";
import { instantClock } from "../provider/providerFixture";

const SUBJECT = "order\nkey\npcs1";
const settings = readSettings(
  { get: (k) => ({ "digicert:apiKey": "k", "digicert:baseUrl": "http://127.0.0.1:1/services/v2" })[k] },
  {},
);

/** Markers in memory: `since` for a killed writer, `other` for a live one (another process, its POST in flight). */
interface MemoryPending {
  other: number | undefined;
  killedAt: number | undefined;
  readonly markers: Map<string, number>;
  readonly pending: PendingPosts;
}

function memoryPending(): MemoryPending {
  const markers = new Map<string, number>();
  const store: MemoryPending = {
    other: undefined,
    killedAt: undefined,
    markers,
    pending: {
      since: () => store.killedAt,
      inFlightElsewhere: () => store.other,
      mark: (subject, at) => void markers.set(subject, at),
      clear: (subject) => void markers.delete(subject),
    },
  };
  return store;
}

function harness(onSleep: () => Promise<void> = async () => undefined) {
  const clock = instantClock(Date.UTC(2026, 11, 4), onSleep);
  const cancellation = new CancellationSource(true);
  const store = memoryPending();
  const lines: string[] = [];
  const ctx = {
    clock,
    cancellation,
    settings,
    pending: store.pending,
    log: (line: string) => lines.push(line),
  } as unknown as LifecycleContext; // sendOnce reads only these
  return { ctx, clock, cancellation, store, lines };
}

const lost = () =>
  new CertCentralTransportError("timeout", "POST", "/order/certificate/code_signing", "timed out");
const refused = () => new CertCentralApiError(400, [{ code: "invalid_csr", message: "bad CSR" }]);
const rateLimited = () => new CertCentralApiError(429, [{ code: "rate_limit", message: "slow down" }]);

/** A spec whose sends follow `script` (a value is an answer, an Error a failure) and whose looks follow `looks`. */
function spec(script: (string | Error)[], looks: Look<string>[] = []) {
  const sent: number[] = [];
  const looked: Unanswered[] = [];
  const s: SendOnceSpec<string, string> = {
    subject: SUBJECT,
    noun: "order",
    nothingCreated: "no order was placed",
    send: async () => {
      sent.push(sent.length + 1);
      const next = script[Math.min(sent.length - 1, script.length - 1)]!;
      if (next instanceof Error) throw next;
      return next;
    },
    find: async (unanswered) => {
      looked.push(unanswered);
      return looks[Math.min(looked.length - 1, looks.length - 1)] ?? { kind: "none" };
    },
  };
  return { spec: s, sent, looked };
}

describe("sendOnce: the one send-once engine", () => {
  it("sends once and clears its marker", async () => {
    const { ctx, store } = harness();
    const { spec: s, sent, looked } = spec(["order 1"]);
    expect(await sendOnce(ctx, s)).to.deep.equal({ kind: "sent", value: "order 1" });
    expect(sent).to.have.length(1);
    expect(looked).to.deep.equal([]);
    expect(store.markers.size).to.equal(0);
  });

  it("a refusal (4xx) is final, never sent again, and clears the marker", async () => {
    const { ctx, store } = harness();
    const { spec: s, sent } = spec([refused()]);
    const outcome = await sendOnce(ctx, s);
    expect(outcome.kind).to.equal("refused");
    expect(sent).to.have.length(1);
    expect(store.markers.size).to.equal(0);
  });

  it("a lost answer is looked for before anything is sent again; what appears is taken, not sent twice", async () => {
    const { ctx } = harness();
    const {
      spec: s,
      sent,
      looked,
    } = spec([lost(), "never"], [{ kind: "none" }, { kind: "found", found: "order 7", settled: true }]);
    const outcome = await sendOnce(ctx, s);
    expect(outcome).to.include({ kind: "found", found: "order 7" });
    expect(sent).to.have.length(1);
    expect(looked.map((u) => u.kind)).to.deep.equal(["this-run", "this-run"]);
  });

  it("gives up after MAX_POST_ATTEMPTS lost answers with nothing visible, looking through the grace period each time", async () => {
    const { ctx, clock } = harness();
    const { spec: s, sent } = spec([lost()]);
    const outcome = await sendOnce(ctx, s);
    expect(outcome).to.include({ kind: "gave-up", attempts: MAX_POST_ATTEMPTS });
    expect(sent).to.have.length(MAX_POST_ATTEMPTS);
    // Each lost answer is followed by looks for GRACE_TIMEOUTS request timeouts before the next attempt.
    const graceMs = GRACE_TIMEOUTS * settings.timeoutMs;
    expect(clock.now() - Date.UTC(2026, 11, 4)).to.be.at.least(MAX_POST_ATTEMPTS * graceMs);
  });

  it("a 429 is a refusal sent again later, not a lost answer: no attempt counted, nothing looked for", async () => {
    const { ctx } = harness();
    const { spec: s, sent, looked } = spec([rateLimited(), "order 2"]);
    expect(await sendOnce(ctx, s)).to.deep.equal({ kind: "sent", value: "order 2" });
    expect(sent).to.have.length(2);
    expect(looked).to.deep.equal([]);
  });

  it("a killed earlier run's marker: looks for what it sent before sending, and takes it", async () => {
    const { ctx, store, lines } = harness();
    store.killedAt = Date.UTC(2026, 11, 3);
    const { spec: s, sent, looked } = spec(["never"], [{ kind: "found", found: "order 5", settled: true }]);
    const outcome = await sendOnce(ctx, s);
    expect(outcome).to.include({ kind: "found", found: "order 5" });
    expect(sent).to.deep.equal([]);
    expect(looked[0]).to.deep.equal({ kind: "earlier-run", since: Date.UTC(2026, 11, 3) });
    expect(lines.join("\n")).to.match(/An earlier run sent this order .* got no answer/);
  });

  it("another process still sending (CLI killed, its provider alive): waits for it, then looks once and takes its order", async () => {
    let checks = 0;
    const h = harness(async () => {
      // The other process gets its answer after three checks and clears its marker.
      if (++checks === 3) h.store.other = undefined;
    });
    h.store.other = 4242;
    const { spec: s, sent, looked } = spec(["never"], [{ kind: "found", found: "order 9", settled: false }]);
    const outcome = await sendOnce(h.ctx, s);
    expect(outcome).to.include({ kind: "found", found: "order 9" });
    expect(sent).to.deep.equal([]);
    expect(looked).to.have.length(1);
    expect(h.clock.slept).to.deep.equal([IN_FLIGHT_CHECK_MS, IN_FLIGHT_CHECK_MS, IN_FLIGHT_CHECK_MS]);
    expect(h.lines[0]).to.match(/process 4242 .* is still sending this order: waiting up to \d+ s/);
  });

  it("another process that created nothing: after its answer, one look, then this run sends", async () => {
    let checks = 0;
    const h = harness(async () => {
      if (++checks === 1) h.store.other = undefined;
    });
    h.store.other = 4242;
    const { spec: s, sent, looked } = spec(["order 3"]);
    expect(await sendOnce(h.ctx, s)).to.deep.equal({ kind: "sent", value: "order 3" });
    expect(looked).to.have.length(1);
    expect(sent).to.have.length(1);
  });

  it("another process that never finishes: stops without sending, naming it and what to do", async () => {
    const { ctx, store } = harness();
    store.other = 4242;
    const { spec: s, sent } = spec(["never"]);
    const outcome = await sendOnce(ctx, s);
    expect(outcome.kind).to.equal("stopped");
    expect(sent).to.deep.equal([]);
    expect((outcome as { error: Error }).error.message).to.match(
      /process 4242 .* still sending this order after \d+ s: no order was placed by this run.*pulumi up/,
    );
    // Its marker is left to it.
    expect(store.markers.size).to.equal(0);
  });

  it("the deployment cancelled while waiting for another process: stops at once without sending", async () => {
    const h = harness(async () => h.cancellation.cancel());
    h.store.other = 4242;
    const { spec: s, sent } = spec(["never"]);
    const outcome = await sendOnce(h.ctx, s);
    expect(outcome.kind).to.equal("stopped");
    expect((outcome as { error: Error }).error.message).to.match(
      /stopped waiting for it \(the deployment was cancelled\)/,
    );
    expect(sent).to.deep.equal([]);
  });
});
