import { expect } from "chai";
import { AxiosInstance } from "axios";
import { Emulator } from "../../emulator";
import {
  apiClient,
  csrOrderBody,
  digicertExampleBody,
  useTestEmulator,
  startTestEmulator,
  TEST_CSR,
} from "./harness";

describe("emulator: placing orders", () => {
  let emulator: Emulator;
  let api: AxiosInstance;
  useTestEmulator((started, client) => {
    emulator = started;
    api = client;
  });

  for (const product of ["code_signing", "code_signing_ev"] as const) {
    it(`accepts DigiCert's documented example body for ${product} with 201`, async () => {
      const response = await api.post(`/order/certificate/${product}`, digicertExampleBody());
      expect(response.status).to.equal(201);
      // skip_approval: the request is approved and DigiCert returns certificate_id with an approved request.
      expect(response.data).to.deep.equal({
        id: 7000001,
        requests: [{ id: 880001, status: "approved" }],
        certificate_id: 990001,
      });
      const order = emulator.order(7000001);
      expect(order?.product).to.equal(product);
      expect(order?.status).to.equal("pending");
      expect(order?.body).to.deep.equal(digicertExampleBody());
      expect(order?.certificate).to.deep.equal({ id: 990001 });
      expect(order?.organizationId).to.equal(123456);
    });
  }

  it("leaves the order needs_approval with a pending request without skip_approval", async () => {
    const response = await api.post("/order/certificate/code_signing", csrOrderBody());
    expect(response.status).to.equal(201);
    expect(response.data).to.deep.equal({ id: 7000001, requests: [{ id: 880001, status: "pending" }] });
    const order = emulator.order(7000001);
    expect(order?.status).to.equal("needs_approval");
    expect(order?.requests).to.deep.equal([{ id: 880001, type: "new_request", status: "pending" }]);
    expect(order?.certificate).to.equal(undefined);
    expect(order?.alternativeOrderId).to.equal("pulumi-abc123");
    expect(order?.isRenewed).to.equal(false);
  });

  it("numbers orders and requests upwards and restarts after reset", async () => {
    const first = await api.post("/order/certificate/code_signing", csrOrderBody());
    const second = await api.post("/order/certificate/code_signing_ev", csrOrderBody());
    expect([first.data.id, second.data.id]).to.deep.equal([7000001, 7000002]);
    expect([first.data.requests[0].id, second.data.requests[0].id]).to.deep.equal([880001, 880002]);
    emulator.reset();
    expect(emulator.orders()).to.deep.equal([]);
    const third = await api.post("/order/certificate/code_signing", csrOrderBody());
    expect(third.data.id).to.equal(7000001);
  });

  it("creates an organization from inline details and returns its id", async () => {
    const organization = {
      name: "Example Corp",
      address: "2801 N Thanksgiving Way",
      city: "Lehi",
      state: "ut",
      zip: 84043,
      country: "us",
      telephone: "801-701-9600",
    };
    const response = await api.post("/order/certificate/code_signing", csrOrderBody({ organization }));
    expect(response.status).to.equal(201);
    expect(response.data.organization).to.deep.equal({ id: 500001 });
    expect(emulator.order(response.data.id)?.organizationId).to.equal(500001);
    const info = await api.get(`/order/certificate/${response.data.id}`);
    expect(info.data.organization).to.include({ id: 500001, name: "Example Corp", country: "us" });
  });

  it("does not return an organization for an existing organization id", async () => {
    const response = await api.post("/order/certificate/code_signing", csrOrderBody());
    expect(response.data).to.not.have.property("organization");
  });

  it("ignores fields it does not know", async () => {
    const response = await api.post(
      "/order/certificate/code_signing",
      csrOrderBody({
        something_new: { nested: true },
        certificate: { csr: TEST_CSR, signature_hash: "sha256", x: 1 },
      }),
    );
    expect(response.status).to.equal(201);
  });

  it("answers 404 not_found|product for other products", async () => {
    const response = await api.post("/order/certificate/ssl_basic", csrOrderBody());
    expect(response.status).to.equal(404);
    expect(response.data).to.deep.equal({
      errors: [{ code: "not_found|product", message: "Product not found." }],
    });
    expect(emulator.orders()).to.have.length(0);
  });

  it("answers 400 bad_request_format for malformed JSON", async () => {
    const response = await api.post("/order/certificate/code_signing", '{"certificate": {', {
      headers: { "Content-Type": "application/json" },
      transformRequest: (data: string) => data,
    });
    expect(response.status).to.equal(400);
    expect(response.data.errors[0].code).to.equal("bad_request_format");
  });

  it("answers 400 bad_request_format for a JSON body that is not an object", async () => {
    const response = await api.post("/order/certificate/code_signing", [1, 2]);
    expect(response.status).to.equal(400);
    expect(response.data.errors[0].code).to.equal("bad_request_format");
  });

  it("answers 404 not_found|route for unknown routes", async () => {
    for (const [method, path] of [
      ["get", "/no/such/route"],
      ["delete", "/order/certificate/7000001"],
      ["get", ""],
    ] as const) {
      const response = await api.request({ method, url: path });
      expect(response.status, `${method} ${path}`).to.equal(404);
      expect(response.data).to.deep.equal({
        errors: [{ code: "not_found|route", message: "The specified route was not found." }],
      });
    }
  });

  describe("authentication", () => {
    const denied = {
      errors: [
        {
          code: "access_denied|access_denied_invalid_key",
          message: "Access denied due to access_denied_invalid_key.",
        },
      ],
    };

    it("answers 403 without an X-DC-DEVKEY header", async () => {
      const response = await apiClient(emulator, null).post(
        "/order/certificate/code_signing",
        csrOrderBody(),
      );
      expect(response.status).to.equal(403);
      expect(response.data).to.deep.equal(denied);
      expect(emulator.orders()).to.have.length(0);
    });

    it("answers 403 for an unknown key, even on unknown routes", async () => {
      const client = apiClient(emulator, "not-a-key");
      expect((await client.get("/order/certificate/7000001")).data).to.deep.equal(denied);
      expect((await client.get("/no/such/route")).status).to.equal(403);
    });

    it("accepts every configured key and only those", async () => {
      const { emulator: keyed } = await startTestEmulator({ apiKeys: ["key-one", "key-two"] });
      try {
        expect(
          (await apiClient(keyed, "key-one").post("/order/certificate/code_signing", csrOrderBody())).status,
        ).to.equal(201);
        expect((await apiClient(keyed, "key-two").get("/order/certificate/7000001")).status).to.equal(200);
        expect((await apiClient(keyed).get("/order/certificate/7000001")).status).to.equal(403);
      } finally {
        await keyed.close();
      }
    });
  });

  describe("request recording", () => {
    it("records every API request in order, with status, headers, query and body", async () => {
      await api.post("/order/certificate/code_signing", csrOrderBody());
      await api.get("/order/alternate/pulumi-abc123?limit=5");
      await apiClient(emulator, "wrong").get("/order/certificate/7000001");
      const recorded = emulator.requests();
      expect(recorded.map((r) => [r.method, r.path, r.status])).to.deep.equal([
        ["POST", "/order/certificate/code_signing", 201],
        ["GET", "/order/alternate/pulumi-abc123", 200],
        ["GET", "/order/certificate/7000001", 403],
      ]);
      expect(recorded[0].body).to.deep.equal(csrOrderBody());
      expect(recorded[0].headers["x-dc-devkey"]).to.equal("emulator-api-key");
      expect(recorded[0].at).to.be.a("number");
      expect(recorded[1].query).to.deep.equal({ limit: "5" });
      expect(recorded[1].body).to.equal(undefined);
      emulator.clearRequests();
      expect(emulator.requests()).to.deep.equal([]);
    });

    it("records an unparsable body as its raw text", async () => {
      await api.post("/order/certificate/code_signing", "not json", {
        headers: { "Content-Type": "application/json" },
        transformRequest: (data: string) => data,
      });
      expect(emulator.requests()[0].body).to.equal("not json");
    });
  });
});
