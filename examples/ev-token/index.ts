/**
 * An EV code signing certificate on a hardware token that DigiCert ships. The recipient's name and address are
 * personal data: keep them in secret config, and the resource stores them encrypted in state.
 *
 *   pulumi config set --secret digicert:apiKey <your CertCentral API key>
 *   pulumi config set --secret --path 'shipInfo.name' 'Erin Guerra'      (and addr1, city, state, zip, country, method)
 */
import * as pulumi from "@pulumi/pulumi";
import { CodeSigningOrder, ShipInfoArgs } from "pulumi-digicert-code-signing";

interface OrderSettings {
  organizationId: number;
  containerId?: number;
  validityYears: number;
  /** The token model DigiCert ships (52 in DigiCert's own example). */
  serverPlatformId: number;
}

const config = new pulumi.Config();
const settings = config.requireObject<OrderSettings>("order");
const shipInfo = config.requireSecretObject<ShipInfoArgs>("shipInfo");

const order = new CodeSigningOrder("release-signing", {
  product: "code_signing_ev",
  certificate: { serverPlatform: { id: settings.serverPlatformId } },
  organization: { id: settings.organizationId },
  container: settings.containerId === undefined ? undefined : { id: settings.containerId },
  orderValidity: { years: settings.validityYears },
  csProvisioningMethod: "ship_token",
  shipInfo,
  onDelete: "retain",
});

export const orderId = order.orderId;
export const status = order.status;
