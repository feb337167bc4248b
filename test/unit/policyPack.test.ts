/** The policy pack example's rules (examples/policy-pack/policies.ts), without the Pulumi CLI. */
import { expect } from "chai";
import {
  checkEvOnHardware,
  checkNoRevokeInProduction,
  checkValidityWithinLimit,
  CODE_SIGNING_ORDER_TYPE,
  policies,
  stackOfUrn,
} from "../../examples/policy-pack/policies";

const CSR = "-----BEGIN CERTIFICATE REQUEST-----\n...\n-----END CERTIFICATE REQUEST-----";
const URN = (stack: string) =>
  `urn:pulumi:${stack}::codesigning::${CODE_SIGNING_ORDER_TYPE}::signing-certificate`;

describe("policy pack: CodeSigningOrder guardrails", () => {
  it("reads the stack from a URN", () => {
    expect(stackOfUrn(URN("prod"))).to.equal("prod");
  });

  it('refuses onDelete "revoke" in production stacks only', () => {
    const prodStacks = ["prod", "production"];
    expect(checkNoRevokeInProduction({ onDelete: "revoke" }, "prod", prodStacks)).to.have.length(1);
    expect(checkNoRevokeInProduction({ onDelete: "revoke" }, "dev", prodStacks)).to.deep.equal([]);
    expect(checkNoRevokeInProduction({ onDelete: "retain" }, "prod", prodStacks)).to.deep.equal([]);
    expect(checkNoRevokeInProduction({}, "prod", prodStacks)).to.deep.equal([]);
  });

  it("allows EV only on a shipped token or an HSM with a CSR", () => {
    const allowed = ["ship_token", "email"];
    const ev = { product: "code_signing_ev" };
    expect(checkEvOnHardware({ ...ev, csProvisioningMethod: "ship_token" }, allowed)).to.deep.equal([]);
    expect(
      checkEvOnHardware({ ...ev, csProvisioningMethod: "email", certificate: { csr: CSR } }, allowed),
    ).to.deep.equal([]);
    expect(checkEvOnHardware({ ...ev, csProvisioningMethod: "email" }, allowed)).to.have.length(1);
    expect(checkEvOnHardware({ ...ev, csProvisioningMethod: "key_locker" }, allowed)).to.have.length(1);
    expect(checkEvOnHardware(ev, allowed)[0]).to.include("not unset");
    expect(
      checkEvOnHardware({ product: "code_signing", csProvisioningMethod: "key_locker" }, allowed),
    ).to.deep.equal([]);
  });

  it("keeps the order's validity within 459 days", () => {
    const now = new Date("2026-12-01T00:00:00Z");
    expect(checkValidityWithinLimit({ orderValidity: { years: 1 } }, now)).to.deep.equal([]);
    expect(checkValidityWithinLimit({ orderValidity: { years: 2 } }, now)).to.have.length(1);
    expect(checkValidityWithinLimit({ orderValidity: { days: 459 } }, now)).to.deep.equal([]);
    expect(checkValidityWithinLimit({ orderValidity: { days: 460 } }, now)).to.have.length(1);
    expect(
      checkValidityWithinLimit({ orderValidity: { customExpirationDate: "2027-12-01" } }, now),
    ).to.deep.equal([]);
    expect(
      checkValidityWithinLimit({ orderValidity: { customExpirationDate: "2028-06-01" } }, now),
    ).to.have.length(1);
  });

  it("the policies report through reportViolation, for CodeSigningOrder resources only", async () => {
    const run = async (type: string, props: Record<string, unknown>, stack = "prod") => {
      const messages: string[] = [];
      for (const policy of policies) {
        const validate = policy.validateResource as (
          args: never,
          report: (m: string) => void,
        ) => Promise<void> | void;
        await validate(
          {
            type,
            props,
            urn: URN(stack),
            name: "signing-certificate",
            getConfig: () => ({}),
          } as never,
          (message: string) => messages.push(message),
        );
      }
      return messages;
    };
    const bad = {
      product: "code_signing_ev",
      csProvisioningMethod: "key_locker",
      onDelete: "revoke",
      orderValidity: { years: 3 },
    };
    expect(await run(CODE_SIGNING_ORDER_TYPE, bad)).to.have.length(3);
    expect(await run(CODE_SIGNING_ORDER_TYPE, bad, "dev")).to.have.length(2);
    expect(await run("aws:s3/bucket:Bucket", bad)).to.deep.equal([]);
  });
});
