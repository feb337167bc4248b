import { expect } from "chai";
import { AxiosInstance } from "axios";
import { Emulator } from "../../emulator";
import { apiClient, csrOrderBody, useTestEmulator } from "./harness";

describe("emulator: injected faults", () => {
  let emulator: Emulator;
  let api: AxiosInstance;
  useTestEmulator((started, client) => {
    emulator = started;
    api = client;
  });

  const placeOrder = () => api.post("/order/certificate/code_signing", csrOrderBody());

  it("error-before answers the status without processing, once by default", async () => {
    emulator.injectFault({
      method: "POST",
      path: "/order/certificate",
      fault: { kind: "error-before", status: 503 },
    });
    const failed = await placeOrder();
    expect(failed.status).to.equal(503);
    expect(failed.data.errors[0].code).to.equal("emulator_fault");
    expect(emulator.orders()).to.have.length(0);
    expect((await placeOrder()).status).to.equal(201);
  });

  it("error-before can carry a DigiCert code and message", async () => {
    emulator.injectFault({
      fault: { kind: "error-before", status: 400, code: "invalid_organization", message: "Nope." },
    });
    expect((await placeOrder()).data).to.deep.equal({
      errors: [{ code: "invalid_organization", message: "Nope." }],
    });
  });

  it("error-after stores the order and still answers the error status", async () => {
    emulator.injectFault({
      path: "/order/certificate/code_signing",
      fault: { kind: "error-after", status: 500 },
    });
    const response = await placeOrder();
    expect(response.status).to.equal(500);
    expect(response.data.errors).to.have.length(1);
    expect(emulator.orders().map((order) => order.id)).to.deep.equal([7000001]);
  });

  it("drop-after stores the order and closes the socket without an answer", async () => {
    emulator.injectFault({ method: "post", fault: { kind: "drop-after" } });
    let failure: unknown;
    try {
      await placeOrder();
    } catch (error) {
      failure = error;
    }
    expect(failure, "the request should fail").to.be.instanceOf(Error);
    expect(emulator.orders()).to.have.length(1);
    expect(emulator.requests()[0].status).to.equal(0);
    expect((await api.get("/order/alternate/pulumi-abc123")).data.orders).to.have.length(1);
  });

  it("delay answers normally after the delay", async () => {
    emulator.injectFault({ fault: { kind: "delay", ms: 60 } });
    const started = Date.now();
    const response = await placeOrder();
    expect(response.status).to.equal(201);
    expect(Date.now() - started).to.be.at.least(50);
  });

  it("delay can outlast a client timeout while the order is still stored", async () => {
    emulator.injectFault({ fault: { kind: "delay", ms: 300 } });
    let failure: unknown;
    try {
      await api.post("/order/certificate/code_signing", csrOrderBody(), { timeout: 30 });
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(Error);
    expect(emulator.orders()).to.have.length(1);
  });

  it("process-late stores the order only after the hold, answering then", async () => {
    emulator.injectFault({ fault: { kind: "process-late", ms: 400 } });
    const answered = placeOrder();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emulator.orders()).to.have.length(0);
    expect((await answered).status).to.equal(201);
    expect(emulator.orders()).to.have.length(1);
  });

  it("malformed-json answers the normal status with a body that is not JSON", async () => {
    emulator.injectFault({ fault: { kind: "malformed-json" } });
    const response = await api.post("/order/certificate/code_signing", csrOrderBody(), {
      responseType: "text",
      transformResponse: (data: string) => data,
    });
    expect(response.status).to.equal(201);
    expect(response.headers["content-type"]).to.contain("application/json");
    expect(() => JSON.parse(response.data as string)).to.throw(SyntaxError);
    expect(emulator.orders()).to.have.length(1);
  });

  it("malformed-json turns a bodiless 204 into a 200 with a non-JSON body", async () => {
    await placeOrder();
    emulator.injectFault({ method: "PUT", fault: { kind: "malformed-json" } });
    const response = await api.put(
      "/order/certificate/7000001/status",
      { status: "canceled", note: "x" },
      {
        responseType: "text",
        transformResponse: (data: string) => data,
      },
    );
    expect(response.status).to.equal(200);
    expect(() => JSON.parse(response.data as string)).to.throw(SyntaxError);
    expect(emulator.order(7000001)?.status).to.equal("canceled");
  });

  it("extra-fields adds unknown fields at several levels", async () => {
    await placeOrder();
    emulator.issue(7000001);
    emulator.injectFault({
      method: "GET",
      path: /^\/order\/certificate\/\d+$/,
      fault: { kind: "extra-fields" },
    });
    const info = (await api.get("/order/certificate/7000001")).data;
    expect(info.status).to.equal("issued");
    expect(info).to.have.property("emulator_unknown_field_0");
    expect(info).to.have.property("emulator_unknown_object");
    expect(info.certificate).to.have.property("emulator_unknown_field_1");
    expect(info.certificate.organization).to.have.property("emulator_unknown_field_2");
    expect(info.requests[0]).to.have.property("emulator_unknown_field_2");
    const plain = (await api.get("/order/certificate/7000001")).data;
    expect(plain).to.not.have.property("emulator_unknown_field_0");
  });

  it("rate-limited answers 429 without processing", async () => {
    emulator.injectFault({ fault: { kind: "rate-limited" }, times: 2 });
    expect((await placeOrder()).status).to.equal(429);
    const second = await placeOrder();
    expect(second.data.errors[0].code).to.equal("request_limit_exceeded");
    expect(emulator.orders()).to.have.length(0);
    expect((await placeOrder()).status).to.equal(201);
  });

  it("matches rules in injection order by method and path, each firing `times` times", async () => {
    emulator.injectFault({
      method: "GET",
      path: "/order/alternate",
      fault: { kind: "error-before", status: 502 },
    });
    emulator.injectFault({ method: "POST", times: 2, fault: { kind: "error-before", status: 503 } });
    emulator.injectFault({ method: "POST", fault: { kind: "error-before", status: 504 } });
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) statuses.push((await placeOrder()).status);
    expect(statuses).to.deep.equal([503, 503, 504, 201]);
    expect((await api.get("/order/alternate/pulumi-abc123")).status).to.equal(502);
    expect((await api.get("/order/alternate/pulumi-abc123")).status).to.equal(200);
  });

  it("applies faults only after authentication", async () => {
    emulator.injectFault({ fault: { kind: "error-before", status: 500 } });
    expect((await apiClient(emulator, "bad-key").get("/order/certificate/1")).status).to.equal(403);
    expect((await api.get("/order/certificate/1")).status).to.equal(500);
  });

  it("reset() drops pending faults", async () => {
    emulator.injectFault({ fault: { kind: "error-before", status: 500 }, times: Infinity });
    emulator.reset();
    expect((await placeOrder()).status).to.equal(201);
  });

  it("refuses a rule with a nonsense times", () => {
    expect(() => emulator.injectFault({ times: 0, fault: { kind: "drop-after" } })).to.throw(RangeError);
  });
});
