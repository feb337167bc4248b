import { expect } from "chai";
import { createPublicKey, X509Certificate } from "node:crypto";
import { AxiosInstance } from "axios";
import { Emulator } from "../../emulator";
import {
  EC_P256_CSR,
  EC_P256_PUBLIC_KEY,
  RSA_3072_CSR,
  RSA_3072_PUBLIC_KEY,
} from "../fixtures/certificateRequests";
import {
  apiClient,
  controlClient,
  csrOrderBody,
  digicertExampleBody,
  ManualClock,
  START_MS,
  startTestEmulator,
  TEST_CSR,
} from "./harness";

const DAY = 86_400_000;

/** The PEM blocks of a bundle, in order. */
const pemBlocks = (text: string): string[] =>
  text.match(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----\n/g) ?? [];

const spki = (key: string): string =>
  createPublicKey(key).export({ type: "spki", format: "der" }).toString("base64");

describe("emulator: certificate material and downloads", () => {
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
    clock.ms = START_MS;
  });

  const place = async (body: Record<string, unknown>, product = "code_signing"): Promise<number> => {
    const response = await api.post(`/order/certificate/${product}`, body);
    expect(response.status, JSON.stringify(response.data)).to.equal(201);
    return response.data.id as number;
  };
  const withCsr = (csr: string, overrides: Record<string, unknown> = {}) =>
    csrOrderBody({
      certificate: { csr, signature_hash: "sha256", server_platform: { id: -1 } },
      ...overrides,
    });
  const info = async (id: number) => (await api.get(`/order/certificate/${id}`)).data;
  const download = (certificateId: number, format: string) =>
    api.get(`/certificate/${certificateId}/download/format/${format}`, { responseType: "text" });

  it("issues a real certificate whose serial, thumbprint and dates are the ones order info shows", async () => {
    const id = await place(
      withCsr(RSA_3072_CSR, {
        certificate: {
          csr: RSA_3072_CSR,
          signature_hash: "sha256",
          server_platform: { id: -1 },
          organization_units: ["Build"],
        },
      }),
    );
    clock.advance(2 * DAY);
    emulator.issue(id);
    const { certificate } = await info(id);
    const x509 = new X509Certificate(emulator.certificatePem(certificate.id)!);
    expect(x509.serialNumber).to.equal(certificate.serial_number);
    expect(x509.fingerprint.replace(/:/g, "")).to.equal(certificate.thumbprint);
    expect(certificate.thumbprint).to.match(/^[0-9A-F]{40}$/);
    expect(certificate.serial_number).to.match(/^[0-9A-F]{32}$/);
    expect(new Date(x509.validFrom).toISOString()).to.equal(`${certificate.valid_from}T00:00:00.000Z`);
    expect(new Date(x509.validTo).toISOString()).to.equal(`${certificate.valid_till}T23:59:59.000Z`);
    expect(certificate).to.include({ valid_from: "2026-03-04", valid_till: "2027-06-06", key_size: 3072 });
    expect(spki(x509.publicKey.export({ type: "spki", format: "pem" }).toString())).to.equal(
      spki(RSA_3072_PUBLIC_KEY),
    );
    expect(x509.keyUsage).to.deep.equal(["1.3.6.1.5.5.7.3.3"]);
    expect(x509.ca).to.equal(false);
    expect(x509.subject).to.equal(
      "C=US\nO=Emulated Organization 112233\nOU=Build\nCN=Emulated Organization 112233",
    );
  });

  it("chains every certificate to the emulator's intermediate and root", async () => {
    const { root, intermediate } = emulator.certificateAuthorities();
    const rootCertificate = new X509Certificate(root);
    const intermediateCertificate = new X509Certificate(intermediate);
    expect(rootCertificate.checkIssued(rootCertificate)).to.equal(true);
    expect(rootCertificate.verify(rootCertificate.publicKey)).to.equal(true);
    expect(intermediateCertificate.checkIssued(rootCertificate)).to.equal(true);
    expect(intermediateCertificate.verify(rootCertificate.publicKey)).to.equal(true);
    expect(intermediateCertificate.ca).to.equal(true);
    for (const csr of [RSA_3072_CSR, EC_P256_CSR, TEST_CSR]) {
      const id = await place(withCsr(csr));
      emulator.issue(id);
      const leaf = new X509Certificate(emulator.certificatePem(emulator.order(id)!.certificate!.id)!);
      expect(leaf.checkIssued(intermediateCertificate), csr.slice(40, 60)).to.equal(true);
      expect(leaf.verify(intermediateCertificate.publicKey)).to.equal(true);
      expect(leaf.issuer).to.equal(intermediateCertificate.subject);
    }
    const control = await controlClient(emulator).get("/ca");
    expect(control.data).to.deep.equal({ root, intermediate });
  });

  it("uses the CSR's key when the CSR parses (RSA or EC), and a generated P-256 key when it does not", async () => {
    const ec = await place(withCsr(EC_P256_CSR));
    const junk = await place(withCsr(TEST_CSR));
    emulator.issue(ec);
    emulator.issue(junk);
    const keyOf = (id: number) =>
      new X509Certificate(emulator.certificatePem(emulator.order(id)!.certificate!.id)!).publicKey;
    expect(spki(keyOf(ec).export({ type: "spki", format: "pem" }).toString())).to.equal(
      spki(EC_P256_PUBLIC_KEY),
    );
    expect(keyOf(junk).asymmetricKeyDetails).to.deep.include({ namedCurve: "prime256v1" });
    expect((await info(ec)).certificate.key_size).to.equal(256);
  });

  it("finds the order by the real thumbprint and serial number", async () => {
    const id = await place(withCsr(RSA_3072_CSR));
    emulator.issue(id);
    const { certificate } = await info(id);
    for (const key of [certificate.thumbprint, certificate.serial_number]) {
      expect((await api.get(`/order/certificate/${key}`)).data.id).to.equal(id);
    }
  });

  it("caps each certificate at 459 days while the order covers 3 years", async () => {
    const id = await place(withCsr(RSA_3072_CSR, { order_validity: { years: 3 } }));
    emulator.issue(id);
    const first = await info(id);
    expect(first).to.include({ order_valid_till: "2029-03-02", validity_years: 3 });
    expect(first.order_validity).to.deep.equal({ years: 3 });
    expect(first.certificate).to.include({ valid_from: "2026-03-02", valid_till: "2027-06-04" });
    expect(first.certificate.cert_validity).to.deep.equal({ days: 459 });
  });

  describe("GET /certificate/{id}/download/format/{format}", () => {
    let orderId: number;
    let certificateId: number;
    beforeEach(async () => {
      orderId = await place(withCsr(RSA_3072_CSR));
      emulator.issue(orderId);
      certificateId = emulator.order(orderId)!.certificate!.id;
    });

    it("pem_noroot: the certificate, then the intermediate, as application/x-pem-file", async () => {
      const response = await download(certificateId, "pem_noroot");
      expect(response.status).to.equal(200);
      expect(response.headers["content-type"]).to.equal("application/x-pem-file");
      const blocks = pemBlocks(response.data);
      expect(blocks).to.deep.equal([
        emulator.certificatePem(certificateId),
        emulator.certificateAuthorities().intermediate,
      ]);
      expect(response.data).to.equal(blocks.join(""));
    });

    it("pem_all adds the root; pem_nointermediate is the certificate alone", async () => {
      const { root, intermediate } = emulator.certificateAuthorities();
      const leaf = emulator.certificatePem(certificateId);
      expect(pemBlocks((await download(certificateId, "pem_all")).data)).to.deep.equal([
        leaf,
        intermediate,
        root,
      ]);
      expect((await download(certificateId, "pem_nointermediate")).data).to.equal(leaf);
    });

    it("p7b and cer: a PEM PKCS7 bundle as application/x-pkcs7-certificates", async () => {
      for (const format of ["p7b", "cer"]) {
        const response = await download(certificateId, format);
        expect(response.status).to.equal(200);
        expect(response.headers["content-type"]).to.equal("application/x-pkcs7-certificates");
        expect(response.data).to.match(/^-----BEGIN PKCS7-----\n[A-Za-z0-9+/=\n]+-----END PKCS7-----\n$/);
      }
    });

    it("the order's current certificate by order id", async () => {
      const response = await api.get(`/certificate/download/order/${orderId}/format/pem_noroot`, {
        responseType: "text",
      });
      expect(response.status).to.equal(200);
      expect(response.data).to.equal((await download(certificateId, "pem_noroot")).data);
    });

    it("refuses zip formats, unknown formats and unknown certificates", async () => {
      const zip = await download(certificateId, "default");
      expect(zip.status).to.equal(400);
      expect(JSON.parse(zip.data).errors[0].code).to.equal("emulator_unsupported_format");
      const unknown = await download(certificateId, "jpeg");
      expect(unknown.status).to.equal(400);
      expect(JSON.parse(unknown.data).errors[0]).to.deep.equal({
        code: "invalid_value",
        message: "The field format_type is invalid: is not a certificate format.",
      });
      const missing = await download(123, "pem_noroot");
      expect(missing.status).to.equal(404);
      expect(JSON.parse(missing.data).errors[0].code).to.equal("not_found|certificate");
      expect((await api.get(`/certificate/download/order/7999999/format/pem_all`)).status).to.equal(404);
    });

    it("refuses a certificate that is not issued yet with 400 invalid_status", async () => {
      const pending = await place(withCsr(RSA_3072_CSR, { skip_approval: true }));
      const pendingCertificate = emulator.order(pending)!.certificate!.id;
      const response = await download(pendingCertificate, "pem_noroot");
      expect(response.status).to.equal(400);
      expect(JSON.parse(response.data).errors[0].code).to.equal("invalid_status");
    });

    it("needs a key like every API call", async () => {
      expect(
        (await apiClient(emulator, null).get(`/certificate/${certificateId}/download/format/pem_noroot`))
          .status,
      ).to.equal(403);
    });
  });

  describe("token orders (ship_token, client_app)", () => {
    const clientApp = () =>
      csrOrderBody({
        certificate: { signature_hash: "sha256", server_platform: { id: 52 } },
        cs_provisioning_method: "client_app",
      });

    it("carry hardware_init_code once issued, and offer nothing to download", async () => {
      for (const [body, product, method] of [
        [digicertExampleBody(), "code_signing_ev", "ship_token"],
        [clientApp(), "code_signing", "client_app"],
      ] as const) {
        const id = await place(body, product);
        expect(await info(id)).to.not.have.property("hardware_init_code");
        emulator.issue(id);
        const issued = await info(id);
        expect(issued.hardware_init_code).to.match(/^[0-9A-F]{16}$/);
        expect(issued.cs_provisioning_method).to.equal(method);
        const response = await download(issued.certificate.id, "pem_noroot");
        expect(response.status).to.equal(400);
        expect(JSON.parse(response.data).errors[0].code).to.equal("download_not_allowed");
        // The certificate itself exists (on the token), with real material behind order info's fields.
        const x509 = new X509Certificate(emulator.certificatePem(issued.certificate.id)!);
        expect(x509.serialNumber).to.equal(issued.certificate.serial_number);
      }
    });
  });
});
