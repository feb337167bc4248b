import { expect } from "chai";
import { inputsCodec } from "../../provider/core/codecs/inputs";
import { orderRequestBody, orderStateFromInfo, orderStateFromPlacement } from "../../provider/core/mapping";
import { orderInfoResponse, orderPlacedResponse } from "../../provider/client/answers";
import { seedBody, seedInputs, NEW_ORGANIZATION } from "../fixtures/digicertExample";

function decode(value: unknown) {
  const result = inputsCodec.decode(value);
  if (result._tag === "Left") throw new Error("fixture does not decode");
  return result.right;
}

function decodeWith<A>(
  codec: { decode(u: unknown): { _tag: "Left" } | { _tag: "Right"; right: A } },
  value: unknown,
): A {
  const result = codec.decode(value);
  if (result._tag === "Left") throw new Error("fixture does not decode");
  return result.right;
}

describe("mapping inputs to DigiCert's order body", () => {
  it("maps the issue's example to exactly DigiCert's example body, key order included", () => {
    const body = orderRequestBody(decode(seedInputs));
    expect(body).to.deep.equal(seedBody);
    expect(JSON.stringify(body)).to.equal(JSON.stringify(seedBody));
  });

  it("adds the alternative order ID and renewal link when given", () => {
    const body = orderRequestBody(decode(seedInputs), {
      alternativeOrderId: "pcs-abc",
      renewalOfOrderId: 42,
    });
    expect(body.alternative_order_id).to.equal("pcs-abc");
    expect(body.renewal_of_order_id).to.equal(42);
  });

  it("defaults signature_hash to sha256 and leaves unset fields out", () => {
    const body = orderRequestBody(
      decode({
        product: "code_signing",
        certificate: { csr: "-----BEGIN CERTIFICATE REQUEST-----x" },
        organization: { id: 1 },
        orderValidity: { days: 200 },
        csProvisioningMethod: "email",
      }),
    );
    expect(body).to.deep.equal({
      certificate: { csr: "-----BEGIN CERTIFICATE REQUEST-----x", signature_hash: "sha256" },
      cs_provisioning_method: "email",
      order_validity: { days: 200 },
      organization: { id: 1 },
    });
  });

  it("sends a custom expiration date as DD MMM YYYY whichever way it was written", () => {
    for (const written of ["2027-06-09", "09 JUN 2027", "9 jun 2027"]) {
      const body = orderRequestBody(
        decode({ ...seedInputs, orderValidity: { customExpirationDate: written } }),
      );
      expect(body.order_validity).to.deep.equal({ custom_expiration_date: "09 JUN 2027" });
    }
  });

  it("maps every remaining field snake_case at the same nesting", () => {
    const body = orderRequestBody(
      decode({
        product: "code_signing",
        certificate: { serverPlatform: { id: -1 }, organizationUnits: ["Eng"] },
        organization: {
          name: "Example",
          address: "1 Main St",
          address2: "Suite 2",
          city: "Lehi",
          state: "ut",
          zip: "84043",
          country: "us",
          telephone: "555-0100",
          skipDuplicateOrgCheck: true,
        },
        orderValidity: { years: 1 },
        disableRenewalNotifications: true,
        additionalEmails: ["a@example.com"],
        renewalOfOrderId: 9,
        enableGuestAccess: 0,
      }),
      { alternativeOrderId: "x" },
    );
    expect(body).to.deep.equal({
      certificate: { server_platform: { id: -1 }, signature_hash: "sha256", organization_units: ["Eng"] },
      order_validity: { years: 1 },
      organization: {
        name: "Example",
        address: "1 Main St",
        address2: "Suite 2",
        city: "Lehi",
        state: "ut",
        zip: "84043",
        country: "us",
        telephone: "555-0100",
        skip_duplicate_org_check: true,
      },
      disable_renewal_notifications: true,
      additional_emails: ["a@example.com"],
      renewal_of_order_id: 9,
      alternative_order_id: "x",
      enable_guest_access: 0,
    });
  });
});

describe("mapping DigiCert's answers to outputs", () => {
  it("derives the order's status from its request at placement", () => {
    const inputs = decode(seedInputs);
    const pending = decodeWith(orderPlacedResponse, {
      id: 112233,
      requests: [{ id: 113, status: "pending" }],
    });
    expect(orderStateFromPlacement(pending, inputs)).to.deep.equal({
      orderId: 112233,
      status: "needs_approval",
      requests: [{ id: 113, status: "pending" }],
      organizationId: 123456,
    });
    const approved = decodeWith(orderPlacedResponse, {
      id: 112233,
      requests: [{ id: "113", status: "approved" }],
      certificate_id: 113,
    });
    expect(orderStateFromPlacement(approved, inputs)).to.include({ status: "pending", certificateId: 113 });
  });

  it("takes a new organization's ID from the answer", () => {
    const inputs = decode({
      ...seedInputs,
      organization: NEW_ORGANIZATION,
    });
    const placed = decodeWith(orderPlacedResponse, { id: 1, requests: [], organization: { id: 777 } });
    expect(orderStateFromPlacement(placed, inputs).organizationId).to.equal(777);
  });

  it("maps an issued order's certificate and tolerates unknown fields and statuses", () => {
    const info = decodeWith(orderInfoResponse, {
      id: 5,
      status: "Some_New_Status",
      surprise: { nested: true },
      certificate: {
        id: 15164434343,
        serial_number: "0A1B",
        thumbprint: "3F1A",
        valid_from: "2026-03-04",
        valid_till: "2027-06-06",
        date_issued: "2026-03-04T09:01:55+00:00",
        extra: 1,
      },
      organization: [],
      requests: [{ id: 9, status: "approved", type: "new_request" }],
    });
    expect(orderStateFromInfo(info)).to.deep.equal({
      orderId: 5,
      status: "some_new_status",
      requests: [{ id: 9, status: "approved" }],
      certificateId: 15164434343,
      serialNumber: "0A1B",
      thumbprint: "3F1A",
      validFrom: "2026-03-04",
      validTill: "2027-06-06",
      dateIssued: "2026-03-04T09:01:55+00:00",
    });
  });

  it("never puts undefined into outputs (the host rejects it)", () => {
    const info = decodeWith(orderInfoResponse, { id: 5, status: "pending", certificate: null });
    const state = orderStateFromInfo(info);
    expect(Object.values(state).every((v) => v !== undefined)).to.equal(true);
  });
});
