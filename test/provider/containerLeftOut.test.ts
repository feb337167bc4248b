/**
 * Leaving `container` out keeps the order in the container it is in (core/diff.ts): no change. But an update for
 * another input (a comment, or what an import does not record: skipApproval, paymentMethod, waitFor) writes state
 * without the container, and declaring the order's own container afterwards then plans a replacement: a new, billed
 * order for the same certificate (measured with the real CLI after `pulumi import`: `+- … (replace)`, `+ container:
 * { + id: 777 }`, where DigiCert has the order in container 777; refresh does not bring it back).
 */
import { expect } from "chai";
import { EC_P256_CSR, RSA_3072_CSR } from "../fixtures/certificateRequests";
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

  it("a reissue waited for until issued keeps it too (the reissued certificate's inputs are echoed with it)", async () => {
    const { provider } = providerFor(emulator());
    const declared = {
      ...ovHsmInputs("codesigning/dev/container-reissue"),
      certificate: { csr: RSA_3072_CSR, serverPlatform: { id: -1 } },
      container: { id: 777 },
      skipApproval: true,
    };
    const { id, outs } = await provider.create(declared);
    emulator().issue(Number(id));
    const issued = (await provider.read(id, outs)).props!;
    const { container: _left, ...withoutContainer } = declared;
    const rotated = { ...withoutContainer, certificate: { csr: EC_P256_CSR, serverPlatform: { id: -1 } } };
    const news = { ...rotated, waitFor: "issued" };
    expect((await provider.diff(id, issued, news)).replaces, "a new key, container left out").to.deep.equal(
      [],
    );
    emulator().setAutoProgress("on-read");
    const { outs: updated } = await provider.update(id, issued, news);
    expect(updated.certificate, "the reissued certificate's inputs").to.deep.equal(rotated.certificate);
    const again = await provider.diff(id, updated, { ...news, container: { id: 777 } });
    expect(again.replaces, "the container the order is in, declared again").to.deep.equal([]);
  });
});
