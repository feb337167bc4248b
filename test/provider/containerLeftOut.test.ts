/**
 * Leaving `container` out keeps the order in the container it is in (core/diff.ts): no change. But an update for
 * another input (a comment, or what an import does not record: skipApproval, paymentMethod, waitFor) writes state
 * without the container, and declaring the order's own container afterwards then plans a replacement: a new, billed
 * order for the same certificate (measured with the real CLI after `pulumi import`: `+- … (replace)`, `+ container:
 * { + id: 777 }`, where DigiCert has the order in container 777; refresh does not bring it back).
 */
import { expect } from "chai";
import { ovHsmInputs } from "../fixtures/digicertExample";
import { providerFor, useEmulator } from "./providerFixture";

describe("container left out, then an update, then the order's own container declared", () => {
  const emulator = useEmulator();

  it("plans no new order", async () => {
    const { provider } = providerFor(emulator());
    const declared = { ...ovHsmInputs("codesigning/dev/container"), container: { id: 777 } };
    const { id, outs } = await provider.create(declared);
    const { container: _left, ...withoutContainer } = declared;
    const decision = await provider.diff(id, outs, { ...withoutContainer, comments: "release key" });
    expect(decision.replaces, "container left out, a comment added").to.deep.equal([]);
    const { outs: updated } = await provider.update(id, outs, {
      ...withoutContainer,
      comments: "release key",
    });
    const again = await provider.diff(id, updated, { ...declared, comments: "release key" });
    expect(again.replaces, "the container the order is in, declared again").to.deep.equal([]);
  });
});
