import { expect } from "chai";
import { Emulator, startEmulator } from "../../emulator";
import { createProgramDir, removeProgramDir } from "../../harness/programDir";
import { hostErrorOf, ProviderHost, secret, urnFor } from "../../harness/providerHost";
import { captureOrder, PROJECT, STACK } from "./engineFixture";

/** A key no other output could contain by chance. */
const API_KEY = "nodedebug-key-5f0c2a9e71";

/**
 * NODE_DEBUG makes Node's own http/net/tls modules print request options, headers included, to the provider host's
 * stderr; Node reads it at start-up. Through the SDK's real host, started with each value: the create is refused with
 * a message naming the variable, nothing is sent, and the key appears nowhere in the host's output.
 */
describe("engine protocol: NODE_DEBUG never prints the API key", function () {
  this.timeout(60_000);
  const urn = urnFor({ stack: STACK, project: PROJECT, name: "release-signing" });
  let emulator: Emulator;
  let dir: string;
  let declared: Record<string, unknown>;

  before(async () => {
    emulator = await startEmulator({ rateLimits: [], apiKeys: [API_KEY] });
    declared = (await captureOrder()).inputs;
    dir = createProgramDir();
  });
  after(async () => {
    if (dir) removeProgramDir(dir);
    await emulator?.close();
  });

  for (const value of ["http", "https", "net", "http,tls", "Ne*"]) {
    it(`NODE_DEBUG=${value}: create and delete refuse to send the key, and it is in no output`, async () => {
      emulator.reset();
      const host = await ProviderHost.start({ cwd: dir, project: PROJECT, env: { NODE_DEBUG: value } });
      try {
        await host.configure({ "digicert:apiKey": secret(API_KEY), "digicert:baseUrl": emulator.baseUrl });
        const checked = await host.check(urn, {}, declared);
        expect(checked.failures).to.deep.equal([]);
        const error = await hostErrorOf(host.create(urn, checked.inputs));
        expect(error.details).to.match(/NODE_DEBUG=\S+ is set: Node\.js's own debug log of/);
        expect(error.details).to.match(/No request was sent to DigiCert\. Unset NODE_DEBUG/);
        const deleted = await hostErrorOf(
          host.delete("7000001", urn, { ...checked.inputs, orderId: 7000001 }),
        );
        expect(deleted.details).to.match(/NODE_DEBUG/);
        expect(emulator.requests()).to.have.length(0);
        await new Promise((resolve) => setTimeout(resolve, 100)); // let the last output lines arrive
        const output = [...host.stdout, ...host.stderr, error.message, deleted.message].join("\n");
        expect(output).to.not.include(API_KEY);
      } finally {
        await host.close();
      }
    });
  }

  it("without NODE_DEBUG the same host orders as usual (the guard is not in the way)", async () => {
    emulator.reset();
    const host = await ProviderHost.start({ cwd: dir, project: PROJECT, env: { NODE_DEBUG: "" } });
    try {
      await host.configure({ "digicert:apiKey": secret(API_KEY), "digicert:baseUrl": emulator.baseUrl });
      const checked = await host.check(urn, {}, declared);
      const created = await host.create(urn, checked.inputs);
      expect(created.id).to.equal(String(emulator.orders()[0]!.id));
      expect([...host.stdout, ...host.stderr].join("\n")).to.not.include(API_KEY);
    } finally {
      await host.close();
    }
  });
});
