/** examples/basic: DigiCert's own EV example as a program registers exactly the inputs. */
import { expect } from "chai";
import { CODE_SIGNING_ORDER_TYPE, secret } from "../../harness/providerHost";
import { seedInputs } from "../fixtures/digicertExample";
import { BASIC_PROGRAM_MODULE } from "../../scripts/lib/stackProject";
import { captureStack, CONFIG_API_KEY, ENV_API_KEY } from "./capture";

describe("example: basic (DigiCert's EV example) under mocks", function () {
  this.timeout(30_000);

  it("registers release-signing with DigiCert's example inputs, its secrets marked, no key serialized", async () => {
    const captured = await captureStack("dev", { programModule: BASIC_PROGRAM_MODULE });
    expect(captured.registrations).to.have.length(1);
    const [order] = captured.registrations;
    expect(order.type).to.equal(CODE_SIGNING_ORDER_TYPE);
    expect(order.name).to.equal("release-signing");
    const { __provider: provider, ...inputs } = order.inputs;
    expect(inputs).to.deep.equal({
      ...seedInputs,
      shipInfo: secret(seedInputs.shipInfo),
      customFields: secret(seedInputs.customFields),
      resourceKey: "codesigning/dev/release-signing",
    });
    expect(provider).to.be.a("string").that.includes('require("pulumi-digicert-code-signing/provider")');
    expect(JSON.stringify(captured.registrations))
      .not.to.include(CONFIG_API_KEY)
      .and.not.to.include(ENV_API_KEY);
    // The hardware init code (ship_token, client_app) is a secret output of its own, stored encrypted.
    expect(captured.monitor[0].additionalSecretOutputs).to.include.members([
      "shipInfo",
      "customFields",
      "hardwareInitCode",
    ]);
  });
});
