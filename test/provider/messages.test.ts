/**
 * Failures a user can act on: which URL and setting were used when nothing answers, which setting gave a key
 * DigiCert refused, what was (not) done; and a refresh that says what changed.
 */
import { expect } from "chai";
import * as net from "net";
import { CodeSigningOrderProvider } from "../../provider/operations/codeSigningOrderProvider";
import { RateLimiter } from "../../provider/client/rateLimiter";
import { CancellationSource } from "../../provider/core/cancellation";
import { noPendingPosts } from "../../provider/core/pendingPosts";
import { ReplacementMemory } from "../../provider/core/replacementMemory";
import { ovHsmInputs } from "../fixtures/digicertExample";
import {
  EMULATOR_KEY,
  instantClock,
  providerFor,
  rejectionOf,
  stackConfig,
  useEmulator,
} from "./providerFixture";

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("provider: messages that say what to do", () => {
  const emulator = useEmulator();
  const inputs = ovHsmInputs("codesigning/dev/messages");

  it("nothing listening: names the URL and the setting, says no order was placed, after 3 attempts", async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/services/v2`;
    const clock = instantClock();
    const logs: string[] = [];
    const provider = new CodeSigningOrderProvider(
      stackConfig({ "digicert:apiKey": EMULATOR_KEY, "digicert:baseUrl": baseUrl }),
      {
        clock,
        env: {},
        log: (line) => logs.push(line),
        limiter: new RateLimiter([], clock),
        memory: new ReplacementMemory(),
        pendingPosts: noPendingPosts,
        cancellation: new CancellationSource(),
      },
    );
    const error = await rejectionOf(provider.create(inputs));
    expect(error.message).to.match(
      /^CertCentral GET \/order\/alternate\/pcs\w+: connection failed \(ECONNREFUSED\)/,
    );
    expect(error.message).to.include(
      `Nothing answers at ${baseUrl} (from digicert:baseUrl (stack config)): the request never reached it, so no order was placed.`,
    );
    expect(error.message).to.match(/emulator running\? Otherwise check digicert:baseUrl/);
    // A stopped server is not retried for long: two pauses, three attempts.
    expect(clock.slept).to.have.length(2);
  });

  it("a key from the environment is named as such; a read says nothing changed", async () => {
    const { provider } = providerFor(emulator());
    const created = await provider.create(inputs);
    const clock = instantClock();
    const fromEnv = new CodeSigningOrderProvider(stackConfig({ "digicert:baseUrl": emulator().baseUrl }), {
      clock,
      env: { DIGICERT_API_KEY: "some-other-key-9" },
      log: () => undefined,
      limiter: new RateLimiter([], clock),
      memory: new ReplacementMemory(),
      pendingPosts: noPendingPosts,
      cancellation: new CancellationSource(),
    });
    const error = await rejectionOf(fromEnv.read(created.id, created.outs));
    expect(error.message).to.match(
      /\(HTTP 403\)\. DigiCert at .* did not accept the API key from DIGICERT_API_KEY \(environment variable\), so nothing changed at DigiCert\./,
    );
    expect(error.message).to.not.include("some-other-key-9");
  });

  it("refresh logs a status change in one line", async () => {
    const { provider, logs } = providerFor(emulator());
    const created = await provider.create(inputs);
    emulator().issue(Number(created.id));
    await provider.read(created.id, created.outs);
    expect(logs).to.include(`order ${created.id}: needs_approval → issued`);
    logs.length = 0;
    const again = (await provider.read(created.id, created.outs)).props!;
    await provider.read(created.id, again);
    expect(logs.filter((l) => l.includes("→"))).to.deep.equal([
      `order ${created.id}: needs_approval → issued`,
    ]);
  });
});
