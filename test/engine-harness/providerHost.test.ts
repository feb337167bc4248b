import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { captureRegistrations } from "../../harness/captureProgram";
import { createProgramDir, PACKAGE_NAME, removeProgramDir, REPO_ROOT } from "../../harness/programDir";
import { hostErrorOf, ProviderHost, secret, UNKNOWN, urnFor } from "../../harness/providerHost";

const ECHO_TYPE = "pulumi-nodejs:dynamic/echo:Echo";
const urn = urnFor({ stack: "dev", project: "codesigning", name: "echo", type: ECHO_TYPE });

describe("engine harness: the SDK's dynamic-provider host over gRPC", function () {
  this.timeout(20_000);
  let provider: string;
  let dir: string;
  let host: ProviderHost;
  const extraHosts: ProviderHost[] = [];

  before(async () => {
    const [reg] = await captureRegistrations({
      programModule: path.join(__dirname, "..", "fixtures", "echoProgram.js"),
      project: "codesigning",
      stack: "dev",
    });
    if (typeof reg.inputs.__provider !== "string") throw new Error("echo __provider was not a string");
    provider = reg.inputs.__provider;
    dir = createProgramDir();
    host = await ProviderHost.start({ cwd: dir });
    // As the engine sends it for pulumi-nodejs: the whole stack config, namespaced, secrets as wire objects.
    await host.configure({
      "echo:greeting": secret("hello from a secret"),
      "codesigning:color": "blue",
      "aws:region": "us-east-1",
    });
  });

  after(async () => {
    await Promise.all([host, ...extraHosts].map((h) => h?.close()));
    if (dir) removeProgramDir(dir);
  });

  const news = (props: Record<string, unknown>) => ({ __provider: provider, ...props });

  it("starts from the program folder and answers like the SDK's host", () => {
    const sdkVersion = (
      JSON.parse(
        fs.readFileSync(path.join(REPO_ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
      ) as {
        version: string;
      }
    ).version;
    expect(host.port).to.be.above(0);
    expect(host.pluginVersion).to.equal(sdkVersion);
    expect(host.acceptSecrets).to.equal(false);
  });

  it("Check echoes inputs, keeps __provider, and passes the unknown sentinel through to the provider", async () => {
    const res = await host.check(urn, {}, news({ value: "a", size: UNKNOWN }));
    expect(res.failures).to.deep.equal([]);
    expect(res.inputs).to.deep.include({ value: "a", size: UNKNOWN, checked: true, oldValue: null });
    expect(res.inputs.unknownKeys).to.deep.equal(["size"]);
    expect(res.inputs.__provider).to.equal(provider);
  });

  it("Check uses the old provider when the new one is unknown", async () => {
    const res = await host.check(urn, news({ value: "a" }), { __provider: UNKNOWN, value: "b" });
    expect(res.inputs).to.deep.include({ value: "b", oldValue: "a", __provider: UNKNOWN });
  });

  it("Check returns failures naming a property", async () => {
    const res = await host.check(urn, {}, news({ value: "a", fail: "yes" }));
    expect(res.failures).to.deep.equal([{ property: "fail", reason: "fail is set (yes)" }]);
  });

  it("Check errors come back as gRPC UNKNOWN with the message, and the host logs the stack", async () => {
    const err = await hostErrorOf(host.check(urn, {}, news({ throwInCheck: true })));
    expect(err.code).to.equal(2);
    expect(err.details).to.equal("check exploded");
    expect(err.initFailure).to.equal(undefined);
    expect(await host.waitForOutput(/check exploded/, { stream: "stderr" })).to.match(/check exploded/);
  });

  it("Diff reports changes and replaces; the host drops stables", async () => {
    const olds = news({ value: "a", region: "eu", created: true });
    const same = await host.diff("echo-a", urn, olds, news({ value: "a", region: "eu" }));
    expect(same.changes).to.equal("DIFF_NONE");
    const changed = await host.diff(
      "echo-a",
      urn,
      olds,
      news({ value: "b", region: "us", deleteBeforeReplace: true }),
    );
    expect(changed).to.deep.include({
      changes: "DIFF_SOME",
      replaces: ["region"],
      deleteBeforeReplace: true,
    });
    expect(changed.stables).to.deep.equal([]);
    expect(changed.hasDetailedDiff).to.equal(false);
  });

  it("Create returns id and outputs; configure() saw the secret config unwrapped, once", async () => {
    const res = await host.create(urn, news({ value: "a", requirePackage: true }));
    expect(res.id).to.equal("echo-a");
    expect(res.properties).to.deep.include({
      value: "a",
      created: true,
      greeting: "hello from a secret",
      color: "blue", // "color" without a namespace resolved through PULUMI_NODEJS_PROJECT
      configureCalls: 1,
      packageName: PACKAGE_NAME, // resolved from the program folder's node_modules
      __provider: provider,
    });
    expect(await host.waitForOutput(/^echo create a$/)).to.equal("echo create a");
  });

  it("strips secret markers from CRUD payloads, as the engine does for a host without acceptSecrets", async () => {
    const res = await host.create(urn, news({ value: secret("s3cret") }));
    expect(res.properties.value).to.equal("s3cret");
  });

  it("Create with a partial failure decodes ErrorResourceInitFailed", async () => {
    const err = await hostErrorOf(host.create(urn, news({ value: "b", partial: true })));
    expect(err.code).to.equal(2);
    expect(err.details).to.equal("placed, but the follow-up step failed");
    expect(err.initFailure).to.deep.equal({
      id: "partial-b",
      properties: { value: "b", stage: "placed" },
      reasons: ["approval pending"],
    });
  });

  it("Read (refresh form) returns id, refreshed outputs and inputs; an empty id means gone", async () => {
    const created = await host.create(urn, news({ value: "r" }));
    const res = await host.read(created.id, urn, created.properties, news({ value: "r" }));
    expect(res.id).to.equal("echo-r");
    expect(res.properties).to.deep.include({
      value: "r",
      created: true,
      refreshed: true,
      __provider: provider,
    });
    expect(res.inputsReturned).to.equal(true);
    expect(res.inputs).to.deep.equal({ value: "r", __provider: provider });

    const gone = await host.read("gone", urn, created.properties, news({ value: "r" }));
    expect(gone.id).to.equal("");
    expect(gone.inputsReturned).to.equal(false);
  });

  it("Update gets the old outputs as olds and returns new outputs", async () => {
    const created = await host.create(urn, news({ value: "u" }));
    const res = await host.update(created.id, urn, created.properties, news({ value: "v" }), {
      oldInputs: news({ value: "u" }),
    });
    expect(res.properties).to.deep.include({
      value: "v",
      previousValue: "u",
      updatedId: "echo-u",
      greeting: "hello from a secret",
      __provider: provider,
    });
  });

  it("Delete gets the old outputs; its errors come back as HostError", async () => {
    const created = await host.create(urn, news({ value: "d" }));
    await host.delete(created.id, urn, created.properties);
    expect(await host.waitForOutput(/^echo delete echo-d d$/)).to.equal("echo delete echo-d d");
    const err = await hostErrorOf(host.delete(created.id, urn, { ...created.properties, failDelete: true }));
    expect(err.details).to.equal("cannot delete echo-d");
  });

  it("a hung call fails at the deadline instead of hanging the test", async () => {
    const slow = await ProviderHost.start({ cwd: dir, callTimeoutMs: 300 });
    extraHosts.push(slow);
    await slow.configure({});
    const err = await hostErrorOf(slow.create(urn, news({ value: "h", hang: true })));
    expect(err.code).to.equal(4); // DEADLINE_EXCEEDED
  });

  // The negative control for reference §2.5a: where the package is not in node_modules, the serialized code cannot
  // load it by name (a relative require would, and would break every real user), which is why every host here runs
  // in a program folder. The checkout itself resolves its name only through the link `npm ci` makes
  // (its `file:.` development dependency on itself); a folder with the SDK but without that link is what the checkout was before.
  it("where node_modules lacks the package, a require by package name fails (why hosts run in a program folder)", async () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), "no-package-"));
    try {
      fs.mkdirSync(path.join(bare, "node_modules"));
      fs.symlinkSync(
        path.join(REPO_ROOT, "node_modules", "@pulumi"),
        path.join(bare, "node_modules", "@pulumi"),
      );
      const host = await ProviderHost.start({ cwd: bare });
      extraHosts.push(host);
      await host.configure({});
      const err = await hostErrorOf(host.create(urn, news({ value: "c", requirePackage: true })));
      expect(err.details).to.match(/Cannot find module 'pulumi-digicert-code-signing\/package.json'/);
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });

  // What the root Pulumi.yaml needs: after `npm ci`, a host started in the checkout loads the package by name.
  it("in the checkout itself (after npm ci linked it), a require by package name works", async () => {
    const inCheckout = await ProviderHost.start({ cwd: REPO_ROOT });
    extraHosts.push(inCheckout);
    await inCheckout.configure({});
    const created = await inCheckout.create(urn, news({ value: "c", requirePackage: true }));
    expect(created.properties.packageName).to.equal(PACKAGE_NAME);
  });

  it("refuses to start where @pulumi/pulumi does not resolve", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-modules-"));
    try {
      let error: unknown;
      try {
        extraHosts.push(await ProviderHost.start({ cwd: empty }));
      } catch (err) {
        error = err;
      }
      expect(String(error)).to.match(/Cannot find module '@pulumi\/pulumi\/cmd\/dynamic-provider'/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
