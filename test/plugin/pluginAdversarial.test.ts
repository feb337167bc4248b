/**
 * Defects of `pulumi-resource-digicert` found by an adversarial pass with the real CLI (YAML programs), each pinned
 * at the plugin's own boundary (they failed before their fixes). Progress lines under the right resource and the
 * orphaned plugin's exit are covered by pluginLogUrn.test.ts and pluginProcess.test.ts.
 */
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { expect } from "chai";
import { mkdtempSync } from "fs";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { tmpdir } from "os";
import * as path from "path";
import { Emulator, startEmulator } from "../../emulator";
import { ProviderHost, secret, urnFor } from "../../harness/providerHost";
import { DigicertPlugin } from "../../provider/plugin/server";
import { isSecretValue } from "../../provider/plugin/wire";
import { declaredOrder, invokeHandler } from "./pluginSupport";

const KEY = "emulator-api-key";
const PLUGIN = path.resolve(__dirname, "..", "..", "provider", "plugin", "main.js");
const TYPE = "digicert:index:CodeSigningOrder";
const urn = (name: string, stack = "dev") => urnFor({ stack, project: "codesigning", name, type: TYPE });

type Props = Record<string, unknown>;

const declared = declaredOrder;
const invoke = invokeHandler;

const struct = (props: Props) => Struct.fromJavaScript(props as Record<string, JavaScriptValue>);

describe("provider plugin: defects found by the adversarial pass", function () {
  this.timeout(30_000);
  let emulator: Emulator;
  const savedPendingDir = process.env.DIGICERT_PENDING_DIR;
  const orderPosts = () =>
    emulator
      .requests()
      .filter((r) => r.method === "POST" && /\/order\/certificate\/code_signing$/.test(r.path));

  before(async () => {
    emulator = await startEmulator({ rateLimits: [] });
    process.env.DIGICERT_PENDING_DIR = mkdtempSync(path.join(tmpdir(), "plugin-adv-pending-"));
  });
  after(async () => {
    process.env.DIGICERT_PENDING_DIR = savedPendingDir;
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  describe("over gRPC", () => {
    let host: ProviderHost;
    beforeEach(async () => {
      host = await ProviderHost.start({
        cwd: mkdtempSync(path.join(tmpdir(), "plugin-adv-")),
        pluginScript: PLUGIN,
        env: {
          DIGICERT_PENDING_DIR: mkdtempSync(path.join(tmpdir(), "plugin-adv-pending-")),
          DIGICERT_API_KEY: "",
        },
      });
      await host.configure({ apiKey: secret(KEY), baseUrl: emulator.baseUrl });
    });
    afterEach(() => host.close());

    // The schema publishes resourceKey as an input and Check lets a declared value win over the URN, so a program
    // naming another resource's URN takes over that resource's orders (adopts them; its destroy cancels them).
    // The dynamic resource's SDK class always overwrites it.
    it("a resourceKey declared in the program never replaces the resource's own identity", async () => {
      const theirs = await host.check(urn("release", "prod"), {}, declared());
      const placed = await host.create(urn("release", "prod"), theirs.inputs);

      const mine = await host.check(
        urn("release", "dev"),
        {},
        {
          ...declared(),
          resourceKey: urn("release", "prod"),
        },
      );
      if (mine.failures.length > 0) return; // refusing the input is as good as ignoring it
      expect(mine.inputs.resourceKey).to.equal(urn("release", "dev"));
      const created = await host.create(urn("release", "dev"), mine.inputs);
      expect(created.id).not.to.equal(placed.id);
      expect(orderPosts()).to.have.length(2);
    });

    // DigiCert's order info always names a container (the account's top one when the order named none), so an
    // import records container.id and a program that leaves container out, as every example does, previews a
    // replacement: a new, paid order.
    it("an imported order diffs clean against a program that leaves container out", async () => {
      const theirs = await host.check(urn("original"), {}, declared());
      const { id } = await host.create(urn("original"), theirs.inputs);
      const imported = await host.read(id, urn("imported"), {});
      const { inputs, failures } = await host.check(urn("imported"), imported.inputs, declared());
      expect(failures).to.deep.equal([]);
      const diff = await host.diff(id, urn("imported"), imported.properties, inputs);
      expect(diff.replaces).to.deep.equal([]);
      expect(diff.changes).to.equal("DIFF_NONE");
    });
  });

  // `kill -9` of the CLI leaves its provider running with the POST in flight; `pulumi cancel` and `pulumi up` start a
  // second provider at once. The marker of the first is ignored because its writer is alive ("its request is in
  // flight"), so the second looks up, finds nothing yet, and orders: two orders under one alternative order ID
  // (measured with the real CLI and a YAML program, and the same with the dynamic resource: a core defect).
  it("a re-run while the killed run's provider still waits for its POST's answer places no second order", async () => {
    const pendingDir = mkdtempSync(path.join(tmpdir(), "plugin-adv-pending-"));
    const start = () =>
      ProviderHost.start({
        cwd: mkdtempSync(path.join(tmpdir(), "plugin-adv-")),
        pluginScript: PLUGIN,
        env: { DIGICERT_PENDING_DIR: pendingDir, DIGICERT_API_KEY: "" },
      });
    const [killedRun, reRun] = [await start(), await start()];
    try {
      for (const host of [killedRun, reRun])
        await host.configure({ apiKey: secret(KEY), baseUrl: emulator.baseUrl });
      emulator.injectFault({
        method: "POST",
        path: /\/order\/certificate\/code_signing$/,
        fault: { kind: "process-late", ms: 1500 },
      });
      const first = await killedRun.check(urn("release"), {}, declared());
      const inFlight = killedRun.create(urn("release"), first.inputs).catch(() => undefined);
      while (orderPosts().length === 0) await new Promise((r) => setTimeout(r, 20));
      // The engine of the killed run is gone: nothing will record what the first provider gets back.
      const again = await reRun.check(urn("release"), {}, declared());
      await reRun.create(urn("release"), again.inputs).catch(() => undefined);
      await inFlight;
      const altIds = emulator.orders().map((o) => o.alternativeOrderId);
      expect(altIds, "orders under the resource's alternative order ID").to.have.length(1);
    } finally {
      await killedRun.close();
      await reRun.close();
    }
  });

  // The engine stores the provider's config as the provider resource's inputs, as CheckConfig returns them: a key
  // set without --secret lands in plain `pulumi stack export`. Marking it secret in CheckConfig makes the engine
  // encrypt it (measured with the real CLI 3.274.1), as the schema's `secret: true` promises.
  it("CheckConfig returns the API key as a secret even when the stack config holds it in plain text", async () => {
    const plugin = new DigicertPlugin({ version: "0.0.0", schema: "{}", log: () => undefined });
    const resp = await invoke<pb.CheckResponse>(
      plugin,
      "checkConfig",
      new pb.CheckRequest()
        .setUrn("urn:pulumi:dev::p::pulumi:providers:digicert::default")
        .setNews(struct({ apiKey: KEY, baseUrl: emulator.baseUrl })),
    );
    const inputs = (resp.getInputs()?.toJavaScript() ?? {}) as Props;
    expect(isSecretValue(inputs.apiKey)).to.equal(true);
  });
});
