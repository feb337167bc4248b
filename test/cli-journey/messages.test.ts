/**
 * The first mistakes of a new user, through the real CLI against the emulator: a wrong API key and a stopped
 * emulator each fail `pulumi up` with what was used (setting, URL), what was done (nothing), and what to check.
 * Pending where the CLI is not built.
 */
import { expect } from "chai";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { CliStack } from "../../scripts/lib/pulumiCli";
import { cliSuiteTitle, failureOutput, requirePulumi } from "../cli/cliSupport";

describe(cliSuiteTitle("real Pulumi CLI: a wrong key, a stopped emulator"), function () {
  this.timeout(120_000);
  let emulator: Emulator | undefined;
  let pulumi = "";
  const stacks: CliStack[] = [];

  before(async function () {
    pulumi = requirePulumi(this);
    emulator = await startEmulator();
  });
  after(async () => {
    for (const stack of stacks) stack.dispose();
    await emulator?.close();
  });

  async function devStack(baseUrl: string, apiKey: string): Promise<CliStack> {
    const stack = await CliStack.create(pulumi, { baseUrl, apiKey, stack: "dev" });
    stacks.push(stack);
    return stack;
  }

  it("a wrong key: DigiCert's code and status, the setting that gave the key, the URL, and no order placed", async () => {
    const stack = await devStack(emulator!.baseUrl, "not-the-right-key-4711");
    const output = await failureOutput(stack.run(["up", "--yes", "--skip-preview"]));
    expect(output).to.include("CertCentral access_denied|access_denied_invalid_key");
    expect(output).to.include("(HTTP 403)");
    expect(output).to.include(
      `DigiCert at ${emulator!.baseUrl} (from digicert:baseUrl (stack config)) did not accept the API key from digicert:apiKey (stack config), so no order was placed`,
    );
    expect(output).to.not.include("not-the-right-key-4711");
    expect(emulator!.orders()).to.have.length(0);
  });

  it("a stopped emulator: the URL and digicert:baseUrl named, no order placed, within seconds", async () => {
    const stopped = await startEmulator();
    const baseUrl = stopped.baseUrl;
    const stack = await devStack(baseUrl, DEFAULT_API_KEY);
    await stopped.close();
    const started = Date.now();
    const output = await failureOutput(stack.run(["up", "--yes", "--skip-preview"]));
    const tookMs = Date.now() - started;
    console.log(`      pulumi up failed ${tookMs} ms after it started (the CLI's own start-up included)`);
    expect(output).to.include("connection failed (ECONNREFUSED)");
    expect(output).to.include(
      `Nothing answers at ${baseUrl} (from digicert:baseUrl (stack config)): the request never reached it, so no order was placed`,
    );
    expect(tookMs).to.be.below(30_000);
  });
});
