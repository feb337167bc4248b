/**
 * The example project's dev stack through the real Pulumi CLI, against the CertCentral emulator: preview, up,
 * approval and issuance, refresh, up, destroy. Runs only where `pulumi` is on PATH (the CLI is not an npm package and
 * cannot be installed on the development machines); elsewhere every test is reported pending.
 *
 * Each run uses a throwaway local backend (PULUMI_BACKEND_URL=file://<tmp>, passphrase "test") and a program folder
 * where the package resolves from node_modules, as in a user's project (scripts/lib/pulumiCli.ts).
 */
import { expect } from "chai";
import * as t from "io-ts";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { REPO_ROOT } from "../../harness/programDir";
import { CODE_SIGNING_ORDER_TYPE, isSecret } from "../../harness/providerHost";
import { CliStack, findPulumi, StateExport } from "../../scripts/lib/pulumiCli";

const PULUMI = findPulumi();
const SKIP_REASON = "pulumi CLI not on PATH";
const RESOURCE_NAME = "signing-certificate";
const MAX_PROVIDER_BYTES = 8 * 1024;

const previewJson = t.type({ steps: t.array(t.type({ op: t.string, urn: t.string })) });

/** `--json` output; a CLI that prints a line before the document is tolerated. */
function parseJsonOutput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const start = text.search(/^\{/m);
    if (start < 0) throw new Error(`no JSON in the output:\n${text}`);
    return JSON.parse(text.slice(start));
  }
}

function orderResources(state: StateExport) {
  return (state.deployment.resources ?? []).filter((r) => r.type === CODE_SIGNING_ORDER_TYPE);
}

describe(`real Pulumi CLI: the dev stack against the emulator${PULUMI ? "" : ` (pending: ${SKIP_REASON})`}`, function () {
  // Each CLI command starts a language host and a provider host: seconds, not milliseconds.
  this.timeout(180_000);
  let emulator: Emulator | undefined;
  let stack: CliStack | undefined;
  let orderId = 0;
  let broken = false;

  before(async function () {
    if (!PULUMI) {
      console.log(`      ${SKIP_REASON}: every test of this suite is pending`);
      this.skip();
    }
    emulator = await startEmulator();
    stack = await CliStack.create(PULUMI, {
      baseUrl: emulator.baseUrl,
      apiKey: DEFAULT_API_KEY,
      stack: "dev",
    });
  });

  // The steps build on each other: after a failure, the rest are reported pending rather than failing confusingly.
  beforeEach(function () {
    if (broken) this.skip();
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
  const posts = () =>
    emu()
      .requests()
      .filter((r) => r.method === "POST");

  it("pulumi preview plans to create one CodeSigningOrder and calls no API", async () => {
    const { stdout } = await cli().run(["preview", "--json"]);
    const decoded = previewJson.decode(parseJsonOutput(stdout));
    if (decoded._tag === "Left") throw new Error(`unexpected preview JSON:\n${stdout}`);
    const steps = decoded.right.steps.filter((s) =>
      s.urn.endsWith(`::${CODE_SIGNING_ORDER_TYPE}::${RESOURCE_NAME}`),
    );
    expect(steps.map((s) => s.op)).to.deep.equal(["create"]);
    // Check and Diff only: nothing reaches CertCentral during a preview.
    expect(emu().requests()).to.deep.equal([]);
  });

  it("pulumi up places exactly one order, for the HSM, with the dev stack's CSR", async () => {
    await cli().run(["up", "--yes", "--skip-preview"]);
    const outputs = await cli().outputs();
    orderId = outputs.orderId;
    expect(outputs.status).to.equal("needs_approval");
    expect(posts().map((r) => r.path)).to.deep.equal(["/order/certificate/code_signing"]);
    expect(posts()[0].body).to.deep.include({ cs_provisioning_method: "email" });
    const order = emu().order(orderId);
    expect(order?.status).to.equal("needs_approval");
    expect(JSON.stringify(order?.body)).to.include("-----BEGIN CERTIFICATE REQUEST-----");
  });

  it("after approval and issuance, pulumi refresh reads the certificate into state", async () => {
    emu().approve(orderId);
    emu().issue(orderId);
    const certificate = emu().order(orderId)?.certificate;
    expect(certificate?.serialNumber).to.be.a("string");

    await cli().run(["refresh", "--yes", "--skip-preview"]);
    const [resource] = orderResources(await cli().exportState());
    expect(resource?.id).to.equal(String(orderId));
    expect(resource?.outputs).to.deep.include({
      status: "issued",
      certificateId: certificate?.id,
      serialNumber: certificate?.serialNumber,
      validTill: certificate?.validTill,
    });
  });

  it("the state holds a small, plain __provider that loads the implementation by package name, and no key", async () => {
    const { stdout } = await cli().run(["stack", "export"]);
    expect(stdout).not.to.include(DEFAULT_API_KEY);
    const [resource] = orderResources(await cli().exportState());
    for (const provider of [resource?.inputs?.__provider, resource?.outputs?.__provider]) {
      expect(isSecret(provider)).to.equal(false);
      expect(provider).to.be.a("string").that.includes('require("pulumi-digicert-code-signing/provider")');
      expect(Buffer.byteLength(provider as string)).to.be.at.most(MAX_PROVIDER_BYTES);
      expect(provider).not.to.include(REPO_ROOT);
      expect(provider).not.to.include(emu().baseUrl);
    }
  });

  // Refresh updates the resource's state, not the stack outputs: those are set when the program runs.
  it("pulumi up after refresh places no order, and the stack outputs show the certificate", async () => {
    await cli().run(["up", "--yes", "--skip-preview"]);
    const outputs = await cli().outputs();
    const certificate = emu().order(orderId)?.certificate;
    expect(outputs).to.deep.equal({
      orderId,
      status: "issued",
      certificateId: certificate?.id,
      serialNumber: certificate?.serialNumber,
      validTill: certificate?.validTill,
    });
    expect(posts()).to.have.length(1);
  });

  it("pulumi destroy revokes the dev certificate (onDelete: revoke) and empties the stack", async () => {
    await cli().run(["destroy", "--yes", "--skip-preview"]);
    expect(emu().order(orderId)?.status).to.equal("revoked");
    expect(orderResources(await cli().exportState())).to.deep.equal([]);
  });

  it("the emulator received exactly one POST, and the key only ever in the X-DC-DEVKEY header", () => {
    const requests = emu().requests();
    expect(posts()).to.have.length(1);
    expect(requests.map((r) => `${r.method} ${r.path}`)).to.include(
      `PUT /order/certificate/${orderId}/revoke`,
    );
    for (const request of requests) {
      expect(request.headers["x-dc-devkey"]).to.equal(DEFAULT_API_KEY);
      expect(JSON.stringify([request.path, request.query, request.body])).not.to.include(DEFAULT_API_KEY);
    }
  });
});
