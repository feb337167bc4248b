/**
 * The example project's dev stack through the real Pulumi CLI and engine, against the CertCentral emulator: preview,
 * up, an edit that updates and one that replaces, approval and issuance, refresh, up, destroy. It also asserts what
 * the engine guarantees and the provider relies on: one provider host per command (the memory Diff hands to Create
 * and Delete lives there), Diff before Create, and on a replacement the new order's Create before the old one's
 * Delete. Pending where the CLI is not built (`npm run setup:pulumi`).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { REPO_ROOT } from "../../harness/programDir";
import { isSecret } from "../../harness/providerHost";
import { CliStack } from "../../scripts/lib/pulumiCli";
import {
  cliSuiteTitle,
  orderResources,
  plannedOps,
  providerHostCounter,
  requirePulumi,
  stepOpsFromEventLog,
  stepsInOrder,
} from "./cliSupport";

const RESOURCE_NAME = "signing-certificate";
const MAX_PROVIDER_BYTES = 8 * 1024;

describe(cliSuiteTitle("real Pulumi CLI: the dev stack against the emulator"), function () {
  // Each CLI command starts a language host and a provider host: seconds, not milliseconds.
  this.timeout(180_000);
  let emulator: Emulator | undefined;
  let stack: CliStack | undefined;
  let hosts: ReturnType<typeof providerHostCounter> | undefined;
  let orderId = 0;

  before(async function () {
    const pulumi = requirePulumi(this);
    emulator = await startEmulator();
    hosts = providerHostCounter();
    stack = await CliStack.create(pulumi, {
      baseUrl: emulator.baseUrl,
      apiKey: DEFAULT_API_KEY,
      stack: "dev",
      // PULUMI_DEBUG_COMMANDS: `--event-log`, the engine's own record of the steps it ran.
      env: {
        PATH: `${hosts.binDir}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_DEBUG_COMMANDS: "true",
      },
    });
  });

  // The steps build on each other: after a failure, the rest are pending, each saying why.
  stepsInOrder();

  after(async () => {
    stack?.dispose();
    if (hosts) fs.rmSync(hosts.binDir, { recursive: true, force: true });
    await emulator?.close();
  });

  const cli = () => stack!;
  const emu = () => emulator!;
  const posts = () =>
    emu()
      .requests()
      .filter((r) => r.method === "POST");
  const eventLog = (name: string) => path.join(cli().tempDir, `${name}.events.jsonl`);

  it("pulumi preview plans to create one CodeSigningOrder and calls no API", async () => {
    const { stdout } = await cli().run(["preview", "--json"]);
    expect(plannedOps(stdout, RESOURCE_NAME)).to.deep.equal(["create"]);
    // Check and Diff only: nothing reaches CertCentral during a preview.
    expect(emu().requests()).to.deep.equal([]);
  });

  it("pulumi up places exactly one order, for the HSM, with the dev stack's CSR, from one provider host", async () => {
    const before = hosts!.launches();
    const { stdout, stderr } = await cli().run(["up", "--yes", "--skip-preview"]);
    expect(hosts!.launches() - before).to.equal(1);
    // The certificate outputs are not known before issuance: null, not undefined (which Pulumi drops with a warning).
    expect(`${stdout}${stderr}`).not.to.include("Undefined value");
    const outputs = await cli().outputs();
    orderId = outputs.orderId;
    expect(outputs.status).to.equal("needs_approval");
    expect(outputs).to.deep.include({ certificateId: null, serialNumber: null, validTill: null });
    expect(posts().map((r) => r.path)).to.deep.equal(["/order/certificate/code_signing"]);
    expect(posts()[0].body).to.deep.include({ cs_provisioning_method: "email" });
    const order = emu().order(orderId);
    expect(order?.status).to.equal("needs_approval");
    expect(JSON.stringify(order?.body)).to.include("-----BEGIN CERTIFICATE REQUEST-----");
  });

  it("an edit of comments previews as an update and changes no order", async () => {
    await cli().setConfig("codesigning:comments", "Dev certificate, now with a better comment");
    const { stdout } = await cli().run(["preview", "--json"]);
    expect(plannedOps(stdout, RESOURCE_NAME)).to.deep.equal(["update"]);
    await cli().run(["up", "--yes", "--skip-preview"]);
    expect(posts()).to.have.length(1);
    expect((await cli().outputs()).orderId).to.equal(orderId);
    expect(emu().order(orderId)?.status).to.equal("needs_approval");
  });

  it("an edit of the validity previews as a replacement: one new order, created before the old one is canceled", async () => {
    await cli().setConfig("codesigning:validityYears", "2");
    const { stdout } = await cli().run(["preview", "--json"]);
    expect(plannedOps(stdout, RESOURCE_NAME)).to.include("replace");
    expect(
      emu()
        .requests()
        .filter((r) => r.method !== "GET"),
    ).to.have.length(1); // still only the first POST

    const before = hosts!.launches();
    const callsBefore = emu().requests().length;
    await cli().run(["up", "--yes", "--skip-preview", "--event-log", eventLog("replace")]);
    // One provider host for the whole deployment: Diff, Create and Delete share its memory.
    expect(hosts!.launches() - before).to.equal(1);
    // The engine's order: the replacement is created, then the replaced resource deleted (create-before-delete).
    expect(stepOpsFromEventLog(eventLog("replace"))).to.deep.equal([
      "create-replacement",
      "replace",
      "delete-replaced",
    ]);

    const outputs = await cli().outputs();
    expect(outputs.orderId).to.not.equal(orderId);
    const calls = emu()
      .requests()
      .slice(callsBefore)
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.path}`);
    // Exactly one new order, then the old, unapproved one ends (its request rejected, or the order canceled).
    expect(calls[0]).to.equal("POST /order/certificate/code_signing");
    expect(calls.filter((c) => c.startsWith("POST /order/"))).to.have.length(1);
    expect(calls.slice(1).join(" ")).to.match(
      new RegExp(`/order/certificate/${orderId}/status|/request/\\d+/status`),
    );
    expect(["canceled", "rejected"]).to.include(emu().order(orderId)?.status);
    expect(emu().order(outputs.orderId)?.body).to.deep.include({ order_validity: { years: 2 } });
    orderId = outputs.orderId;
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
      thumbprint: certificate?.thumbprint,
      validTill: certificate?.validTill,
    });
  });

  it("the exported state holds no key, no machine path, and a small plain __provider loading the package by name", async () => {
    const { stdout } = await cli().run(["stack", "export"], { quiet: true });
    expect(stdout).not.to.include(DEFAULT_API_KEY);
    expect(stdout).not.to.include(REPO_ROOT);
    expect(stdout).not.to.include(cli().dir);
    const [resource] = orderResources(await cli().exportState());
    for (const provider of [resource?.inputs?.__provider, resource?.outputs?.__provider]) {
      expect(isSecret(provider)).to.equal(false);
      expect(provider).to.be.a("string").that.includes('require("pulumi-digicert-code-signing/provider")');
      expect(Buffer.byteLength(provider as string)).to.be.at.most(MAX_PROVIDER_BYTES);
      expect(provider).not.to.include(emu().baseUrl);
    }
  });

  // Refresh updates the resource's state, not the stack outputs: those are set when the program runs.
  it("pulumi up after refresh changes nothing and places no order; the stack outputs show the certificate", async () => {
    const { stdout } = await cli().run(["preview", "--json", "--expect-no-changes"]);
    // `--expect-no-changes` fails the command on any change; --json lists no unchanged steps.
    expect(plannedOps(stdout, RESOURCE_NAME)).to.deep.equal([]);
    await cli().run(["up", "--yes", "--skip-preview"]);
    const outputs = await cli().outputs();
    const certificate = emu().order(orderId)?.certificate;
    expect(outputs).to.deep.include({
      orderId,
      status: "issued",
      certificateId: certificate?.id,
      serialNumber: certificate?.serialNumber,
      validTill: certificate?.validTill,
    });
    expect(posts()).to.have.length(2);
  });

  it("pulumi destroy revokes the dev certificate (onDelete: revoke) and empties the stack", async () => {
    await cli().run(["destroy", "--yes", "--skip-preview"]);
    expect(emu().order(orderId)?.status).to.equal("revoked");
    expect(orderResources(await cli().exportState())).to.deep.equal([]);
  });

  it("the emulator saw two POSTs in all, and the key only ever in the X-DC-DEVKEY header", () => {
    const requests = emu().requests();
    expect(posts()).to.have.length(2);
    expect(requests.map((r) => `${r.method} ${r.path}`)).to.include(
      `PUT /order/certificate/${orderId}/revoke`,
    );
    for (const request of requests) {
      expect(request.headers["x-dc-devkey"]).to.equal(DEFAULT_API_KEY);
      expect(JSON.stringify([request.path, request.query, request.body])).not.to.include(DEFAULT_API_KEY);
    }
  });
});
