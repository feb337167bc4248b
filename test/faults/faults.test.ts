import { expect } from "chai";
import { Emulator, startEmulator } from "../../emulator";
import { ResourceInitError } from "../../provider/operations/hostFailure";
import { systemClock } from "../../provider/client/clock";
import { RateLimiter } from "../../provider/client/rateLimiter";
import { CertCentralClient } from "../../provider/client/certcentralClient";
import { DEFAULT_RETRY_POLICY } from "../../provider/client/retry";
import { ovHsmInputs } from "../fixtures/digicertExample";
import {
  EMULATOR_KEY,
  instantClock,
  providerFor,
  rejectionOf,
  useEmulator,
  refuseNextOrder,
  createLosingAnswerAndLookUps,
  placeAndIssue,
} from "../provider/providerFixture";

/**
 * Fault injection: for each way a request to DigiCert can go wrong, exactly one order exists per resource, its
 * ID reaches state (or the partial-failure error that puts it there), and the message says what happened.
 */
const inputs = ovHsmInputs("codesigning/dev/faults");

/** The real clock, for faults that play out in real time (an order stored after the client gave up). */
function realClock() {
  return { ...systemClock, slept: [] as number[] };
}

describe("fault injection: never lose or duplicate a paid order", () => {
  const emulatorOf = useEmulator();
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });

  function ordersCarrying(alternativeOrderId: unknown) {
    return emulator.orders().filter((o) => o.alternativeOrderId === alternativeOrderId);
  }
  function posts() {
    return emulator.requests().filter((r) => r.method === "POST").length;
  }

  it("5xx before the order is stored: looked up for a while, none found, sent again once: one order", async () => {
    emulator.injectFault({
      method: "POST",
      path: "/order/certificate",
      fault: { kind: "error-before", status: 503 },
    });
    const { provider, clock } = providerFor(emulator, { "digicert:requestTimeout": "2s" });
    const { id, outs } = await provider.create(inputs);
    expect(ordersCarrying(outs.assignedAlternativeOrderId)).to.have.length(1);
    expect(emulator.orders()).to.have.length(1);
    expect(id).to.equal(String(emulator.orders()[0]!.id));
    const calls = emulator.requests().map((r) => `${r.method} ${r.path.split("/").slice(0, 3).join("/")}`);
    // lookup, POST (503), look-ups for three request timeouts (DigiCert may still be storing it), POST
    expect(calls[0]).to.equal("GET /order/alternate");
    expect(calls[1]).to.equal("POST /order/certificate");
    expect(calls.slice(2, -1).every((c) => c === "GET /order/alternate")).to.equal(true);
    expect(calls.length).to.be.greaterThan(4);
    expect(calls[calls.length - 1]).to.equal("POST /order/certificate");
    expect(clock.slept.reduce((a, b) => a + b, 0)).to.be.at.least(6000);
  });

  for (const [name, fault] of [
    ["5xx after the order is stored", { kind: "error-after", status: 500 }],
    ["the connection dropped after the order is stored (the answer lost)", { kind: "drop-after" }],
    ["a malformed JSON body", { kind: "malformed-json" }],
  ] as const) {
    it(`${name}: the order is found by its alternative order ID and adopted, never placed twice`, async () => {
      emulator.injectFault({ method: "POST", path: "/order/certificate", fault });
      const { provider, logs } = providerFor(emulator);
      const { id, outs } = await provider.create(inputs);
      expect(emulator.orders()).to.have.length(1);
      expect(posts()).to.equal(1);
      expect(id).to.equal(String(emulator.orders()[0]!.id));
      expect(outs).to.include({ orderId: emulator.orders()[0]!.id, status: "needs_approval" });
      expect(logs.join("\n")).to.match(/adopting it/);
    });
  }

  it("a response slower than the client timeout: found and adopted", async () => {
    emulator.injectFault({ method: "POST", path: "/order/certificate", fault: { kind: "delay", ms: 700 } });
    const { provider } = providerFor(emulator, { "digicert:requestTimeout": "250ms" });
    const { id } = await provider.create(inputs);
    expect(emulator.orders()).to.have.length(1);
    expect(id).to.equal(String(emulator.orders()[0]!.id));
    expect(posts()).to.equal(1);
  });

  it("429 bursts on lookups and on the POST: retried with backoff, one order", async () => {
    emulator.injectFault({
      method: "GET",
      path: "/order/alternate",
      times: 2,
      fault: { kind: "rate-limited" },
    });
    emulator.injectFault({
      method: "POST",
      path: "/order/certificate",
      times: 2,
      fault: { kind: "rate-limited" },
    });
    const { provider, clock } = providerFor(emulator);
    const { id } = await provider.create(inputs);
    expect(emulator.orders()).to.have.length(1);
    expect(id).to.equal(String(emulator.orders()[0]!.id));
    expect(emulator.requests().filter((r) => r.status === 429)).to.have.length(4);
    expect(clock.slept.length).to.be.at.least(4);
  });

  it("403 bad key: a clear error, no order, no key in the message", async () => {
    const { provider, logs } = providerFor(emulator, { "digicert:apiKey": "not-the-key-0042" });
    const error = await rejectionOf(provider.create(inputs));
    expect(error.message).to.match(
      /^CertCentral access_denied\|access_denied_invalid_key: Access denied due to access_denied_invalid_key\. \(HTTP 403\)\. DigiCert at .* did not accept the API key from digicert:apiKey \(stack config\), so no order was placed\. Check the key/,
    );
    expect(emulator.orders()).to.have.length(0);
    expect(JSON.stringify([error.message, error.stack, logs])).to.not.include("not-the-key-0042");
  });

  it("unknown order status values and unknown extra fields are read, not rejected", async () => {
    const { provider } = providerFor(emulator);
    const { id, outs } = await provider.create(inputs);
    emulator.setStatus(Number(id), "awaiting_quantum_review");
    emulator.injectFault({ method: "GET", path: "/order/certificate/", fault: { kind: "extra-fields" } });
    const read = await provider.read(id, outs);
    expect(read.props).to.include({ status: "awaiting_quantum_review", orderId: Number(id) });
  });

  it("a wait that outlasts its deadline: a partial failure carrying the order's ID, status and properties", async () => {
    const { provider } = providerFor(emulator, { "digicert:pollInterval": "10s" });
    const error = await rejectionOf(provider.create({ ...inputs, waitFor: "issued", waitTimeout: "1m" }));
    expect(error).to.be.instanceOf(ResourceInitError);
    const order = emulator.orders()[0]!;
    expect(emulator.orders()).to.have.length(1);
    expect(error.id).to.equal(String(order.id));
    expect(error.properties).to.include({ orderId: order.id, status: "needs_approval" });
    expect(error.message).to.match(/exists at DigiCert with status needs_approval/);
    expect(error.message).to.match(/did not reach "issued" within waitTimeout 1m/);
    expect(error.message).to.match(/pulumi refresh/);
  });

  it("the up after a wait that timed out waits again (the engine's Update), and no second order is placed", async () => {
    const { provider, logs } = providerFor(emulator, { "digicert:pollInterval": "10s" });
    const declared = { ...inputs, waitFor: "issued", waitTimeout: "1m" };
    const timedOut = await rejectionOf(provider.create(declared));
    if (!(timedOut instanceof ResourceInitError)) throw timedOut;
    const id = timedOut.id;
    // Still not issued: the update's wait times out too, as a partial failure keeping the order.
    const again = await rejectionOf(provider.update(id, timedOut.properties, declared));
    if (!(again instanceof ResourceInitError)) throw again;
    expect(again.id).to.equal(id);
    expect(again.message).to.match(/did not reach "issued" within waitTimeout 1m/);
    expect(again.properties).to.include({ orderId: Number(id), status: "needs_approval" });
    // DigiCert moves it on: the next up sees it through, with the certificate.
    emulator.setAutoProgress("on-read");
    const { outs } = await provider.update(id, again.properties, declared);
    expect(outs).to.include({ orderId: Number(id), status: "issued" });
    expect(outs.certificatePem).to.be.a("string");
    expect(logs.filter((l) => l.includes("waiting up to 1m for it to be issued"))).to.have.length(3);
    // An update with nothing to wait for does not wait.
    const quiet = await provider.update(id, outs, { ...declared, comments: "later" });
    expect(quiet.outs).to.include({ status: "issued", comments: "later" });
    expect(logs.filter((l) => l.includes("waiting up to"))).to.have.length(3);
    expect(emulator.orders()).to.have.length(1);
  });

  it("a wait that sees the order through: approval and issuance within the deadline", async () => {
    emulator.setAutoProgress("on-read");
    const { provider } = providerFor(emulator, { "digicert:pollInterval": "10s" });
    const { outs } = await provider.create({ ...inputs, waitFor: "issued", waitTimeout: "5m" });
    expect(outs.status).to.equal("issued");
    expect(outs.serialNumber).to.be.a("string");
    expect(emulator.orders()).to.have.length(1);
  });

  it("following the order fails after it was placed: a partial failure, not a plain error", async () => {
    const { provider } = providerFor(emulator, {
      "digicert:pollInterval": "1s",
      "digicert:maxAttempts": "2",
    });
    emulator.injectFault({
      method: "GET",
      path: "/order/certificate/",
      times: 10,
      fault: { kind: "error-before", status: 502 },
    });
    const error = await rejectionOf(provider.create({ ...inputs, waitFor: "approved", waitTimeout: "10m" }));
    expect(error).to.be.instanceOf(ResourceInitError);
    expect(error.id).to.equal(String(emulator.orders()[0]!.id));
    expect(error.message).to.match(/recorded in state/);
  });

  it("a partial failure whose cause names the key leaves with the key redacted in its message, stack and reasons", async () => {
    // The client redacts what it builds; this is the edge's own redaction, for a cause from outside the client (here
    // the rate limiter, which the client does not wrap) failing the wait's read after the order was placed.
    const limiter = new RateLimiter([], instantClock());
    let acquired = 0;
    const acquire = limiter.acquire.bind(limiter);
    limiter.acquire = () =>
      ++acquired <= 2 ? acquire() : Promise.reject(new Error(`limiter for key ${EMULATOR_KEY} is gone`));
    const { provider } = providerFor(emulator, { "digicert:pollInterval": "1s" }, { limiter });
    const error = await rejectionOf(provider.create({ ...inputs, waitFor: "issued", waitTimeout: "10m" }));
    expect(error).to.be.instanceOf(ResourceInitError);
    if (!(error instanceof ResourceInitError)) throw error;
    const failure = error;
    expect(failure.message).to.include("limiter for key [redacted] is gone");
    expect(failure.reasons).to.deep.equal([failure.message]);
    expect(
      JSON.stringify([failure.message, failure.stack, failure.reasons, failure.properties]),
    ).to.not.include(EMULATOR_KEY);
    expect(emulator.orders()).to.have.length(1);
  });

  it("a read bounded by a wait's deadline starts no retry past it (6 attempts unbounded, 2 here)", async () => {
    const { id } = await providerFor(emulator).provider.create(inputs);
    emulator.injectFault({
      method: "GET",
      path: "/order/certificate/",
      times: Infinity,
      fault: { kind: "error-before", status: 502 },
    });
    const clock = instantClock();
    const client = new CertCentralClient({
      baseUrl: emulator.baseUrl,
      apiKey: EMULATOR_KEY,
      timeoutMs: 5_000,
      retry: DEFAULT_RETRY_POLICY,
      limiter: new RateLimiter([], clock),
      clock,
      env: {},
    });
    const reads = () => emulator.requests().filter((r) => r.method === "GET").length;
    const before = reads();
    // Backoff with the instant clock's 0.5: 250 ms, then 500 ms, which would start past the deadline.
    await rejectionOf(client.orderInfo(Number(id), { until: clock.now() + 600 }));
    expect(reads() - before).to.equal(2);
    await rejectionOf(client.orderInfo(Number(id)));
    expect(reads() - before - 2).to.equal(DEFAULT_RETRY_POLICY.maxAttempts);
  });

  it("when even the lookup fails, the next run finds the order instead of ordering twice", async () => {
    // The POST's answer comes too late; once DigiCert has stored the order, every lookup fails too.
    const first = providerFor(emulator, { "digicert:requestTimeout": "150ms", "digicert:maxAttempts": "2" });
    const creating = createLosingAnswerAndLookUps(emulator, first.provider, inputs);
    const error = await creating;
    expect(error.message).to.match(/may have been placed/);
    expect(error.message).to.match(/Run `pulumi up` again/);
    expect(emulator.orders()).to.have.length(1);

    // The next `pulumi up` (a new process) looks the order up before anything else, and adopts it.
    const second = providerFor(emulator);
    const { id } = await second.provider.create(inputs);
    expect(id).to.equal(String(emulator.orders()[0]!.id));
    expect(emulator.orders()).to.have.length(1);
  });

  it("no order is placed when DigiCert rejects the request (4xx is final)", async () => {
    refuseNextOrder(emulator, "invalid_organization", "Organization is not valid.");
    const { provider } = providerFor(emulator);
    const error = await rejectionOf(provider.create(inputs));
    expect(error.message).to.equal("CertCentral invalid_organization: Organization is not valid. (HTTP 400)");
    expect(posts()).to.equal(1);
    expect(emulator.orders()).to.have.length(0);
  });

  it("never writes the API key into outputs, logs or errors, even when an answer echoes it", async () => {
    const { provider, logs } = providerFor(emulator, { "digicert:maxAttempts": "1" });
    const { id, outs } = await provider.create(inputs);
    expect(JSON.stringify(outs)).to.not.include(EMULATOR_KEY);
    // A transport failure: the HTTP client's error (which holds the request headers) must not get through.
    emulator.injectFault({ method: "GET", path: "/order/certificate/", fault: { kind: "drop-after" } });
    const dropped = await rejectionOf(provider.read(id, outs));
    expect(dropped.message).to.match(/^CertCentral GET \/order\/certificate\/\d+: connection failed/);
    // An answer that repeats the key (a gateway's error page, say) is redacted.
    const readAnswering = (message: string) => {
      emulator.injectFault({
        method: "GET",
        path: "/order/certificate/",
        fault: { kind: "error-before", status: 400, code: "bad_key", message },
      });
      return rejectionOf(provider.read(id, outs));
    };
    const echoed = await readAnswering(`Key ${EMULATOR_KEY} is not allowed here`);
    expect(echoed.message).to.equal("CertCentral bad_key: Key [redacted] is not allowed here (HTTP 400)");
    // Echoed encoded too: a header dump in base64, a URL with the key in its query.
    const base64Key = Buffer.from(EMULATOR_KEY).toString("base64");
    const encoded = await readAnswering(`header ${base64Key}; url ?key=${encodeURIComponent(EMULATOR_KEY)}`);
    expect(encoded.message).to.equal(
      "CertCentral bad_key: header [redacted]; url ?key=[redacted] (HTTP 400)",
    );
    for (const error of [dropped, echoed, encoded]) {
      expect(JSON.stringify([error.message, error.stack, Object.entries(error), logs])).to.not.include(
        EMULATOR_KEY,
      );
      expect(JSON.stringify([error.message, error.stack, Object.entries(error), logs])).to.not.include(
        base64Key,
      );
    }
  });
});

describe("fault injection: your own alternativeOrderId, shared", () => {
  const emulatorOf = useEmulator();
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });
  const shared = (name: string) => ({
    ...ovHsmInputs(`codesigning/dev/${name}`),
    alternativeOrderId: "release-2026",
  });

  it("two resources created in one up, one POST answered late: each gets its own order, none is lost", async () => {
    // The first POST is stored only after the client gave up; the other resource's POST is answered at once.
    emulator.injectFault({
      method: "POST",
      path: "/order/certificate",
      fault: { kind: "process-late", ms: 500 },
    });
    const { provider } = providerFor(
      emulator,
      { "digicert:requestTimeout": "300ms" },
      { clock: realClock() },
    );
    const [a, b] = await Promise.all([provider.create(shared("a")), provider.create(shared("b"))]);
    await new Promise((resolve) => setTimeout(resolve, 600)); // anything stored late is stored by now
    const orders = emulator.orders().map((o) => o.id);
    expect(orders).to.have.length(2);
    expect([Number(a.id), Number(b.id)].sort()).to.deep.equal([...orders].sort());
  });

  it("after a lost answer, another resource's order carrying the same ID is never adopted", async () => {
    const { provider } = providerFor(emulator);
    const held = await provider.create(shared("a"));
    // b's look-up before the POST lists a's order, which a holds: b orders anyway; its answer is lost.
    emulator.injectFault({ method: "POST", path: "/order/certificate", fault: { kind: "drop-after" } });
    const b = await provider.create(shared("b"));
    expect(b.id).to.not.equal(held.id);
    expect(emulator.orders()).to.have.length(2);
  });

  it("several orders that may be this create's are named, and none is adopted", async () => {
    // b's POST is stored late; meanwhile another stack (another process: nothing held here) orders under the ID.
    emulator.injectFault({
      method: "POST",
      path: "/order/certificate",
      fault: { kind: "process-late", ms: 500 },
    });
    const { provider } = providerFor(
      emulator,
      { "digicert:requestTimeout": "300ms" },
      { clock: realClock() },
    );
    const creating = rejectionOf(provider.create(shared("b")));
    while (!emulator.requests().some((r) => r.method === "POST"))
      await new Promise((resolve) => setTimeout(resolve, 5));
    await providerFor(emulator).provider.create(shared("a"));
    const error = await creating;
    const ids = emulator.orders().map((o) => o.id);
    expect(ids).to.have.length(2);
    expect(error.message).to.match(
      new RegExp(
        `orders (${ids.join(", ")}|${[...ids].reverse().join(", ")}) all carry alternative order ID release-2026`,
      ),
    );
    expect(error.message).to.match(/None was adopted and no order was placed again/);
  });

  it("a lost answer and a failed look-up: the message says what the next up does with your own ID, and it does", async () => {
    const first = providerFor(emulator, { "digicert:maxAttempts": "2" });
    const error = await createLosingAnswerAndLookUps(emulator, first.provider, shared("a"));
    const orderId = emulator.orders()[0]!.id;
    expect(error.message).to.match(
      /the next `pulumi up` places none and stops, naming the order that carries your/,
    );
    expect(error.message).to.match(/set existingOrderId to it/);
    const second = providerFor(emulator);
    const refused = await rejectionOf(second.provider.create(shared("a")));
    expect(refused.message).to.match(new RegExp(`^Order ${orderId} .* set existingOrderId: ${orderId}`));
    const kept = await second.provider.create({ ...shared("a"), existingOrderId: orderId });
    expect(kept.id).to.equal(String(orderId));
    expect(emulator.orders()).to.have.length(1);
  });
});

describe("fault injection: 429 on the order POST", () => {
  const emulatorOf = useEmulator();
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });

  it("a 429 is a refusal: no look-up is needed, the POST is sent again, one order", async () => {
    emulator.injectFault({
      method: "POST",
      path: "/order/certificate",
      times: 8,
      fault: { kind: "rate-limited" },
    });
    const { provider } = providerFor(emulator);
    const { id } = await provider.create(inputs);
    expect(emulator.orders().map((o) => String(o.id))).to.deep.equal([id]);
    const calls = emulator.requests().map((r) => r.method);
    expect(calls.filter((m) => m === "POST")).to.have.length(9);
    expect(calls.filter((m) => m === "GET")).to.have.length(1);
  });

  it("an unanswered POST, then a 429, then a failed look-up: the message says which attempt may have placed it", async () => {
    emulator.injectFault({
      method: "POST",
      path: "/order/certificate",
      fault: { kind: "error-before", status: 503 },
    });
    emulator.injectFault({ method: "POST", path: "/order/certificate", fault: { kind: "rate-limited" } });
    // The look-up before the POST and the three during the grace period find nothing; the one after the 429 fails.
    emulator.injectFault({
      method: "GET",
      path: "/order/alternate",
      times: 4,
      fault: { kind: "delay", ms: 0 },
    });
    emulator.injectFault({
      method: "GET",
      path: "/order/alternate",
      times: 9,
      fault: { kind: "error-before", status: 503 },
    });
    const { provider } = providerFor(emulator, {
      "digicert:maxAttempts": "1",
      "digicert:requestTimeout": "100ms",
    });
    const error = await rejectionOf(provider.create(inputs));
    expect(error.message).to.match(
      /^CertCentral emulator_fault: Injected fault: HTTP 503\. \(HTTP 503\)\. The order may have been placed/,
    );
    expect(error.message).to.not.match(/429|request_limit_exceeded/);
    expect(emulator.requests().filter((r) => r.status === 429)).to.have.length(1);
  });

  it("429s for longer than the budget: the message says DigiCert refused it and no order was placed", async () => {
    emulator.injectFault({
      method: "POST",
      path: "/order/certificate",
      times: Infinity,
      fault: { kind: "rate-limited" },
    });
    const { provider } = providerFor(emulator);
    const error = await rejectionOf(provider.create(inputs));
    expect(error.message).to.match(
      /DigiCert refused the order with HTTP 429 \(rate limit\) for \d+ s; a 429 is a refusal, so no order was placed/,
    );
    expect(error.message).to.not.match(/may have been placed/);
    expect(emulator.orders()).to.have.length(0);
  });
});

describe("fault injection: a destroy whose answer was lost", () => {
  const emulatorOf = useEmulator();
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });

  const lost = [
    ["a 5xx after the change", { kind: "error-after", status: 502 }],
    ["a dropped connection after the change", { kind: "drop-after" }],
    ["an answer later than the request timeout", { kind: "delay", ms: 600 }],
  ] as const;

  for (const [how, fault] of lost) {
    for (const [what, prepare, method, path, ending] of [
      [
        "cancel of a pending order",
        (id: number) => emulator.approve(id),
        "PUT",
        /^\/order\/certificate\/\d+\/status$/,
        "canceled",
      ],
      [
        "rejection of the request of an order awaiting approval",
        () => undefined,
        "PUT",
        /^\/request\/\d+\/status$/,
        "rejected",
      ],
    ] as const) {
      it(`${what}, answer lost (${how}): destroy succeeds, since the order is ${ending}`, async () => {
        const { provider, logs } = providerFor(emulator, { "digicert:requestTimeout": "300ms" });
        const { id, outs } = await provider.create(inputs);
        prepare(Number(id));
        emulator.injectFault({ method, path, fault });
        await provider.delete(id, outs);
        expect(emulator.order(Number(id))!.status).to.equal(ending);
        expect(logs.join("\n")).to.match(new RegExp(`order ${id} is ${ending} already`));
      });
    }
  }

  it("revocation, answer lost: destroy succeeds, since the certificate is revoked", async () => {
    const { provider } = providerFor(emulator);
    const { id, state } = await placeAndIssue(emulator, provider, { ...inputs, onDelete: "revoke" });
    emulator.injectFault({ method: "PUT", path: /\/revoke$/, fault: { kind: "error-after", status: 500 } });
    await provider.delete(id, state);
    expect(emulator.order(Number(id))!.status).to.equal("revoked");
  });

  it("the reissue canceled before a revocation, answer lost: the revocation still follows", async () => {
    const { provider } = providerFor(emulator);
    const { id, state } = await placeAndIssue(emulator, provider, { ...inputs, onDelete: "revoke" });
    emulator.setStatus(Number(id), "reissue_pending");
    emulator.injectFault({ method: "PUT", path: /\/status$/, fault: { kind: "error-after", status: 503 } });
    await provider.delete(id, state);
    expect(emulator.order(Number(id))!.status).to.equal("revoked");
  });

  it("a cancel refused for a real reason still fails, naming DigiCert's error", async () => {
    const { provider } = providerFor(emulator);
    const { id, outs } = await provider.create(inputs);
    emulator.approve(Number(id));
    emulator.injectFault({
      method: "PUT",
      path: /\/status$/,
      times: 10,
      fault: { kind: "error-before", status: 400, code: "invalid_status", message: "Not now." },
    });
    const error = await rejectionOf(provider.delete(id, outs));
    expect(error.message).to.equal("CertCentral invalid_status: Not now. (HTTP 400)");
    expect(emulator.order(Number(id))!.status).to.equal("pending");
  });
});

describe("idempotent create: alternative order IDs", () => {
  const emulatorOf = useEmulator({ alternateLookupNotFound: "omit-orders" });
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });

  it("a second create of the same resource adopts the first order (a lost answer, re-run)", async () => {
    const { provider } = providerFor(emulator);
    const first = await provider.create(inputs);
    const second = await provider.create(inputs);
    expect(second.id).to.equal(first.id);
    expect(second.outs.assignedAlternativeOrderId).to.equal(first.outs.assignedAlternativeOrderId);
    expect(emulator.orders()).to.have.length(1);
  });

  it("other resources, and other stacks, get other orders", async () => {
    const { provider } = providerFor(emulator);
    const a = await provider.create(inputs);
    const b = await provider.create({ ...inputs, resourceKey: "codesigning/prod/faults" });
    expect(a.id).to.not.equal(b.id);
    expect(emulator.orders()).to.have.length(2);
  });

  it("handles a 404, an empty list and a missing orders key alike", async () => {
    for (const mode of ["404", "empty-list", "omit-orders"] as const) {
      const local = await startEmulator({ rateLimits: [], alternateLookupNotFound: mode });
      try {
        const { provider } = providerFor(local);
        await provider.create(inputs);
        expect(local.orders(), mode).to.have.length(1);
      } finally {
        await local.close();
      }
    }
  });

  it("a replacement gets a new alternative order ID and a new order, even while the old one is live", async () => {
    const { provider } = providerFor(emulator);
    const old = await provider.create(inputs);
    const changed = { ...inputs, organization: { id: 654321 } };
    const diff = await provider.diff(old.id, old.outs, changed);
    expect(diff.replaces).to.deep.equal(["organization"]);
    const next = await provider.create(changed);
    expect(next.id).to.not.equal(old.id);
    expect(next.outs.assignedAlternativeOrderId).to.not.equal(old.outs.assignedAlternativeOrderId);
    expect(next.outs.predecessorOrderId).to.equal(old.outs.orderId);
  });

  it("with the user's own alternative order ID, a replacement never adopts the order it replaces", async () => {
    const { provider } = providerFor(emulator);
    const own = { ...inputs, alternativeOrderId: "release-2026" };
    const old = await provider.create(own);
    const changed = { ...own, orderValidity: { days: 200 } };
    await provider.diff(old.id, old.outs, changed);
    const next = await provider.create(changed);
    expect(next.id).to.not.equal(old.id);
    expect(emulator.orders().map((o) => o.alternativeOrderId)).to.deep.equal([
      "release-2026",
      "release-2026",
    ]);
  });
});
