import { expect } from "chai";
import { Emulator, startEmulator } from "../../emulator";
import { createProgramDir, removeProgramDir } from "../../harness/programDir";
import { hostErrorOf, ProviderHost, secret, UNKNOWN, urnFor } from "../../harness/providerHost";
import { captureOrder, PROJECT, STACK } from "./engineFixture";

const API_KEY = "emulator-api-key";
type Props = Record<string, unknown>;

/**
 * The whole lifecycle through `@pulumi/pulumi`'s own dynamic-provider host, driven over gRPC the way the engine
 * drives it, with the `__provider` a real program serializes, against the emulator.
 */
describe("engine protocol: CodeSigningOrder through the SDK's provider host", function () {
  this.timeout(30_000);
  const urn = urnFor({ stack: STACK, project: PROJECT, name: "release-signing" });
  let emulator: Emulator;
  let dir: string;
  let host: ProviderHost;
  let declared: Props;

  before(async () => {
    emulator = await startEmulator({ rateLimits: [] });
    declared = (await captureOrder()).inputs;
    dir = createProgramDir();
    host = await ProviderHost.start({ cwd: dir, project: PROJECT });
    // As the engine sends a nodejs dynamic provider its config: every stack key, namespaced, secrets wrapped.
    await host.configure({
      "digicert:apiKey": secret(API_KEY),
      "digicert:baseUrl": emulator.baseUrl,
      "digicert:pollInterval": "100ms",
      "codesigning:unrelated": "value",
    });
  });
  after(async () => {
    await host?.close();
    if (dir) removeProgramDir(dir);
    await emulator?.close();
  });
  beforeEach(() => emulator.reset());

  /** `pulumi up` of a new resource: Check, then Create with the checked inputs. */
  async function up(inputs: Props = declared): Promise<{ id: string; state: Props; checked: Props }> {
    const checked = await host.check(urn, {}, inputs);
    expect(checked.failures).to.deep.equal([]);
    const created = await host.create(urn, checked.inputs);
    return { id: created.id, state: created.properties, checked: checked.inputs };
  }

  it("preview of a new stack runs Check only and sends nothing to DigiCert", async () => {
    const checked = await host.check(urn, {}, declared);
    expect(checked.failures).to.deep.equal([]);
    expect(checked.inputs.__provider).to.equal(declared.__provider);
    // Values not known yet during preview arrive as the sentinel and are never rejected.
    const unknown = await host.check(
      urn,
      {},
      { ...declared, organization: { id: UNKNOWN }, comments: UNKNOWN },
    );
    expect(unknown.failures).to.deep.equal([]);
    expect(emulator.requests()).to.have.length(0);
  });

  it("preview shows mistakes with the property path and what is allowed, before any API call", async () => {
    const checked = await host.check(
      urn,
      {},
      { ...declared, orderValidity: { years: 5 }, csProvisioningMethod: "pigeon" },
    );
    expect(checked.failures).to.deep.include({
      property: "orderValidity.years",
      reason: "must be an integer from 1 to 3 (got 5)",
    });
    expect(checked.failures.map((f) => f.property)).to.include("csProvisioningMethod");
    expect(emulator.requests()).to.have.length(0);
  });

  it("up places one order; refresh follows it to approval and issuance; a refresh right after shows no diff", async () => {
    const awaitingApproval = { ...declared, skipApproval: false };
    const { id, state, checked } = await up(awaitingApproval);
    expect(emulator.orders()).to.have.length(1);
    expect(id).to.equal(String(emulator.orders()[0]!.id));
    expect(state).to.include({ orderId: Number(id), status: "needs_approval" });
    expect(state).to.not.have.property("certificateId");
    expect(state.__provider).to.equal(declared.__provider);

    emulator.approve(Number(id));
    const approved = await host.read(id, urn, state, checked);
    expect(approved.properties.certificateId).to.be.a("number");

    emulator.issue(Number(id));
    const issued = await host.read(id, urn, approved.properties, approved.inputs);
    expect(issued.id).to.equal(id);
    expect(issued.properties).to.include({ status: "issued" });
    for (const key of ["serialNumber", "thumbprint", "validFrom", "validTill", "dateIssued"]) {
      expect(issued.properties[key], key).to.be.a("string");
    }
    // Read returns the inputs too, so the next preview compares like with like.
    expect(issued.inputs).to.deep.include({
      product: "code_signing_ev",
      comments: "Message for the approver",
    });

    const next = await host.check(urn, issued.inputs, awaitingApproval);
    const diff = await host.diff(id, urn, issued.properties, next.inputs);
    expect(diff.changes).to.equal("DIFF_NONE");
  });

  it("an in-place update (comments) makes no API call and keeps every output", async () => {
    const { id, state, checked } = await up();
    emulator.clearRequests();
    const news = (await host.check(urn, checked, { ...declared, comments: "Ship it" })).inputs;
    const diff = await host.diff(id, urn, state, news);
    expect(diff).to.deep.include({ changes: "DIFF_SOME", replaces: [] });
    const updated = await host.update(id, urn, state, news);
    expect(updated.properties).to.include({
      comments: "Ship it",
      orderId: state.orderId,
      status: state.status,
    });
    expect(updated.properties.requests).to.deep.equal(state.requests);
    expect(emulator.requests()).to.have.length(0);
  });

  it("a replacing change places exactly one new order, then cancels the old one as onDelete says", async () => {
    const { id, state, checked } = await up();
    emulator.clearRequests();
    const news = (await host.check(urn, checked, { ...declared, organization: { id: 777 } })).inputs;
    const diff = await host.diff(id, urn, state, news);
    expect(diff).to.deep.include({
      changes: "DIFF_SOME",
      replaces: ["organization"],
      deleteBeforeReplace: false,
    });
    const replacement = await host.create(urn, news);
    expect(replacement.id).to.not.equal(id);
    expect(emulator.requests().filter((r) => r.method === "POST")).to.have.length(1);
    expect(replacement.properties.predecessorOrderId).to.equal(Number(id));
    await host.delete(id, urn, state);
    expect(emulator.order(Number(id))!.status).to.equal("canceled");
    expect(emulator.order(Number(replacement.id))!.status).to.equal("pending");
  });

  describe("what crosses calls: one provider host serves the whole deployment (provider/core/replacementMemory.ts)", () => {
    it("a replacement the engine decides after our Diff saw none (replaceOnChanges) gets a new order", async () => {
      const { id, state, checked } = await up();
      const news = (await host.check(urn, checked, { ...declared, comments: "replace on changes" })).inputs;
      expect((await host.diff(id, urn, state, news)).replaces ?? []).to.deep.equal([]);
      // Without Diff's memory this Create would look like a lost answer and adopt the old order.
      const replacement = await host.create(urn, news);
      expect(replacement.id).to.not.equal(id);
      expect(replacement.properties.predecessorOrderId).to.equal(Number(id));
    });

    it("an order adopted by a Create without a Diff (--replace) is kept by the old resource's Delete", async () => {
      const { id, state, checked } = await up();
      const adopted = await host.create(urn, checked);
      expect(adopted.id).to.equal(id);
      await host.delete(id, urn, state);
      expect(emulator.order(Number(id))!.status).to.equal("pending");
      expect(emulator.orders()).to.have.length(1);
    });
  });

  it("destroy cancels the order", async () => {
    const { id, state } = await up();
    await host.delete(id, urn, state);
    expect(emulator.order(Number(id))!.status).to.equal("canceled");
  });

  it("a partial failure from Create reaches the engine with the order's ID and properties", async () => {
    const error = await hostErrorOf(up({ ...declared, waitFor: "issued", waitTimeout: "300ms" }));
    expect(error.code).to.equal(2);
    const order = emulator.orders()[0]!;
    expect(emulator.orders()).to.have.length(1);
    expect(error.initFailure).to.not.equal(undefined);
    expect(error.initFailure!.id).to.equal(String(order.id));
    expect(error.initFailure!.properties).to.include({ orderId: order.id, status: "pending" });
    expect(error.message).to.match(/did not reach "issued" within waitTimeout 300ms/);
  });

  it("a partial failure's properties carry __provider: refresh and destroy of what the engine stored work", async () => {
    const checked = await host.check(urn, {}, { ...declared, waitFor: "issued", waitTimeout: "300ms" });
    const waiting = checked.inputs;
    const error = await hostErrorOf(host.create(urn, waiting));
    const stored = error.initFailure!.properties;
    // The engine stores exactly these properties: without __provider the host cannot load the provider again.
    expect(stored.__provider).to.equal(declared.__provider);
    const id = error.initFailure!.id;
    const refreshed = await host.read(id, urn, stored, waiting);
    expect(refreshed.id).to.equal(id);
    await host.delete(id, urn, stored);
    expect(emulator.order(Number(id))!.status).to.equal("canceled");
  });

  it("never lets the API key out: not in state, errors crossing the host, or anything the host printed", async () => {
    const { id, state } = await up();
    emulator.injectFault({
      method: "GET",
      path: "/order/certificate/",
      fault: { kind: "error-before", status: 400, code: "bad_request", message: `echoing ${API_KEY}` },
    });
    // Read errors cross the host as gRPC errors, and the host prints them with their stack.
    const refused = await hostErrorOf(host.read(id, urn, state, {}));
    expect(refused.message).to.include("CertCentral bad_request: echoing [redacted] (HTTP 400)");
    await host.waitForOutput(/bad_request/, { stream: "stderr" });
    expect(
      JSON.stringify([state, refused.message, refused.details, host.stdout, host.stderr]),
    ).to.not.include(API_KEY);
  });
});
