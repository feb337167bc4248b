/**
 * Key rotation without a new order, and the certificate handed on. An OV order for a key in your HSM covering three
 * years: each certificate lives at most 459 days, so renewals within the order are free reissues
 * (`renewBeforeDays`), and so is a rotated key: put the new CSR in `signing-key.csr.pem` and run `pulumi up` (the
 * preview says "reissue of order N (no new order)"). Once issued, `pulumi refresh` fills `certificatePem`.
 *
 *   pulumi config set --secret digicert:apiKey <your CertCentral API key>
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { CodeSigningOrder } from "pulumi-digicert-code-signing";

const order = new CodeSigningOrder("release-signing", {
  product: "code_signing",
  certificate: { csr: fs.readFileSync("signing-key.csr.pem", "utf8"), serverPlatform: { id: -1 } },
  organization: { id: 123456 },
  orderValidity: { years: 3 },
  csProvisioningMethod: "email",
  renewBeforeDays: 30,
  autoRenew: 0,
});

export const orderId = order.orderId;
// Known once DigiCert issues the certificate (`pulumi refresh`, then `pulumi up`): null until then, because Pulumi
// drops an undefined stack output with a warning.
export const certificatePem = order.certificatePem.apply((pem) => pem ?? null);

// Hand the certificate (with its intermediates) on: here into a file next to the program, on `pulumi up` only. A
// secret store or CI variable resource would take the same Output as its value.
pulumi.all([order.certificatePem, order.chainPem]).apply(([leaf, chain]) => {
  if (leaf !== undefined && !pulumi.runtime.isDryRun())
    fs.writeFileSync("signing-cert.pem", leaf + (chain ?? ""));
});
