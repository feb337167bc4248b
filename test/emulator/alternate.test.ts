import { expect } from "chai";
import { AlternateLookupNotFound, Emulator } from "../../emulator";
import { apiClient, csrOrderBody, startTestEmulator } from "./harness";

describe("emulator: GET /order/alternate/{alternative_order_id}", () => {
  let emulator: Emulator;

  before(async () => {
    ({ emulator } = await startTestEmulator());
  });
  after(() => emulator.close());
  beforeEach(() => emulator.reset());

  it("lists every order with that alternative_order_id, with order_id/certificate_id/status", async () => {
    const api = apiClient(emulator);
    await api.post("/order/certificate/code_signing", csrOrderBody({ alternative_order_id: "urn hash/1" }));
    await api.post("/order/certificate/code_signing", csrOrderBody({ alternative_order_id: "other" }));
    await api.post("/order/certificate/code_signing", csrOrderBody({ alternative_order_id: "urn hash/1" }));
    emulator.approve(7000003);
    const response = await api.get(`/order/alternate/${encodeURIComponent("urn hash/1")}`);
    expect(response.status).to.equal(200);
    expect(response.data).to.deep.equal({
      orders: [
        { order_id: 7000001, status: "needs_approval" },
        { order_id: 7000003, certificate_id: 990001, status: "pending" },
      ],
      page: { total: 2, limit: 1000, offset: 0 },
    });
  });

  it("pages with offset and limit", async () => {
    const api = apiClient(emulator);
    for (let index = 0; index < 3; index++) await api.post("/order/certificate/code_signing", csrOrderBody());
    const response = await api.get("/order/alternate/pulumi-abc123?offset=1&limit=1");
    expect(response.data).to.deep.equal({
      orders: [{ order_id: 7000002, status: "needs_approval" }],
      page: { total: 3, limit: 1, offset: 1 },
    });
    const bad = await api.get("/order/alternate/pulumi-abc123?offset=-1");
    expect(bad.status).to.equal(400);
    expect(bad.data.errors[0]).to.include({ code: "invalid_value" });
  });

  const expectations: [AlternateLookupNotFound, number, unknown][] = [
    ["404", 404, { errors: [{ code: "not_found|order", message: "Order not found." }] }],
    ["empty-list", 200, { orders: [], page: { total: 0, limit: 1000, offset: 0 } }],
    ["omit-orders", 200, { page: { total: 0, limit: 1000, offset: 0 } }],
  ];
  for (const [mode, status, body] of expectations) {
    it(`answers a lookup without matches as configured: ${mode}`, async () => {
      const { emulator: configured } = await startTestEmulator({ alternateLookupNotFound: mode });
      try {
        const response = await apiClient(configured).get("/order/alternate/nothing-here");
        expect(response.status).to.equal(status);
        expect(response.data).to.deep.equal(body);
      } finally {
        await configured.close();
      }
    });
  }
});
