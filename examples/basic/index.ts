/**
 * The smallest useful program: DigiCert's own EV code signing example (`POST /order/certificate/code_signing_ev`),
 * written as a `CodeSigningOrder`. Copy it into your project's index.ts; the API key comes from stack config:
 *
 *   pulumi config set --secret digicert:apiKey <your CertCentral API key>
 */
import { CodeSigningOrder } from "pulumi-digicert-code-signing";

const order = new CodeSigningOrder("release-signing", {
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
});

export const orderId = order.orderId;
export const status = order.status;
