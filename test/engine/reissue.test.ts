import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, FaultRule, startEmulator } from "../../emulator";
import { createProgramDir, removeProgramDir } from "../../harness/programDir";
import { hostErrorOf, ProviderHost, secret, urnFor } from "../../harness/providerHost";
import { EC_P256_CSR, RSA_3072_CSR } from "../fixtures/certificateRequests";
import { ovHsmInputs } from "../fixtures/digicertExample";
import { captureOrder, PROJECT, STACK } from "./engineFixture";
import { keyRotationInputs, keyRotationRun } from "../../bench/scenarios";
import { CODE_SIGNING_ORDER_TYPE } from "../../harness/providerHost";

const API_KEY = "emulator-api-key";
type Props = Record<string, unknown>;

/**
 * Issue 11 end to end: reissue instead of repurchase, and the certificate as outputs, through `@pulumi/pulumi`'s own
 * dynamic-provider host driven the way the engine drives it, against the emulator (real X.509 material).
 */
describe("engine protocol: reissue, don't repurchase, and the certificate as outputs", function () {
  this.timeout(30_000);
  const urn = urnFor({ stack: STACK, project: PROJECT, name: "release-signing" });
  let emulator: Emulator;
  let dir: string;
  let host: ProviderHost;
  /** Markers of unanswered POSTs: this file's own, emptied with the emulator (its order IDs restart on reset). */
  let pendingDir: string;
  /** DigiCert's EV example as the basic program registers it (ship_token): carries the real `__provider`. */
  let declared: Props;
  /** An OV order for a key in the customer's HSM, three years, with a real CSR. */
  let hsm: Props;
  const rotated = (inputs: Props): Props => ({
    ...inputs,
    certificate: { csr: EC_P256_CSR, serverPlatform: { id: -1 } },
  });

  before(async () => {
    emulator = await startEmulator({ rateLimits: [] });
    declared = (await captureOrder()).inputs;
    hsm = {
      ...ovHsmInputs("codesigning/dev/release-signing", { years: 3 }),
      certificate: { csr: RSA_3072_CSR, serverPlatform: { id: -1 } },
      skipApproval: true,
      __provider: declared.__provider,
    };
    dir = createProgramDir();
    pendingDir = fs.mkdtempSync(path.join(os.tmpdir(), "digicert-pending-"));
    host = await ProviderHost.start({
      cwd: dir,
      project: PROJECT,
      env: { DIGICERT_PENDING_DIR: pendingDir },
    });
    await host.configure({
      "digicert:apiKey": secret(API_KEY),
      "digicert:baseUrl": emulator.baseUrl,
      "digicert:pollInterval": "100ms",
    });
  });
  after(async () => {
    await host?.close();
    if (dir) removeProgramDir(dir);
    if (pendingDir) fs.rmSync(pendingDir, { recursive: true, force: true });
    await emulator?.close();
  });
  beforeEach(() => {
    emulator.reset();
    for (const marker of fs.readdirSync(pendingDir))
      fs.rmSync(path.join(pendingDir, marker), { force: true });
  });

  interface Deployed {
    id: string;
    state: Props;
    inputs: Props;
  }

  /** `pulumi up` of a new resource, DigiCert issues it, and `pulumi refresh` records the certificate. */
  async function issued(inputs: Props): Promise<Deployed> {
    const checked = await host.check(urn, {}, inputs);
    expect(checked.failures).to.deep.equal([]);
    const created = await host.create(urn, checked.inputs);
    emulator.issue(Number(created.id));
    return refresh({ id: created.id, state: created.properties, inputs: checked.inputs });
  }

  async function refresh(deployed: Deployed): Promise<Deployed> {
    const read = await host.read(deployed.id, urn, deployed.state, deployed.inputs);
    return { id: read.id, state: read.properties, inputs: read.inputs };
  }

  /** `pulumi preview`'s Check and Diff of new inputs, with the provider lines it printed. */
  async function preview(deployed: Deployed, inputs: Props) {
    const mark = host.stdout.length;
    const news = (await host.check(urn, deployed.inputs, inputs)).inputs;
    const diff = await host.diff(deployed.id, urn, deployed.state, news);
    return { news, diff, lines: await linesSince(mark) };
  }

  /** The provider's lines since `mark` (they travel on a pipe: give them a moment). */
  async function linesSince(mark: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    return host.stdout.slice(mark).join("\n");
  }

  /** `pulumi up` of an update the preview planned: Update with the checked inputs. */
  async function update(deployed: Deployed, news: Props): Promise<Deployed> {
    const updated = await host.update(deployed.id, urn, deployed.state, news);
    return { id: deployed.id, state: updated.properties, inputs: news };
  }

  const calls = () => emulator.requests().map((r) => `${r.method} ${r.path}`);
  const posts = () => calls().filter((c) => c.startsWith("POST"));
  const reissuePosts = () => posts().filter((c) => c.endsWith("/reissue"));

  it("a reissue whose wait times out is a partial failure carrying __provider: refresh and destroy of it work", async () => {
    const before = await issued(hsm);
    const { news } = await preview(before, { ...rotated(hsm), waitFor: "issued", waitTimeout: "300ms" });
    const error = await hostErrorOf(host.update(before.id, urn, before.state, news));
    expect(error.message).to.match(/did not reach "issued" within waitTimeout 300ms/);
    const stored = error.initFailure!.properties;
    expect(stored.__provider).to.equal(hsm.__provider);
    expect(reissuePosts()).to.have.length(1);
    const refreshed = await host.read(before.id, urn, stored, news);
    expect(refreshed.properties).to.include({ status: "reissue_pending" });
    await host.delete(before.id, urn, stored);
  });

  it("a new CSR on an issued order: preview plans an update, up sends one reissue and no order; refresh after issuance carries the new certificate", async () => {
    const before = await issued(hsm);
    const orderId = Number(before.id);
    const oldCertificateId = before.state.certificateId as number;
    emulator.clearRequests();

    const { news, diff, lines } = await preview(before, rotated(hsm));
    expect(diff).to.deep.include({ changes: "DIFF_SOME", replaces: [] });
    expect(lines).to.include(`certificate.csr changed: reissue of order ${orderId} (no new order)`);
    expect(emulator.requests()).to.have.length(0);

    const pending = await update(before, news);
    expect(posts()).to.deep.equal([`POST /order/certificate/${orderId}/reissue`]);
    expect(emulator.orders()).to.have.length(1);
    // While it is pending, the outputs keep the current certificate and state echoes the CSR it was issued for.
    expect(pending.state).to.include({
      status: "reissue_pending",
      certificateId: oldCertificateId,
      certificatePem: before.state.certificatePem,
    });
    expect(pending.state.reissue).to.include({ status: "pending", replacesCertificateId: oldCertificateId });
    expect((pending.state.certificate as Props).csr).to.equal(RSA_3072_CSR);

    // Preview again while it is pending: the reissue asked for is there, nothing to send.
    const waiting = await preview(pending, rotated(hsm));
    expect(waiting.diff.changes).to.equal("DIFF_NONE");
    expect(waiting.lines).to.match(/is pending at DigiCert: nothing to send/);

    // Another change while it is pending: preview fails naming the property that differs from the pending reissue.
    emulator.clearRequests();
    const refused = await hostErrorOf(
      preview(pending, {
        ...hsm,
        certificate: { csr: EC_P256_CSR, serverPlatform: { id: -1 }, signatureHash: "sha384" },
      }),
    );
    expect(refused.message).to.match(
      new RegExp(
        `certificate\\.signatureHash: cannot change while order ${orderId} has a reissue pending at DigiCert`,
      ),
    );
    expect(emulator.requests()).to.have.length(0);

    emulator.issueReissue(orderId);
    emulator.clearRequests();
    const after = await refresh(pending);
    const order = emulator.order(orderId)!;
    const certificate = order.certificate!;
    expect(certificate.id).to.not.equal(oldCertificateId);
    expect(after.state).to.include({
      orderId,
      status: "issued",
      certificateId: certificate.id,
      serialNumber: certificate.serialNumber,
      thumbprint: certificate.thumbprint,
      validFrom: certificate.validFrom,
      validTill: certificate.validTill,
      downloadedCertificateId: certificate.id,
      certificatePem: emulator.certificatePem(certificate.id),
    });
    expect(after.state.certificatePem).to.not.equal(before.state.certificatePem);
    expect(after.state).to.not.have.property("reissue");
    const { intermediate, root } = emulator.certificateAuthorities();
    expect(after.state.chainPem).to.equal(intermediate.trim() + "\n");
    expect(after.state.chainPem).to.not.include(root.trim());
    // The issued certificate is what the new key asked for, and the state echoes the new CSR now.
    expect((after.inputs.certificate as Props).csr).to.equal(EC_P256_CSR);
    expect(calls()).to.deep.equal([
      `GET /order/certificate/${orderId}`,
      `GET /certificate/${certificate.id}/download/format/pem_all`,
    ]);
    expect((await preview(after, rotated(hsm))).diff.changes).to.equal("DIFF_NONE");
  });

  it("a new CSR on an order not issued yet: replaced (one new order, the old one canceled), one live order", async () => {
    const checked = (await host.check(urn, {}, hsm)).inputs;
    const created = await host.create(urn, checked);
    const before = { id: created.id, state: created.properties, inputs: checked };
    expect(before.state.status).to.equal("pending");
    emulator.clearRequests();

    const { news, diff, lines } = await preview(before, rotated(hsm));
    expect(diff.replaces).to.deep.equal(["certificate"]);
    expect(lines).to.match(/new order \(the current one is not issued yet: order \d+ is pending\)/);

    const replacement = await host.create(urn, news);
    await host.delete(before.id, urn, before.state);
    expect(replacement.id).to.not.equal(before.id);
    expect(posts()).to.deep.equal(["POST /order/certificate/code_signing"]);
    expect(reissuePosts()).to.deep.equal([]);
    expect(emulator.order(Number(before.id))!.status).to.equal("canceled");
    const live = emulator.orders().filter((o) => o.status !== "canceled");
    expect(live.map((o) => o.id)).to.deep.equal([Number(replacement.id)]);
  });

  it("a reissue DigiCert rejects: refresh shows it with the old certificate, and the next preview asks for it again", async () => {
    const before = await issued(hsm);
    const orderId = Number(before.id);
    const { news } = await preview(before, rotated(hsm));
    const pending = await update(before, news);
    const requestId = (pending.state.reissue as Props).requestId;
    expect(requestId).to.be.a("number");

    emulator.rejectReissue(orderId);
    const after = await refresh(pending);
    expect(after.state).to.include({
      status: "issued",
      certificateId: before.state.certificateId,
      serialNumber: before.state.serialNumber,
      certificatePem: before.state.certificatePem,
    });
    expect(after.state.reissue).to.deep.include({ status: "rejected", requestId });
    expect((after.inputs.certificate as Props).csr).to.equal(RSA_3072_CSR);

    emulator.clearRequests();
    const again = await preview(after, rotated(hsm));
    expect(again.diff).to.deep.include({ changes: "DIFF_SOME", replaces: [] });
    expect(again.lines).to.include(
      `certificate.csr changed: reissue of order ${orderId} (no new order); the earlier reissue (request ${requestId}) was rejected at DigiCert, so it is requested again`,
    );
    const second = await update(after, again.news);
    expect(reissuePosts()).to.have.length(1);
    expect(second.state.reissue).to.include({ status: "pending" });
    expect((second.state.reissue as Props).requestId).to.not.equal(requestId);

    // Or the user sets the CSR back: nothing to reissue, and the rejected reissue is dropped from state.
    const back = await preview(after, hsm);
    expect(back.diff.replaces).to.deep.equal([]);
    const kept = await update(after, back.news);
    expect(kept.state).to.not.have.property("reissue");
  });

  it("steady-state refresh makes 1 API call; the first after issuance 2 (order info + one download)", async () => {
    const checked = (await host.check(urn, {}, hsm)).inputs;
    const created = await host.create(urn, checked);
    emulator.issue(Number(created.id));
    emulator.clearRequests();
    const first = await refresh({ id: created.id, state: created.properties, inputs: checked });
    expect(calls()).to.have.length(2);
    expect(calls()[1]).to.match(/^GET \/certificate\/\d+\/download\/format\/pem_all$/);
    emulator.clearRequests();
    const second = await refresh(first);
    await refresh(second);
    expect(calls()).to.deep.equal([
      `GET /order/certificate/${created.id}`,
      `GET /order/certificate/${created.id}`,
    ]);
    expect(second.state.certificatePem).to.equal(first.state.certificatePem);
  });

  it("a token order (ship_token): no PEM outputs, no error, the hardware init code as an output (secret by the SDK)", async () => {
    const deployed = await issued({ ...declared, skipApproval: true });
    const orderId = Number(deployed.id);
    expect(deployed.state).to.include({
      status: "issued",
      downloadedCertificateId: deployed.state.certificateId,
    });
    expect(deployed.state).to.not.have.property("certificatePem");
    expect(deployed.state).to.not.have.property("chainPem");
    const initCode = deployed.state.hardwareInitCode;
    expect(initCode).to.be.a("string").and.not.equal("");
    emulator.clearRequests();
    await refresh(deployed);
    // The download DigiCert does not offer is not asked for again.
    expect(calls()).to.deep.equal([`GET /order/certificate/${orderId}`]);
    // Never printed: neither the init code nor the key.
    await linesSince(0);
    expect(JSON.stringify([host.stdout, host.stderr]))
      .to.not.include(initCode as string)
      .and.not.include(API_KEY);
  });

  it("the bench's key rotation (BENCHMARKS.md): 1 reissue POST, 0 order POSTs, 2 calls for up, refreshes 2 then 1", async () => {
    const ours = {
      key: "ours" as const,
      label: "CodeSigningOrder",
      provider: declared.__provider as string,
      type: CODE_SIGNING_ORDER_TYPE,
      news: () => hsm,
      config: (baseUrl: string) => ({ "digicert:apiKey": secret(API_KEY), "digicert:baseUrl": baseUrl }),
      env: () => ({}),
    };
    const sample = await keyRotationRun(ours, emulator, dir, keyRotationInputs(ours));
    expect(sample).to.deep.include({ reissuePosts: 1, orderPosts: 0, newCertificateInOutputs: true });
    expect([
      sample.preview.length,
      sample.up.length,
      sample.refreshAfterIssuance.length,
      sample.steadyRefresh.length,
    ]).to.deep.equal([0, 2, 2, 1]);
  });

  describe("a lost answer to the reissue POST never leads to a second reissue", () => {
    const faults: [string, FaultRule["fault"]][] = [
      ["DigiCert stores it and answers 500", { kind: "error-after", status: 500 }],
      ["DigiCert stores it and the connection drops", { kind: "drop-after" }],
    ];
    for (const [what, fault] of faults) {
      it(`${what}: up takes the stored reissue; a second up sends nothing`, async () => {
        const before = await issued(hsm);
        const orderId = Number(before.id);
        const { news } = await preview(before, rotated(hsm));
        emulator.injectFault({ method: "POST", path: `/order/certificate/${orderId}/reissue`, fault });
        emulator.clearRequests();
        const pending = await update(before, news);
        expect(reissuePosts()).to.have.length(1);
        expect(pending.state).to.include({ status: "reissue_pending" });
        expect(pending.state.reissue).to.include({ status: "pending" });
        expect(emulator.order(orderId)!.reissues).to.have.length(1);

        const again = await preview(pending, rotated(hsm));
        expect(again.diff.changes).to.equal("DIFF_NONE");
        emulator.issueReissue(orderId);
        const after = await refresh(pending);
        expect(after.state.certificateId).to.equal(emulator.order(orderId)!.certificate!.id);
        expect(reissuePosts()).to.have.length(1);
      });
    }

    it("the answer and the look-up after it both fail: up fails saying so; the next up (from the old state) takes it", async () => {
      const before = await issued(hsm);
      const orderId = Number(before.id);
      const { news } = await preview(before, rotated(hsm));
      emulator.injectFault({
        method: "POST",
        path: `/order/certificate/${orderId}/reissue`,
        fault: { kind: "error-after", status: 502 },
      });
      emulator.clearRequests();
      // The read before the POST passes; the read after it is refused (a client error: not retried).
      emulator.injectFault({
        method: "GET",
        path: `/order/certificate/${orderId}`,
        fault: { kind: "delay", ms: 0 },
      });
      emulator.injectFault({
        method: "GET",
        path: `/order/certificate/${orderId}`,
        fault: { kind: "error-before", status: 400, code: "bad_request", message: "look-up refused" },
      });
      const failed = await hostErrorOf(update(before, news));
      expect(failed.message).to.match(/may have reached DigiCert.*Nothing was sent again/s);
      expect(reissuePosts()).to.have.length(1);

      // The engine kept the old state: the next up previews a reissue again, and Update takes DigiCert's.
      emulator.clearRequests();
      const retry = await preview(before, rotated(hsm));
      expect(retry.diff.replaces).to.deep.equal([]);
      const pending = await update(before, retry.news);
      expect(reissuePosts()).to.deep.equal([]);
      expect(pending.state).to.include({ status: "reissue_pending" });
      expect(emulator.order(orderId)!.reissues).to.have.length(1);
    });

    it("the answer is lost and refresh runs before the next up: preview names the property while it is pending; once issued, up takes it", async () => {
      const before = await issued(hsm);
      const orderId = Number(before.id);
      const { news } = await preview(before, rotated(hsm));
      emulator.injectFault({
        method: "POST",
        path: `/order/certificate/${orderId}/reissue`,
        fault: { kind: "error-after", status: 502 },
      });
      emulator.injectFault({
        method: "GET",
        path: `/order/certificate/${orderId}`,
        fault: { kind: "delay", ms: 0 },
      });
      emulator.injectFault({
        method: "GET",
        path: `/order/certificate/${orderId}`,
        fault: { kind: "error-before", status: 400, code: "bad_request", message: "look-up refused" },
      });
      await hostErrorOf(update(before, news));
      emulator.clearRequests();

      // `pulumi refresh` from the old state: a reissue pending that state does not record.
      const refreshed = await refresh(before);
      expect(refreshed.state).to.include({
        status: "reissue_pending",
        certificateId: before.state.certificateId,
      });
      const refused = await hostErrorOf(preview(refreshed, rotated(hsm)));
      expect(refused.message).to.match(
        /certificate\.csr: cannot change while order \d+ has a reissue pending/,
      );

      emulator.issueReissue(orderId);
      const reissued = await refresh(refreshed);
      expect(reissued.state.certificateId).to.equal(emulator.order(orderId)!.certificate!.id);
      const next = await preview(reissued, rotated(hsm));
      const after = await update(reissued, next.news);
      expect(reissuePosts()).to.deep.equal([]);
      expect(after.state).to.include({ status: "issued", certificateId: reissued.state.certificateId });
      expect(after.state).to.not.have.property("reissue");
      expect((after.state.certificate as Props).csr).to.equal(EC_P256_CSR);
      expect(emulator.order(orderId)!.reissues).to.have.length(1);
    });
  });
});
