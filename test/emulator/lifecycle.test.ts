import { expect } from "chai";
import { AxiosInstance } from "axios";
import { Emulator } from "../../emulator";
import { apiClient, csrOrderBody, useTestEmulator, startTestEmulator } from "./harness";

describe("emulator: order lifecycle", () => {
  let emulator: Emulator;
  let api: AxiosInstance;
  useTestEmulator((started, client) => {
    emulator = started;
    api = client;
  });

  const place = async (overrides: Record<string, unknown> = {}): Promise<number> => {
    const response = await api.post("/order/certificate/code_signing", csrOrderBody(overrides));
    expect(response.status, JSON.stringify(response.data)).to.equal(201);
    return response.data.id as number;
  };

  describe("control methods", () => {
    it("approve: needs_approval → pending, request approved, certificate id assigned", async () => {
      const id = await place();
      emulator.approve(id);
      expect(emulator.order(id)).to.deep.include({
        status: "pending",
        requests: [{ id: 880001, type: "new_request", status: "approved" }],
        certificate: { id: 990001 },
      });
      expect(() => emulator.approve(id)).to.throw(/no request waiting/);
    });

    it("issue: from needs_approval approves on the way and fills the certificate", async () => {
      const id = await place();
      emulator.issue(id);
      const order = emulator.order(id);
      expect(order?.status).to.equal("issued");
      expect(order?.requests[0].status).to.equal("approved");
      expect(order?.certificate).to.have.keys([
        "id",
        "serialNumber",
        "thumbprint",
        "validFrom",
        "validTill",
        "dateIssued",
      ]);
      expect(order?.certificate?.dateIssued).to.equal("2026-03-02T16:20:11+00:00");
    });

    it("reject: request and order rejected; a rejected order cannot be issued", async () => {
      const id = await place();
      emulator.reject(id);
      expect(emulator.order(id)).to.deep.include({
        status: "rejected",
        requests: [{ id: 880001, type: "new_request", status: "rejected" }],
      });
      expect(() => emulator.issue(id)).to.throw(/cannot be issued/);
      expect(() => emulator.reject(id)).to.throw(/cannot be rejected/);
    });

    it("throws for unknown orders", () => {
      expect(() => emulator.approve(1)).to.throw(/not found/i);
      expect(() => emulator.issue(1)).to.throw(/not found/i);
      expect(() => emulator.reject(1)).to.throw(/not found/i);
    });

    it("returns copies that do not change emulator state", async () => {
      const id = await place();
      const copy = emulator.order(id);
      if (copy) copy.status = "issued";
      expect(emulator.order(id)?.status).to.equal("needs_approval");
    });
  });

  describe("requests API", () => {
    it("GET /request/{id} describes the request and its order", async () => {
      await place({ comments: "for approval" });
      const response = await api.get("/request/880001");
      expect(response.status).to.equal(200);
      expect(response.data).to.include({
        id: 880001,
        type: "new_request",
        status: "pending",
        date: "2026-03-02T16:20:11+00:00",
        comments: "for approval",
      });
      expect(response.data.order).to.include({ id: 7000001, status: "needs_approval" });
      expect(response.data).to.not.have.property("date_processed");
      expect((await api.get("/request/1")).data.errors[0].code).to.equal("not_found|request");
    });

    it("PUT /request/{id}/status approved has the effect of approve", async () => {
      const id = await place();
      const response = await api.put("/request/880001/status", {
        status: "approved",
        processor_comment: "ok",
      });
      expect(response.status).to.equal(204);
      expect(response.data).to.equal("");
      expect(emulator.order(id)).to.deep.include({ status: "pending", certificate: { id: 990001 } });
      const request = (await api.get("/request/880001")).data;
      expect(request).to.include({ status: "approved", processor_comment: "ok" });
      expect(request.date_processed).to.be.a("string");
      // A processed request cannot be processed again.
      const again = await api.put("/request/880001/status", { status: "rejected" });
      expect(again.status).to.equal(400);
      expect(again.data.errors[0].code).to.equal("invalid_status");
    });

    it("PUT /request/{id}/status rejected has the effect of reject", async () => {
      const id = await place();
      expect((await api.put("/request/880001/status", { status: "REJECTED" })).status).to.equal(204);
      expect(emulator.order(id)?.status).to.equal("rejected");
    });

    it("PUT /request/{id}/status validates its body", async () => {
      await place();
      const missing = await api.put("/request/880001/status", {});
      expect(missing.data.errors).to.deep.equal([
        { code: "missing_field", message: "The field status is required." },
      ]);
      const unknown = await api.put("/request/880001/status", { status: "maybe" });
      expect(unknown.data.errors[0].code).to.equal("invalid_value");
    });
  });

  describe("cancel (PUT /order/certificate/{id}/status)", () => {
    const cancel = (
      id: number,
      body: unknown = { status: "canceled", note: "Superseded by Pulumi update" },
    ) => api.put(`/order/certificate/${id}/status`, body);

    for (const status of ["needs_approval", "pending", "waiting_pickup"]) {
      it(`cancels an order in ${status} with 204`, async () => {
        const id = await place();
        if (status !== "needs_approval") emulator.setStatus(id, status);
        const response = await cancel(id);
        expect(response.status).to.equal(204);
        expect(emulator.order(id)?.status).to.equal("canceled");
      });
    }

    it("rejects the open request when canceling an order that awaits approval", async () => {
      const id = await place();
      await cancel(id);
      expect(emulator.order(id)?.requests[0].status).to.equal("rejected");
    });

    it("accepts the status case-insensitively", async () => {
      const id = await place();
      expect((await cancel(id, { status: "CANCELED", note: "old docs" })).status).to.equal(204);
    });

    it("cancels a pending reissue back to issued", async () => {
      const id = await place();
      emulator.issue(id);
      emulator.setStatus(id, "reissue_pending");
      expect((await cancel(id)).status).to.equal(204);
      expect(emulator.order(id)?.status).to.equal("issued");
    });

    for (const status of ["issued", "rejected", "canceled", "revoked", "expired"]) {
      it(`refuses to cancel an order in ${status} with 400 invalid_status`, async () => {
        const id = await place();
        emulator.setStatus(id, status);
        const response = await cancel(id);
        expect(response.status).to.equal(400);
        expect(response.data.errors[0].code).to.equal("invalid_status");
        expect(emulator.order(id)?.status).to.equal(status);
      });
    }

    it("requires a note and the canceled status", async () => {
      const id = await place();
      const response = await cancel(id, { status: "renewed" });
      expect(response.status).to.equal(400);
      expect(response.data.errors.map((e: { code: string }) => e.code)).to.deep.equal([
        "invalid_value",
        "missing_field",
      ]);
      expect((await cancel(id, { status: "canceled", note: "  " })).data.errors[0].message).to.contain(
        "note",
      );
      expect(emulator.order(id)?.status).to.equal("needs_approval");
    });

    it("answers 404 for unknown orders", async () => {
      expect((await cancel(7999999)).data.errors[0].code).to.equal("not_found|order");
    });
  });

  describe("revoke", () => {
    it("revokes an issued order directly with skip_approval: 204", async () => {
      const id = await place();
      emulator.issue(id);
      const response = await api.put(`/order/certificate/${id}/revoke`, {
        comments: "key lost",
        skip_approval: true,
      });
      expect(response.status).to.equal(204);
      expect(emulator.order(id)?.status).to.equal("revoked");
      const again = await api.put(`/order/certificate/${id}/revoke`, { skip_approval: true });
      expect(again.status).to.equal(400);
      expect(again.data.errors[0].code).to.equal("order_already_revoked");
    });

    it("creates a pending revoke request without skip_approval: 201, approved later", async () => {
      const id = await place();
      emulator.issue(id);
      const response = await api.put(`/order/certificate/${id}/revoke`, { comments: "key lost" });
      expect(response.status).to.equal(201);
      expect(response.data).to.include({
        id: 880002,
        date: "2026-03-02T16:20:11+00:00",
        type: "revoke",
        status: "pending",
        comments: "key lost",
      });
      expect(emulator.order(id)?.status).to.equal("issued");
      // Repeating the call while the request is pending returns the same request.
      expect((await api.put(`/order/certificate/${id}/revoke`, {})).data.id).to.equal(880002);
      expect((await api.put("/request/880002/status", { status: "approved" })).status).to.equal(204);
      expect(emulator.order(id)?.status).to.equal("revoked");
    });

    it("leaves the certificate issued when the revoke request is rejected", async () => {
      const id = await place();
      emulator.issue(id);
      await api.put(`/order/certificate/${id}/revoke`, {});
      emulator.reject(id);
      expect(emulator.order(id)).to.deep.include({
        status: "issued",
        requests: [
          { id: 880001, type: "new_request", status: "approved" },
          { id: 880002, type: "revoke", status: "rejected" },
        ],
      });
    });

    it("approve() approves a pending revoke request", async () => {
      const id = await place();
      emulator.issue(id);
      await api.put(`/order/certificate/${id}/revoke`, {});
      emulator.approve(id);
      expect(emulator.order(id)?.status).to.equal("revoked");
    });

    it("answers 201 even with skip_approval when revokeRequiresApproval is set", async () => {
      const { emulator: strict } = await startTestEmulator({ revokeRequiresApproval: true });
      try {
        const client = apiClient(strict);
        const placed = (await client.post("/order/certificate/code_signing", csrOrderBody())).data;
        strict.issue(placed.id);
        const response = await client.put(`/order/certificate/${placed.id}/revoke`, { skip_approval: true });
        expect(response.status).to.equal(201);
        expect(response.data.status).to.equal("pending");
      } finally {
        await strict.close();
      }
    });

    it("revokes by certificate id or serial number", async () => {
      const first = await place();
      const second = await place();
      emulator.issue(first);
      emulator.issue(second);
      const firstCertificate = emulator.order(first)?.certificate;
      const secondCertificate = emulator.order(second)?.certificate;
      expect(
        (await api.put(`/certificate/${firstCertificate?.id}/revoke`, { skip_approval: true })).status,
      ).to.equal(204);
      expect(
        (await api.put(`/certificate/${secondCertificate?.serialNumber}/revoke`, { skip_approval: true }))
          .status,
      ).to.equal(204);
      expect([emulator.order(first)?.status, emulator.order(second)?.status]).to.deep.equal([
        "revoked",
        "revoked",
      ]);
      expect((await api.put("/certificate/12345/revoke", {})).data.errors[0].code).to.equal(
        "not_found|certificate",
      );
    });

    it("refuses to revoke an order that is not issued", async () => {
      const id = await place({ skip_approval: true });
      for (const path of [`/order/certificate/${id}/revoke`, "/certificate/990001/revoke"]) {
        const response = await api.put(path, { skip_approval: true });
        expect(response.status, path).to.equal(400);
        expect(response.data.errors[0].code).to.equal("invalid_status");
      }
      expect(emulator.order(id)?.status).to.equal("pending");
    });
  });
});
