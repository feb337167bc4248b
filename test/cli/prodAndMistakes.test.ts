/**
 * The real Pulumi CLI on the rest of what a user does: the prod stack (EV on a token, shipping address and custom
 * fields) previewed and brought up beside dev, its secrets stored as ciphertext; and mistakes in a declaration,
 * which `pulumi preview` must report by property path before any API call. Pending where the CLI is not built.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { createProgramDir } from "../../harness/programDir";
import { CliError, CliStack } from "../../scripts/lib/pulumiCli";
import { cliSuiteTitle, orderResources, plannedOps, requirePulumi } from "./cliSupport";

const RESOURCE_NAME = "signing-certificate";

describe(cliSuiteTitle("real Pulumi CLI: the prod stack, and mistakes caught by preview"), function () {
  this.timeout(180_000);
  let pulumi = "";
  let emulator: Emulator | undefined;
  const stacks: CliStack[] = [];

  before(async function () {
    pulumi = requirePulumi(this);
    emulator = await startEmulator();
  });
  after(async () => {
    for (const stack of stacks) stack.dispose();
    await emulator?.close();
  });
  const emu = () => emulator!;
  const newStack = async (name: string, programDir?: () => string) => {
    const stack = await CliStack.create(pulumi, {
      baseUrl: emu().baseUrl,
      apiKey: DEFAULT_API_KEY,
      stack: name,
      programDir,
    });
    stacks.push(stack);
    return stack;
  };

  it("the prod stack previews and comes up as one EV order on a token; shipInfo and customFields are ciphertext in state", async () => {
    const prod = await newStack("prod");
    // As Pulumi.prod.yaml says: the recipient and the custom field's value in secret config. The engine copies the
    // whole stack config into the dynamic provider's own state, plain keys as plain text, secret keys encrypted.
    await prod.setConfig("codesigning:shipInfo.name", "Erin Guerra", { secret: true, path: true });
    await prod.setConfig("codesigning:shipInfo.addr1", "360 Taylor Street", { secret: true, path: true });
    await prod.setConfig("codesigning:customFields[0].value", "release-engineering", {
      secret: true,
      path: true,
    });
    const { stdout } = await prod.run(["preview", "--json"]);
    expect(plannedOps(stdout, RESOURCE_NAME)).to.deep.equal(["create"]);
    expect(emu().requests()).to.deep.equal([]);

    await prod.run(["up", "--yes", "--skip-preview"]);
    const posts = emu()
      .requests()
      .filter((r) => r.method === "POST");
    expect(posts.map((r) => r.path)).to.deep.equal(["/order/certificate/code_signing_ev"]);
    expect(posts[0].body).to.deep.include({ cs_provisioning_method: "ship_token" });
    expect(posts[0].body).to.have.nested.property("ship_info.addr1", "360 Taylor Street");

    const exported = (await prod.run(["stack", "export"], { quiet: true })).stdout;
    expect(exported).not.to.include(DEFAULT_API_KEY);
    // The shipping address (all of it, not only the secret leaves) and the custom field appear nowhere in plain text.
    for (const plain of ["360 Taylor Street", "Erin Guerra", "Richmond", "release-engineering"]) {
      expect(exported).not.to.include(plain);
    }
    const [resource] = orderResources(await prod.exportState());
    for (const bag of [resource?.inputs, resource?.outputs]) {
      for (const key of ["shipInfo", "customFields"]) {
        expect(bag?.[key], key).to.deep.include({
          "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        });
        expect(JSON.stringify(bag?.[key])).to.include("ciphertext");
      }
    }
  });

  /** A one-resource program whose declaration comes from config `bad:args` (JSON), in a user-like folder. */
  const badProgram = () => {
    const dir = createProgramDir({ name: "bad-declaration" });
    fs.writeFileSync(
      path.join(dir, "index.js"),
      [
        'const pulumi = require("@pulumi/pulumi");',
        'const { CodeSigningOrder } = require("pulumi-digicert-code-signing");',
        'new CodeSigningOrder("bad", new pulumi.Config("bad").requireObject("args"));',
        "",
      ].join("\n"),
    );
    return dir;
  };
  const valid = {
    product: "code_signing",
    certificate: {
      csr: "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----",
      serverPlatform: { id: -1 },
    },
    organization: { id: 123456 },
    orderValidity: { years: 1 },
    csProvisioningMethod: "email",
  };
  const previewFails = async (stack: CliStack, args: unknown): Promise<string> => {
    await stack.setConfig("bad:args", JSON.stringify(args));
    const before = emu().requests().length;
    const error = await stack.run(["preview"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, "pulumi preview should fail").to.be.instanceOf(CliError);
    expect(emu().requests().length, "API calls during the failed preview").to.equal(before);
    const { stdout, stderr } = (error as CliError).result;
    return stdout + stderr;
  };

  it("pulumi preview fails on 4 years of validity, naming orderValidity.years and what is allowed, calling no API", async () => {
    const stack = await newStack("mistakes", badProgram);
    const output = await previewFails(stack, { ...valid, orderValidity: { years: 4 } });
    expect(output).to.include("orderValidity.years");
    expect(output).to.match(/1, 2 or 3|1 to 3|between 1 and 3/);
    // The engine prints no value for a nested property (`value {<nil>}`): the reason carries it.
    expect(output).to.include("(got 4)");
  });

  it("pulumi preview fails on a misspelt property, naming it, calling no API", async () => {
    const stack = stacks[stacks.length - 1];
    const output = await previewFails(stack, { ...valid, skipAproval: true });
    expect(output).to.include("skipAproval");
  });
});
