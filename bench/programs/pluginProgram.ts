/**
 * The same orders as orderProgram.ts, declared on the provider plugin (`digicert:index:CodeSigningOrder`, served by
 * pulumi-resource-digicert) from a Node.js program: what a YAML or Go program registers, without their language
 * hosts, so the two front doors are compared on the same program.
 */
import * as pulumi from "@pulumi/pulumi";
import { SAMPLE_ARGS } from "./sample";

export const PLUGIN_TYPE = "digicert:index:CodeSigningOrder";

/** The outputs the program reads (an output exists on the resource only if its key is in the props). */
const OUTPUTS = { orderId: undefined, status: undefined };

class PluginOrder extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs) {
    super(PLUGIN_TYPE, name, props);
  }
}

export function declareOrders(names: readonly string[]): void {
  for (const name of names) new PluginOrder(name, { ...SAMPLE_ARGS, ...OUTPUTS });
}
