/**
 * DigiCert's own example for `POST /order/certificate/code_signing_ev` (shared/reference/
 * digicert-order-code-signing-certificate.txt), as the user would write it, and the exact body DigiCert shows.
 */
export const seedInputs = {
  product: "code_signing_ev",
  certificate: { serverPlatform: { id: 52 }, signatureHash: "sha256" },
  organization: { id: 123456 },
  container: { id: 654321 },
  orderValidity: { years: 1 },
  csProvisioningMethod: "ship_token",
  shipInfo: {
    name: "Erin Guerra",
    addr1: "360 Taylor Street",
    addr2: "Floor 74",
    city: "Richmond",
    state: "va",
    zip: "69662",
    country: "us",
    method: "EXPEDITED",
  },
  skipApproval: true,
  comments: "Message for the approver",
  autoRenew: 1,
  customRenewalMessage: "Renew this please.",
  customFields: [{ metadataId: 12, value: "123456" }],
  paymentMethod: "balance",
} as const;

export const seedBody = {
  certificate: { server_platform: { id: 52 }, signature_hash: "sha256" },
  cs_provisioning_method: "ship_token",
  order_validity: { years: 1 },
  comments: "Message for the approver",
  skip_approval: true,
  organization: { id: 123456 },
  container: { id: 654321 },
  ship_info: {
    name: "Erin Guerra",
    addr1: "360 Taylor Street",
    addr2: "Floor 74",
    city: "Richmond",
    state: "va",
    zip: "69662",
    country: "us",
    method: "EXPEDITED",
  },
  auto_renew: 1,
  custom_renewal_message: "Renew this please.",
  custom_fields: [{ metadata_id: 12, value: "123456" }],
  payment_method: "balance",
};

/** The seed plus what the SDK adds: what check and create receive for it. */
export const seedResourceInputs = { ...seedInputs, resourceKey: "codesigning/dev/release-signing" };

export const SAMPLE_CSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----";

/** An OV order whose key stays in the customer's HSM: a CSR, provisioning by email, platform OTHER. */
export function ovHsmInputs(resourceKey: string, orderValidity: Record<string, unknown> = { years: 1 }) {
  return {
    product: "code_signing",
    certificate: { csr: SAMPLE_CSR, serverPlatform: { id: -1 } },
    organization: { id: 123456 },
    orderValidity,
    csProvisioningMethod: "email",
    resourceKey,
  };
}
