import { expect } from "chai";
import { AxiosInstance } from "axios";
import {
  DEFAULT_MAX_RECORDED_REQUESTS,
  Emulator,
  MAX_BODY_BYTES,
  MAX_RECORDED_BODY_BYTES,
  RecordedRequest,
  TRUNCATED_BODY_MARKER,
} from "../../emulator";
import { apiClient, controlClient, csrOrderBody, startTestEmulator } from "./harness";

/** JSON nested `depth` arrays deep, e.g. [[[]]] for 3. */
const nested = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);

describe("emulator: bounded request log and body size", () => {
  let emulator: Emulator;
  let api: AxiosInstance;
  let anonymous: AxiosInstance;
  let control: AxiosInstance;
  const seen: RecordedRequest[] = [];

  before(async () => {
    ({ emulator } = await startTestEmulator({ maxRecordedRequests: 5, onRequest: (r) => seen.push(r) }));
    api = apiClient(emulator);
    anonymous = apiClient(emulator, null);
    control = controlClient(emulator);
  });
  after(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    seen.length = 0;
  });

  const post = (client: AxiosInstance, data: string) =>
    client.post("/order/certificate/code_signing", data, {
      headers: { "content-type": "application/json" },
      maxBodyLength: Infinity,
    });

  it("keeps only the last maxRecordedRequests requests and counts the dropped ones", async () => {
    expect(DEFAULT_MAX_RECORDED_REQUESTS).to.equal(1000);
    for (let index = 1; index <= 8; index++) await anonymous.get(`/order/certificate/${index}`);
    expect(emulator.requests().map((r) => r.path)).to.deep.equal(
      [4, 5, 6, 7, 8].map((index) => `/order/certificate/${index}`),
    );
    expect(emulator.droppedRequests()).to.equal(3);
    emulator.clearRequests();
    expect(emulator.droppedRequests()).to.equal(0);
  });

  it("records a large body truncated with a marker, and still processes the call", async () => {
    const comments = "x".repeat(MAX_RECORDED_BODY_BYTES);
    const response = await post(api, JSON.stringify(csrOrderBody({ comments })));
    expect(response.status).to.equal(201);
    expect(emulator.order(response.data.id)).to.not.equal(undefined);
    const body = emulator.requests()[0].body;
    expect(body)
      .to.be.a("string")
      .that.satisfies((text: string) => text.startsWith(TRUNCATED_BODY_MARKER));
    expect((body as string).length).to.be.below(2048);
  });

  it("keeps ordinary bodies as parsed JSON", async () => {
    await post(api, JSON.stringify(csrOrderBody()));
    expect(emulator.requests()[0].body).to.deep.equal(csrOrderBody());
  });

  it("refuses a body over the cap with 413 request_entity_too_large, recorded without its body", async () => {
    expect(MAX_BODY_BYTES).to.equal(262_144);
    const response = await post(anonymous, `"${"y".repeat(MAX_BODY_BYTES)}"`);
    expect(response.status).to.equal(413);
    expect(response.data.errors[0].code).to.equal("request_entity_too_large");
    const [record] = emulator.requests();
    expect(record.status).to.equal(413);
    expect(record.body).to.be.a("string").and.have.length.below(200);
    expect(seen.map((r) => r.status)).to.deep.equal([413]);
  });

  it("stays small under a flood of unauthenticated large posts", async () => {
    const almostCap = JSON.stringify({ comments: "z".repeat(MAX_BODY_BYTES - 100) });
    for (let index = 0; index < 20; index++) expect((await post(anonymous, almostCap)).status).to.equal(403);
    const log = emulator.requests();
    expect(log).to.have.length(5);
    expect(JSON.stringify(log).length).to.be.below(5 * 4096);
  });

  it("keeps the log serialisable whatever the nesting depth of a body", async () => {
    for (const depth of [3000, 100_000]) {
      expect((await post(anonymous, nested(depth))).status).to.equal(403);
      expect((await post(api, nested(depth))).status).to.equal(400);
    }
    const log = await control.get("/requests");
    expect(log.status).to.equal(200);
    expect(log.data).to.have.length(4);
    for (const record of log.data) expect(record.body).to.match(/^\[emulator: body not recorded in full/);
    expect(emulator.requests()).to.have.length(4);
  });

  it("tells the onRequest listener about every answered API call, not about control calls", async () => {
    await api.get("/order/certificate/7000001");
    await control.get("/orders");
    expect(seen.map((r) => `${r.method} ${r.path} ${r.status}`)).to.deep.equal([
      "GET /order/certificate/7000001 404",
    ]);
  });
});
