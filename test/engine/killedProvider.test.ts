import { expect } from "chai";
import { Emulator } from "../../emulator";
import { urnFor } from "../../harness/providerHost";
import { captureOrder, PROJECT, STACK } from "./engineFixture";
import { useKilledHostFixture } from "./killedHostFixture";

/** DigiCert stores the order this long after the POST reached it (the emulator's late-storing fault). */
// Longer than a provider host takes to start on a busy 2-core machine (measured up to 5.4 s), so the re-run looks
// before DigiCert lists the order; within the grace period (three request timeouts of 5 s).
const STORED_AFTER_MS = 10_000;

/**
 * A provider host killed while DigiCert is still storing its order (nothing reaches state: the engine records only a
 * pending create), and `pulumi up` run again at once on the same machine, through the SDK's real host: the second run
 * finds the order once DigiCert lists it, and places no second one. Also measures how soon a re-run can look.
 */
describe("engine protocol: a provider killed during the order POST, re-run at once", function () {
  this.timeout(60_000);
  const urn = urnFor({ stack: STACK, project: PROJECT, name: "release-signing" });
  const fixture = useKilledHostFixture();
  const startHost = () => fixture.startHost();
  let emulator: Emulator;
  let declared: Record<string, unknown>;

  before(async () => {
    emulator = fixture.emulator();
    declared = (await captureOrder()).inputs;
  });

  it("the re-run keeps looking for the grace period and adopts the order: one order", async () => {
    emulator.injectFault({
      method: "POST",
      path: "/order/certificate",
      fault: { kind: "process-late", ms: STORED_AFTER_MS },
    });
    const first = await startHost();
    const checked = await first.check(urn, {}, declared);
    const dying = first.create(urn, checked.inputs).catch(() => undefined);
    while (!emulator.requests().some((r) => r.method === "POST")) await new Promise((r) => setTimeout(r, 10));
    const posted = emulator.requests().find((r) => r.method === "POST")!.at;
    await first.close(); // killed: nothing reaches state
    const killed = Date.now();
    await dying;

    const second = await startHost();
    try {
      const rechecked = await second.check(urn, {}, declared);
      const created = await second.create(urn, rechecked.inputs);
      const firstLookUp = emulator.requests().find((r) => r.method === "GET" && r.at >= killed)!.at;
      console.log(
        `      killed ${killed - posted} ms after the POST reached DigiCert; the re-run's first look-up came ` +
          `${firstLookUp - killed} ms after the kill (${firstLookUp - posted} ms after the POST); stored after ${STORED_AFTER_MS} ms`,
      );
      // Whatever DigiCert was still storing is stored by now.
      await new Promise((r) => setTimeout(r, Math.max(0, posted + STORED_AFTER_MS + 300 - Date.now())));
      expect(emulator.orders().map((o) => String(o.id))).to.deep.equal([created.id]);
      expect(second.stdout.join("\n")).to.match(/An earlier run sent this order .* got no answer/);
    } finally {
      await second.close();
    }
  });
});
