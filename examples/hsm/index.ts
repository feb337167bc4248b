/**
 * An OV (dev) or EV (prod) code signing certificate whose private key stays in your HSM: DigiCert gets a CSR and
 * emails the certificate once issued. One program, two stacks: everything that differs is in Pulumi.<stack>.yaml.
 *
 *   pulumi config set --secret digicert:apiKey <your CertCentral API key>
 *   pulumi preview --stack dev
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { CodeSigningOrder } from "pulumi-digicert-code-signing";

interface OrderSettings {
  product: "code_signing" | "code_signing_ev";
  organizationId: number;
  validityYears: number;
  /** A PEM file, relative to this folder: your HSM's certificate signing request. */
  csrFile: string;
  onDelete?: "cancel" | "retain" | "revoke";
  containerId?: number;
  comments?: string;
}

const config = new pulumi.Config();
const settings = config.requireObject<OrderSettings>("order");

const order = new CodeSigningOrder("signing-certificate", {
  product: settings.product,
  certificate: { csr: fs.readFileSync(settings.csrFile, "utf8"), serverPlatform: { id: -1 } },
  organization: { id: settings.organizationId },
  container: settings.containerId === undefined ? undefined : { id: settings.containerId },
  orderValidity: { years: settings.validityYears },
  csProvisioningMethod: "email",
  comments: settings.comments,
  onDelete: settings.onDelete,
});

export const orderId = order.orderId;
export const status = order.status;
// Known once DigiCert issues the certificate (`pulumi refresh`, then `pulumi up`): null until then, because Pulumi
// drops an undefined stack output with a warning.
export const validTill = order.validTill.apply((date) => date ?? null);
