import { expect } from "chai";
import * as path from "path";
import { Emulator, startEmulator } from "../../emulator";
import { captureRegistrations } from "../../harness/captureProgram";
import { createProgramDir, removeProgramDir } from "../../harness/programDir";
import { ProviderHost, secret, urnFor } from "../../harness/providerHost";
import { PROJECT, STACK } from "./engineFixture";
import { BASIC_PROGRAM_MODULE } from "../../scripts/lib/stackProject";

/**
 * State holds each resource's provider code, and refresh and destroy run that stored code. The next `pulumi up`
 * after an upgrade must move every resource to the new code with an update that changes nothing at DigiCert.
 */
describe("provider upgrades: two builds of the package", function () {
  this.timeout(30_000);
  const urn = urnFor({ stack: STACK, project: PROJECT, name: "release-signing" });
  let emulator: Emulator;
  let dir: string;
  let host: ProviderHost;

  async function capture(programModule: string) {
    const [registration] = await captureRegistrations({ programModule, project: PROJECT, stack: STACK });
    return registration!.inputs;
  }

  before(async () => {
    emulator = await startEmulator({ rateLimits: [] });
    dir = createProgramDir();
    host = await ProviderHost.start({ cwd: dir, project: PROJECT });
    await host.configure({
      "digicert:apiKey": secret("emulator-api-key"),
      "digicert:baseUrl": emulator.baseUrl,
    });
  });
  after(async () => {
    await host?.close();
    if (dir) removeProgramDir(dir);
    await emulator?.close();
  });

  it("refresh runs the stored build until up moves the resource to the new build, with no API call", async () => {
    const buildOne = await capture(path.join(__dirname, "programs", "oldBuildProgram.js"));
    const { __provider: _old, ...declared } = buildOne;
    const buildTwoProvider = (await capture(BASIC_PROGRAM_MODULE)).__provider;
    expect(buildTwoProvider).to.be.a("string").and.not.equal(buildOne.__provider);

    // Deployed with build 1.
    const checked = await host.check(urn, {}, buildOne);
    const created = await host.create(urn, checked.inputs);
    const refreshed = await host.read(created.id, urn, created.properties, checked.inputs);
    expect(refreshed.properties.servedBy).to.equal("build-1");

    // The package is upgraded: the program now serializes build 2's shell. Old state, as an older build may
    // have written it, lacks the state version.
    const { stateVersion: _v, servedBy: _s, ...oldState } = refreshed.properties;
    emulator.clearRequests();
    const news = (await host.check(urn, refreshed.inputs, { ...declared, __provider: buildTwoProvider }))
      .inputs;
    const diff = await host.diff(created.id, urn, oldState, news);
    expect(diff).to.deep.include({ changes: "DIFF_SOME", replaces: [] });
    const updated = await host.update(created.id, urn, oldState, news);
    expect(updated.properties.__provider).to.equal(buildTwoProvider);
    expect(updated.properties).to.include({ orderId: Number(created.id), stateVersion: 1 });
    expect(emulator.requests()).to.have.length(0);

    // From now on refresh and destroy run build 2.
    const afterUpgrade = await host.read(created.id, urn, updated.properties, news);
    expect(afterUpgrade.properties).to.not.have.property("servedBy");
    expect(afterUpgrade.properties.__provider).to.equal(buildTwoProvider);
    await host.delete(created.id, urn, afterUpgrade.properties);
    expect(emulator.order(Number(created.id))!.status).to.equal("rejected");
  });
});
