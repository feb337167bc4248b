/**
 * `pulumi-resource-digicert` under the real Pulumi CLI: a TypeScript program declaring the plugin's resource, the
 * plugin found through `plugins.providers` in Pulumi.yaml, against the emulator: preview, up, refresh after
 * issuance, key rotation by a new CSR (one reissue, shown as certificate.csr), `pulumi import` of an existing order
 * then a clean preview, destroy; the state holds no key and no other namespace's config. Pending without the CLI.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { createProgramDir, REPO_ROOT } from "../../harness/programDir";
import { createProvider } from "../../provider";
import { CliStack } from "../../scripts/lib/pulumiCli";
import { EC_P256_CSR, RSA_3072_CSR } from "../fixtures/certificateRequests";
import { cliSuiteTitle, plannedSteps, requirePulumi } from "../cli/cliSupport";

const TYPE = "digicert:index:CodeSigningOrder";
const OTHER_SECRET = "another-namespace-secret-value";

const DECLARED = {
  product: "code_signing",
  certificate: { serverPlatform: { id: -1 }, signatureHash: "sha256" },
  organization: { id: 123456 },
  orderValidity: { years: 1 },
  csProvisioningMethod: "email",
};

/** The program: the order (its CSR from project config), and the imported one once `imported` is set. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
const config = new pulumi.Config();
const declared = ${JSON.stringify(DECLARED)};
class CodeSigningOrder extends pulumi.CustomResource {
  declare readonly orderId: pulumi.Output<number>;
  declare readonly status: pulumi.Output<string>;
  constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super("${TYPE}", name, props, opts);
  }
}
const order = new CodeSigningOrder("release", {
  ...declared,
  certificate: { ...declared.certificate, csr: config.require("csr") },
  orderId: undefined, status: undefined, certificateId: undefined,
});
const imported = config.get("imported");
if (imported) {
  new CodeSigningOrder("imported", { ...declared, certificate: { ...declared.certificate, csr: config.require("importedCsr") }, container: { id: 1 } }, { protect: true });
}
export const orderId = order.orderId;
export const status = order.status;
`;

function pluginProject(): string {
  const dir = createProgramDir({ name: "pluginprog" });
  const bin = path.join(dir, "plugin-bin");
  fs.mkdirSync(bin);
  fs.symlinkSync(
    path.join(REPO_ROOT, "dist", "provider", "plugin", "main.js"),
    path.join(bin, "pulumi-resource-digicert"),
  );
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: pluginprog\nruntime: nodejs\nplugins:\n  providers:\n    - name: digicert\n      path: ${bin}\n`,
  );
  fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext" },
    }),
  );
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ ...pkg, main: "index.ts" }, null, 2));
  return dir;
}

describe(cliSuiteTitle("real Pulumi CLI: the provider plugin pulumi-resource-digicert"), function () {
  this.timeout(180_000);
  let emulator: Emulator;
  let stack: CliStack;
  let orderId = 0;
  const apiCalls = () => emulator.requests().length;
  const posts = (pattern: RegExp) =>
    emulator.requests().filter((r) => r.method === "POST" && pattern.test(r.path)).length;

  before(async function () {
    const pulumi = requirePulumi(this);
    emulator = await startEmulator();
    stack = await CliStack.create(pulumi, {
      baseUrl: emulator.baseUrl,
      apiKey: DEFAULT_API_KEY,
      programDir: pluginProject,
      env: { DIGICERT_PENDING_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "plugin-pending-")) },
    });
    await stack.setConfig("pluginprog:csr", RSA_3072_CSR);
    await stack.setConfig("other:token", OTHER_SECRET, { secret: true });
  });
  after(async () => {
    stack?.dispose();
    await emulator?.close();
  });

  it("preview plans one create and calls DigiCert 0 times", async () => {
    const before = apiCalls();
    const { stdout } = await stack.run(["preview", "--json"]);
    expect(
      plannedSteps(stdout)
        .filter((s) => s.urn.includes(TYPE))
        .map((s) => s.op),
    ).to.deep.equal(["create"]);
    expect(apiCalls() - before).to.equal(0);
  });

  it("up places one order", async () => {
    await stack.run(["up", "--yes"]);
    expect(posts(/\/order\/certificate\/code_signing$/)).to.equal(1);
    orderId = (await stack.outputs()).orderId;
    expect(orderId).to.be.a("number");
  });

  it("refresh after approval and issuance records the certificate ID and PEM", async () => {
    emulator.approve(orderId);
    emulator.issue(orderId);
    await stack.run(["refresh", "--yes"]);
    const outputs = orderOutputs(await stack.exportState(), "release");
    expect(outputs.status).to.equal("issued");
    expect(outputs.certificateId).to.be.a("number");
    expect(outputs.certificatePem).to.match(/BEGIN CERTIFICATE/);
  });

  it("a new CSR is one reissue: the preview shows it as an update of certificate.csr", async () => {
    await stack.setConfig("pluginprog:csr", EC_P256_CSR);
    const { stdout, stderr } = await stack.run(["preview", "--diff"]);
    expect(stdout).to.match(/~ certificate: \{[\s\S]*csr:/);
    // The core's word on it, through the engine's log (the diff display prints diagnostics on stderr).
    expect(stderr).to.include(`certificate.csr changed: reissue of order ${orderId} (no new order)`);
    const before = posts(/\/reissue$/);
    await stack.run(["up", "--yes"]);
    expect(posts(/\/reissue$/) - before).to.equal(1);
    expect(posts(/\/order\/certificate\/code_signing$/)).to.equal(1);
  });

  it("pulumi import of an existing order, then a program declaring it previews clean", async () => {
    const core = createProvider(
      { get: (k) => ({ "digicert:apiKey": DEFAULT_API_KEY, "digicert:baseUrl": emulator.baseUrl })[k] },
      { env: {}, log: () => undefined },
    );
    const existing = await core.create({
      ...DECLARED,
      certificate: { ...DECLARED.certificate, csr: RSA_3072_CSR },
      resourceKey: "placed-outside-pulumi",
    });
    emulator.approve(Number(existing.id));
    emulator.issue(Number(existing.id));
    await stack.run(["import", TYPE, "imported", existing.id, "--yes", "--generate-code=false"]);
    await stack.setConfig("pluginprog:imported", existing.id);
    await stack.setConfig("pluginprog:importedCsr", RSA_3072_CSR);
    const { stdout } = await stack.run(["preview", "--json"]);
    const imported = plannedSteps(stdout).filter((s) => s.urn.endsWith(`::${TYPE}::imported`));
    // Unchanged resources are not listed; a program that dropped it would plan a delete.
    expect(imported.filter((s) => s.op !== "same")).to.deep.equal([]);
  });

  it("the state holds no API key and no other namespace's config", async () => {
    const text = JSON.stringify(await stack.exportState());
    expect(text).not.to.include(DEFAULT_API_KEY);
    expect(text).not.to.include(OTHER_SECRET);
    expect(text).not.to.include("other:token");
  });

  it("destroy removes every resource", async () => {
    await stack.run(["state", "unprotect", "--all", "--yes"]);
    await stack.run(["destroy", "--yes"]);
    const resources = (await stack.exportState()).deployment.resources ?? [];
    expect(resources.filter((r) => r.type === TYPE)).to.deep.equal([]);
  });
});

function orderOutputs(
  state: Awaited<ReturnType<CliStack["exportState"]>>,
  name: string,
): Record<string, unknown> {
  const resource = (state.deployment.resources ?? []).find((r) => r.urn.endsWith(`::${TYPE}::${name}`));
  if (!resource?.outputs) throw new Error(`no ${name} in state`);
  return resource.outputs;
}
