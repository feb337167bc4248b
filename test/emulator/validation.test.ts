import { expect } from "chai";
import { AxiosInstance } from "axios";
import { Emulator } from "../../emulator";
import { csrOrderBody, digicertExampleBody, useTestEmulator, TEST_CSR } from "./harness";
import { NEW_ORGANIZATION } from "../fixtures/digicertExample";

type Product = "code_signing" | "code_signing_ev";

interface Case {
  name: string;
  product?: Product;
  body: Record<string, unknown>;
  /** Expected [code, field] pairs, in the order the emulator reports them. */
  errors: [string, string][];
}

const withCertificate = (certificate: Record<string, unknown>) =>
  csrOrderBody({
    certificate: { csr: TEST_CSR, signature_hash: "sha256", server_platform: { id: -1 }, ...certificate },
  });

const without = (body: Record<string, unknown>, ...keys: string[]) => {
  const copy = { ...body };
  for (const key of keys) delete copy[key];
  return copy;
};

const inlineOrganization = NEW_ORGANIZATION;

const shipToken = (shipInfo: Record<string, unknown>) => ({
  ...digicertExampleBody(),
  ship_info: shipInfo,
});

const REJECTED: Case[] = [
  {
    name: "certificate missing",
    body: without(csrOrderBody(), "certificate"),
    errors: [["missing_field", "certificate"]],
  },
  {
    name: "signature_hash missing",
    body: withCertificate({ signature_hash: undefined }),
    errors: [["missing_field", "certificate.signature_hash"]],
  },
  {
    name: "signature_hash sha1",
    body: withCertificate({ signature_hash: "sha1" }),
    errors: [["invalid_value", "certificate.signature_hash"]],
  },
  {
    name: "order_validity missing",
    body: without(csrOrderBody(), "order_validity"),
    errors: [["missing_field", "order_validity"]],
  },
  {
    name: "order_validity empty",
    body: csrOrderBody({ order_validity: {} }),
    errors: [["missing_field", "order_validity.years"]],
  },
  {
    name: "order_validity with two choices",
    body: csrOrderBody({ order_validity: { years: 1, days: 30 } }),
    errors: [["invalid_value", "order_validity"]],
  },
  {
    name: "years out of range",
    body: csrOrderBody({ order_validity: { years: 4 } }),
    errors: [["invalid_value", "order_validity.years"]],
  },
  {
    name: "years zero",
    body: csrOrderBody({ order_validity: { years: 0 } }),
    errors: [["invalid_value", "order_validity.years"]],
  },
  {
    name: "days zero",
    body: csrOrderBody({ order_validity: { days: 0 } }),
    errors: [["invalid_value", "order_validity.days"]],
  },
  {
    name: "custom_expiration_date in yyyy-MM-dd",
    body: csrOrderBody({ order_validity: { custom_expiration_date: "2027-06-09" } }),
    errors: [["invalid_value", "order_validity.custom_expiration_date"]],
  },
  {
    name: "custom_expiration_date not a calendar day",
    body: csrOrderBody({ order_validity: { custom_expiration_date: "31 FEB 2027" } }),
    errors: [["invalid_value", "order_validity.custom_expiration_date"]],
  },
  {
    name: "custom_expiration_date today (the clock says 02 MAR 2026)",
    body: csrOrderBody({ order_validity: { custom_expiration_date: "02 MAR 2026" } }),
    errors: [["invalid_value", "order_validity.custom_expiration_date"]],
  },
  {
    name: "organization missing",
    body: without(csrOrderBody(), "organization"),
    errors: [["missing_field", "organization"]],
  },
  {
    name: "organization without id or details",
    body: csrOrderBody({ organization: {} }),
    errors: [["missing_field", "organization.id"]],
  },
  {
    name: "organization id zero",
    body: csrOrderBody({ organization: { id: 0 } }),
    errors: [["invalid_value", "organization.id"]],
  },
  {
    name: "inline organization incomplete",
    body: csrOrderBody({ organization: { name: "Example Corp", city: "Lehi", zip: "84043" } }),
    errors: [
      ["missing_field", "organization.address"],
      ["missing_field", "organization.state"],
      ["missing_field", "organization.country"],
      ["missing_field", "organization.telephone"],
    ],
  },
  {
    name: "EV without cs_provisioning_method",
    product: "code_signing_ev",
    body: without(csrOrderBody(), "cs_provisioning_method"),
    errors: [["missing_field", "cs_provisioning_method"]],
  },
  {
    name: "unknown cs_provisioning_method",
    body: csrOrderBody({ cs_provisioning_method: "usb_stick" }),
    errors: [["invalid_value", "cs_provisioning_method"]],
  },
  {
    name: "server_platform missing when cs_provisioning_method is absent",
    body: without(withCertificate({ server_platform: undefined }), "cs_provisioning_method"),
    errors: [["missing_field", "certificate.server_platform.id"]],
  },
  {
    name: "server_platform missing with client_app",
    body: csrOrderBody({ cs_provisioning_method: "client_app", certificate: { signature_hash: "sha256" } }),
    errors: [["missing_field", "certificate.server_platform.id"]],
  },
  {
    name: "server_platform id below -1",
    body: withCertificate({ server_platform: { id: -7 } }),
    errors: [["invalid_value", "certificate.server_platform.id"]],
  },
  {
    name: "csr missing with email provisioning",
    body: withCertificate({ csr: undefined }),
    errors: [["missing_field", "certificate.csr"]],
  },
  {
    name: "csr missing with the Sun Java platform (55)",
    body: csrOrderBody({
      cs_provisioning_method: "client_app",
      certificate: { signature_hash: "sha256", server_platform: { id: 55 } },
    }),
    errors: [["missing_field", "certificate.csr"]],
  },
  {
    name: "ship_info without ship_token",
    body: csrOrderBody({ ship_info: digicertExampleBody().ship_info }),
    errors: [["invalid_value", "ship_info"]],
  },
  {
    name: "ship_info incomplete",
    body: shipToken({ name: "Erin Guerra", city: "Richmond", state: "va", country: "us" }),
    errors: [
      ["missing_field", "ship_info.addr1"],
      ["missing_field", "ship_info.zip"],
      ["missing_field", "ship_info.method"],
    ],
  },
  {
    name: "ship_info method unknown",
    body: shipToken({ ...(digicertExampleBody().ship_info as object), method: "OVERNIGHT" }),
    errors: [["invalid_value", "ship_info.method"]],
  },
  {
    name: "alternative_order_id longer than 64",
    body: csrOrderBody({ alternative_order_id: "a".repeat(65) }),
    errors: [["invalid_value", "alternative_order_id"]],
  },
  {
    name: "alternative_order_id empty",
    body: csrOrderBody({ alternative_order_id: "" }),
    errors: [["invalid_value", "alternative_order_id"]],
  },
  {
    name: "payment_method unknown",
    body: csrOrderBody({ payment_method: "wire_transfer" }),
    errors: [["invalid_value", "payment_method"]],
  },
  {
    name: "custom field without metadata_id",
    body: csrOrderBody({ custom_fields: [{ value: "x" }] }),
    errors: [["missing_field", "custom_fields[0].metadata_id"]],
  },
  {
    name: "wrong JSON types",
    body: csrOrderBody({
      order_validity: { years: "1" },
      skip_approval: "yes",
      custom_fields: [{ metadata_id: 12, value: 42 }],
    }),
    errors: [
      ["invalid_value", "order_validity.years"],
      ["invalid_value", "skip_approval"],
      ["invalid_value", "custom_fields[0].value"],
    ],
  },
  {
    name: "fractional organization id",
    body: csrOrderBody({ organization: { id: 1.5 } }),
    errors: [["invalid_value", "organization.id"]],
  },
  {
    name: "several problems at once",
    product: "code_signing_ev",
    body: { certificate: {}, order_validity: { days: -1 } },
    errors: [
      ["missing_field", "certificate.signature_hash"],
      ["missing_field", "organization"],
      ["invalid_value", "order_validity.days"],
      ["missing_field", "cs_provisioning_method"],
      ["missing_field", "certificate.server_platform.id"],
    ],
  },
];

const ACCEPTED: { name: string; product?: Product; body: Record<string, unknown> }[] = [
  { name: "sha384", body: withCertificate({ signature_hash: "sha384" }) },
  { name: "sha512", body: withCertificate({ signature_hash: "sha512" }) },
  { name: "years 3", body: csrOrderBody({ order_validity: { years: 3 } }) },
  {
    name: "custom_expiration_date tomorrow",
    body: csrOrderBody({ order_validity: { custom_expiration_date: "03 mar 2026" } }),
  },
  { name: "inline organization", body: csrOrderBody({ organization: inlineOrganization }) },
  {
    name: "EV with key_locker and no platform or CSR",
    product: "code_signing_ev",
    body: csrOrderBody({ cs_provisioning_method: "key_locker", certificate: { signature_hash: "sha256" } }),
  },
  {
    name: "client_app with a token platform",
    body: csrOrderBody({
      cs_provisioning_method: "client_app",
      certificate: { signature_hash: "sha256", server_platform: { id: 52 } },
    }),
  },
  {
    name: "ship_token with lower-case method and numeric zip",
    body: shipToken({ ...(digicertExampleBody().ship_info as object), method: "standard", zip: 69662 }),
  },
  {
    name: "ship_token without ship_info (account default address)",
    body: without(digicertExampleBody(), "ship_info"),
  },
  {
    name: "alternative_order_id of 64 characters",
    body: csrOrderBody({ alternative_order_id: "b".repeat(64) }),
  },
  { name: "payment_method card", body: csrOrderBody({ payment_method: "card" }) },
];

/** Pulls the field name out of "The field X is ...". */
const fieldOf = (message: string): string => /^The field (\S+) /.exec(message)?.[1] ?? message;

describe("emulator: order validation", () => {
  let emulator: Emulator;
  let api: AxiosInstance;
  useTestEmulator((started, client) => {
    emulator = started;
    api = client;
  });

  for (const testCase of REJECTED) {
    it(`rejects: ${testCase.name}`, async () => {
      const response = await api.post(
        `/order/certificate/${testCase.product ?? "code_signing"}`,
        testCase.body,
      );
      expect(response.status).to.equal(400);
      const errors = (response.data.errors as { code: string; message: string }[]).map((e) => [
        e.code,
        fieldOf(e.message),
      ]);
      expect(errors).to.deep.equal(testCase.errors);
      expect(emulator.orders()).to.have.length(0);
    });
  }

  for (const testCase of ACCEPTED) {
    it(`accepts: ${testCase.name}`, async () => {
      const response = await api.post(
        `/order/certificate/${testCase.product ?? "code_signing"}`,
        testCase.body,
      );
      expect(response.status, JSON.stringify(response.data)).to.equal(201);
    });
  }

  describe("renewal_of_order_id", () => {
    it("rejects an order id the emulator does not know", async () => {
      const response = await api.post(
        "/order/certificate/code_signing",
        csrOrderBody({ renewal_of_order_id: 123 }),
      );
      expect(response.status).to.equal(400);
      expect(response.data.errors[0].code).to.equal("order_not_eligible_for_renewal");
    });

    it("rejects an order that is not issued", async () => {
      await api.post("/order/certificate/code_signing", csrOrderBody());
      const response = await api.post(
        "/order/certificate/code_signing",
        csrOrderBody({ renewal_of_order_id: 7000001 }),
      );
      expect(response.status).to.equal(400);
      expect(response.data.errors[0].code).to.equal("order_not_eligible_for_renewal");
      expect(emulator.orders()).to.have.length(1);
    });

    it("accepts an issued order", async () => {
      await api.post("/order/certificate/code_signing", csrOrderBody());
      emulator.issue(7000001);
      const response = await api.post(
        "/order/certificate/code_signing",
        csrOrderBody({ renewal_of_order_id: 7000001 }),
      );
      expect(response.status).to.equal(201);
      expect(emulator.order(response.data.id)?.renewalOfOrderId).to.equal(7000001);
    });
  });
});
