/**
 * "Build 1" of the package, for the upgrade test: its serialized shell differs from the current one (its read
 * stamps `servedBy: "build-1"` on what it returns), so a test can tell which build's code the host ran.
 */
import * as pulumi from "@pulumi/pulumi";
import { providerShell } from "../../../sdk/providerShell";

const buildOneShell = {
  ...providerShell,
  async read(this: typeof providerShell, id: string, props?: Record<string, unknown>) {
    const result = await this.load().read!(id, props);
    return { ...result, props: result.props && { ...result.props, servedBy: "build-1" } };
  },
};

class BuildOneOrder extends pulumi.dynamic.Resource {}

export default function program(): void {
  new BuildOneOrder(
    buildOneShell,
    "release-signing",
    {
      product: "code_signing",
      certificate: {
        serverPlatform: { id: -1 },
        csr: "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----",
      },
      organization: { id: 123456 },
      orderValidity: { years: 1 },
      csProvisioningMethod: "email",
      resourceKey: "codesigning/dev/release-signing",
    },
    {},
    "digicert",
    "CodeSigningOrder",
  );
}
