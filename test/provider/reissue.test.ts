import { expect } from "chai";
import { Emulator, startEmulator } from "../../emulator";
import { EC_P256_CSR, RSA_3072_CSR } from "../fixtures/certificateRequests";
import { ovHsmInputs } from "../fixtures/digicertExample";
import { clockAhead, daysFrom, instantClock, providerFor, rejectionOf, useEmulator } from "./providerFixture";

/** An OV order for a key in the customer's HSM covering three years, renewed 30 days before its certificate ends. */
const threeYears = {
  ...ovHsmInputs("codesigning/dev/renewing", { years: 3 }),
  certificate: { csr: RSA_3072_CSR, serverPlatform: { id: -1 } },
  skipApproval: true,
  renewBeforeDays: 30,
};

const posts = (emulator: Emulator) =>
  emulator
    .requests()
    .filter((r) => r.method === "POST")
    .map((r) => r.path);

describe("reissue inside the order: renewals, and DigiCert keeping the order issued", () => {
  const emulatorOf = useEmulator();
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });

  it("a renewal due while the three-year order runs on is one reissue of the same order (no order POST)", async () => {
    // 440 days on: the first certificate (459 days at most) ends within renewBeforeDays, the order runs for years.
    const clock = clockAhead(440);
    const { provider, logs } = providerFor(emulator, {}, { clock });
    const created = await provider.create(threeYears);
    const orderId = Number(created.id);
    emulator.issue(orderId);
    const issued = (await provider.read(created.id, created.outs)).props!;
    expect(issued.orderValidTill).to.be.a("string");
    expect(issued.validTill! < issued.orderValidTill!).to.equal(true);

    const diff = await provider.diff(created.id, issued, threeYears);
    expect(diff).to.deep.include({ changes: true, replaces: [] });
    expect(logs.join("\n")).to.match(
      new RegExp(`itself runs till .*: renewal by reissue of order ${orderId} \\(no new order\\)`),
    );
    emulator.clearRequests();
    const pending = (await provider.update(created.id, issued, threeYears)).outs;
    expect(posts(emulator)).to.deep.equal([`/order/certificate/${orderId}/reissue`]);
    expect(pending).to.include({ status: "reissue_pending", certificateId: issued.certificateId });
    // While it is pending, a due renewal is no second reissue.
    expect((await provider.diff(created.id, pending, threeYears)).changes).to.equal(false);

    // DigiCert issues it (from the provider's today): a new certificate in the same order, not due any more.
    emulator.issueReissue(orderId, { validFrom: daysFrom(clock, 0) });
    const renewed = (await provider.read(created.id, pending)).props!;
    expect(renewed).to.include({ orderId, status: "issued", orderValidTill: issued.orderValidTill });
    expect(renewed.certificateId).to.not.equal(issued.certificateId);
    expect(renewed.validTill! > issued.validTill!).to.equal(true);
    expect(renewed.certificatePem).to.equal(emulator.certificatePem(renewed.certificateId as number));
    expect((await provider.diff(created.id, renewed, threeYears)).changes).to.equal(false);
    expect(emulator.orders()).to.have.length(1);
  });

  it("a renewal due when the order itself runs out is a new paid order carrying renewal_of_order_id", async () => {
    // Almost three years on: the order's last certificate ends with the order.
    const clock = clockAhead(3 * 365 - 20);
    const { provider, logs } = providerFor(emulator, {}, { clock });
    const created = await provider.create(threeYears);
    const orderId = Number(created.id);
    emulator.issue(orderId, { validTill: daysFrom(clock, 15) });
    const issued = (await provider.read(created.id, created.outs)).props!;

    const diff = await provider.diff(created.id, issued, threeYears);
    expect(diff.replaces).to.deep.equal(["validTill"]);
    expect(logs.join("\n")).to.match(
      new RegExp(`a renewal order \\(a new paid order\\) will be placed \\(order ${orderId} itself runs out`),
    );
    emulator.clearRequests();
    const renewal = await provider.create(threeYears);
    expect(posts(emulator)).to.deep.equal(["/order/certificate/code_signing"]);
    expect(emulator.requests().find((r) => r.method === "POST")!.body).to.include({
      renewal_of_order_id: orderId,
    });
    expect(renewal.outs).to.include({ predecessorOrderId: orderId, renewalLinked: true });
  });

  describe("DigiCert keeps the order `issued` while a reissue is pending (emulator reissueOrderStatus: issued)", () => {
    let issuedStatus: Emulator;
    before(async () => {
      issuedStatus = await startEmulator({ rateLimits: [], reissueOrderStatus: "issued" });
    });
    after(() => issuedStatus.close());
    beforeEach(() => issuedStatus.reset());

    it("a lost answer is taken from the open request, refresh keeps it pending, and no second reissue is sent", async () => {
      const { provider } = providerFor(issuedStatus, {}, { clock: instantClock() });
      const created = await provider.create(threeYears);
      const orderId = Number(created.id);
      issuedStatus.issue(orderId);
      const issued = (await provider.read(created.id, created.outs)).props!;
      const rotated = { ...threeYears, certificate: { csr: EC_P256_CSR, serverPlatform: { id: -1 } } };
      issuedStatus.injectFault({
        method: "POST",
        path: `/order/certificate/${orderId}/reissue`,
        fault: { kind: "error-after", status: 500 },
      });
      const pending = (await provider.update(created.id, issued, rotated)).outs;
      expect(pending.reissue).to.include({ status: "pending" });
      const refreshed = (await provider.read(created.id, pending)).props!;
      expect(refreshed).to.include({ status: "issued", certificateId: issued.certificateId });
      expect(refreshed.reissue).to.include({ status: "pending" });
      // The next up: the reissue asked for is pending; nothing is sent.
      expect((await provider.diff(created.id, refreshed, rotated)).changes).to.equal(false);

      issuedStatus.issueReissue(orderId);
      const after = (await provider.read(created.id, refreshed)).props!;
      expect(after.certificateId).to.equal(issuedStatus.order(orderId)!.certificate!.id);
      expect(after).to.not.have.property("reissue");
      expect(posts(issuedStatus).filter((p) => p.endsWith("/reissue"))).to.have.length(1);
    });
  });
});

describe("reissue POST refused with 429: the rules order placement follows (a refusal, sent again)", () => {
  const emulatorOf = useEmulator();
  const reissuePosts = (emulator: Emulator) =>
    emulator.requests().filter((r) => r.method === "POST" && r.path.endsWith("/reissue"));
  const rotatedInputs = { ...threeYears, certificate: { csr: EC_P256_CSR, serverPlatform: { id: -1 } } };
  async function issuedOrder(emulator: Emulator) {
    const under = providerFor(emulator);
    const created = await under.provider.create(threeYears);
    emulator.issue(Number(created.id));
    return { ...under, id: created.id, state: (await under.provider.read(created.id, created.outs)).props! };
  }

  it("ten 429s in a row (more than the unanswered-attempt budget): sent again, paced, a line per refusal, one reissue", async () => {
    const emulator = emulatorOf();
    const { provider, logs, id, state } = await issuedOrder(emulator);
    emulator.injectFault({
      method: "POST",
      path: `/order/certificate/${id}/reissue`,
      times: 10,
      fault: { kind: "rate-limited" },
    });
    emulator.clearRequests();
    const outs = (await provider.update(id, state, rotatedInputs)).outs;
    expect(outs.status).to.equal("reissue_pending");
    expect(emulator.order(Number(id))!.reissues).to.have.length(1);
    expect(reissuePosts(emulator)).to.have.length(11);
    expect(
      logs.filter((l) =>
        /DigiCert refused the reissue POST with 429 .*no reissue was requested, sending it again/.test(l),
      ),
    ).to.have.length(10);
  });

  it("429s for longer than retry.maxRateLimitedMs: the message says DigiCert refused it and no reissue was requested", async () => {
    const emulator = emulatorOf();
    const { provider, id, state, clock } = await issuedOrder(emulator);
    emulator.injectFault({
      method: "POST",
      path: `/order/certificate/${id}/reissue`,
      times: Infinity,
      fault: { kind: "rate-limited" },
    });
    const sleptBefore = clock.slept.reduce((a, b) => a + b, 0);
    const error = await rejectionOf(provider.update(id, state, rotatedInputs));
    expect(error.message).to.match(
      /DigiCert refused the reissue with HTTP 429 \(rate limit\) for \d+ s; a 429 is a refusal, so no reissue was requested/,
    );
    expect(error.message).to.not.match(/may have reached DigiCert/);
    expect(clock.slept.reduce((a, b) => a + b, 0) - sleptBefore).to.be.at.least(600_000);
    expect(emulator.order(Number(id))!.reissues ?? []).to.have.length(0);
  });
});
