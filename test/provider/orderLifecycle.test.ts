import { expect } from "chai";
import { Emulator, startEmulator } from "../../emulator";
import { CodeSigningOrderProvider } from "../../provider/operations/codeSigningOrderProvider";
import { ReplacementMemory } from "../../provider/core/replacementMemory";
import { ovHsmInputs, NEW_ORGANIZATION } from "../fixtures/digicertExample";
import {
  EMULATOR_KEY,
  instantClock,
  providerFor,
  rejectionOf,
  stackConfig,
  useEmulator,
  placeAndIssue,
  refuseNextOrder,
  daysFrom,
  clockAhead,
} from "./providerFixture";

const hsm = ovHsmInputs("codesigning/dev/lifecycle", { days: 400 });

describe("the order lifecycle past the first order", () => {
  const emulatorOf = useEmulator();
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });

  describe("adopting an existing order (existingOrderId, the way to import)", () => {
    it("takes the order over with its current state and places none", async () => {
      const { provider } = providerFor(emulator);
      const original = await placeAndIssue(emulator, provider, { ...hsm, resourceKey: "elsewhere" });
      emulator.clearRequests();
      const adopted = await provider.create({ ...hsm, existingOrderId: Number(original.id) });
      expect(adopted.id).to.equal(original.id);
      expect(adopted.outs).to.include({
        status: "issued",
        adoptedExistingOrder: true,
        certificateId: original.state.certificateId,
      });
      // The look-up for renewals since the import (none), the order itself, and its certificate's download (it
      // is issued): no POST.
      expect(
        emulator.requests().map((r) => `${r.method} ${r.path.split("/").slice(0, 3).join("/")}`),
      ).to.deep.equal([
        "GET /order/alternate",
        "GET /order/certificate",
        `GET /certificate/${original.state.certificateId}`,
      ]);
      expect(emulator.orders()).to.have.length(1);
    });

    it("refuses an order of another product or organization, or one that does not exist", async () => {
      const { provider } = providerFor(emulator);
      const original = await provider.create(hsm);
      const orderId = Number(original.id);
      expect(
        (await rejectionOf(provider.create({ ...hsm, product: "code_signing_ev", existingOrderId: orderId })))
          .message,
      ).to.match(/existingOrderId: order \d+ is a code_signing order, not code_signing_ev/);
      expect(
        (await rejectionOf(provider.create({ ...hsm, organization: { id: 99 }, existingOrderId: orderId })))
          .message,
      ).to.match(/belongs to organization 123456, not organization.id 99/);
      expect((await rejectionOf(provider.create({ ...hsm, existingOrderId: 4242 }))).message).to.match(
        /was not found/,
      );
      expect(emulator.requests().filter((r) => r.method === "POST")).to.have.length(1);
    });
  });

  describe("renewal (renewBeforeDays)", () => {
    // The order (400 days) itself runs out within renewBeforeDays: a renewal is a new order, not a reissue.
    it("plans a replacement on plain up when expiry is near, and the new order renews the old one", async () => {
      const clock = clockAhead(380);
      const { provider, logs } = providerFor(emulator, {}, { clock });
      const inputs = { ...hsm, renewBeforeDays: 30 };
      const old = await placeAndIssue(emulator, provider, inputs, { validTill: daysFrom(clock, 20) });

      const diff = await provider.diff(old.id, old.state, inputs);
      expect(diff.replaces).to.deep.equal(["validTill"]);
      expect(logs.join("\n")).to.match(/renewal order \(a new paid order\) will be placed/);

      emulator.clearRequests();
      const renewed = await provider.create(inputs);
      const post = emulator.requests().find((r) => r.method === "POST")!;
      expect(post.body).to.include({ renewal_of_order_id: Number(old.id) });
      expect(renewed.outs).to.include({ predecessorOrderId: Number(old.id), renewalLinked: true });
      expect(renewed.outs.assignedAlternativeOrderId).to.not.equal(old.state.assignedAlternativeOrderId);

      // Then the engine deletes the old order: issued, onDelete cancel: left with DigiCert.
      await provider.delete(old.id, old.state);
      expect(emulator.order(Number(old.id))!.status).to.equal("issued");
    });

    it("does not renew while expiry is further away than renewBeforeDays", async () => {
      const clock = instantClock();
      const { provider } = providerFor(emulator, {}, { clock });
      const inputs = { ...hsm, renewBeforeDays: 30 };
      const old = await placeAndIssue(emulator, provider, inputs, { validTill: daysFrom(clock, 90) });
      expect((await provider.diff(old.id, old.state, inputs)).replaces).to.deep.equal([]);
    });

    it("places an unlinked order and says so when DigiCert refuses the renewal link", async () => {
      const clock = clockAhead(380);
      const { provider, logs } = providerFor(emulator, {}, { clock });
      const inputs = { ...hsm, renewBeforeDays: 30 };
      const old = await placeAndIssue(emulator, provider, inputs, { validTill: daysFrom(clock, 5) });
      await provider.diff(old.id, old.state, inputs);
      refuseNextOrder(emulator, "order_not_eligible_for_renewal", "Order is not eligible for renewal.");
      emulator.clearRequests();
      const renewed = await provider.create(inputs);
      const posts = emulator.requests().filter((r) => r.method === "POST");
      expect(posts).to.have.length(2);
      expect(posts[1]!.body).to.not.have.property("renewal_of_order_id");
      expect(renewed.outs).to.include({ renewalLinked: false, predecessorOrderId: Number(old.id) });
      expect(logs.join("\n")).to.match(/refused to link .* placing an unlinked order instead/);
      expect(emulator.orders()).to.have.length(2);
    });
  });

  describe("drift", () => {
    for (const status of ["canceled", "rejected", "revoked", "expired"]) {
      it(`refresh shows an order ${status} outside Pulumi, and the next up replaces it`, async () => {
        const { provider } = providerFor(emulator);
        const created = await provider.create(hsm);
        emulator.setStatus(Number(created.id), status);
        const refreshed = await provider.read(created.id, created.outs);
        expect(refreshed.props!.status).to.equal(status);
        expect((await provider.diff(created.id, refreshed.props!, hsm)).replaces).to.deep.equal(["status"]);
        const next = await provider.create(hsm);
        expect(next.id).to.not.equal(created.id);
        expect(emulator.orders()).to.have.length(2);
        expect(
          (await provider.diff(created.id, refreshed.props!, { ...hsm, replaceWhenTerminal: false }))
            .replaces,
        ).to.deep.equal([]);
      });
    }
  });

  describe("revocation (onDelete: revoke)", () => {
    it("a revoke that needs an administrator's approval is reported, and the order leaves state", async () => {
      const local = await startEmulator({ rateLimits: [], revokeRequiresApproval: true });
      try {
        const { provider, logs } = providerFor(local);
        const created = await provider.create({ ...hsm, onDelete: "revoke" });
        local.approve(Number(created.id));
        local.issue(Number(created.id));
        await provider.delete(created.id, created.outs);
        expect(logs.join("\n")).to.match(/revocation request \d* ?awaits an administrator's approval/);
        expect(local.order(Number(created.id))!.status).to.equal("issued");
      } finally {
        await local.close();
      }
    });
  });

  describe("an organization created with the order", () => {
    const newOrg = NEW_ORGANIZATION;

    it("reports the new organization's ID, and later edits of its details or naming it by ID place no order", async () => {
      const { provider, logs } = providerFor(emulator);
      const inputs = { ...hsm, organization: newOrg };
      const created = await provider.create(inputs);
      const organizationId = created.outs.organizationId;
      expect(organizationId).to.be.a("number").and.not.equal(123456);

      const edited = { ...inputs, organization: { ...newOrg, telephone: "555-0199" } };
      expect(await provider.diff(created.id, created.outs, edited)).to.deep.include({
        changes: true,
        replaces: [],
      });
      expect(logs.join("\n")).to.match(/keeps organization \d+, created with it: no new order/);
      expect(
        (await provider.diff(created.id, created.outs, { ...inputs, organization: { id: organizationId } }))
          .replaces,
      ).to.deep.equal([]);
      // Another existing organization is another certificate: a new order.
      expect(
        (await provider.diff(created.id, created.outs, { ...inputs, organization: { id: 1 } })).replaces,
      ).to.deep.equal(["organization"]);
    });
  });

  describe("regions and base URLs", () => {
    it("digicert:region eu sends every call to the EU API, and a custom base URL wins over the region", async () => {
      const eu = await startEmulator({ rateLimits: [] });
      try {
        const regionBaseUrls = { us: emulator.baseUrl, eu: eu.baseUrl };
        const euProvider = new CodeSigningOrderProvider(
          stackConfig({ "digicert:apiKey": EMULATOR_KEY, "digicert:region": "eu" }),
          {
            env: {},
            log: () => undefined,
            regionBaseUrls,
            clock: instantClock(),
            memory: new ReplacementMemory(),
          },
        );
        const created = await euProvider.create(hsm);
        await euProvider.read(created.id, created.outs);
        await euProvider.delete(created.id, created.outs);
        expect(eu.requests().length).to.equal(5);
        expect(emulator.requests()).to.have.length(0);

        const custom = new CodeSigningOrderProvider(
          stackConfig({
            "digicert:apiKey": EMULATOR_KEY,
            "digicert:region": "eu",
            "digicert:baseUrl": emulator.baseUrl,
          }),
          {
            env: {},
            log: () => undefined,
            regionBaseUrls,
            clock: instantClock(),
            memory: new ReplacementMemory(),
          },
        );
        await custom.create({ ...hsm, resourceKey: "custom" });
        expect(emulator.orders()).to.have.length(1);
      } finally {
        await eu.close();
      }
    });
  });
});
