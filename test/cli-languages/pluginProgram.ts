/**
 * The whole lifecycle, through the real CLI against the emulator, for a program in another language that uses the
 * provider plugin (pulumi-resource-digicert): examples/yaml or examples/go copied into a program folder, its
 * `plugins.providers` pointed at a folder holding a launcher for the checkout's built plugin. Preview (no API call),
 * up (one order), refresh after issuance, key rotation (a new CSR: one reissue), `pulumi import` of an order placed
 * elsewhere then a program declaring it previews clean, destroy; the state holds no key and no other namespace's
 * config; `pulumi up` killed (kill -9) while DigiCert stores the order leaves one order, which the next up adopts.
 * Pending, with the reason in the title, where the CLI, the language host or the plugin is not built.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { EXAMPLE_CSR_FILE, languageExampleDir, REPO_ROOT } from "../../harness/programDir";
import { createProvider } from "../../provider";
import { CliError, CliStack, StateExport } from "../../scripts/lib/pulumiCli";
import {
  countingLauncher,
  CountingLauncher,
  PENDING_REASON,
  plannedSteps,
  PULUMI,
  stepsInOrder,
} from "../cli/cliSupport";
import { EC_P256_CSR, RSA_3072_CSR } from "../fixtures/certificateRequests";
import { until } from "../support/processes";

const ORDER_TYPE = "digicert:index:CodeSigningOrder";
const PLUGIN_MAIN = path.join(REPO_ROOT, "dist", "provider", "plugin", "main.js");
/** The launcher the examples' `plugins.providers` names in the checkout (`../../bin`). */
const PLUGIN_LAUNCHER = path.join(REPO_ROOT, "bin", "pulumi-resource-digicert");
const OTHER_SECRET = "another-namespace-secret";
const IMPORTED_CSR_FILE = "imported.csr.pem";
/** What the order placed outside Pulumi declares; the program then declares the same (see declareImported). */
const IMPORTED = {
  product: "code_signing",
  certificate: { csr: RSA_3072_CSR, signatureHash: "sha256" },
  organization: { id: 123456 },
  orderValidity: { years: 1 },
  csProvisioningMethod: "email",
};

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

/** The program declares the imported order too (as a user does after `pulumi import --generate-code=false`). */
function declareImported(example: string, dir: string): void {
  fs.writeFileSync(path.join(dir, IMPORTED_CSR_FILE), IMPORTED.certificate.csr);
  if (example === "yaml") {
    const block = [
      "  imported:",
      `    type: ${ORDER_TYPE}`,
      "    properties:",
      `      product: ${IMPORTED.product}`,
      "      certificate:",
      "        csr:",
      `          fn::readFile: ${IMPORTED_CSR_FILE}`,
      `        signatureHash: ${IMPORTED.certificate.signatureHash}`,
      "      organization:",
      `        id: ${IMPORTED.organization.id}`,
      "      orderValidity:",
      `        years: ${IMPORTED.orderValidity.years}`,
      `      csProvisioningMethod: ${IMPORTED.csProvisioningMethod}`,
      "      container:",
      "        id: 1",
      "    options:",
      "      protect: true",
      "",
    ].join("\n");
    const file = path.join(dir, "Pulumi.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^outputs:/m, `${block}outputs:`));
    return;
  }
  const declaration = `
		importedCsr, err := os.ReadFile("${IMPORTED_CSR_FILE}")
		if err != nil {
			return err
		}
		if _, err := digicert.NewCodeSigningOrder(ctx, "imported", &digicert.CodeSigningOrderArgs{
			Product: pulumi.String("${IMPORTED.product}"),
			Certificate: &digicert.CertificateArgs{
				Csr:           pulumi.String(string(importedCsr)),
				SignatureHash: pulumi.String("${IMPORTED.certificate.signatureHash}"),
			},
			Organization:         &digicert.OrganizationArgs{Id: pulumi.Int(${IMPORTED.organization.id})},
			OrderValidity:        &digicert.OrderValidityArgs{Years: pulumi.Int(${IMPORTED.orderValidity.years})},
			CsProvisioningMethod: pulumi.String("${IMPORTED.csProvisioningMethod}"),
			Container:            &digicert.ContainerArgs{Id: pulumi.Int(1)},
		}, pulumi.Protect(true)); err != nil {
			return err
		}
`;
  const file = path.join(dir, "main.go");
  const source = fs.readFileSync(file, "utf8");
  const anchor = '\t\tctx.Export("orderId"';
  expect(source, "examples/go/main.go exports orderId").to.include(anchor);
  fs.writeFileSync(file, source.replace(anchor, `${declaration}${anchor}`));
}

function orders(state: StateExport) {
  return (state.deployment.resources ?? []).filter((r) => r.type === ORDER_TYPE);
}

function outputsOf(state: StateExport, name: string): Record<string, unknown> {
  const resource = orders(state).find((r) => r.urn.endsWith(`::${name}`));
  if (!resource?.outputs) throw new Error(`no ${name} in state`);
  return resource.outputs;
}

/** Every plugin process the launcher started, killed with its process group (the engine gives each its own). */
export function describePluginProgram({ example }: PluginProgram): void {
  const reason = pendingReason(example);
  const title = `real Pulumi CLI: a ${example} program on the provider plugin against the emulator`;
  describe(reason ? `${title} (pending: ${reason})` : title, function () {
    this.timeout(240_000);
    let emulator: Emulator | undefined;
    let stack: CliStack | undefined;
    let killedStack: CliStack | undefined;
    let plugins: CountingLauncher | undefined;

    before(async function () {
      if (reason) {
        // Reported pending, never passed: the suite title and this line say why.
        console.log(`      ${reason}: every test of this suite is pending`);
        this.skip();
      }
      emulator = await startEmulator();
      // Logs each plugin process, to kill them with the CLI.
      plugins = countingLauncher("pulumi-resource-digicert", PLUGIN_LAUNCHER);
      stack = await CliStack.create(PULUMI as string, {
        baseUrl: emulator.baseUrl,
        apiKey: DEFAULT_API_KEY,
        programDir: () => languageExampleDir(example, plugins!.binDir, RSA_3072_CSR),
        // The Go host builds the program with Go's own settings, never a go.work of a parent folder.
        env: { GOWORK: "off", GOFLAGS: "-buildvcs=false" },
      });
      // Another namespace's secret, which the plugin must neither read nor keep.
      await stack.setConfig("other:token", OTHER_SECRET, { secret: true });
    });
    // The steps build on each other: after a failure, the rest are pending, each saying why.
    stepsInOrder();
    after(async () => {
      plugins?.dispose();
      stack?.dispose();
      killedStack?.dispose();
      await emulator?.close();
    });

    const cli = () => stack!;
    const emu = () => emulator!;
    const posts = (pattern: RegExp) =>
      emu()
        .requests()
        .filter((r) => r.method === "POST" && pattern.test(r.path)).length;
    const orderPosts = () => posts(/\/order\/certificate\/code_signing(_ev)?$/);
    let orderId = 0;

    it("pulumi preview plans one CodeSigningOrder and calls no API", async () => {
      const { stdout } = await cli().run(["preview"]);
      expect(stdout).to.match(/\+ 2 to create/);
      expect(emu().requests()).to.have.length(0);
    });

    it("pulumi up places one order", async () => {
      await cli().run(["up", "--yes"]);
      expect(orderPosts()).to.equal(1);
      orderId = Number(outputsOf(await cli().exportState(), "release-signing").orderId);
      expect(orderId).to.be.greaterThan(0);
    });

    it("the state holds no API key and nothing of another namespace's config", async () => {
      const { stdout } = await cli().run(["stack", "export"], { quiet: true });
      expect(stdout).not.to.include(DEFAULT_API_KEY);
      expect(stdout).not.to.include(OTHER_SECRET);
      expect(stdout).not.to.include("other:token");
    });

    it("pulumi refresh after issuance reads the certificate ID and PEM", async () => {
      emu().issue(orderId);
      await cli().run(["refresh", "--yes"]);
      const outputs = outputsOf(await cli().exportState(), "release-signing");
      expect(outputs.status).to.equal("issued");
      expect(Number(outputs.certificateId)).to.be.greaterThan(0);
      expect(JSON.stringify(outputs.certificatePem)).to.include("BEGIN CERTIFICATE");
      expect(orderPosts()).to.equal(1);
    });

    it("a new CSR is one reissue of the order: the preview names it, up sends it, no new order", async () => {
      fs.writeFileSync(path.join(cli().dir, EXAMPLE_CSR_FILE), EC_P256_CSR);
      const before = emu().requests().length;
      const { stdout, stderr } = await cli().run(["preview", "--diff"]);
      expect(stdout).to.match(/~ certificate: \{[\s\S]*csr:/);
      // The core's word on it, through the engine's log (the diff display prints diagnostics on stderr).
      expect(stderr).to.include(`certificate.csr changed: reissue of order ${orderId} (no new order)`);
      expect(emu().requests().length, "API calls by the preview").to.equal(before);
      await cli().run(["up", "--yes"]);
      expect(posts(/\/reissue$/)).to.equal(1);
      expect(orderPosts()).to.equal(1);
    });

    it("pulumi import of an order placed elsewhere, then the program declaring it previews clean", async () => {
      const core = createProvider(
        { get: (k) => ({ "digicert:apiKey": DEFAULT_API_KEY, "digicert:baseUrl": emu().baseUrl })[k] },
        { env: {}, log: () => undefined },
      );
      const existing = await core.create({ ...IMPORTED, resourceKey: "placed-outside-pulumi" });
      emu().approve(Number(existing.id));
      emu().issue(Number(existing.id));
      await cli().run(["import", ORDER_TYPE, "imported", existing.id, "--yes", "--generate-code=false"]);
      declareImported(example, cli().dir);
      const { stdout } = await cli().run(["preview", "--json"]);
      const steps = plannedSteps(stdout).filter((s) => s.urn.endsWith(`::${ORDER_TYPE}::imported`));
      // Unchanged resources are not listed; a program that declared it differently would plan an update or replace.
      expect(steps.filter((s) => s.op !== "same")).to.deep.equal([]);
      expect(outputsOf(await cli().exportState(), "imported").orderId).to.equal(Number(existing.id));
    });

    it("pulumi destroy removes the orders from the stack", async () => {
      await cli().run(["state", "unprotect", "--all", "--yes"]);
      await cli().run(["destroy", "--yes"]);
      expect(orders(await cli().exportState())).to.have.length(0);
      expect(orderPosts()).to.equal(2); // this stack's order and the one placed outside Pulumi; nothing new
    });

    it("pulumi up killed (kill -9) while DigiCert stores the order: one order, adopted by the next up", async () => {
      killedStack = await CliStack.create(PULUMI as string, {
        baseUrl: emu().baseUrl,
        apiKey: DEFAULT_API_KEY,
        stack: "killed",
        programDir: () => languageExampleDir(example, plugins!.binDir, RSA_3072_CSR),
        env: { GOWORK: "off", GOFLAGS: "-buildvcs=false" },
      });
      const before = emu().orders().length;
      // DigiCert stores the order and its answer is held back: the kill lands while the plugin waits for it.
      emu().injectFault({
        method: "POST",
        path: "/order/certificate/",
        fault: { kind: "delay", ms: 120_000 },
      });
      const up = killedStack.start(["up", "--yes", "--skip-preview"], { quiet: true });
      const ended = up.done.then(
        () => undefined,
        (e: unknown) => e,
      );
      await until(() => emu().orders().length === before + 1, 120_000, "the emulator to store the order");
      up.kill();
      plugins!.killAll();
      expect(await ended).to.be.instanceOf(CliError);

      await killedStack.run(["cancel", "--yes"], { quiet: true, stackFlag: true });
      await killedStack.run(["refresh", "--yes", "--skip-preview"], { quiet: true });
      await killedStack.run(["up", "--yes", "--skip-preview"], { quiet: true });
      expect(emu().orders()).to.have.length(before + 1);
      const placed = emu().orders().at(-1)!;
      expect(outputsOf(await killedStack.exportState(), "release-signing").orderId).to.equal(placed.id);
      await killedStack.run(["destroy", "--yes"], { quiet: true });
    });
  });
}
