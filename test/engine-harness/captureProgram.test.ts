import { expect } from "chai";
import * as path from "path";
import { captureRegistrations } from "../../harness/captureProgram";
import { REPO_ROOT } from "../../harness/programDir";
import { isSecret, SECRET_SIG, SECRET_SIG_KEY } from "../../harness/providerHost";

const fixture = (name: string) => path.join(__dirname, "..", "fixtures", `${name}.js`);

describe("engine harness: capturing a program under mocks", function () {
  this.timeout(30_000);

  it("captures a dynamic resource's type, inputs and serialized provider, with config from PULUMI_CONFIG", async () => {
    const regs = await captureRegistrations({
      programModule: fixture("echoProgram"),
      project: "codesigning",
      stack: "dev",
      config: { "echo:value": "from-config" },
    });
    expect(regs).to.have.length(1);
    const [reg] = regs;
    expect(reg.type).to.equal("pulumi-nodejs:dynamic/echo:Echo");
    expect(reg.name).to.equal("echo");
    expect(reg.inputs).to.include({ value: "from-config", region: "eu" });
    expect(reg.inputs.__provider).to.be.a("string").that.includes("exports.handler");
    expect(reg.options).to.deep.include({ custom: true });
  });

  it("runs in preview mode and calls a program's default export", async () => {
    const regs = await captureRegistrations({
      programModule: fixture("shellProgram"),
      project: "codesigning",
      stack: "dev",
      preview: true,
    });
    expect(regs.map((r) => r.name)).to.deep.equal(["x"]);
    expect(regs[0].inputs.__provider).to.be.a("string");
  });

  it("hands back a provider that captured a secret as the secret wire object", async () => {
    const [reg] = await captureRegistrations({
      programModule: fixture("secretCaptureProgram"),
      project: "codesigning",
      stack: "dev",
    });
    const provider = reg.inputs.__provider;
    expect(isSecret(provider)).to.equal(true);
    expect(provider).to.have.property(SECRET_SIG_KEY, SECRET_SIG);
    expect((provider as { value: unknown }).value)
      .to.be.a("string")
      .that.includes("captured-token");
  });

  it("reports a program that fails", async () => {
    let error: unknown;
    try {
      await captureRegistrations({ programModule: fixture("doesNotExist"), project: "p", stack: "s" });
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.match(/program failed under mocks: .*Cannot find module/);
  });

  // The real serialized shell (sdk/providerShell.ts): small, a string (not secret), and loading the implementation
  // by package name. Not run in a host here: the implementation is built elsewhere.
  it("serializes the real provider shell small, as a string, requiring the implementation by package name", async () => {
    const regs = await captureRegistrations({
      programModule: fixture("shellProgram"),
      project: "codesigning",
      stack: "dev",
    });
    expect(regs).to.have.length(1);
    expect(regs[0].type).to.equal("pulumi-nodejs:dynamic/digicert:CodeSigningOrder");
    const provider = regs[0].inputs.__provider;
    expect(provider).to.be.a("string");
    const text = provider as string;
    expect(Buffer.byteLength(text)).to.be.below(8 * 1024);
    expect(text).to.include('require("pulumi-digicert-code-signing/provider")');
    // A machine's path in state would break every other machine (reference §2.5a).
    expect(text).not.to.include(REPO_ROOT);
  });
});
