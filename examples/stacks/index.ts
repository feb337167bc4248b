/**
 * The `codesigning` project's program (root Pulumi.yaml runs its compiled form): one DigiCert code signing order
 * per stack. Nothing here differs between stacks; dev and prod differ only in Pulumi.dev.yaml and Pulumi.prod.yaml.
 * See README.md beside this file.
 */
import * as pulumi from "@pulumi/pulumi";
import { CodeSigningOrder } from "pulumi-digicert-code-signing";
import { NAMESPACE, readStackSettings } from "./stackSettings";

const settings = readStackSettings(new pulumi.Config(NAMESPACE), pulumi.getStack());

// The DigiCert API key is not an argument: the provider reads `digicert:apiKey` from stack config at run time.
const order = new CodeSigningOrder(settings.resourceName, settings.args);

export const orderId = order.orderId;
export const status = order.status;
// Known once DigiCert issues the certificate (`pulumi refresh`, then `pulumi up`): null until then, because Pulumi
// drops an undefined stack output with a warning.
export const certificateId = order.certificateId.apply((id) => id ?? null);
export const serialNumber = order.serialNumber.apply((serial) => serial ?? null);
export const validTill = order.validTill.apply((date) => date ?? null);
