/**
 * One lifecycle, through the real CLI against the emulator, for a program in another language that uses the
 * provider plugin (pulumi-resource-digicert): examples/yaml or examples/go copied into a program folder, its
 * `plugins.providers` pointed at a folder holding a launcher for the checkout's built plugin. Pending, with the
 * reason in the title, where the CLI, the language host or the plugin is not built.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { PROGRAMS_ROOT, REPO_ROOT } from "../../harness/programDir";
import { CliStack, StateExport } from "../../scripts/lib/pulumiCli";
import { PENDING_REASON, PULUMI } from "../cli/cliSupport";

const ORDER_TYPE = "digicert:index:CodeSigningOrder";
const PLUGIN_MAIN = path.join(REPO_ROOT, "dist", "provider", "plugin", "main.js");
const OTHER_SECRET = "another-namespace-secret";

export interface PluginProgram {
  /** The folder under examples/ and the language host's runtime name. */
  readonly example: "yaml" | "go";
}

function pendingReason(runtime: string): string | undefined {
  if (!PULUMI) return PENDING_REASON;
  const host = path.join(path.dirname(PULUMI), `pulumi-language-${runtime}`);
  if (!fs.existsSync(host))
    return `pulumi-language-${runtime} is not built beside pulumi (npm run setup:pulumi)`;
  if (!fs.existsSync(PLUGIN_MAIN)) return "the provider plugin is not built (dist/provider/plugin/main.js)";
  return undefined;
}

/** The example copied into a program folder, with its plugin path and (Go) its SDK path made absolute. */
function programFolder(example: string): string {
  fs.mkdirSync(PROGRAMS_ROOT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(PROGRAMS_ROOT, `${example}-`));
  fs.cpSync(path.join(REPO_ROOT, "examples", example), dir, { recursive: true });
  const pluginDir = path.join(dir, "plugin-bin");
  fs.mkdirSync(pluginDir);
  const launcher = path.join(pluginDir, "pulumi-resource-digicert");
  fs.writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${PLUGIN_MAIN}" "$@"\n`, {
    mode: 0o755,
  });
  const project = path.join(dir, "Pulumi.yaml");
  fs.writeFileSync(project, fs.readFileSync(project, "utf8").replace(/path: .*/, `path: ${pluginDir}`));
  const goMod = path.join(dir, "go.mod");
  if (fs.existsSync(goMod)) {
    const sdk = path.join(REPO_ROOT, "sdk", "go");
    fs.writeFileSync(goMod, fs.readFileSync(goMod, "utf8").replace("=> ../../sdk/go", `=> ${sdk}`));
  }
  return dir;
}

function orders(state: StateExport) {
  return (state.deployment.resources ?? []).filter((r) => r.type === ORDER_TYPE);
}

export function describePluginProgram({ example }: PluginProgram): void {
  const reason = pendingReason(example);
  const title = `real Pulumi CLI: a ${example} program on the provider plugin against the emulator`;
  describe(reason ? `${title} (pending: ${reason})` : title, function () {
    this.timeout(240_000);
    let emulator: Emulator | undefined;
    let stack: CliStack | undefined;
    let broken = false;

    before(async function () {
      if (reason) {
        // Reported pending, never passed: the suite title and this line say why.
        console.log(`      ${reason}: every test of this suite is pending`);
        this.skip();
      }
      emulator = await startEmulator();
      stack = await CliStack.create(PULUMI as string, {
        baseUrl: emulator.baseUrl,
        apiKey: DEFAULT_API_KEY,
        programDir: () => programFolder(example),
        // The Go host builds the program with Go's own settings, never a go.work of a parent folder.
        env: { GOWORK: "off", GOFLAGS: "-buildvcs=false" },
      });
      // Another namespace's secret, which the plugin must neither read nor keep.
      await stack.setConfig("other:token", OTHER_SECRET, { secret: true });
    });
    beforeEach(function () {
      if (broken) {
        console.log(`      pending: an earlier step failed, so "${this.currentTest?.title}" cannot run`);
        this.skip();
      }
    });
    afterEach(function () {
      if (this.currentTest?.state === "failed") broken = true;
    });
    after(async () => {
      stack?.dispose();
      await emulator?.close();
    });

    const cli = () => stack!;
    const emu = () => emulator!;
    const orderPosts = () =>
      emu()
        .requests()
        .filter((r) => r.method === "POST" && r.path.startsWith("/order/certificate/"));
    let orderId = 0;

    it("pulumi preview plans one CodeSigningOrder and calls no API", async () => {
      const { stdout } = await cli().run(["preview"]);
      expect(stdout).to.match(/\+ 2 to create/);
      expect(emu().requests()).to.have.length(0);
    });

    it("pulumi up places one order", async () => {
      await cli().run(["up", "--yes"]);
      expect(orderPosts()).to.have.length(1);
      const state = await cli().exportState();
      const [order] = orders(state);
      orderId = Number((order.outputs as Record<string, unknown>).orderId);
      expect(orderId).to.be.greaterThan(0);
    });

    it("the state holds no API key and nothing of another namespace's config", async () => {
      const { stdout } = await cli().run(["stack", "export"], { quiet: true });
      expect(stdout).not.to.include(DEFAULT_API_KEY);
      expect(stdout).not.to.include(OTHER_SECRET);
      expect(stdout).not.to.include("other:token");
    });

    // The example sets skipApproval (no approval step) and csProvisioningMethod client_app: DigiCert offers no PEM
    // download for it, so the certificate's ID is recorded as asked and the hardware init code is kept instead.
    it("pulumi refresh after issuance reads the certificate ID and keeps the init code as a secret", async () => {
      emu().issue(orderId);
      await cli().run(["refresh", "--yes"]);
      const [order] = orders(await cli().exportState());
      const outputs = order.outputs as Record<string, unknown>;
      expect(outputs.status).to.equal("issued");
      expect(Number(outputs.certificateId)).to.be.greaterThan(0);
      expect(outputs.downloadedCertificateId).to.equal(outputs.certificateId);
      // The engine's secret signature: stored encrypted, never in plain text.
      expect(JSON.stringify(outputs.hardwareInitCode)).to.include("1b47061264138c4ac30d75fd1eb44270");
      expect(orderPosts()).to.have.length(1);
    });

    it("pulumi destroy removes the order from the stack", async () => {
      await cli().run(["destroy", "--yes"]);
      expect(orders(await cli().exportState())).to.have.length(0);
      expect(orderPosts()).to.have.length(1);
    });
  });
}
