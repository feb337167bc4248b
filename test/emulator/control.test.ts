import { expect } from "chai";
import { AxiosInstance } from "axios";
import { Emulator } from "../../emulator";
import { apiClient, controlClient, csrOrderBody, startTestEmulator } from "./harness";

describe("emulator: HTTP control plane (/__emulator)", () => {
  let emulator: Emulator;
  let api: AxiosInstance;
  let control: AxiosInstance;

  before(async () => {
    ({ emulator } = await startTestEmulator({ rateLimits: [{ limit: 2, windowMs: 60_000 }] }));
    api = apiClient(emulator);
    control = controlClient(emulator);
  });
  after(() => emulator.close());
  beforeEach(() => emulator.reset());

  const placeOrder = async (): Promise<number> =>
    (await api.post("/order/certificate/code_signing", csrOrderBody())).data.id as number;

  it("approves, issues and answers the order's inspection view", async () => {
    const id = await placeOrder();
    const approved = await control.post(`/orders/${id}/approve`);
    expect(approved.status).to.equal(200);
    expect(approved.data).to.deep.include({ id, status: "pending", certificate: { id: 990001 } });
    const issued = await control.post(`/orders/${id}/issue`, {
      validFrom: "2026-03-05",
      validTill: "2026-12-31",
    });
    expect(issued.data.status).to.equal("issued");
    expect(issued.data.certificate).to.include({ validFrom: "2026-03-05", validTill: "2026-12-31" });
    expect((await control.get(`/orders/${id}`)).data.status).to.equal("issued");
  });

  it("rejects and sets any status", async () => {
    const first = await placeOrder();
    expect((await control.post(`/orders/${first}/reject`)).data.status).to.equal("rejected");
    const second = await placeOrder();
    expect(second).to.equal(first + 1);
    const changed = await control.post(`/orders/${second}/status`, { status: "waiting_pickup" });
    expect(changed.data.status).to.equal("waiting_pickup");
  });

  it("lists orders and recorded requests, and control calls are neither recorded nor rate limited", async () => {
    await placeOrder();
    for (let index = 0; index < 5; index++) expect((await control.get("/orders")).status).to.equal(200);
    const orders = (await control.get("/orders")).data;
    expect(orders).to.have.length(1);
    expect(orders[0]).to.include({ id: 7000001, status: "needs_approval", organizationId: 112233 });
    const requests = (await control.get("/requests")).data;
    expect(requests.map((r: { method: string; path: string }) => `${r.method} ${r.path}`)).to.deep.equal([
      "POST /order/certificate/code_signing",
    ]);
    expect((await control.delete("/requests")).status).to.equal(204);
    expect(emulator.requests()).to.deep.equal([]);
  });

  it("injects faults by path prefix", async () => {
    const injected = await control.post("/faults", {
      method: "POST",
      path: "/order/certificate/",
      times: 2,
      fault: { kind: "error-before", status: 503 },
    });
    expect(injected.status).to.equal(204);
    expect((await api.post("/order/certificate/code_signing", csrOrderBody())).status).to.equal(503);
    emulator.reset(); // forget the rate-limit history: the test's window holds 2
    expect((await api.post("/order/certificate/code_signing", csrOrderBody())).status).to.equal(201);
  });

  it("refuses malformed fault rules", async () => {
    const response = await control.post("/faults", { fault: { kind: "explode" } });
    expect(response.status).to.equal(400);
    expect(response.data.errors[0].code).to.equal("invalid_value");
    const noFault = await control.post("/faults", { path: "/x" });
    expect(noFault.data.errors).to.deep.include({
      code: "missing_field",
      message: "The field fault is required.",
    });
  });

  it("switches auto progress and resets", async () => {
    const id = await placeOrder();
    expect((await control.post("/auto-progress", { mode: "on-read" })).status).to.equal(204);
    expect((await api.get(`/order/certificate/${id}`)).data.status).to.equal("pending");
    expect((await control.post("/auto-progress", { mode: "sometimes" })).status).to.equal(400);
    await control.post("/auto-progress", { mode: "off" });
    expect((await control.post("/reset")).status).to.equal(204);
    expect(emulator.orders()).to.deep.equal([]);
  });

  it("answers DigiCert-style errors for unknown orders, bad bodies and unknown routes", async () => {
    expect((await control.post("/orders/7999999/approve")).data.errors[0].code).to.equal("not_found|order");
    const id = await placeOrder();
    expect((await control.post(`/orders/${id}/status`, {})).data.errors[0].code).to.equal("missing_field");
    expect((await control.post(`/orders/${id}/issue`, { validFrom: "soon" })).status).to.equal(400);
    expect((await control.post(`/orders/${id}/reject`)).status).to.equal(200);
    expect((await control.post(`/orders/${id}/approve`)).data.errors[0].code).to.equal("invalid_status");
    expect((await control.get("/nothing")).data.errors[0].code).to.equal("not_found|route");
  });
});
