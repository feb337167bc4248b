/**
 * Renewals declared, not left to DigiCert: once the certificate is within `renewBeforeDays` of its `validTill`,
 * `pulumi preview` shows a replacement and `pulumi up` places a renewal order (a new, paid order linked to the old
 * one). The old order is never revoked by a renewal. Run `pulumi refresh` (or `pulumi up --refresh`) regularly, so
 * that `validTill` in state is current.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { CodeSigningOrder } from "pulumi-digicert-code-signing";

interface OrderSettings {
  organizationId: number;
  csrFile: string;
  validityYears: number;
  renewBeforeDays: number;
}

const config = new pulumi.Config();
const settings = config.requireObject<OrderSettings>("order");

const order = new CodeSigningOrder("signing-certificate", {
  product: "code_signing",
  certificate: { csr: fs.readFileSync(settings.csrFile, "utf8"), serverPlatform: { id: -1 } },
  organization: { id: settings.organizationId },
  orderValidity: { years: settings.validityYears },
  csProvisioningMethod: "email",
  // DigiCert's own automatic renewal off: it would be a second paid renewal.
  autoRenew: 0,
  renewBeforeDays: settings.renewBeforeDays,
  onDelete: "retain",
});

export const orderId = order.orderId;
// Known once DigiCert issues the certificate (`pulumi refresh`, then `pulumi up`): null until then, because Pulumi
// drops an undefined stack output with a warning.
export const validTill = order.validTill.apply((date) => date ?? null);
/** The order this one renewed, after a renewal (null before); `renewalLinked` is false if DigiCert refused the link. */
export const predecessorOrderId = order.predecessorOrderId.apply((id) => id ?? null);
export const renewalLinked = order.renewalLinked.apply((linked) => linked ?? null);
