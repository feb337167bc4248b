/**
 * `pulumi up` killed (SIGKILL, the whole process group: CLI, language host and provider host) after DigiCert
 * stored the order but before its answer arrived, then what the CLI asks of the user: `pulumi cancel` (the stack
 * is locked), `pulumi refresh`, `pulumi up`. There must still be exactly one order, and it must end in state.
 * Pending where the CLI is not built.
 */
import { expect } from "chai";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { CliError, CliStack } from "../../scripts/lib/pulumiCli";
import * as path from "path";
import { cliSuiteTitle, orderResources, providerHostCounter, requirePulumi } from "./cliSupport";
import { until } from "../support/processes";

describe(cliSuiteTitle("real Pulumi CLI: pulumi up killed while DigiCert stores the order"), function () {
  this.timeout(180_000);
  let emulator: Emulator | undefined;
  let stack: CliStack | undefined;
  let hosts: ReturnType<typeof providerHostCounter> | undefined;

  before(async function () {
    const pulumi = requirePulumi(this);
    emulator = await startEmulator();
    hosts = providerHostCounter();
    stack = await CliStack.create(pulumi, {
      baseUrl: emulator.baseUrl,
      apiKey: DEFAULT_API_KEY,
      stack: "dev",
      env: { PATH: `${hosts.binDir}${path.delimiter}${process.env.PATH ?? ""}` },
    });
  });
  after(async () => {
    hosts?.dispose();
    stack?.dispose();
    await emulator?.close();
  });

  it("leaves one order, which the next pulumi up adopts into state after pulumi cancel and refresh", async () => {
    const emu = emulator!;
    const cli = stack!;
    // DigiCert stores the order, and its answer is held back: the kill lands while the provider waits for it.
    emu.injectFault({ method: "POST", path: "/order/certificate/", fault: { kind: "delay", ms: 120_000 } });
    const up = cli.start(["up", "--yes", "--skip-preview"], { quiet: true });
    const killed = up.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    await until(() => emu.orders().length === 1, 90_000, "the emulator to store the order");
    // The whole deployment dies: the CLI and language host (their group), and the provider host (its own group).
    up.kill();
    hosts!.killAll();
    expect(await killed).to.be.instanceOf(CliError);

    // What the user sees next: the stack is locked by the killed update, and the CLI names the way out.
    const locked = await cli.run(["up", "--yes", "--skip-preview"], { quiet: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(locked).to.be.instanceOf(CliError);
    expect((locked as CliError).result.stderr + (locked as CliError).result.stdout).to.include(
      "pulumi cancel",
    );

    await cli.run(["cancel", "--yes"], { quiet: true, stackFlag: true });
    // Refresh keeps the interrupted create as pending in non-interactive mode; it changes nothing at DigiCert.
    await cli.run(["refresh", "--yes", "--skip-preview"], { quiet: true });
    const { stdout } = await cli.run(["up", "--yes", "--skip-preview"], { quiet: true });
    expect(stdout).to.include("interrupted while creating");
    expect(stdout).to.match(/adopting it, not ordering again/);

    const [order] = emu.orders();
    expect(emu.orders()).to.have.length(1);
    expect(emu.requests().filter((r) => r.method === "POST")).to.have.length(1);
    const outputs = await cli.outputs();
    expect(outputs.orderId).to.equal(order.id);
    const resources = orderResources(await cli.exportState());
    expect(resources.map((r) => r.id)).to.deep.equal([String(order.id)]);
  });
});
