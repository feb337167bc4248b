/**
 * `npm run demo`: the example project's dev stack (Pulumi.yaml, Pulumi.dev.yaml, examples/stacks) taken through
 * preview → up → approval and issuance → refresh → up → destroy against the CertCentral emulator, started here.
 *
 * With `pulumi` on PATH the real CLI runs it, on a throwaway local backend. Without it (the usual case: the CLI is
 * not an npm package) the demo does what the engine would: it captures the program's registration under mocks and
 * drives @pulumi/pulumi's own dynamic-provider host over gRPC (harness/providerHost.ts), in a folder where the
 * package resolves by name as it does in a user's project. Exits non-zero when a step fails.
 *
 * `npm run demo -- --yaml`: the same story for a Pulumi YAML program (examples/yaml) on the provider plugin, plus a
 * key rotation (a new CSR: one reissue of the same order). Needs the real CLI and its YAML language host.
 */
import { isLeft } from "fp-ts/Either";
import * as fs from "fs";
import * as path from "path";
import * as t from "io-ts";
import { DEFAULT_API_KEY, Emulator, RecordedRequest, startEmulator } from "../emulator";
import { computedOutputFields } from "../provider/core/codecs/state";
import { captureRegistrations } from "../harness/captureProgram";
import {
  createProgramDir,
  EXAMPLE_CSR_FILE,
  languageExampleDir,
  REPO_ROOT,
  removeProgramDir,
} from "../harness/programDir";
import { CODE_SIGNING_ORDER_TYPE, ProviderHost, secret, urnFor } from "../harness/providerHost";
import { EC_P256_CSR, RSA_3072_CSR } from "../test/fixtures/certificateRequests";
import { CliError, CliStack, findPulumi } from "./lib/pulumiCli";
import { apiCalls, heading, kv } from "./lib/report";
import { loadStackConfig, PROGRAM_MAIN, PROGRAM_MODULE, PROJECT_NAME } from "./lib/stackProject";

const STACK = "dev";
/** The emulator accepts this key; it is handed to the provider as a secret and must never be printed. */
const API_KEY = DEFAULT_API_KEY;

/** A CodeSigningOrder's outputs as the provider host returns them (the provider's own codecs), decoded first. */
const { orderId, status, requests, ...optionalOutputs } = computedOutputFields;
const orderOutputs = t.intersection([
  t.type({ orderId, status, requests }),
  t.partial({ ...optionalOutputs, onDelete: t.string }),
]);
type OrderOutputs = t.TypeOf<typeof orderOutputs>;

class StepFailure extends Error {}

function decodeOutputs(value: unknown, what: string): OrderOutputs {
  const decoded = orderOutputs.decode(value);
  if (isLeft(decoded)) throw new StepFailure(`${what}: the outputs are not a CodeSigningOrder's`);
  return decoded.right;
}

/** Hands out the emulator's recorded requests that arrived since the last call: the API calls of one step. */
function callTracker(emulator: Emulator): () => RecordedRequest[] {
  let seen = 0;
  return () => {
    const all = emulator.requests();
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
}

function printOrder(outs: OrderOutputs): void {
  kv("order ID", outs.orderId);
  kv("status", outs.status);
  kv("requests", outs.requests.map((r) => `request ${r.id}: ${r.status}`).join(", ") || "-");
  if (outs.assignedAlternativeOrderId) kv("alt. order ID", outs.assignedAlternativeOrderId);
  kv("certificate ID", outs.certificateId);
  kv("serial number", outs.serialNumber);
  kv("thumbprint", outs.thumbprint);
  kv("valid", outs.validFrom ? `${outs.validFrom} to ${outs.validTill ?? "?"}` : "-");
}

/** The order the program plans, from the checked inputs (the provider has validated them). */
function printPlan(inputs: Record<string, unknown>): void {
  const certificate = record(inputs.certificate);
  const csr = certificate.csr;
  kv("product", inputs.product);
  kv("provisioning", inputs.csProvisioningMethod);
  kv("server platform", record(certificate.serverPlatform).id);
  kv("CSR", typeof csr === "string" ? `${csr.split("\n")[0]} ... (${csr.length} bytes)` : undefined);
  kv("organization", record(inputs.organization).id);
  kv("validity", inputs.orderValidity);
  kv("skip approval", inputs.skipApproval);
  kv("auto renew", inputs.autoRenew);
  kv("comments", inputs.comments);
  kv("on delete", inputs.onDelete ?? "cancel");
  kv("resource key", inputs.resourceKey);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : {};
}

/** The same steps as the real CLI, through the SDK's provider host: Check, Create, Read, Check + Diff, Delete. */
async function hostDemo(emulator: Emulator): Promise<void> {
  const nextCalls = callTracker(emulator);
  const { config, encryptedKeys } = loadStackConfig(STACK);
  heading("Setup");
  kv(
    "mode",
    "provider host: no pulumi CLI (on PATH or in .pulumi-cli/bin), so this script plays the engine's part",
  );
  kv("", "(the program under mocks, then @pulumi/pulumi's dynamic-provider host over gRPC)");
  kv("real CLI", "npm run setup:pulumi builds it from Go modules (minutes, once); then npm run demo uses it");
  kv("emulator", emulator.baseUrl);
  kv("stack", `${STACK} (Pulumi.${STACK}.yaml), program ${PROGRAM_MAIN}`);
  if (encryptedKeys.length > 0) {
    kv("skipped", `${encryptedKeys.join(", ")}: encrypted; the demo uses the emulator's key instead`);
  }
  // Every stack config key goes to both the program and the provider, as the CLI sends it.
  const stackConfig = { ...config, "digicert:baseUrl": emulator.baseUrl };

  const registrations = await captureRegistrations({
    programModule: PROGRAM_MODULE,
    project: PROJECT_NAME,
    stack: STACK,
    config: { ...stackConfig, "digicert:apiKey": API_KEY },
    configSecretKeys: ["digicert:apiKey"],
  });
  const orders = registrations.filter((r) => r.type === CODE_SIGNING_ORDER_TYPE);
  if (orders.length !== 1) throw new StepFailure(`the program registered ${orders.length} orders, not 1`);
  const [registration] = orders;
  const provider = registration.inputs.__provider;
  if (typeof provider !== "string")
    throw new StepFailure("__provider is not a plain string (did it capture a secret?)");
  kv("registered", `${registration.type} "${registration.name}"`);
  kv(
    "__provider",
    `${Buffer.byteLength(provider)} bytes of plain text, loads the implementation by package name`,
  );

  const dir = createProgramDir({ name: PROJECT_NAME });
  const urn = urnFor({ stack: STACK, project: PROJECT_NAME, name: registration.name });
  const news = registration.inputs;
  let hostVersion: string | undefined;
  /** Each pulumi command starts its own provider host, so each step here does too. */
  const withHost = async <T>(step: (host: ProviderHost) => Promise<T>): Promise<T> => {
    const host = await ProviderHost.start({ cwd: dir, project: PROJECT_NAME });
    try {
      await host.configure({ ...stackConfig, "digicert:apiKey": secret(API_KEY) });
      hostVersion ??= host.pluginVersion;
      const result = await step(host);
      if (host.stdout.length > 0) kv("provider log", host.stdout.join("\n"));
      if ([...host.stdout, ...host.stderr].some((line) => line.includes(API_KEY))) {
        throw new StepFailure("the provider host printed the API key");
      }
      return result;
    } finally {
      await host.close();
    }
  };
  try {
    heading("1. pulumi preview: Check");
    const planned = await withHost((host) => host.check(urn, {}, news));
    kv(
      "provider host",
      `SDK ${hostVersion}, one per command, in a program folder, configured (apiKey as a secret)`,
    );
    if (planned.failures.length > 0) {
      throw new StepFailure(
        `check failed:\n${planned.failures.map((f) => `  ${f.property}: ${f.reason}`).join("\n")}`,
      );
    }
    kv("plan", `+ create ${registration.name} (new: no state yet, so the engine calls no Diff)`);
    printPlan(planned.inputs);
    apiCalls(nextCalls());

    heading("2. pulumi up: Check, Create");
    const { checked, created } = await withHost(async (host) => {
      const checked = await host.check(urn, {}, news);
      const created = await host.create(urn, checked.inputs);
      // The provider's log travels on a pipe beside the gRPC answer; wait for its line about the order.
      await host.waitForOutput(/placed|adopt/).catch(() => undefined);
      return { checked, created };
    });
    const placed = decodeOutputs(created.properties, "Create");
    kv("resource ID", created.id);
    printOrder(placed);
    apiCalls(nextCalls());

    heading("3. Approval and issuance (CertCentral, emulated)");
    emulator.approve(placed.orderId);
    const approved = emulator.order(placed.orderId);
    kv(
      "approved",
      `order ${placed.orderId} -> ${approved?.status ?? "?"}, certificate ID ${approved?.certificate?.id ?? "-"}`,
    );
    emulator.issue(placed.orderId);
    const issued = emulator.order(placed.orderId);
    kv(
      "issued",
      `order ${placed.orderId} -> ${issued?.status ?? "?"}, serial ${issued?.certificate?.serialNumber ?? "-"}`,
    );

    heading("4. pulumi refresh: Read");
    const read = await withHost((host) => host.read(created.id, urn, created.properties, checked.inputs));
    if (read.id === "") throw new StepFailure("Read answered that the order is gone");
    const refreshed = decodeOutputs(read.properties, "Read");
    printOrder(refreshed);
    if (refreshed.status !== "issued")
      throw new StepFailure(`status after refresh is ${refreshed.status}, not issued`);
    apiCalls(nextCalls());

    heading("5. pulumi up again: Check, Diff against the refreshed state");
    const diff = await withHost(async (host) => {
      const again = await host.check(urn, read.inputs, news);
      return host.diff(created.id, urn, read.properties, again.inputs, { oldInputs: read.inputs });
    });
    kv("diff", diff.changes === "DIFF_NONE" ? "no changes: nothing to update, no new order" : diff.changes);
    if (diff.changes !== "DIFF_NONE") {
      throw new StepFailure(
        `expected no changes after refresh; replaces: ${diff.replaces.join(", ") || "-"}`,
      );
    }
    apiCalls(nextCalls());

    heading("6. pulumi destroy: Delete");
    await withHost(async (host) => {
      await host.delete(created.id, urn, read.properties, { oldInputs: read.inputs });
      await host
        .waitForOutput(/revoked|canceled|rejected|retained|left with DigiCert|not revoked/)
        .catch(() => undefined);
    });
    kv("on delete", refreshed.onDelete ?? "cancel");
    kv("order status", `${emulator.order(placed.orderId)?.status ?? "?"} (at the emulator)`);
    apiCalls(nextCalls());
  } finally {
    removeProgramDir(dir);
  }
}

/**
 * The lines of the CLI's own output that tell the story: the plan and its steps, the provider's log lines, warnings
 * and errors, outputs and the summary. Progress ticks ("@ updating....") and blank lines are left out.
 */
function worthShowing(line: string): boolean {
  const text = line.trimEnd();
  if (text.trim() === "" || /^@ /.test(text)) return false;
  if (/^\s+pulumi:pulumi:Stack \S+(\s+running)?$/.test(text)) return false; // the stack's own progress
  if (/^(Previewing|Updating|Refreshing|Destroying) |^(Resources|Outputs|Diagnostics|Duration):?/.test(text))
    return true;
  if (/^\s+[-+~]{1,2}\s+(pulumi|digicert|pulumi-nodejs)/.test(text)) return true; // a step of the plan
  if (
    /^\s+[-+~]?\s*\d+ (to create|created|to update|updated|to replace|replaced|to delete|deleted|unchanged)/.test(
      text,
    )
  )
    return true;
  if (/\[digicert\]|warning:|error:/.test(text)) return true;
  return /^\s{2,}[+~-]?\s*[a-zA-Z]+\s*:/.test(text); // an output or a diagnostic's detail
}

/** The demo's stack on the real CLI, its lines shown as they come. */
async function demoStack(pulumi: string, emulator: Emulator, programDir?: () => string): Promise<CliStack> {
  const stack = await CliStack.create(pulumi, {
    baseUrl: emulator.baseUrl,
    apiKey: API_KEY,
    stack: STACK,
    programDir,
    onLine: (line) => {
      if (worthShowing(line)) console.log(`  | ${line}`);
    },
  });
  kv("program folder", stack.dir);
  return stack;
}

/** The last step of both stories: destroy, and what became of the order at the emulator. */
async function destroyStep(
  stack: CliStack,
  emulator: Emulator,
  orderId: number,
  nextCalls: () => RecordedRequest[],
): Promise<void> {
  heading("6. pulumi destroy");
  await stack.run(["destroy", "--yes", "--skip-preview"]);
  kv("order status", `${emulator.order(orderId)?.status ?? "?"} (at the emulator)`);
  apiCalls(nextCalls());
}

/** Steps 1 and 2 of both stories: the preview (no API call) and the up that places the order. */
async function previewAndUp(stack: CliStack, nextCalls: () => RecordedRequest[]) {
  heading("1. pulumi preview --diff");
  await stack.run(["preview", "--diff"]);
  apiCalls(nextCalls());

  heading("2. pulumi up");
  await stack.run(["up", "--yes", "--skip-preview"]);
  const placed = await stack.outputs();
  kv("order ID", placed.orderId);
  kv("status", placed.status);
  apiCalls(nextCalls());
  return placed;
}

/** The same story with the real CLI, on a local backend in a temp folder. */
async function cliDemo(pulumi: string, emulator: Emulator): Promise<void> {
  const nextCalls = callTracker(emulator);
  heading("Setup");
  kv("mode", `real Pulumi CLI (${pulumi}), local backend in a temp folder`);
  kv("emulator", emulator.baseUrl);
  kv("stack", `${STACK} (Pulumi.${STACK}.yaml), program ${PROGRAM_MAIN}`);
  const stack = await demoStack(pulumi, emulator);
  try {
    kv("config", "digicert:apiKey (secret), digicert:baseUrl = the emulator");
    const placed = await previewAndUp(stack, nextCalls);

    heading("3. Approval and issuance (CertCentral, emulated)");
    emulator.approve(placed.orderId);
    emulator.issue(placed.orderId);
    const issued = emulator.order(placed.orderId);
    kv(
      "issued",
      `order ${placed.orderId} -> ${issued?.status ?? "?"}, serial ${issued?.certificate?.serialNumber ?? "-"}`,
    );

    heading("4. pulumi refresh");
    await stack.run(["refresh", "--yes", "--skip-preview"]);
    apiCalls(nextCalls());

    // Refresh updates the resource's state, not the stack outputs: those come from running the program.
    heading("5. pulumi up again (no changes; updates the stack outputs)");
    await stack.run(["up", "--yes", "--skip-preview"]);
    const outs = await stack.outputs();
    kv("order ID", outs.orderId);
    kv("status", outs.status);
    kv("certificate ID", outs.certificateId);
    kv("serial number", outs.serialNumber);
    kv("valid till", outs.validTill);
    if (outs.status !== "issued") throw new StepFailure(`status after refresh is ${outs.status}, not issued`);
    apiCalls(nextCalls());

    await destroyStep(stack, emulator, placed.orderId, nextCalls);
  } finally {
    stack.dispose();
  }
}

/** A Pulumi YAML program on the provider plugin: preview, up, issuance, refresh, key rotation, destroy. */
async function yamlDemo(pulumi: string, emulator: Emulator): Promise<void> {
  const language = path.join(path.dirname(pulumi), "pulumi-language-yaml");
  if (!fs.existsSync(language) && !pathHas("pulumi-language-yaml"))
    throw new StepFailure(
      "pulumi-language-yaml is not built beside pulumi nor on PATH (npm run setup:pulumi)",
    );
  // CSRs of throwaway keys: the first order's, then the rotated key's.
  const [firstCsr, rotatedCsr] = [RSA_3072_CSR, EC_P256_CSR];
  const nextCalls = callTracker(emulator);
  heading("Setup");
  kv("mode", `real Pulumi CLI (${pulumi}), Pulumi YAML program on the provider plugin`);
  kv("emulator", emulator.baseUrl);
  kv("program", "examples/yaml (its CSR in signing-key.csr.pem)");
  const stack = await demoStack(pulumi, emulator, () =>
    languageExampleDir("yaml", path.join(REPO_ROOT, "bin"), firstCsr),
  );
  try {
    const placed = await previewAndUp(stack, nextCalls);

    heading("3. Issuance (CertCentral, emulated), then pulumi refresh");
    emulator.issue(placed.orderId);
    await stack.run(["refresh", "--yes", "--skip-preview"]);
    apiCalls(nextCalls());

    heading("4. Key rotation: a new CSR in signing-key.csr.pem, pulumi preview --diff, pulumi up");
    fs.writeFileSync(path.join(stack.dir, EXAMPLE_CSR_FILE), rotatedCsr);
    await stack.run(["preview", "--diff"]);
    await stack.run(["up", "--yes", "--skip-preview"]);
    apiCalls(nextCalls());

    heading("5. The reissue issued (emulated), then pulumi refresh");
    emulator.issueReissue(placed.orderId);
    await stack.run(["refresh", "--yes", "--skip-preview"]);
    const order = emulator.order(placed.orderId);
    kv("order", `${placed.orderId}: ${order?.status ?? "?"}, certificate ${order?.certificate?.id ?? "-"}`);
    apiCalls(nextCalls());

    await destroyStep(stack, emulator, placed.orderId, nextCalls);
  } finally {
    stack.dispose();
  }
}

function pathHas(command: string): boolean {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir !== "" && fs.existsSync(path.join(dir, command)));
}

/** What reached the API over the whole run: one order placed, and the key nowhere but in its header. */
function summary(emulator: Emulator): void {
  const calls = emulator.requests();
  const posts = calls.filter(
    (c) => c.method === "POST" && /\/order\/certificate\/code_signing(_ev)?$/.test(c.path),
  );
  const reissues = calls.filter((c) => c.method === "POST" && /\/reissue$/.test(c.path));
  heading("Summary");
  kv(
    "API calls",
    `${calls.length} in all, ${posts.length} order placement POST, ${reissues.length} reissue POST`,
  );
  const keyOutsideHeader = calls.some((c) => JSON.stringify([c.path, c.query, c.body]).includes(API_KEY));
  const keyInHeader = calls.every((c) => c.headers["x-dc-devkey"] === API_KEY);
  kv("API key", keyInHeader && !keyOutsideHeader ? "sent only in the X-DC-DEVKEY header" : "MISUSED");
  if (posts.length !== 1) throw new StepFailure(`expected exactly one order placement, saw ${posts.length}`);
  if (keyOutsideHeader || !keyInHeader) throw new StepFailure("the API key travelled outside X-DC-DEVKEY");
}

async function main(): Promise<number> {
  const started = Date.now();
  const pulumi = findPulumi();
  const yaml = process.argv.includes("--yaml");
  const emulator = await startEmulator();
  try {
    if (yaml && !pulumi) throw new StepFailure("--yaml needs the real Pulumi CLI (npm run setup:pulumi)");
    if (yaml) await yamlDemo(pulumi!, emulator);
    else if (pulumi) await cliDemo(pulumi, emulator);
    else await hostDemo(emulator);
    summary(emulator);
    console.log(
      `\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s (${pulumi ? "real CLI" : "provider host"} mode)`,
    );
    return 0;
  } catch (error) {
    const redact = (text: string) => text.split(API_KEY).join("<api key>");
    // One clear message: the failed command (its own output is shown above) or the step's error, no stack trace.
    const what = error instanceof Error ? error.message.split("\n")[0] : String(error);
    console.error(`\nDEMO FAILED: ${redact(what)}`);
    if (error instanceof CliError) {
      const detail = `${error.result.stderr}\n${error.result.stdout}`
        .split("\n")
        .filter((l) => /error:/.test(l));
      for (const line of detail.slice(0, 5)) console.error(`  ${redact(line.trim())}`);
    }
    return 1;
  } finally {
    await emulator.close();
  }
}

void main().then((code) => {
  process.exitCode = code;
  // Everything is closed by now; should a handle linger anyway, do not hang.
  setTimeout(() => process.exit(code), 2_000).unref();
});
