/**
 * A program as a user writes it (DigiCert's own EV example), for capturing the exact `__provider` and inputs a
 * real deployment would send. It imports the SDK by path only because this repository is not in its own
 * node_modules; at run time the serialized shell still loads the implementation by package name.
 */
import { CodeSigningOrder } from "../../../sdk";

export default function program(): void {
  new CodeSigningOrder("release-signing", {
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
}
