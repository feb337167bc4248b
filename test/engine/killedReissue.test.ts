import { expect } from "chai";
import { Emulator } from "../../emulator";
import { urnFor } from "../../harness/providerHost";
import { EC_P256_CSR, RSA_3072_CSR } from "../fixtures/certificateRequests";
import { ovHsmInputs } from "../fixtures/digicertExample";
import { captureOrder, PROJECT, STACK } from "./engineFixture";
import { useKilledHostFixture } from "./killedHostFixture";

/** DigiCert stores the reissue this long after the POST reached it: longer than a host start on a busy machine. */
const STORED_AFTER_MS = 10_000;
type Props = Record<string, unknown>;

/**
 * The reissue analogue of killedProvider.test.ts: a provider host killed while DigiCert is still storing the reissue,
 * and `pulumi up` re-run at once (the engine kept the old state). The marker of the unanswered POST makes the re-run
 * read the order for the grace period, and take the reissue instead of sending a second one.
 */
describe("engine protocol: a provider killed during the reissue POST, re-run at once", function () {
  this.timeout(120_000);
  const urn = urnFor({ stack: STACK, project: PROJECT, name: "release-signing" });
  const fixture = useKilledHostFixture();
  const startHost = () => fixture.startHost();
  let emulator: Emulator;
  let hsm: Props;

  before(async () => {
    emulator = fixture.emulator();
    const declared = (await captureOrder()).inputs;
    hsm = {
      ...ovHsmInputs("codesigning/dev/release-signing", { years: 3 }),
      certificate: { csr: RSA_3072_CSR, serverPlatform: { id: -1 } },
      skipApproval: true,
      __provider: declared.__provider,
    };
  });

  it("the re-run reads the order for the grace period and takes the reissue: one reissue POST", async () => {
    const first = await startHost();
    const checked = await first.check(urn, {}, hsm);
    const created = await first.create(urn, checked.inputs);
    const orderId = Number(created.id);
    emulator.issue(orderId);
    const before = (await first.read(created.id, urn, created.properties, checked.inputs)).properties;
    const rotated = { ...hsm, certificate: { csr: EC_P256_CSR, serverPlatform: { id: -1 } } };
    const news = (await first.check(urn, checked.inputs, rotated)).inputs;
    expect((await first.diff(created.id, urn, before, news)).replaces).to.deep.equal([]);

    emulator.clearRequests();
    emulator.injectFault({
      method: "POST",
      path: `/order/certificate/${orderId}/reissue`,
      fault: { kind: "process-late", ms: STORED_AFTER_MS },
    });
    const dying = first.update(created.id, urn, before, news).catch(() => undefined);
    while (!emulator.requests().some((r) => r.method === "POST")) await new Promise((r) => setTimeout(r, 10));
    const posted = emulator.requests().find((r) => r.method === "POST")!.at;
    await first.close(); // killed: the engine keeps the old state
    await dying;

    const second = await startHost();
    try {
      const again = (await second.check(urn, checked.inputs, rotated)).inputs;
      expect((await second.diff(created.id, urn, before, again)).replaces).to.deep.equal([]);
      const updated = await second.update(created.id, urn, before, again);
      expect(updated.properties).to.include({ status: "reissue_pending" });
      // Whatever DigiCert was still storing is stored by now.
      await new Promise((r) => setTimeout(r, Math.max(0, posted + STORED_AFTER_MS + 300 - Date.now())));
      const reissuePosts = emulator
        .requests()
        .filter((r) => r.method === "POST" && r.path.endsWith("/reissue"));
      expect(reissuePosts).to.have.length(1);
      expect(emulator.order(orderId)!.reissues).to.have.length(1);
    } finally {
      await second.close();
    }
  });
});
