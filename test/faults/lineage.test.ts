import { CancellationSource } from "../../provider/core/cancellation";
import { expect } from "chai";
import { Emulator } from "../../emulator";
import { ovHsmInputs, SAMPLE_CSR } from "../fixtures/digicertExample";
import {
  EMULATOR_KEY,
  instantClock,
  providerFor,
  rejectionOf,
  useEmulator,
  placeAndIssue,
  refuseNextOrder,
  daysFrom,
  clockAhead,
  createLosingAnswerAndLookUps,
} from "../provider/providerFixture";

/**
 * The engine's real call orders for replacements, and the faults that hide an accepted order for a while: in
 * none of them may an order be placed twice, or a resource adopt the order it replaces.
 */
describe("successive orders of one resource, and late answers", () => {
  const emulatorOf = useEmulator();
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });
  const inputs = ovHsmInputs("codesigning/dev/lineage");

  it("DigiCert stores the order only after it answered a 5xx: looked up until it appears, one order", async () => {
    emulator.injectFault({
      method: "POST",
      path: "/order/certificate",
      fault: { kind: "error-before", status: 503 },
    });
    // While the provider waits in its grace period (on its own, injected clock), DigiCert stores the order that was
    // sent: the failed POST's body arrives late.
    let stored = false;
    const storeLate = async () => {
      if (stored) return;
      stored = true;
      const post = emulator.requests().find((r) => r.method === "POST")!;
      await fetch(`${emulator.baseUrl}${post.path}`, {
        method: "POST",
        headers: { "X-DC-DEVKEY": EMULATOR_KEY, "Content-Type": "application/json" },
        body: JSON.stringify(post.body),
      });
    };
    const { provider, clock } = providerFor(emulator, {}, { clock: instantClock(Date.now(), storeLate) });
    const { id } = await provider.create(inputs);
    expect(emulator.orders()).to.have.length(1);
    expect(id).to.equal(String(emulator.orders()[0]!.id));
    // The provider's one POST, and DigiCert's late storing of it; never a second order.
    expect(emulator.requests().filter((r) => r.method === "POST")).to.have.length(2);
    expect(clock.slept.length).to.be.at.least(1);
  });

  it("a replacement whose POST loses its answer never adopts the order it replaces (own alternative order ID)", async () => {
    const { provider } = providerFor(emulator);
    const own = { ...inputs, alternativeOrderId: "release2026" };
    const old = await provider.create(own);
    const changed = { ...own, orderValidity: { days: 200 } };
    await provider.diff(old.id, old.outs, changed);
    emulator.injectFault({ method: "POST", path: "/order/certificate", fault: { kind: "drop-after" } });
    const next = await provider.create(changed);
    expect(next.id).to.not.equal(old.id);
    expect(emulator.orders()).to.have.length(2);
    expect(next.id).to.equal(String(emulator.orders()[1]!.id));
  });

  it("a replacement the engine decides (replaceOnChanges: our Diff saw no reason) still gets a new order", async () => {
    const { provider } = providerFor(emulator);
    const old = await provider.create(inputs);
    const edited = { ...inputs, comments: "replace on changes to comments" };
    const diff = await provider.diff(old.id, old.outs, edited);
    expect(diff.replaces).to.deep.equal([]);
    const next = await provider.create(edited);
    expect(next.id).to.not.equal(old.id);
    expect(next.outs.predecessorOrderId).to.equal(Number(old.id));
    expect(emulator.orders()).to.have.length(2);
  });

  it("pulumi up --replace (no Diff at all) takes the live order back instead of paying twice, and its Delete keeps it", async () => {
    const { provider, logs } = providerFor(emulator);
    const old = await provider.create(inputs);
    const next = await provider.create(inputs);
    expect(next.id).to.equal(old.id);
    expect(next.outs.adoptedExistingOrder).to.equal(true);
    await provider.delete(old.id, old.outs);
    expect(emulator.order(Number(old.id))!.status).to.equal("needs_approval");
    expect(logs.join("\n")).to.match(/held by the resource's replacement: not canceled/);
  });

  it("a user's own alternative order ID on a live order is never adopted without a Diff: it may be another resource's", async () => {
    const { provider } = providerFor(emulator);
    await provider.create({ ...inputs, alternativeOrderId: "shared-name" });
    const error = await rejectionOf(
      providerFor(emulator).provider.create({
        ...inputs,
        resourceKey: "codesigning/prod/lineage",
        alternativeOrderId: "shared-name",
      }),
    );
    expect(error.message).to.match(
      /^Order 7000001 \(needs_approval\) already carries your alternative order ID shared-name\. Another resource or stack may hold it/,
    );
    expect(error.message).to.match(
      /No order was placed\. If it is this resource's order, set existingOrderId: 7000001/,
    );
    expect(error).to.not.have.property("id");
    expect(emulator.orders()).to.have.length(1);
  });

  it("a lost answer's order is not adopted once the declaration changed (a new CSR, another validity)", async () => {
    // The POST's answer comes too late; once the order is stored, the look-ups after the timeout fail too.
    const first = providerFor(emulator, { "digicert:requestTimeout": "100ms", "digicert:maxAttempts": "2" });
    const creating = createLosingAnswerAndLookUps(emulator, first.provider, inputs);
    expect((await creating).message).to.match(/may have been placed/);
    expect(emulator.orders()).to.have.length(1);
    const rotated = {
      ...inputs,
      certificate: { ...inputs.certificate, csr: SAMPLE_CSR.replace("MIIB", "MIIC") },
      orderValidity: { days: 200 },
    };
    const error = await rejectionOf(providerFor(emulator).provider.create(rotated));
    expect(error.message).to.match(
      /already carries alternative order ID \w+, but it differs from the declaration in certificate\.csr, orderValidity/,
    );
    expect(emulator.orders()).to.have.length(1);
  });

  it("a 404 for a route (a wrong base URL or a proxy) never removes the order from state", async () => {
    const { provider } = providerFor(emulator);
    const { id, outs } = await provider.create(inputs);
    emulator.injectFault({
      method: "GET",
      path: "/order/certificate/",
      fault: {
        kind: "error-before",
        status: 404,
        code: "not_found|route",
        message: "The specified route was not found.",
      },
    });
    const error = await rejectionOf(provider.read(id, outs));
    expect(error.message).to.equal(
      "CertCentral not_found|route: The specified route was not found. (HTTP 404)",
    );
    emulator.injectFault({
      method: "GET",
      path: "/order/certificate/",
      fault: { kind: "error-before", status: 404, code: "not_found|route" },
    });
    await rejectionOf(provider.delete(id, outs));
    expect(emulator.order(Number(id))!.status).to.equal("needs_approval");
  });

  it("renewing with onDelete revoke leaves the old certificate to expire instead of revoking it", async () => {
    // Near the end of the (1-year) order itself: the renewal is a new order.
    const { provider, logs, clock } = providerFor(emulator, {}, { clock: clockAhead(355) });
    const renewing = { ...inputs, onDelete: "revoke", renewBeforeDays: 30 };
    const old = await provider.create(renewing);
    emulator.approve(Number(old.id));
    emulator.issue(Number(old.id), {
      validTill: new Date(clock.now() + 10 * 86_400_000).toISOString().slice(0, 10),
    });
    const refreshed = (await provider.read(old.id, old.outs)).props!;
    expect((await provider.diff(old.id, refreshed, renewing)).replaces).to.deep.equal(["validTill"]);
    await provider.create(renewing);
    await provider.delete(old.id, refreshed);
    expect(emulator.order(Number(old.id))!.status).to.equal("issued");
    expect(logs.join("\n")).to.match(
      /(is being replaced|was succeeded by order \d+): its certificate is left to expire, not revoked/,
    );
  });

  it("revoke of an order with a pending reissue cancels the reissue, then revokes", async () => {
    const { provider } = providerFor(emulator);
    const { id, outs } = await provider.create({ ...inputs, onDelete: "revoke" });
    emulator.approve(Number(id));
    emulator.issue(Number(id));
    emulator.setStatus(Number(id), "reissue_pending");
    await provider.delete(id, outs);
    expect(emulator.order(Number(id))!.status).to.equal("revoked");
    const calls = emulator
      .requests()
      .map((r) => `${r.method} ${r.path.replace(/alternate\/.*/, "alternate/…")}`);
    // order info, the look-up for a successor (none: this is a destroy), cancel the reissue, revoke
    expect(calls.slice(-4)).to.deep.equal([
      `GET /order/certificate/${id}`,
      "GET /order/alternate/…",
      `PUT /order/certificate/${id}/status`,
      `PUT /order/certificate/${id}/revoke`,
    ]);
  });

  it("dropping existingOrderId after the import keeps the order (an update, not a new order)", async () => {
    const { provider } = providerFor(emulator);
    const original = await provider.create(inputs);
    const importing = {
      ...inputs,
      resourceKey: "codesigning/dev/imported",
      existingOrderId: Number(original.id),
    };
    const adopted = await provider.create(importing);
    const { existingOrderId: _dropped, ...imported } = importing;
    expect(await provider.diff(adopted.id, adopted.outs, imported)).to.deep.include({
      changes: true,
      replaces: [],
    });
    expect(
      (await provider.diff(adopted.id, adopted.outs, { ...importing, existingOrderId: 1 })).replaces,
    ).to.deep.equal(["existingOrderId"]);
  });

  it("with the user's own ID, a second replacement that loses its answer never adopts the first, retired order", async () => {
    const { provider } = providerFor(emulator);
    const own = { ...inputs, alternativeOrderId: "release2026" };
    const first = await placeAndIssue(emulator, provider, own);
    const secondInputs = { ...own, orderValidity: { days: 300 } };
    await provider.diff(first.id, first.state, secondInputs);
    const second = await placeAndIssue(emulator, provider, secondInputs);
    const thirdInputs = { ...own, orderValidity: { days: 200 } };
    await provider.diff(second.id, second.state, thirdInputs);
    emulator.injectFault({ method: "POST", path: "/order/certificate", fault: { kind: "drop-after" } });
    const third = await provider.create(thirdInputs);
    expect(emulator.orders()).to.have.length(3);
    expect(third.id).to.equal(String(emulator.orders()[2]!.id));
  });

  it("pulumi up --replace after a renewal takes the current order, not the retired first one", async () => {
    const { provider, clock } = providerFor(emulator);
    const renewing = { ...inputs, renewBeforeDays: 30, autoRenew: 0 };
    const first = await placeAndIssue(emulator, provider, renewing, { validTill: daysFrom(clock, 10) });
    await provider.diff(first.id, first.state, renewing);
    const renewal = await provider.create(renewing);
    expect(renewal.id).to.not.equal(first.id);
    // The engine's targeted replace: Check without olds, then Create, no Diff.
    const replaced = await provider.create(renewing);
    expect(replaced.id).to.equal(renewal.id);
    expect(emulator.orders()).to.have.length(2);
  });

  it("a renewed certificate is not revoked even when the old order's Delete runs in a later process", async () => {
    const { provider, clock } = providerFor(emulator);
    const renewing = { ...inputs, onDelete: "revoke", renewBeforeDays: 30, autoRenew: 0 };
    const old = await placeAndIssue(emulator, provider, renewing, { validTill: daysFrom(clock, 10) });
    await provider.diff(old.id, old.state, renewing);
    await provider.create(renewing);
    const later = providerFor(emulator);
    await later.provider.delete(old.id, old.state);
    expect(emulator.order(Number(old.id))!.status).to.equal("issued");
    expect(later.logs.join("\n")).to.match(/was succeeded by order \d+/);
  });

  it("an expired certificate is not revoked", async () => {
    const { provider, clock, logs } = providerFor(emulator);
    const old = await placeAndIssue(
      emulator,
      provider,
      { ...inputs, onDelete: "revoke" },
      {
        validTill: daysFrom(clock, -3),
        validFrom: daysFrom(clock, -400),
      },
    );
    await provider.delete(old.id, old.state);
    expect(emulator.order(Number(old.id))!.status).to.equal("issued");
    expect(logs.join("\n")).to.match(/its certificate expired .*; not revoked/);
  });

  it("a resource that imported an order gets a new order when that order dies, and never takes over a dead one", async () => {
    const { provider } = providerFor(emulator);
    const original = await provider.create({ ...inputs, resourceKey: "codesigning/dev/elsewhere" });
    const importing = { ...inputs, existingOrderId: Number(original.id) };
    const adopted = await provider.create(importing);
    emulator.setStatus(Number(adopted.id), "revoked");
    const refreshed = (await provider.read(adopted.id, adopted.outs)).props!;
    expect((await provider.diff(adopted.id, refreshed, importing)).replaces).to.deep.equal(["status"]);
    const successor = await provider.create(importing);
    expect(successor.id).to.not.equal(adopted.id);
    expect(emulator.orders()).to.have.length(2);
    // Re-run without a Diff (a new process, `--replace`): the import's latest successor is the resource's order.
    expect((await providerFor(emulator).provider.create(importing)).id).to.equal(successor.id);
    // Another resource importing the dead order has nothing to adopt.
    const other = { ...importing, resourceKey: "codesigning/dev/other-import" };
    const dead = await rejectionOf(providerFor(emulator).provider.create(other));
    expect(dead.message).to.equal(
      `existingOrderId: order ${adopted.id} is revoked: there is nothing to adopt`,
    );
  });

  it("state written by a newer version is refused, not rewritten", async () => {
    const { provider } = providerFor(emulator);
    const { id, outs } = await provider.create(inputs);
    const newer = { ...outs, stateVersion: 99 };
    for (const call of [
      provider.read(id, newer),
      provider.diff(id, newer, inputs),
      provider.delete(id, newer),
    ]) {
      expect((await rejectionOf(call)).message).to.match(
        /written by a newer pulumi-digicert-code-signing \(state version 99/,
      );
    }
    expect(emulator.order(Number(id))!.status).to.equal("needs_approval");
  });

  it("pulumi up --replace (or destroy then up) of an issued order adopts that same order: no new order, nothing touched", async () => {
    const { provider } = providerFor(emulator);
    const current = await placeAndIssue(emulator, provider, inputs);
    const { id, outs } = await provider.create(inputs);
    expect(id).to.equal(current.id);
    expect(outs).to.include({ orderId: Number(current.id), adoptedExistingOrder: true });
    expect(emulator.orders()).to.have.length(1);
    expect(emulator.order(Number(current.id))!.status).to.equal("issued");
  });

  it("an imported resource renewed twice never goes back to the imported order", async () => {
    const { provider, clock } = providerFor(emulator, {}, { clock: clockAhead(355) });
    const original = await placeAndIssue(
      emulator,
      providerFor(emulator).provider,
      { ...inputs, resourceKey: "elsewhere" },
      {
        validTill: daysFrom(clock, 10),
      },
    );
    const importing = {
      ...inputs,
      existingOrderId: Number(original.id),
      renewBeforeDays: 30,
      autoRenew: 0,
      onDelete: "revoke",
    };
    const adopted = await provider.create(importing);
    const imported = (await provider.read(adopted.id, adopted.outs)).props!;
    expect((await provider.diff(adopted.id, imported, importing)).replaces).to.deep.equal(["validTill"]);
    const renewal = await provider.create(importing);
    emulator.approve(Number(renewal.id));
    emulator.issue(Number(renewal.id), { validTill: daysFrom(clock, 5) });
    const renewed = (await provider.read(renewal.id, renewal.outs)).props!;
    expect((await provider.diff(renewal.id, renewed, importing)).replaces).to.deep.equal(["validTill"]);
    const second = await provider.create(importing);
    expect([original.id, renewal.id]).to.not.include(second.id);
    await provider.delete(renewal.id, renewed);
    expect(emulator.order(Number(renewal.id))!.status).to.equal("issued");
    expect(emulator.orders()).to.have.length(3);
  });

  it("DigiCert's order_renewed_already is an error, not a reason for a second, unlinked order", async () => {
    const { provider, clock } = providerFor(emulator);
    const renewing = { ...inputs, renewBeforeDays: 30, autoRenew: 0 };
    const old = await placeAndIssue(emulator, provider, renewing, { validTill: daysFrom(clock, 10) });
    await provider.diff(old.id, old.state, renewing);
    refuseNextOrder(emulator, "order_renewed_already", "Order already renewed.");
    const error = await rejectionOf(provider.create(renewing));
    expect(error.message).to.equal("CertCentral order_renewed_already: Order already renewed. (HTTP 400)");
    expect(emulator.orders()).to.have.length(1);
  });

  it("with deleteBeforeReplace the old certificate is deleted first, and still not revoked", async () => {
    const { provider, logs } = providerFor(emulator);
    const revoking = { ...inputs, onDelete: "revoke" };
    const old = await placeAndIssue(emulator, provider, revoking);
    const changed = { ...revoking, orderValidity: { days: 200 } };
    expect((await provider.diff(old.id, old.state, changed)).replaces).to.deep.equal(["orderValidity"]);
    await provider.delete(old.id, old.state);
    expect(emulator.order(Number(old.id))!.status).to.equal("issued");
    expect(logs.join("\n")).to.match(/is being replaced: its certificate is left to expire/);
    await provider.create(changed);
    expect(emulator.orders()).to.have.length(2);
  });

  it("a wait that fails after an adoption without a Diff is a plain failure, and the next run finds the order again", async () => {
    const { provider } = providerFor(emulator, { "digicert:pollInterval": "10s" });
    emulator.injectFault({ method: "POST", path: "/order/certificate", fault: { kind: "drop-after" } });
    await rejectionOf(provider.create({ ...inputs, waitFor: "issued", waitTimeout: "1m" }));
    // The lost answer was recovered (adopted) in that run, so its wait failure was a partial one...
    const placed = emulator.orders()[0]!;
    // ...and a later run without a Diff takes it over again, waits, and fails plainly, leaving no state behind.
    const later = providerFor(emulator, {}, { cancellation: new CancellationSource(true) });
    const error = await rejectionOf(
      later.provider.create({ ...inputs, waitFor: "issued", waitTimeout: "1m" }),
    );
    expect(error.message).to.match(
      new RegExp(
        `^Order ${placed.id} \\(status needs_approval\\) was adopted rather than placed, and it did not reach "issued" within waitTimeout 1m\\. It is not recorded in state yet`,
      ),
    );
    // Destroy cannot see it meanwhile; the message says how to record it or give it up, and the wait's line does
    // not promise that Ctrl-C leaves it in state.
    expect(error.message).to.include("Until then `pulumi destroy` does not see it");
    expect(later.logs.join("\n")).to.include(
      "(Ctrl-C once stops waiting; the next `pulumi up` adopts the order again)",
    );
    expect(error).to.not.have.property("id");
    expect(emulator.orders()).to.have.length(1);
  });

  it("setting existingOrderId on a resource in state takes that order over, placing none", async () => {
    const { provider } = providerFor(emulator);
    const own = await provider.create(inputs);
    const other = await providerFor(emulator).provider.create({
      ...inputs,
      resourceKey: "codesigning/dev/other",
    });
    const importing = { ...inputs, existingOrderId: Number(other.id) };
    expect((await provider.diff(own.id, own.outs, importing)).replaces).to.deep.equal(["existingOrderId"]);
    const taken = await provider.create(importing);
    expect(taken.id).to.equal(other.id);
    expect(emulator.orders()).to.have.length(2);
  });

  it("an unreadable 2xx is an acceptance: if the order is not visible yet, it is never sent again", async () => {
    emulator.injectFault({ method: "POST", path: "/order/certificate", fault: { kind: "malformed-json" } });
    // DigiCert's search lags: it finds nothing for a while.
    emulator.injectFault({
      method: "GET",
      path: "/order/alternate",
      times: 1000,
      fault: { kind: "error-before", status: 404, code: "not_found|order", message: "Not found." },
    });
    const { provider } = providerFor(emulator, { "digicert:requestTimeout": "1s" });
    const error = await rejectionOf(provider.create(inputs));
    expect(error.message).to.match(/DigiCert accepted the order but its answer could not be read/);
    expect(emulator.requests().filter((r) => r.method === "POST")).to.have.length(1);
    expect(emulator.orders()).to.have.length(1);
  });

  it("an order whose successor DigiCert rejected is still not revoked by a later run's pending Delete", async () => {
    const { provider, clock } = providerFor(emulator);
    const renewing = { ...inputs, onDelete: "revoke", renewBeforeDays: 30, autoRenew: 0 };
    const old = await placeAndIssue(emulator, provider, renewing, { validTill: daysFrom(clock, 10) });
    await provider.diff(old.id, old.state, renewing);
    const successor = await provider.create(renewing);
    emulator.reject(Number(successor.id));
    await providerFor(emulator).provider.delete(old.id, old.state);
    expect(emulator.order(Number(old.id))!.status).to.equal("issued");
  });
});
