/**
 * `pulumi-resource-digicert` driven over gRPC as the engine drives it (the harness launches it with the engine's
 * launch protocol), against the emulator: the same core decisions as the dynamic resource, behind the plugin's own
 * wire: secrets kept, a detailed diff, import by ID, partial failures and Cancel.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Emulator, startEmulator } from "../../emulator";
import { EC_P256_CSR } from "../fixtures/certificateRequests";
import { declaredOrder } from "./pluginSupport";
import {
  hostErrorOf,
  isSecret,
  ProviderHost,
  secret,
  unwrapSecrets,
  urnFor,
} from "../../harness/providerHost";

const KEY = "emulator-api-key";
const PLUGIN = path.resolve(__dirname, "..", "..", "provider", "plugin", "main.js");
const SCHEMA = path.resolve(__dirname, "..", "..", "..", "schema.json");
const TYPE = "digicert:index:CodeSigningOrder";
const urn = (name: string) => urnFor({ stack: "dev", project: "codesigning", name, type: TYPE });

type Props = Record<string, unknown>;

const declared = (): Props => ({
  ...declaredOrder(),
  customFields: secret([{ metadataId: 12, value: "123456" }]),
});

describe("provider plugin over gRPC (pulumi-resource-digicert)", function () {
  let emulator: Emulator;
  let host: ProviderHost;
  const orderPosts = () =>
    emulator
      .requests()
      .filter((r) => r.method === "POST" && /\/order\/certificate\/code_signing$/.test(r.path));
  const reissuePosts = () =>
    emulator.requests().filter((r) => r.method === "POST" && /\/reissue$/.test(r.path));

  before(async () => {
    emulator = await startEmulator({ rateLimits: [] });
  });
  after(() => emulator.close());
  beforeEach(async () => {
    emulator.reset();
    host = await ProviderHost.start({
      cwd: mkdtempSync(path.join(tmpdir(), "plugin-grpc-")),
      pluginScript: PLUGIN,
      env: {
        DIGICERT_PENDING_DIR: mkdtempSync(path.join(tmpdir(), "plugin-pending-")),
        DIGICERT_API_KEY: "",
      },
    });
    await host.configure({ apiKey: secret(KEY), baseUrl: emulator.baseUrl, pollInterval: "10ms" });
  });
  afterEach(() => host.close());

  /** Check then Create, as `pulumi up` does for a new resource. */
  async function up(name: string, inputs: Props): Promise<{ id: string; state: Props; checked: Props }> {
    const { inputs: checked, failures } = await host.check(urn(name), {}, inputs);
    expect(failures).to.deep.equal([]);
    const created = await host.create(urn(name), checked);
    return { id: created.id, state: created.properties, checked };
  }

  it("answers acceptSecrets and serves the committed schema.json", async () => {
    expect(host.acceptSecrets).to.equal(true);
    expect(JSON.parse(await host.schema())).to.deep.equal(JSON.parse(readFileSync(SCHEMA, "utf8")));
  });

  it("up places one order; secrets stay secret in the outputs; the key is nowhere", async () => {
    const { id, state } = await up("release", declared());
    expect(orderPosts()).to.have.length(1);
    expect(id).to.match(/^\d+$/);
    expect(isSecret(state.customFields)).to.equal(true);
    const seen = JSON.stringify([state, host.stdout, host.stderr]);
    expect(seen).not.to.include(KEY);
  });

  it("an unchanged declaration with secret inputs diffs clean (values compared unwrapped)", async () => {
    const { id, state, checked } = await up("release", declared());
    const diff = await host.diff(id, urn("release"), state, checked);
    expect(diff.changes).to.equal("DIFF_NONE");
  });

  it("refresh after issuance records the certificate; a new CSR is one reissue shown as certificate.csr", async () => {
    const { id, state } = await up("release", declared());
    emulator.approve(Number(id));
    emulator.issue(Number(id));
    const refreshed = await host.read(id, urn("release"), state, declared());
    expect(unwrapSecrets(refreshed.properties)).to.include({ status: "issued" });
    expect(refreshed.properties.certificateId).to.be.a("number");
    expect(refreshed.properties.certificatePem).to.match(/BEGIN CERTIFICATE/);

    const rotated = {
      ...declared(),
      certificate: { serverPlatform: { id: -1 }, signatureHash: "sha256", csr: EC_P256_CSR },
    };
    const { inputs: checked } = await host.check(urn("release"), declared(), rotated);
    const diff = await host.diff(id, urn("release"), refreshed.properties, checked);
    expect(diff).to.deep.include({ changes: "DIFF_SOME", replaces: [], hasDetailedDiff: true });
    expect(diff.detailedDiff).to.deep.equal({ "certificate.csr": "UPDATE" });
    await host.waitForOutput(new RegExp(`reissue of order ${id}`));
    await host.update(id, urn("release"), refreshed.properties, checked);
    expect(reissuePosts()).to.have.length(1);
    expect(orderPosts()).to.have.length(1);
  });

  it("a changed product is a replacement, shown as UPDATE_REPLACE", async () => {
    const { id, state } = await up("release", declared());
    const { inputs: checked } = await host.check(urn("release"), declared(), {
      ...declared(),
      product: "code_signing_ev",
    });
    const diff = await host.diff(id, urn("release"), state, checked);
    expect(diff.replaces).to.deep.equal(["product"]);
    expect(diff.detailedDiff).to.deep.equal({ product: "UPDATE_REPLACE" });
  });

  it("import by ID records inputs that a program declaring the same order diffs clean against", async () => {
    const { id } = await up("original", declared());
    emulator.approve(Number(id));
    emulator.issue(Number(id));
    const imported = await host.read(id, urn("imported"), {});
    expect(imported.id).to.equal(id);
    const program = { ...declared(), customFields: undefined, container: imported.inputs.container };
    delete program.customFields;
    const { inputs: checked, failures } = await host.check(urn("imported"), imported.inputs, program);
    expect(failures).to.deep.equal([]);
    const diff = await host.diff(id, urn("imported"), imported.properties, checked);
    expect(diff.changes).to.equal("DIFF_NONE");
  });

  it("Cancel ends a wait promptly; the accepted order is recorded as a partial failure with its ID", async () => {
    const { inputs: checked } = await host.check(
      urn("release"),
      {},
      { ...declared(), waitFor: "issued", waitTimeout: "1h" },
    );
    const creating = hostErrorOf(host.create(urn("release"), checked));
    await host.waitForOutput(/waiting/);
    await host.cancel();
    const error = await creating;
    expect(error.initFailure?.id).to.match(/^\d+$/);
    expect(error.initFailure?.properties.orderId).to.equal(Number(error.initFailure?.id));
    expect(orderPosts()).to.have.length(1);
  });
});
