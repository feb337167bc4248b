/**
 * `waitFor` holds on every `pulumi up`: after a wait that stopped (a timeout, Ctrl-C) the engine updates the
 * resource, and the update waits again, for the order (faults.test.ts) and for a pending reissue (here). An order
 * whose certificate is out counts as issued, also while a reissue someone else requested is pending.
 */
import { expect } from "chai";
import { Emulator } from "../../emulator";
import { ResourceInitError } from "../../provider/operations/hostFailure";
import { EC_P256_CSR, RSA_3072_CSR } from "../fixtures/certificateRequests";
import { ovHsmInputs } from "../fixtures/digicertExample";
import { providerFor, rejectionOf, useEmulator } from "./providerFixture";

const declared = {
  ...ovHsmInputs("codesigning/dev/wait-again", { years: 3 }),
  certificate: { csr: RSA_3072_CSR, serverPlatform: { id: -1 } },
  skipApproval: true,
};
const rotated = { ...declared, certificate: { csr: EC_P256_CSR, serverPlatform: { id: -1 } } };

describe("waitFor on the up after a wait that stopped", () => {
  const emulatorOf = useEmulator();
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });

  async function issuedOrder(provider: ReturnType<typeof providerFor>["provider"]) {
    const { id, outs } = await provider.create(declared);
    emulator.issue(Number(id));
    return { id, issued: (await provider.read(id, outs)).props! };
  }

  it("a reissue whose wait timed out is waited for again; issued meanwhile, it is taken at once; one reissue POST", async () => {
    const { provider, logs, clock } = providerFor(emulator, { "digicert:pollInterval": "10s" });
    const { id, issued } = await issuedOrder(provider);
    const news = { ...rotated, waitFor: "issued", waitTimeout: "1m" };
    const timedOut = await rejectionOf(provider.update(id, issued, news));
    if (!(timedOut instanceof ResourceInitError)) throw timedOut;
    expect(timedOut.message).to.match(/did not reach "issued" within waitTimeout 1m/);
    expect(timedOut.properties).to.include({ status: "reissue_pending" });

    // The next up: still pending, so it waits and times out again, sending nothing.
    const again = await rejectionOf(provider.update(id, timedOut.properties, news));
    if (!(again instanceof ResourceInitError)) throw again;
    expect(again.message).to.match(/did not reach "issued" within waitTimeout 1m/);

    // DigiCert issues it before the next up: that up reads the order at once and takes the reissued certificate and
    // its inputs into state, without waiting.
    emulator.issueReissue(Number(id));
    const slept = clock.slept.length;
    const { outs } = await provider.update(id, again.properties, news);
    expect(clock.slept.length, "no pause before reading the order").to.equal(slept);
    expect(outs).to.include({ status: "issued" });
    expect(outs.certificateId).to.not.equal(issued.certificateId);
    expect(outs.certificate).to.deep.equal(rotated.certificate);
    expect(outs.reissue).to.equal(undefined);
    expect(logs.filter((l) => /reissue of order \d+ .*is pending: waiting up to 1m/.test(l))).to.have.length(
      2,
    );
    const reissuePosts = emulator
      .requests()
      .filter((r) => r.method === "POST" && r.path.endsWith("/reissue"));
    expect(reissuePosts).to.have.length(1);
  });

  it("an order whose certificate is out counts as issued while a reissue requested outside Pulumi is pending", async () => {
    const { provider, logs } = providerFor(emulator, { "digicert:pollInterval": "10s" });
    const { id, issued } = await issuedOrder(provider);
    emulator.setStatus(Number(id), "reissue_pending");
    const refreshed = (await provider.read(id, issued)).props!;
    expect(refreshed.status).to.equal("reissue_pending");
    const { outs } = await provider.update(id, refreshed, {
      ...declared,
      comments: "edited",
      waitFor: "issued",
    });
    expect(outs).to.include({
      status: "reissue_pending",
      comments: "edited",
      certificateId: issued.certificateId,
    });
    expect(logs.some((l) => l.includes("waiting up to"))).to.equal(false);
  });

  it("a reissue refused for the key keeps DigiCert's code and status, and says which setting gave the key", async () => {
    const { provider } = providerFor(emulator);
    const { id, issued } = await issuedOrder(provider);
    emulator.injectFault({
      method: "POST",
      path: `/order/certificate/${id}/reissue`,
      fault: {
        kind: "error-before",
        status: 403,
        code: "access_denied|access_denied_invalid_key",
        message: "Invalid API key.",
      },
    });
    const refused = await rejectionOf(provider.update(id, issued, rotated));
    expect(refused.message).to.match(
      new RegExp(
        `^DigiCert refused the reissue of order ${id}: CertCentral access_denied\\|access_denied_invalid_key: ` +
          "Invalid API key\\. \\(HTTP 403\\)\\. No reissue was requested and state is unchanged; .*DigiCert at .* did " +
          "not accept the API key from digicert:apiKey \\(stack config\\), so no reissue was requested\\.",
      ),
    );
    expect(refused).to.include({ httpStatus: 403 });
  });
});
