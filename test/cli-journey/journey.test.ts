/**
 * What a user goes through when `pulumi up` is slow or interrupted, through the real CLI against the emulator (the
 * example project's dev stack): a wait that times out, then refresh and destroy; one Ctrl-C during a wait; two
 * Ctrl-C (the CLI gone, the create left pending); destroy, then up of the same program. Each has exactly one order
 * at DigiCert, kept in state or adopted again, never a second. Slower than `npm test` wants: its own CI step
 * (`npm run test:journey`). Pending where the CLI is not built.
 */
import { expect } from "chai";
import * as path from "path";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { CliStack, RunningCommand } from "../../scripts/lib/pulumiCli";
import {
  cliSuiteTitle,
  failureOutput,
  orderResources,
  providerHostCounter,
  requirePulumi,
} from "../cli/cliSupport";
import { until } from "../support/processes";

describe(cliSuiteTitle("real Pulumi CLI: slow and interrupted journeys"), function () {
  this.timeout(240_000);
  let emulator: Emulator | undefined;
  let hosts: ReturnType<typeof providerHostCounter> | undefined;
  let pulumi = "";
  const stacks: CliStack[] = [];
  let lines: string[] = [];

  before(async function () {
    pulumi = requirePulumi(this);
    emulator = await startEmulator();
    hosts = providerHostCounter();
  });
  beforeEach(() => {
    emulator?.reset();
    lines = [];
  });
  after(async () => {
    hosts?.dispose();
    for (const stack of stacks) stack.dispose();
    await emulator?.close();
  });

  const emu = () => emulator!;
  const orderPosts = () =>
    emu()
      .requests()
      .filter((r) => r.method === "POST" && /^\/order\/certificate\/code_signing/.test(r.path));

  /** A fresh dev stack whose settings (codesigning:* config) are `settings`; its output lines go to `lines`. */
  async function devStack(settings: Record<string, string>): Promise<CliStack> {
    const stack = await CliStack.create(pulumi, {
      baseUrl: emu().baseUrl,
      apiKey: DEFAULT_API_KEY,
      stack: "dev",
      onLine: (line) => lines.push(line),
      // The launcher that logs each provider host, so a killed deployment's host can be killed too.
      env: { PATH: `${hosts!.binDir}${path.delimiter}${process.env.PATH ?? ""}` },
    });
    stacks.push(stack);
    for (const [key, value] of Object.entries(settings)) await stack.setConfig(`codesigning:${key}`, value);
    return stack;
  }

  /** `pulumi up` started, resolved once the provider says it waits for the order. */
  async function upUntilWaiting(stack: CliStack): Promise<RunningCommand & { failure: Promise<string> }> {
    const up = stack.start(["up", "--yes", "--skip-preview"]);
    const failure = failureOutput(up.done);
    await until(() => lines.some((l) => /waiting up to \S+ for it to be issued/.test(l)), 90_000, "the wait");
    return { ...up, failure };
  }

  const stateOrders = async (stack: CliStack) => orderResources(await stack.exportState());

  it("a waitFor timeout records the order: the next up waits again, refresh and destroy work, no second order", async () => {
    const stack = await devStack({ waitFor: "issued", waitTimeout: "2s" });
    const timedOut = await failureOutput(stack.run(["up", "--yes", "--skip-preview"]));
    expect(timedOut).to.match(/did not reach "issued" within waitTimeout 2s\. It is recorded in state/);
    const [order] = emu().orders();
    expect(emu().orders()).to.have.length(1);
    const [recorded] = await stateOrders(stack);
    expect(recorded?.id).to.equal(String(order!.id));
    // The engine stored what the partial failure carried: the provider must be loadable from it.
    expect(recorded?.outputs?.__provider).to.be.a("string");

    // The next up (the engine updates a resource its create left failed) waits again, and places nothing.
    const again = await failureOutput(stack.run(["up", "--yes", "--skip-preview"]));
    expect(again).to.match(/did not reach "issued" within waitTimeout 2s\. It is recorded in state/);
    expect(orderPosts()).to.have.length(1);

    emu().issue(order!.id);
    await stack.run(["refresh", "--yes", "--skip-preview"]);
    const [refreshed] = await stateOrders(stack);
    expect(refreshed?.outputs).to.include({ status: "issued" });
    expect(refreshed?.outputs?.certificateId).to.be.a("number");

    // The next up follows the same order: nothing differs, nothing is placed.
    await stack.run(["up", "--yes", "--skip-preview"]);
    expect(orderPosts()).to.have.length(1);
    expect((await stack.outputs()).orderId).to.equal(order!.id);

    await stack.run(["destroy", "--yes", "--skip-preview"]);
    expect(await stateOrders(stack)).to.have.length(0);
    // The dev stack revokes on destroy (onDelete: revoke).
    expect(emu().order(order!.id)!.status).to.equal("revoked");
  });

  it("one Ctrl-C during a wait stops it at once; the order stays in state and the next up places none", async () => {
    const stack = await devStack({ waitFor: "issued", waitTimeout: "30m" });
    const up = await upUntilWaiting(stack);
    expect(lines.join("\n")).to.include("Ctrl-C once stops waiting; the order stays in state");
    const pressed = Date.now();
    // As a terminal does: SIGINT to the foreground process group (the CLI and its language host).
    process.kill(-up.pid, "SIGINT");
    const output = await up.failure;
    const stoppedAfterMs = Date.now() - pressed;
    console.log(`      the up ended ${stoppedAfterMs} ms after Ctrl-C`);
    expect(stoppedAfterMs).to.be.below(20_000);
    expect(output).to.match(
      /Stopped waiting for order \d+ \(status needs_approval\): the deployment was cancelled/,
    );

    const [order] = emu().orders();
    expect(emu().orders()).to.have.length(1);
    expect((await stateOrders(stack)).map((r) => r.id)).to.deep.equal([String(order!.id)]);

    emu().issue(order!.id);
    await stack.run(["refresh", "--yes", "--skip-preview"]);
    await stack.run(["up", "--yes", "--skip-preview"]);
    expect(orderPosts()).to.have.length(1);
    const outputs = await stack.outputs();
    expect(outputs).to.include({ orderId: order!.id, status: "issued" });
    expect(outputs.certificateId).to.be.a("number");
  });

  it("after the CLI is killed during a wait (the create left pending), up adopts the order, also once issued", async () => {
    const stack = await devStack({ waitFor: "issued", waitTimeout: "30m" });
    const up = await upUntilWaiting(stack);
    // A second Ctrl-C before the first took effect, or kill -9: the CLI is gone and the order never reached state.
    // (SIGKILL of the whole deployment, the provider host included, so that the order is surely left out of state.)
    up.kill();
    hosts!.killAll();
    await up.failure;
    const [order] = emu().orders();
    expect(emu().orders()).to.have.length(1);

    // The locked stack: `pulumi cancel`. The adopting up's own wait times out: the order is still not in state.
    await stack.run(["cancel", "--yes"]);
    await stack.setConfig("codesigning:waitTimeout", "2s");
    const adoptedButWaiting = await failureOutput(stack.run(["up", "--yes", "--skip-preview"]));
    expect(adoptedButWaiting).to.match(/adopting it, not ordering again/);
    expect(orderPosts()).to.have.length(1);

    // DigiCert issues it before the next up: an issued order under this resource's own ID is still adopted.
    emu().issue(order!.id);
    const { stdout } = await stack.run(["up", "--yes", "--skip-preview"]);
    expect(stdout).to.match(
      new RegExp(`found live order ${order!.id} \\(issued\\) with alternative order ID pcs\\w+: adopting it`),
    );
    expect(orderPosts()).to.have.length(1);
    expect(emu().orders()).to.have.length(1);
    const outputs = await stack.outputs();
    expect(outputs).to.include({ orderId: order!.id, status: "issued" });
  });

  it("destroy leaves the issued order and says so; up of the same program adopts it again: no new order", async () => {
    const stack = await devStack({ onDelete: "cancel" });
    await stack.run(["up", "--yes", "--skip-preview"]);
    const [order] = emu().orders();
    emu().issue(order!.id);
    await stack.run(["refresh", "--yes", "--skip-preview"]);
    const certificateId = (await stateOrders(stack))[0]?.outputs?.certificateId;
    expect(certificateId).to.be.a("number");

    const { stdout: destroyed } = await stack.run(["destroy", "--yes", "--skip-preview"]);
    expect(destroyed).to.match(/left with DigiCert/);
    expect(destroyed).to.match(/The next `pulumi up` of this resource adopts it again/);
    expect(emu().order(order!.id)!.status).to.equal("issued");

    emu().clearRequests();
    const { stdout } = await stack.run(["up", "--yes", "--skip-preview"]);
    expect(stdout).to.match(/adopting it, not ordering again/);
    expect(orderPosts()).to.have.length(0);
    expect(emu().orders()).to.have.length(1);
    const [adopted] = await stateOrders(stack);
    expect(adopted?.id).to.equal(String(order!.id));
    expect(adopted?.outputs).to.include({ status: "issued", certificateId });
  });
});
