import { expect } from "chai";
import { AxiosInstance } from "axios";
import { Emulator } from "../../emulator";
import {
  apiClient,
  csrOrderBody,
  digicertExampleBody,
  ManualClock,
  startTestEmulator,
  TEST_CSR,
} from "./harness";

describe("emulator: order info", () => {
  let emulator: Emulator;
  let clock: ManualClock;
  let api: AxiosInstance;

  before(async () => {
    ({ emulator, clock } = await startTestEmulator());
    api = apiClient(emulator);
  });
  after(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    emulator.setAutoProgress("off");
    clock.ms = Date.UTC(2026, 2, 2, 16, 20, 11);
  });

  const place = async (body = csrOrderBody(), product = "code_signing"): Promise<number> => {
    const response = await api.post(`/order/certificate/${product}`, body);
    expect(response.status, JSON.stringify(response.data)).to.equal(201);
    return response.data.id as number;
  };

  it("shows a new order awaiting approval without certificate id or issuance fields", async () => {
    const id = await place(
      csrOrderBody({
        comments: "please",
        certificate: {
          csr: TEST_CSR,
          signature_hash: "sha256",
          server_platform: { id: -1 },
          organization_units: ["Engineering"],
        },
      }),
    );
    const response = await api.get(`/order/certificate/${id}`);
    expect(response.status).to.equal(200);
    const info = response.data;
    expect(info).to.include({
      id,
      status: "needs_approval",
      date_created: "2026-03-02T16:20:11+00:00",
      product_name_id: "code_signing",
      order_valid_till: "2027-06-04",
      is_renewal: false,
      renewal_of_order_id: 0,
      is_renewed: false,
      renewed_order_id: 0,
      alternative_order_id: "pulumi-abc123",
      cs_provisioning_method: "email",
      payment_method: "balance",
      comments: "please",
    });
    expect(info.product).to.include({
      name_id: "code_signing",
      name: "Code Signing",
      type: "code_signing_certificate",
    });
    expect(info.order_validity).to.deep.equal({ days: 459 });
    expect(info.organization).to.deep.equal({ id: 112233 });
    expect(info.requests).to.deep.equal([
      {
        id: 880001,
        date: "2026-03-02T16:20:11+00:00",
        type: "new_request",
        status: "pending",
        comments: "please",
      },
    ]);
    expect(info.certificate).to.deep.equal({
      date_created: "2026-03-02T16:20:11+00:00",
      cert_validity: { days: 459 },
      csr: TEST_CSR,
      organization: { id: 112233 },
      organization_units: ["Engineering"],
      server_platform: { id: -1, name: "OTHER" },
      signature_hash: "sha256",
    });
    expect(info).to.not.have.property("ship_info");
    expect(info).to.not.have.property("hardware_init_code");
  });

  it("adds the certificate id once approved, and issuance fields once issued", async () => {
    const id = await place();
    emulator.approve(id);
    let info = (await api.get(`/order/certificate/${id}`)).data;
    expect(info.status).to.equal("pending");
    expect(info.requests[0].status).to.equal("approved");
    expect(info.certificate.id).to.equal(990001);
    for (const field of [
      "serial_number",
      "thumbprint",
      "valid_from",
      "valid_till",
      "date_issued",
      "days_remaining",
    ]) {
      expect(info.certificate).to.not.have.property(field);
    }

    clock.advance(2 * 86_400_000);
    emulator.issue(id);
    info = (await api.get(`/order/certificate/${id}`)).data;
    expect(info.status).to.equal("issued");
    expect(info.certificate).to.include({
      id: 990001,
      valid_from: "2026-03-04",
      valid_till: "2027-06-06",
      date_issued: "2026-03-04T16:20:11+00:00",
      days_remaining: 459,
    });
    expect(info.certificate.serial_number).to.match(/^[0-9A-F]{32}$/);
    expect(info.certificate.thumbprint).to.match(/^[0-9A-F]{40}$/);
    expect(info.certificate.cert_validity).to.deep.equal({ days: 459 });

    clock.advance(100 * 86_400_000);
    info = (await api.get(`/order/certificate/${id}`)).data;
    expect(info.certificate.days_remaining).to.equal(359);
  });

  it("caps a certificate at 459 days even for a 3-year order", async () => {
    const id = await place(csrOrderBody({ order_validity: { years: 3 } }));
    emulator.issue(id);
    const order = emulator.order(id);
    expect(order?.certificate).to.include({ validFrom: "2026-03-02", validTill: "2027-06-04" });
    const info = (await api.get(`/order/certificate/${id}`)).data;
    expect(info.order_valid_till).to.equal("2029-03-02");
    expect(info.validity_years).to.equal(3);
  });

  it("uses a shorter order validity when it ends before 459 days", async () => {
    const id = await place(csrOrderBody({ order_validity: { custom_expiration_date: "09 JUN 2026" } }));
    emulator.issue(id);
    expect(emulator.order(id)?.certificate).to.include({ validFrom: "2026-03-02", validTill: "2026-06-09" });
    const info = (await api.get(`/order/certificate/${id}`)).data;
    expect(info.order_validity).to.deep.equal({ custom_expiration_date: "09 JUN 2026" });
  });

  it("accepts explicit validity dates on issue and rejects malformed ones", () => {
    return place().then((id) => {
      expect(() => emulator.issue(id, { validFrom: "2026/03/02" })).to.throw(/validFrom/);
      emulator.issue(id, { validFrom: "2026-03-10", validTill: "2026-09-10" });
      expect(emulator.order(id)?.certificate).to.include({
        validFrom: "2026-03-10",
        validTill: "2026-09-10",
      });
    });
  });

  it("finds an issued order by its certificate's thumbprint or serial number", async () => {
    const id = await place();
    emulator.issue(id);
    const certificate = emulator.order(id)?.certificate;
    for (const key of [certificate?.thumbprint, certificate?.serialNumber?.toLowerCase()]) {
      const response = await api.get(`/order/certificate/${key}`);
      expect(response.status).to.equal(200);
      expect(response.data.id).to.equal(id);
    }
  });

  it("shows ship_info and hardware_init_code for a ship_token order", async () => {
    const id = await place(digicertExampleBody(), "code_signing_ev");
    emulator.issue(id);
    const info = (await api.get(`/order/certificate/${id}`)).data;
    expect(info.ship_info).to.deep.equal(digicertExampleBody().ship_info);
    expect(info.hardware_init_code).to.be.a("string");
    expect(info.container).to.deep.equal({ id: 654321, name: "Division" });
    expect(info.auto_renew).to.equal(1);
    expect(info.custom_fields).to.deep.equal([
      { metadata_id: 12, label: "Custom field 12", value: "123456" },
    ]);
    expect(info.product).to.include({ name_id: "code_signing_ev", validation_type: "ev_cs" });
  });

  it("answers 404 not_found|order for unknown orders", async () => {
    for (const key of ["7999999", "abc", "0"]) {
      const response = await api.get(`/order/certificate/${key}`);
      expect(response.status, key).to.equal(404);
      expect(response.data).to.deep.equal({
        errors: [{ code: "not_found|order", message: "Order not found." }],
      });
    }
  });

  it("tolerates any status string set for leniency tests", async () => {
    const id = await place();
    emulator.setStatus(id, "Processing_Something_New");
    expect((await api.get(`/order/certificate/${id}`)).data.status).to.equal("Processing_Something_New");
    expect(() => emulator.setStatus(7999999, "issued")).to.throw(/not found/i);
  });

  describe("renewal", () => {
    it("marks the new order is_renewal and the old one is_renewed once the renewal is issued", async () => {
      const original = await place();
      emulator.issue(original);
      const renewal = await place(csrOrderBody({ renewal_of_order_id: original }));
      let info = (await api.get(`/order/certificate/${renewal}`)).data;
      expect(info).to.include({ is_renewal: true, renewal_of_order_id: original });
      expect((await api.get(`/order/certificate/${original}`)).data).to.include({ is_renewed: false });

      emulator.issue(renewal);
      info = (await api.get(`/order/certificate/${original}`)).data;
      expect(info).to.include({ status: "issued", is_renewed: true, renewed_order_id: renewal });
      expect(emulator.order(original)).to.include({ isRenewed: true, renewedOrderId: renewal });
    });
  });

  describe("auto progress on read", () => {
    it("moves needs_approval → pending (certificate id) → issued, one step per read", async () => {
      const id = await place();
      emulator.setAutoProgress("on-read");
      const first = (await api.get(`/order/certificate/${id}`)).data;
      expect(first.status).to.equal("pending");
      expect(first.certificate.id).to.equal(990001);
      const second = (await api.get(`/order/certificate/${id}`)).data;
      expect(second.status).to.equal("issued");
      expect(second.certificate.serial_number).to.be.a("string");
      const third = (await api.get(`/order/certificate/${id}`)).data;
      expect(third.status).to.equal("issued");
    });

    it("does nothing when off, and can be set at start", async () => {
      const id = await place();
      expect((await api.get(`/order/certificate/${id}`)).data.status).to.equal("needs_approval");
      const { emulator: auto } = await startTestEmulator({ autoProgress: "on-read" });
      try {
        const client = apiClient(auto);
        const placed = (
          await client.post("/order/certificate/code_signing", csrOrderBody({ skip_approval: true }))
        ).data;
        expect((await client.get(`/order/certificate/${placed.id}`)).data.status).to.equal("issued");
      } finally {
        await auto.close();
      }
    });
  });
});
