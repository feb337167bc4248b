import { expect } from "chai";
import { Emulator } from "../../emulator";
import { CodeSigningOrderProvider } from "../../provider/operations/codeSigningOrderProvider";
import { RSA_3072_CSR } from "../fixtures/certificateRequests";
import { ovHsmInputs } from "../fixtures/digicertExample";
import { providerFor, useEmulator } from "./providerFixture";

const inputs = {
  ...ovHsmInputs("codesigning/dev/download", { years: 1 }),
  certificate: { csr: RSA_3072_CSR, serverPlatform: { id: -1 } },
  skipApproval: true,
};
const downloads = (emulator: Emulator) =>
  emulator.requests().filter((r) => r.path.includes("/download/")).length;

describe("certificate download: marked done only for the whole bundle, absent for good only when not offered", () => {
  const emulatorOf = useEmulator();
  let emulator: Emulator;
  beforeEach(() => {
    emulator = emulatorOf();
  });
  async function placed(provider: CodeSigningOrderProvider) {
    const created = await provider.create(inputs);
    emulator.issue(Number(created.id));
    return created;
  }
  async function clean(id: string, outs: Record<string, unknown>) {
    return (await providerFor(emulator).provider.read(id, outs)).props!;
  }

  it("a 200 body cut short or garbled is not marked downloaded: the next refresh gets the whole chain", async () => {
    const { provider, logs } = providerFor(emulator);
    const created = await placed(provider);
    emulator.injectFault({ method: "GET", path: /\/download\//, fault: { kind: "malformed-json" } });
    const first = (await provider.read(created.id, created.outs)).props!;
    expect(first.downloadedCertificateId).to.equal(undefined);
    expect(logs.join("\n")).to.match(/could not be read whole .*the next refresh downloads it again/);
    const second = (await provider.read(created.id, first)).props!;
    const whole = await clean(created.id, created.outs);
    expect(whole.chainPem).to.be.a("string");
    expect(second.certificatePem).to.equal(whole.certificatePem);
    expect(second.chainPem).to.equal(whole.chainPem);
    expect(second.downloadedCertificateId).to.equal(second.certificateId);
  });

  it("a transient 404 not_found leaves the PEM for the next refresh, which downloads it", async () => {
    const { provider, logs } = providerFor(emulator);
    const created = await placed(provider);
    emulator.injectFault({
      method: "GET",
      path: /\/download\//,
      fault: { kind: "error-before", status: 404, code: "not_found", message: "Certificate not found." },
    });
    const first = (await provider.read(created.id, created.outs)).props!;
    expect(first.certificatePem).to.equal(undefined);
    expect(logs.join("\n")).to.match(/could not be downloaded .*the next refresh tries again/);
    const second = (await provider.read(created.id, first)).props!;
    expect(second.certificatePem).to.be.a("string");
    expect(second.certificatePem).to.equal((await clean(created.id, created.outs)).certificatePem);
  });

  it("400 download_not_allowed (not offered) stays final: no download at the next refresh", async () => {
    const { provider } = providerFor(emulator);
    const created = await placed(provider);
    emulator.injectFault({
      method: "GET",
      path: /\/download\//,
      fault: { kind: "error-before", status: 400, code: "download_not_allowed", message: "Not offered." },
    });
    const first = (await provider.read(created.id, created.outs)).props!;
    expect(first.certificatePem).to.equal(undefined);
    const made = downloads(emulator);
    const second = (await provider.read(created.id, first)).props!;
    expect(second.certificatePem).to.equal(undefined);
    expect(downloads(emulator)).to.equal(made);
  });
});
