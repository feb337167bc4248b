/**
 * The plugin's progress lines go to the engine with the URN of the resource whose call wrote them, also when the
 * engine runs calls for several resources at once (it does: creates of independent resources run in parallel), and
 * for Read and Delete (refresh, import, destroy), not only Check/Diff/Create/Update.
 */
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { DigicertPlugin } from "../../provider/plugin/server";
import { RESOURCE_TOKEN } from "../../provider/plugin/schema";
import { RSA_3072_CSR } from "../fixtures/certificateRequests";
import { invokeHandler } from "./pluginSupport";

const urnOf = (name: string) => `urn:pulumi:dev::codesigning::${RESOURCE_TOKEN}::${name}`;

const declared = {
  product: "code_signing",
  certificate: { signatureHash: "sha256", csr: RSA_3072_CSR },
  organization: { id: 123456 },
  orderValidity: { years: 1 },
  csProvisioningMethod: "email",
};

describe("provider plugin: each progress line under its own resource", function () {
  this.timeout(20_000);
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ rateLimits: [] });
  });
  after(() => emulator.close());

  it("two creates at once, then a read and a delete of each: every line carries its own resource's URN", async () => {
    const lines: { line: string; urn: string }[] = [];
    const plugin = new DigicertPlugin({
      version: "0.0.0-test",
      schema: readFileSync(path.resolve(__dirname, "..", "..", "..", "schema.json"), "utf8"),
      deps: { env: { DIGICERT_PENDING_DIR: mkdtempSync(path.join(tmpdir(), "plugin-urn-")) } },
      log: (line, urn) => lines.push({ line, urn }),
    });
    await invokeHandler(
      plugin,
      "configure",
      new pb.ConfigureRequest().setArgs(
        Struct.fromJavaScript({ apiKey: DEFAULT_API_KEY, baseUrl: emulator.baseUrl }),
      ),
    );
    const names = ["first", "second"];
    const created = await Promise.all(
      names.map(async (name) => {
        const checked = await invokeHandler<pb.CheckResponse>(
          plugin,
          "check",
          new pb.CheckRequest()
            .setUrn(urnOf(name))
            .setType(RESOURCE_TOKEN)
            .setNews(Struct.fromJavaScript(declared)),
        );
        const res = await invokeHandler<pb.CreateResponse>(
          plugin,
          "create",
          new pb.CreateRequest()
            .setUrn(urnOf(name))
            .setType(RESOURCE_TOKEN)
            .setProperties(checked.getInputs()),
        );
        return { name, id: res.getId(), properties: res.getProperties()! };
      }),
    );
    for (const { name, id } of created) {
      const placed = lines.filter((l) => l.line.includes(`order ${id}`) && /placed/.test(l.line));
      expect(placed, `the line placing ${name}'s order ${id}`).to.have.length(1);
      expect(placed[0]!.urn).to.equal(urnOf(name));
    }
    lines.length = 0;
    for (const { name, id, properties } of created) {
      emulator.setStatus(Number(id), "canceled");
      await invokeHandler(
        plugin,
        "read",
        new pb.ReadRequest().setId(id).setUrn(urnOf(name)).setProperties(properties),
      );
      await invokeHandler(
        plugin,
        "delete",
        new pb.DeleteRequest().setId(id).setUrn(urnOf(name)).setProperties(properties),
      );
    }
    expect(lines.length, "read and delete write lines").to.be.greaterThan(0);
    for (const { line, urn } of lines) {
      const owner = created.find(({ id }) => line.includes(`order ${id}`));
      expect(owner, `a line naming its order: ${line}`).to.not.equal(undefined);
      expect(urn, line).to.equal(urnOf(owner!.name));
    }
  });
});
