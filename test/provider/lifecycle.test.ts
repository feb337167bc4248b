import { expect } from "chai";
import { Emulator } from "../../emulator";
import { ovHsmInputs, seedBody, seedResourceInputs } from "../fixtures/digicertExample";
import { EMULATOR_KEY, providerFor, rejectionOf, stackConfig, useEmulator } from "./providerFixture";
import { CodeSigningOrderProvider } from "../../provider/operations/codeSigningOrderProvider";

const ovHsm = ovHsmInputs("codesigning/dev/hsm", { days: 300 });

describe("the provider against the CertCentral emulator", () => {
  const emulatorOf = useEmulator();
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });

  it("places DigiCert's example order with exactly DigiCert's request, plus the alternative order ID", async () => {
    const { provider } = providerFor(emulator);
    const { id, outs } = await provider.create(seedResourceInputs);
    const posts = emulator.requests().filter((r) => r.method === "POST");
    expect(posts).to.have.length(1);
    expect(posts[0]!.path).to.equal("/order/certificate/code_signing_ev");
    expect(posts[0]!.headers["x-dc-devkey"]).to.equal(EMULATOR_KEY);
    expect(posts[0]!.headers["content-type"]).to.match(/^application\/json/);
    const { alternative_order_id: alternativeOrderId, ...rest } = posts[0]!.body as Record<string, unknown>;
    expect(rest).to.deep.equal(seedBody);
    expect(alternativeOrderId).to.match(/^pcs[0-9a-f]{48}$/);
    expect(id).to.equal(String(outs.orderId));
    expect(outs).to.include({
      status: "pending",
      organizationId: 123456,
      assignedAlternativeOrderId: alternativeOrderId,
    });
    expect(outs.requests).to.have.length(1);
  });

  it("follows an order from needs_approval through approval to issuance with refresh", async () => {
    const { provider } = providerFor(emulator);
    const { id, outs } = await provider.create(ovHsm);
    expect(outs.status).to.equal("needs_approval");
    expect(outs).to.not.have.property("certificateId");

    emulator.approve(Number(id));
    const approved = await provider.read(id, outs);
    expect(approved.id).to.equal(id);
    expect(approved.props).to.include({ status: "pending" });
    expect(approved.props!.certificateId).to.be.a("number");
    expect(approved.inputs).to.deep.equal(ovHsm);

    emulator.issue(Number(id), { validFrom: "2026-11-28", validTill: "2027-09-24" });
    const issued = await provider.read(id, approved.props);
    expect(issued.props).to.include({ status: "issued", validFrom: "2026-11-28", validTill: "2027-09-24" });
    expect(issued.props!.serialNumber).to.be.a("string").and.not.equal("");
    expect(issued.props!.thumbprint).to.be.a("string").and.not.equal("");
    expect(issued.props!.dateIssued).to.be.a("string");

    // A second refresh reads the same thing: no spurious change.
    const again = await provider.read(id, issued.props);
    expect(again.props).to.deep.equal(issued.props);
  });

  it("removes an order DigiCert no longer knows from state on refresh", async () => {
    const { provider } = providerFor(emulator);
    expect(await provider.read("999999", { ...ovHsm, orderId: 999999 })).to.deep.equal({});
  });

  it("updates in place without calling DigiCert, returning every output", async () => {
    const { provider } = providerFor(emulator);
    const { id, outs } = await provider.create(ovHsm);
    emulator.clearRequests();
    const { outs: updated } = await provider.update(id, outs, { ...ovHsm, comments: "new comment" });
    expect(emulator.requests()).to.have.length(0);
    expect(updated).to.include({ comments: "new comment", orderId: outs.orderId, status: outs.status });
  });

  describe("delete", () => {
    it("cancel (the default) rejects the request of an order awaiting approval", async () => {
      const { provider } = providerFor(emulator);
      const { id, outs } = await provider.create(ovHsm);
      await provider.delete(id, outs);
      expect(emulator.order(Number(id))!.status).to.equal("rejected");
    });

    it("cancel cancels a pending order", async () => {
      const { provider } = providerFor(emulator);
      const { id, outs } = await provider.create(ovHsm);
      emulator.approve(Number(id));
      await provider.delete(id, outs);
      expect(emulator.order(Number(id))!.status).to.equal("canceled");
      const put = emulator.requests().find((r) => r.method === "PUT")!;
      expect(put.path).to.equal(`/order/certificate/${id}/status`);
      expect(put.body).to.include({ status: "canceled" });
    });

    it("cancel leaves an issued order with DigiCert", async () => {
      const { provider, logs } = providerFor(emulator);
      const { id, outs } = await provider.create(ovHsm);
      emulator.approve(Number(id));
      emulator.issue(Number(id));
      await provider.delete(id, outs);
      expect(emulator.order(Number(id))!.status).to.equal("issued");
      expect(logs.join("\n")).to.match(/left with DigiCert/);
    });

    it("retain makes no API call", async () => {
      const { provider } = providerFor(emulator);
      const { id, outs } = await provider.create({ ...ovHsm, onDelete: "retain" });
      emulator.clearRequests();
      await provider.delete(id, outs);
      expect(emulator.requests()).to.have.length(0);
      expect(emulator.order(Number(id))!.status).to.equal("needs_approval");
    });

    it("revoke revokes an issued certificate, and cancels a pending order", async () => {
      const { provider } = providerFor(emulator);
      const issued = await provider.create({ ...ovHsm, onDelete: "revoke" });
      emulator.approve(Number(issued.id));
      emulator.issue(Number(issued.id));
      await provider.delete(issued.id, issued.outs);
      expect(emulator.order(Number(issued.id))!.status).to.equal("revoked");
      const revoke = emulator.requests().find((r) => r.path.endsWith("/revoke"))!;
      expect(revoke.body).to.include({ skip_approval: true });

      const pending = await provider.create({
        ...ovHsm,
        onDelete: "revoke",
        resourceKey: "codesigning/dev/other",
      });
      emulator.approve(Number(pending.id));
      await provider.delete(pending.id, pending.outs);
      expect(emulator.order(Number(pending.id))!.status).to.equal("canceled");
    });

    it("treats an order already canceled, rejected, revoked, expired or gone as deleted", async () => {
      const { provider } = providerFor(emulator);
      for (const status of ["canceled", "rejected", "revoked", "expired"]) {
        const { id, outs } = await provider.create({ ...ovHsm, resourceKey: `k/${status}` });
        emulator.setStatus(Number(id), status);
        emulator.clearRequests();
        await provider.delete(id, outs);
        expect(emulator.requests().map((r) => r.method)).to.deep.equal(["GET"]);
      }
      await provider.delete("999999", { ...ovHsm, orderId: 999999 });
    });
  });

  describe("errors", () => {
    it("a bad key fails with DigiCert's code and message, the HTTP status, and no key", async () => {
      const { provider } = providerFor(emulator, { "digicert:apiKey": "wrong-key-123456" });
      const error = await rejectionOf(provider.create(ovHsm));
      expect(error.message).to.match(
        /^CertCentral access_denied\|access_denied_invalid_key: .+ \(HTTP 403\)\. DigiCert at http:\/\/127\.0\.0\.1:\d+\/services\/v2 \(from digicert:baseUrl \(stack config\)\) did not accept the API key from digicert:apiKey \(stack config\), so no order was placed\./,
      );
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).to.not.include(
        "wrong-key-123456",
      );
    });

    it("a 400 keeps DigiCert's message", async () => {
      const { provider } = providerFor(emulator);
      // Renewing an order the emulator does not know: DigiCert refuses it with a 400.
      const error = await rejectionOf(provider.create({ ...ovHsm, renewalOfOrderId: 424242 }));
      expect(error.message).to.match(/^CertCentral order_not_eligible_for_renewal: .+ \(HTTP 400\)$/);
    });

    it("create, read, update and delete without a key say how to set it; check and diff need none", async () => {
      const provider = new CodeSigningOrderProvider(stackConfig({}), { env: {}, log: () => undefined });
      expect((await provider.check({}, ovHsm)).failures).to.deep.equal([]);
      await provider.diff("1", { ...ovHsm, orderId: 1 }, ovHsm);
      for (const call of [
        provider.create(ovHsm),
        provider.read("1", ovHsm),
        provider.update("1", { ...ovHsm, orderId: 1 }, ovHsm),
        provider.delete("1", ovHsm),
      ]) {
        expect((await rejectionOf(call)).message).to.include("pulumi config set --secret digicert:apiKey");
      }
    });

    it("reads the key from DIGICERT_API_KEY when the stack has none", async () => {
      const provider = new CodeSigningOrderProvider(stackConfig({ "digicert:baseUrl": emulator.baseUrl }), {
        env: { DIGICERT_API_KEY: EMULATOR_KEY },
        log: () => undefined,
      });
      const { outs } = await provider.create(ovHsm);
      expect(outs.orderId).to.be.a("number");
    });
  });
});
