import { expect } from "chai";
import { X509Certificate } from "node:crypto";
import { AxiosInstance } from "axios";
import { Emulator } from "../../emulator";
import { EC_P256_CSR, RSA_3072_CSR } from "../fixtures/certificateRequests";
import {
  apiClient,
  controlClient,
  csrOrderBody,
  digicertExampleBody,
  ManualClock,
  START_MS,
  startTestEmulator,
} from "./harness";

const DAY = 86_400_000;

describe("emulator: reissues (POST /order/certificate/{id}/reissue)", () => {
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
    clock.ms = START_MS;
  });

  const placeIssued = async (overrides: Record<string, unknown> = {}): Promise<number> => {
    const response = await api.post(
      "/order/certificate/code_signing",
      csrOrderBody({
        certificate: { csr: RSA_3072_CSR, signature_hash: "sha256", server_platform: { id: -1 } },
        ...overrides,
      }),
    );
    expect(response.status, JSON.stringify(response.data)).to.equal(201);
    emulator.issue(response.data.id);
    return response.data.id as number;
  };
  const reissueBody = (overrides: Record<string, unknown> = {}) => ({
    certificate: { csr: EC_P256_CSR, signature_hash: "sha256", server_platform: { id: -1 } },
    comments: "new HSM key",
    ...overrides,
  });
  const reissue = (id: number, body: unknown = reissueBody()) =>
    api.post(`/order/certificate/${id}/reissue`, body);
  const info = async (id: number) => (await api.get(`/order/certificate/${id}`)).data;
  const codes = (data: { errors: { code: string }[] }) => data.errors.map((e) => e.code);

  it("answers 201 with the order id and a pending reissue request; the order keeps its certificate meanwhile", async () => {
    const id = await placeIssued();
    const before = await info(id);
    const response = await reissue(id);
    expect(response.status).to.equal(201);
    expect(response.data).to.deep.equal({ id, requests: [{ id: 880002, status: "pending" }] });

    const pending = await info(id);
    expect(pending.status).to.equal("reissue_pending");
    expect(pending.certificate).to.deep.equal(before.certificate);
    expect(
      pending.requests.map((r: { type: string; status: string }) => `${r.type}:${r.status}`),
    ).to.deep.equal(["new_request:approved", "reissue:pending"]);
    expect(pending.requests[1]).to.include({ id: 880002, comments: "new HSM key" });
    expect(pending).to.include({ has_reissues: false, reissues_count: 0 });

    const list = (await api.get(`/order/certificate/${id}/reissue`)).data;
    expect(list.certificates).to.have.length(1);
    expect(list.certificates[0]).to.include({ id: 990002, status: "pending", csr: EC_P256_CSR });
    expect(list.certificates[0]).to.not.have.property("date_issued");
    expect(emulator.order(id)?.reissues).to.deep.equal([
      { requestId: 880002, status: "pending", certificate: { id: 990002 } },
    ]);
  });

  it("issues the reissue: new certificate id, serial, thumbprint, PEM, validity; the old one stays downloadable", async () => {
    const id = await placeIssued({ order_validity: { years: 3 } });
    const first = (await info(id)).certificate;
    clock.advance(400 * DAY); // 2027-04-06
    await reissue(id);
    emulator.approve(id);
    expect((await info(id)).requests[1].status).to.equal("approved");
    emulator.issueReissue(id);

    const issued = await info(id);
    expect(issued.status).to.equal("issued");
    expect(issued).to.include({ has_reissues: true, reissues_count: 1, order_valid_till: "2029-03-02" });
    const certificate = issued.certificate;
    expect(certificate.id).to.equal(990002);
    expect(certificate).to.include({ valid_from: "2027-04-06", valid_till: "2028-07-08", key_size: 256 });
    expect(certificate.csr).to.equal(EC_P256_CSR);
    expect(certificate.serial_number).to.not.equal(first.serial_number);
    expect(certificate.thumbprint).to.not.equal(first.thumbprint);
    const x509 = new X509Certificate(emulator.certificatePem(certificate.id)!);
    expect(x509.serialNumber).to.equal(certificate.serial_number);
    expect(x509.fingerprint.replace(/:/g, "")).to.equal(certificate.thumbprint);
    expect(x509.checkIssued(new X509Certificate(emulator.certificateAuthorities().intermediate))).to.equal(
      true,
    );

    const list = (await api.get(`/order/certificate/${id}/reissue`)).data.certificates;
    expect(list[0]).to.include({ id: 990002, status: "issued", serial_number: certificate.serial_number });
    expect(list[0].date_issued).to.equal("2027-04-06T16:20:11+00:00");
    expect(emulator.order(id)).to.deep.include({ previousCertificateIds: [first.id] });
    const old = await api.get(`/certificate/${first.id}/download/format/pem_nointermediate`, {
      responseType: "text",
    });
    expect(new X509Certificate(old.data).serialNumber).to.equal(first.serial_number);
    const current = await api.get(`/certificate/download/order/${id}/format/pem_nointermediate`, {
      responseType: "text",
    });
    expect(new X509Certificate(current.data).serialNumber).to.equal(certificate.serial_number);
    // Looked up by the current certificate's thumbprint, not the replaced one's.
    expect((await api.get(`/order/certificate/${certificate.thumbprint}`)).data.id).to.equal(id);
  });

  it("never issues past the order's end, and refuses a reissue once the order has ended", async () => {
    const id = await placeIssued({ order_validity: { years: 3 } });
    clock.ms = Date.UTC(2028, 5, 1, 12);
    expect((await reissue(id)).status).to.equal(201);
    emulator.issueReissue(id);
    expect((await info(id)).certificate).to.include({ valid_from: "2028-06-01", valid_till: "2029-03-02" });
    clock.ms = Date.UTC(2029, 2, 2, 12);
    const late = await reissue(id);
    expect(late.status).to.equal(400);
    expect(late.data.errors[0].message).to.match(/validity ended 2029-03-02/);
  });

  it("skip_approval approves the reissue request at once", async () => {
    const id = await placeIssued();
    const response = await reissue(id, reissueBody({ skip_approval: true }));
    expect(response.data.requests).to.deep.equal([{ id: 880002, status: "approved" }]);
  });

  it("refuses to reissue an order that is not issued, with 400 invalid_status", async () => {
    const placed = await api.post("/order/certificate/code_signing", csrOrderBody());
    const id = placed.data.id as number;
    for (const status of ["needs_approval", "pending", "rejected", "canceled", "revoked", "expired"]) {
      emulator.setStatus(id, status);
      const response = await reissue(id);
      expect(response.status, status).to.equal(400);
      expect(codes(response.data)).to.deep.equal(["invalid_status"]);
    }
    expect((await reissue(7999999)).data.errors[0].code).to.equal("not_found|order");
  });

  it("checks the body as DigiCert describes it for code signing", async () => {
    const id = await placeIssued();
    const cases: [unknown, string[]][] = [
      [{}, ["missing_field"]],
      [reissueBody({ certificate: { common_name: "example.com", csr: EC_P256_CSR } }), ["invalid_value"]],
      [reissueBody({ certificate: { signature_hash: "sha256" } }), ["missing_field"]],
      [reissueBody({ certificate: { csr: EC_P256_CSR, signature_hash: "md5" } }), ["invalid_value"]],
      [reissueBody({ cs_provisioning_method: "carrier_pigeon" }), ["invalid_value"]],
      [reissueBody({ ship_info: digicertExampleBody().ship_info }), ["invalid_value"]],
      [reissueBody({ certificate: "csr" }), ["invalid_value"]],
    ];
    for (const [body, expected] of cases) {
      const response = await reissue(id, body);
      expect(response.status, JSON.stringify(body)).to.equal(400);
      expect(codes(response.data), JSON.stringify(body)).to.deep.equal(expected);
    }
    expect(
      (await reissue(id, reissueBody({ certificate: { signature_hash: "sha256" } }))).data.errors[0].message,
    ).to.equal("The field certificate.csr is required.");
    expect(emulator.order(id)?.reissues).to.equal(undefined);
    expect((await info(id)).status).to.equal("issued");
  });

  it("reissues a token order onto an HSM: the CSR and method change, and the certificate becomes downloadable", async () => {
    const placed = await api.post("/order/certificate/code_signing_ev", digicertExampleBody());
    const id = placed.data.id as number;
    emulator.issue(id);
    const token = await info(id);
    expect(token.hardware_init_code).to.be.a("string");
    const response = await reissue(
      id,
      reissueBody({ cs_provisioning_method: "email", certificate: { csr: RSA_3072_CSR } }),
    );
    expect(response.status, JSON.stringify(response.data)).to.equal(201);
    emulator.issueReissue(id);
    const hsm = await info(id);
    expect(hsm).to.include({ cs_provisioning_method: "email" });
    expect(hsm).to.not.have.property("hardware_init_code");
    expect(hsm).to.not.have.property("ship_info");
    expect(hsm.certificate.csr).to.equal(RSA_3072_CSR);
    // No server_platform in the reissue: the order's (the token model, 52) is kept.
    expect(hsm.certificate.server_platform).to.deep.equal({ id: 52 });
    const download = await api.get(`/certificate/${hsm.certificate.id}/download/format/pem_noroot`);
    expect(download.status).to.equal(200);
    const oldToken = await api.get(`/certificate/${token.certificate.id}/download/format/pem_noroot`);
    expect(oldToken.data.errors[0].code).to.equal("download_not_allowed");
  });

  it("keeps the method (and a new hardware_init_code) when a token order is reissued without one", async () => {
    const placed = await api.post("/order/certificate/code_signing_ev", digicertExampleBody());
    const id = placed.data.id as number;
    emulator.issue(id);
    const before = await info(id);
    expect((await reissue(id, { certificate: {} })).status).to.equal(201);
    emulator.issueReissue(id);
    const after = await info(id);
    expect(after).to.include({ cs_provisioning_method: "ship_token" });
    expect(after.ship_info).to.deep.equal(digicertExampleBody().ship_info);
    expect(after.hardware_init_code).to.be.a("string").and.not.equal(before.hardware_init_code);
  });

  describe("ending a pending reissue without a certificate", () => {
    let id: number;
    let certificate: unknown;
    beforeEach(async () => {
      id = await placeIssued();
      certificate = (await info(id)).certificate;
      await reissue(id);
    });

    const expectBackToIssued = async (processorComment?: string) => {
      const after = await info(id);
      expect(after.status).to.equal("issued");
      expect(after.certificate).to.deep.equal(certificate);
      expect(after.requests[1]).to.include({ type: "reissue", status: "rejected" });
      expect((await api.get(`/order/certificate/${id}/reissue`)).data.certificates[0].status).to.equal(
        "rejected",
      );
      const request = (await api.get(`/request/${after.requests[1].id}`)).data;
      expect(request.processor_comment).to.equal(processorComment);
    };

    it("control: rejectReissue", async () => {
      emulator.rejectReissue(id);
      await expectBackToIssued();
      expect(() => emulator.rejectReissue(id)).to.throw(/no pending reissue/);
      expect(() => emulator.issueReissue(id)).to.throw(/no pending reissue/);
    });

    it("PUT /order/certificate/{id}/status canceled, the note as processor_comment", async () => {
      const response = await api.put(`/order/certificate/${id}/status`, {
        status: "canceled",
        note: "wrong key",
      });
      expect(response.status).to.equal(204);
      await expectBackToIssued("wrong key");
    });

    it("PUT /request/{id}/status rejected", async () => {
      const response = await api.put("/request/880002/status", {
        status: "rejected",
        processor_comment: "no",
      });
      expect(response.status).to.equal(204);
      await expectBackToIssued("no");
    });

    it("a second reissue replaces the pending one", async () => {
      const second = await reissue(id);
      expect(second.data.requests[0].id).to.equal(880003);
      const list = (await api.get(`/order/certificate/${id}/reissue`)).data.certificates;
      expect(list.map((c: { id: number; status: string }) => `${c.id}:${c.status}`)).to.deep.equal([
        "990002:rejected",
        "990003:pending",
      ]);
      expect((await api.get("/request/880002")).data.processor_comment).to.equal(
        "Replaced by reissue request 880003.",
      );
      emulator.issueReissue(id);
      expect((await info(id)).certificate.id).to.equal(990003);
    });

    it("refuses to revoke while the reissue is pending", async () => {
      const response = await api.put(`/order/certificate/${id}/revoke`, { skip_approval: true });
      expect(response.status).to.equal(400);
      expect(response.data.errors[0].message).to.match(/pending reissue/);
    });
  });

  it("issue() and auto progress move a pending reissue on too", async () => {
    const id = await placeIssued();
    await reissue(id);
    emulator.issue(id);
    expect((await info(id)).certificate.id).to.equal(990002);

    await reissue(id);
    emulator.setAutoProgress("on-read");
    expect((await info(id)).requests[2].status).to.equal("approved");
    const issued = await info(id);
    expect(issued.status).to.equal("issued");
    expect(issued.certificate.id).to.equal(990003);
  });

  it("drives reissues over the control plane", async () => {
    const control = controlClient(emulator);
    const id = await placeIssued();
    await reissue(id);
    const rejected = await control.post(`/orders/${id}/reissue/reject`);
    expect(rejected.status).to.equal(200);
    expect(rejected.data.reissues).to.deep.equal([
      { requestId: 880002, status: "rejected", certificate: { id: 990002 } },
    ]);
    await reissue(id);
    const issued = await control.post(`/orders/${id}/reissue/issue`, {
      validFrom: "2026-04-01",
      validTill: "2026-12-31",
    });
    expect(issued.status).to.equal(200);
    expect(issued.data.certificate).to.include({
      id: 990003,
      validFrom: "2026-04-01",
      validTill: "2026-12-31",
    });
    expect(issued.data.previousCertificateIds).to.deep.equal([990001]);
    const none = await control.post(`/orders/${id}/reissue/issue`);
    expect(none.status).to.equal(400);
    expect(none.data.errors[0].code).to.equal("invalid_status");
  });

  it('with reissueOrderStatus "issued", the order stays issued while the reissue is pending', async () => {
    const { emulator: other } = await startTestEmulator({ reissueOrderStatus: "issued" });
    try {
      const client = apiClient(other);
      const placed = await client.post("/order/certificate/code_signing", csrOrderBody());
      other.issue(placed.data.id);
      expect(
        (await client.post(`/order/certificate/${placed.data.id}/reissue`, reissueBody())).status,
      ).to.equal(201);
      const pending = (await client.get(`/order/certificate/${placed.data.id}`)).data;
      expect(pending.status).to.equal("issued");
      expect(pending.requests[1]).to.include({ type: "reissue", status: "pending" });
      expect(
        (await client.put(`/order/certificate/${placed.data.id}/revoke`, { skip_approval: true })).status,
      ).to.equal(400);
      other.issueReissue(placed.data.id);
      expect((await client.get(`/order/certificate/${placed.data.id}`)).data.certificate.id).to.equal(990002);
    } finally {
      await other.close();
    }
  });
});
