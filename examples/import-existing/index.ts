/**
 * Bring an order placed outside Pulumi (in CertCentral, or by a script) under management. `pulumi import` does not
 * work for dynamic resources (pulumi/pulumi#16175): declare the order with `existingOrderId` instead. Nothing is
 * ordered; the provider checks that the order is a code signing order of this product (and organization) and not
 * canceled, rejected, revoked or expired, then takes its current state.
 *
 *   pulumi config set --path 'order.existingOrderId' 7000001
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { CodeSigningOrder } from "pulumi-digicert-code-signing";

interface OrderSettings {
  existingOrderId: number;
  product: "code_signing" | "code_signing_ev";
  organizationId: number;
  validityYears: number;
  csrFile: string;
}

const config = new pulumi.Config();
const settings = config.requireObject<OrderSettings>("order");

const order = new CodeSigningOrder("signing-certificate", {
  existingOrderId: settings.existingOrderId,
  product: settings.product,
  certificate: { csr: fs.readFileSync(settings.csrFile, "utf8"), serverPlatform: { id: -1 } },
  organization: { id: settings.organizationId },
  orderValidity: { years: settings.validityYears },
  csProvisioningMethod: "email",
  // An order you did not place from Pulumi: destroy only forgets it.
  onDelete: "retain",
});

export const orderId = order.orderId;
export const status = order.status;
export const adoptedExistingOrder = order.adoptedExistingOrder;
