/**
 * The plugin orphaned (the CLI killed with kill -9) while its order POST waits for DigiCert's answer. main.ts
 * promises that the POST in flight finishes and its marker is cleared once answered, so that a re-run waits for this
 * live sender (sendOnce's waitForOtherSender) instead of sending the order again. The engine's connection dies with
 * the CLI, so the plugin must not take "no gRPC call left" for "no POST left".
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { declaredOrder } from "./pluginSupport";
import { isRunning, stdoutMatch, until } from "../support/processes";

const STAND_IN = path.resolve(__dirname, "engineStandIn.js");
const PLUGIN = path.resolve(__dirname, "..", "..", "provider", "plugin", "main.js");
const URN = "urn:pulumi:dev::proj::digicert:index:CodeSigningOrder::orphaned";
/** How late the emulator stores the order and answers: longer than the plugin's 1 s orphan check. */
const PROCESS_LATE_MS = 4000;

describe("provider plugin orphaned while its order POST is in flight", function () {
  this.timeout(30_000);
  let emulator: Emulator | undefined;
  let pendingDir: string | undefined;
  let pluginPid: number | undefined;

  before(async () => {
    emulator = await startEmulator();
    pendingDir = fs.mkdtempSync(path.join(os.tmpdir(), "orphan-pending-"));
  });
  after(async () => {
    if (pluginPid !== undefined && isRunning(pluginPid)) process.kill(pluginPid, "SIGKILL");
    if (pendingDir) fs.rmSync(pendingDir, { recursive: true, force: true });
    await emulator?.close();
  });

  it("stays up until DigiCert answers the POST and clears its marker, so a re-run waits for it", async () => {
    const emu = emulator!;
    emu.injectFault({
      method: "POST",
      path: "/order/certificate/",
      fault: { kind: "process-late", ms: PROCESS_LATE_MS },
    });
    // A stand-in for the CLI: it launches the plugin (stdout and stderr piped to itself, as the engine does) and
    // sends the Create; killed with kill -9, its connection and pipes go with it.
    const cli = spawn(
      process.execPath,
      [
        STAND_IN,
        PLUGIN,
        emu.baseUrl,
        DEFAULT_API_KEY,
        URN,
        JSON.stringify({ ...declaredOrder(), waitFor: "none", resourceKey: URN }),
      ],
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, DIGICERT_PENDING_DIR: pendingDir } },
    );
    const [, pidText] = await stdoutMatch(cli, /plugin (\d+) created-sent\n/);
    pluginPid = Number(pidText);
    await until(() => fs.readdirSync(pendingDir!).length === 1, 10_000, "the POST's marker");

    // The CLI dies: its process goes (the orphan) and with it its connection to the plugin.
    cli.kill("SIGKILL");

    // DigiCert stores the order PROCESS_LATE_MS after it was sent; the plugin must still be there to read the answer.
    await until(() => emu.orders().length === 1, 15_000, "the emulator to store the order");
    await until(
      () => !isRunning(pluginPid!) || fs.readdirSync(pendingDir!).length === 0,
      5_000,
      "an outcome",
    );
    const post = emu.requests().find((r) => r.method === "POST");
    expect(post?.status, "the order POST was answered to the plugin (0: the plugin had hung up)").to.equal(
      201,
    );
    expect(fs.readdirSync(pendingDir!), "the marker is cleared once the answer is in").to.deep.equal([]);
  });
});
