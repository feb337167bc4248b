/**
 * Drives `@pulumi/pulumi`'s own dynamic-provider host (`cmd/dynamic-provider`) over gRPC the way the Pulumi engine
 * does, because the Pulumi CLI cannot be installed here. What the engine sends, and why, is taken from
 * `sdk/go/common/resource/plugin/provider_plugin.go` (see /work/shared/reference/pulumi-dynamic-providers.md §1, §4c):
 *
 * - the plugin is launched with one argument (the engine address, never dialled), cwd = the program folder, and env
 *   `PULUMI_NODEJS_PROJECT`/`PULUMI_PROJECT`; its first stdout line is the port;
 * - Handshake (the host answers UNIMPLEMENTED) and GetPluginInfo come first, then Configure with the namespaced stack
 *   config as `args` (secrets kept as wire objects) and as `variables`;
 * - CRUD payloads hold plain values: the host answers `acceptSecrets=false`, so the engine strips secret markers;
 * - Diff/Update `olds` are the old outputs, with the old inputs beside them; Read is the refresh form.
 */
import { ChildProcess, spawn } from "child_process";
import { randomBytes } from "crypto";
import * as readline from "readline";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";

/** The engine's unknown-value sentinel, as provider code sees it during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const INIT_FAILED_TYPE_URL = "type.googleapis.com/pulumirpc.ErrorResourceInitFailed";
/** The host's resource type for a `dynamic.Resource` created with module "digicert", type "CodeSigningOrder". */
export const CODE_SIGNING_ORDER_TYPE = "pulumi-nodejs:dynamic/digicert:CodeSigningOrder";

const DEFAULT_CALL_TIMEOUT_MS = 30_000;
const DEFAULT_START_TIMEOUT_MS = 15_000;
// The same limit the SDK's own gRPC server uses (runtime/settings.js), so a large `__provider` is not refused here.
const MAX_MESSAGE_BYTES = 1024 * 1024 * 400;

type Props = Record<string, unknown>;

/** The secret wire object the engine uses for a secret value (what `pulumi config set --secret` becomes). */
export function secret(value: unknown): unknown {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(value: unknown): value is { value: unknown } {
  return isPlainObject(value) && value[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Deeply replaces secret wire objects by their values, as the engine does for a provider without acceptSecrets. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (isPlainObject(value)) {
    const out: Props = {};
    for (const [k, v] of Object.entries(value)) out[k] = unwrapSecrets(v);
    return out;
  }
  return value;
}

/** "urn:pulumi:<stack>::<project>::<type>::<name>", the type defaulting to the CodeSigningOrder dynamic type. */
export function urnFor(opts: { stack: string; project: string; name: string; type?: string }): string {
  return `urn:pulumi:${opts.stack}::${opts.project}::${opts.type ?? CODE_SIGNING_ORDER_TYPE}::${opts.name}`;
}

/** A failed host call: the gRPC status, the host's message, and a decoded partial failure if there was one. */
export class HostError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly details: string,
    readonly initFailure?: { id: string; properties: Props; reasons: string[] },
  ) {
    super(message);
    this.name = "HostError";
  }
}

/** What `promise` failed with, as a HostError (a test fails if it succeeded or failed another way). */
export async function hostErrorOf(promise: Promise<unknown>): Promise<HostError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HostError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

export interface StartOptions {
  /** The folder the host runs in: a user-like program folder (see programDir.ts), never the checkout. */
  cwd: string;
  /** PULUMI_NODEJS_PROJECT: the namespace a config key without one gets. */
  project?: string;
  /** Added to the environment (the engine passes the user's environment through). */
  env?: Record<string, string>;
  /** Per-call gRPC deadline. */
  callTimeoutMs?: number;
  startTimeoutMs?: number;
  /** Another plugin to launch instead of the SDK's dynamic-provider host (the same launch protocol). */
  pluginScript?: string;
}

/** What the engine adds to some calls beyond the harness's positional arguments; all optional. */
export interface CallExtras {
  /** Old inputs (Diff/Update/Delete). The 3.270.0 host ignores them; defaults to the old outputs given. */
  oldInputs?: Props;
  /** `customTimeouts` in seconds, forwarded as `timeout` (the Node host ignores it). */
  timeout?: number;
  ignoreChanges?: string[];
}

// Children still running when mocha exits (a test that forgot close(), or a crash) are killed, not leaked.
const liveChildren = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

export class ProviderHost {
  /** What the host answered to Configure (3.270.0: false); the engine strips secrets from CRUD payloads if false. */
  acceptSecrets = false;
  /** The host's version from GetPluginInfo (the SDK version that actually runs the provider). */
  pluginVersion = "";

  private closed = false;
  private handshaken = false;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    readonly port: number,
    private readonly callTimeoutMs: number,
    /** Lines the host printed after the port: the provider's console.log (the engine shows them as info). */
    readonly stdout: string[],
    /** The host's stderr: console.error, and the stacks it prints for failed Check/Diff/Read/Delete. */
    readonly stderr: string[],
  ) {}

  /** True once the host process is gone (it never exits on its own: a crash, or close()). */
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The host process's pid (for /proc measurements). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(opts: StartOptions): Promise<ProviderHost> {
    const project = opts.project ?? "codesigning";
    // Resolved from the program folder, as the CLI's `pulumi-resource-pulumi-nodejs` script does: the project's
    // own SDK runs the host, and a folder where @pulumi/pulumi does not resolve fails here, as it would for a user.
    const hostScript =
      opts.pluginScript ?? require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [opts.cwd] });
    const env: NodeJS.ProcessEnv = { ...process.env };
    // NODE_PATH would widen the serialized code's require() search past the program folder and hide a missing link.
    delete env.NODE_PATH;
    Object.assign(env, { PULUMI_NODEJS_PROJECT: project, PULUMI_PROJECT: project }, opts.env);

    const child = spawn(process.execPath, [hostScript, "127.0.0.1:1"], {
      cwd: opts.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    liveChildren.add(child);
    const stdout: string[] = [];
    const stderr: string[] = [];
    // The pipes deliver before the host object exists; once it does, waiters are woken through it.
    const ref: { host?: ProviderHost } = {};
    const startTimeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;

    const port = await new Promise<number>((resolve, reject) => {
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill("SIGKILL");
        liveChildren.delete(child);
        reject(new Error(`provider host did not start (${why}); stderr:\n${stderr.join("\n")}`));
      };
      const timer = setTimeout(() => fail(`no port after ${startTimeoutMs} ms`), startTimeoutMs);
      readline.createInterface({ input: child.stdout! }).on("line", (line) => {
        if (!settled) {
          const n = Number(line.trim());
          if (!Number.isInteger(n) || n <= 0)
            return fail(`first stdout line is not a port: ${JSON.stringify(line)}`);
          settled = true;
          clearTimeout(timer);
          resolve(n);
          return;
        }
        stdout.push(line);
        ref.host?.notify();
      });
      readline.createInterface({ input: child.stderr! }).on("line", (line) => {
        stderr.push(line);
        ref.host?.notify();
      });
      child.on("error", (err) => fail(err.message));
      child.on("exit", (code, signal) => {
        liveChildren.delete(child);
        ref.host?.notify();
        fail(`exited with code ${code} signal ${signal}`);
      });
    });

    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
    const host = new ProviderHost(
      child,
      client,
      port,
      opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      stdout,
      stderr,
    );
    ref.host = host;
    try {
      // The engine's first two calls. The host has no Handshake, which makes the engine fall back to Configure.
      const handshake = new provproto.ProviderHandshakeRequest()
        .setEngineAddress("127.0.0.1:1")
        .setRootDirectory(opts.cwd)
        .setProgramDirectory(opts.cwd)
        .setConfigureWithUrn(true)
        .setSupportsViews(true)
        .setSupportsRefreshBeforeUpdate(true);
      const shook = await host.unary<provproto.ProviderHandshakeResponse>("Handshake", (md, o, cb) =>
        client.handshake(handshake, md, o, cb),
      );
      // A host that answers Handshake settles the protocol there, and Configure's answer no longer counts.
      host.acceptSecrets = shook.getAcceptSecrets();
      host.handshaken = true;
    } catch (err) {
      if (!(err instanceof HostError && err.code === grpc.status.UNIMPLEMENTED)) {
        await host.close();
        throw err;
      }
    }
    try {
      const info = await host.unary<PluginInfo>("GetPluginInfo", (md, o, cb) =>
        client.getPluginInfo(new Empty(), md, o, cb),
      );
      host.pluginVersion = info.getVersion();
    } catch (err) {
      await host.close();
      throw err;
    }
    return host;
  }

  /**
   * Configure as the engine sends it for `pulumi-nodejs`: every stack config key, namespace kept, secrets as wire
   * objects in `args`; `variables` carries the older "<pkg>:config:<key>" spelling with plain string values.
   */
  async configure(config: Props): Promise<void> {
    const req = new provproto.ConfigureRequest()
      .setArgs(toStruct(config, { keepSecrets: true }))
      .setAcceptsecrets(true)
      .setAcceptresources(true)
      .setSendsOldInputs(true)
      .setSendsOldInputsToDelete(true);
    const variables = req.getVariablesMap();
    for (const [k, v] of Object.entries(config)) {
      if (k === "version" || v === undefined) continue;
      const plain = unwrapSecrets(v);
      variables.set(`pulumi-nodejs:config:${k}`, typeof plain === "string" ? plain : JSON.stringify(plain));
    }
    const resp = await this.unary<provproto.ConfigureResponse>("Configure", (md, o, cb) =>
      this.client.configure(req, md, o, cb),
    );
    if (!this.handshaken) this.acceptSecrets = resp.getAcceptsecrets();
  }

  /** Check: olds are the old inputs ({} for a new resource), news the program's new inputs. */
  async check(
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const req = new provproto.CheckRequest()
      .setUrn(urn)
      .setName(urnName(urn))
      .setType(urnType(urn))
      .setOlds(this.payload(olds))
      .setNews(this.payload(news))
      .setRandomseed(randomBytes(32));
    const resp = await this.unary<provproto.CheckResponse>("Check", (md, o, cb) =>
      this.client.check(req, md, o, cb),
    );
    return {
      inputs: fromStruct(resp.getInputs()),
      failures: resp.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  /** Diff: olds are the old **outputs** (state), news the checked new inputs. */
  async diff(
    id: string,
    urn: string,
    olds: Props,
    news: Props,
    extras: CallExtras = {},
  ): Promise<{
    changes: "DIFF_UNKNOWN" | "DIFF_NONE" | "DIFF_SOME";
    replaces: string[];
    deleteBeforeReplace: boolean;
    stables: string[];
    diffs: string[];
    hasDetailedDiff: boolean;
    /** Path → pulumirpc.PropertyDiff.Kind name (UPDATE, UPDATE_REPLACE, ...). */
    detailedDiff: Record<string, string>;
  }> {
    const req = new provproto.DiffRequest()
      .setId(id)
      .setUrn(urn)
      .setName(urnName(urn))
      .setType(urnType(urn))
      .setOlds(this.payload(olds))
      .setOldInputs(this.payload(extras.oldInputs ?? olds))
      .setNews(this.payload(news))
      .setIgnorechangesList(extras.ignoreChanges ?? []);
    const resp = await this.unary<provproto.DiffResponse>("Diff", (md, o, cb) =>
      this.client.diff(req, md, o, cb),
    );
    const C = provproto.DiffResponse.DiffChanges;
    const changes = resp.getChanges();
    return {
      changes: changes === C.DIFF_SOME ? "DIFF_SOME" : changes === C.DIFF_NONE ? "DIFF_NONE" : "DIFF_UNKNOWN",
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
      stables: resp.getStablesList(),
      diffs: resp.getDiffsList(),
      hasDetailedDiff: resp.getHasdetaileddiff(),
      detailedDiff: detailedDiffOf(resp),
    };
  }

  /** Create (never in preview: the host does not support provider previews, so the engine skips the call). */
  async create(
    urn: string,
    properties: Props,
    extras: CallExtras = {},
  ): Promise<{ id: string; properties: Props }> {
    const req = new provproto.CreateRequest()
      .setUrn(urn)
      .setName(urnName(urn))
      .setType(urnType(urn))
      .setProperties(this.payload(properties))
      .setTimeout(extras.timeout ?? 0)
      .setPreview(false);
    const resp = await this.unary<provproto.CreateResponse>("Create", (md, o, cb) =>
      this.client.create(req, md, o, cb),
    );
    return { id: resp.getId(), properties: fromStruct(resp.getProperties()) };
  }

  /**
   * Read in refresh form: id, the old outputs as `properties`, the old inputs as `inputs`. `inputs` in the result
   * is {} when the host sent none (its provider's read returned no `inputs`); `inputsReturned` tells the two apart.
   * An `id` of "" means the resource is gone.
   */
  async read(
    id: string,
    urn: string,
    properties: Props,
    inputs?: Props,
  ): Promise<{ id: string; properties: Props; inputs: Props; inputsReturned: boolean }> {
    const req = new provproto.ReadRequest()
      .setId(id)
      .setUrn(urn)
      .setName(urnName(urn))
      .setType(urnType(urn))
      .setProperties(this.payload(properties));
    if (inputs !== undefined) req.setInputs(this.payload(inputs));
    const resp = await this.unary<provproto.ReadResponse>("Read", (md, o, cb) =>
      this.client.read(req, md, o, cb),
    );
    return {
      id: resp.getId(),
      properties: fromStruct(resp.getProperties()),
      inputs: fromStruct(resp.getInputs()),
      inputsReturned: resp.hasInputs(),
    };
  }

  /** Update: olds are the old **outputs**, news the checked new inputs. */
  async update(
    id: string,
    urn: string,
    olds: Props,
    news: Props,
    extras: CallExtras = {},
  ): Promise<{ properties: Props }> {
    const req = new provproto.UpdateRequest()
      .setId(id)
      .setUrn(urn)
      .setName(urnName(urn))
      .setType(urnType(urn))
      .setOlds(this.payload(olds))
      .setOldInputs(this.payload(extras.oldInputs ?? olds))
      .setNews(this.payload(news))
      .setTimeout(extras.timeout ?? 0)
      .setIgnorechangesList(extras.ignoreChanges ?? [])
      .setPreview(false);
    const resp = await this.unary<provproto.UpdateResponse>("Update", (md, o, cb) =>
      this.client.update(req, md, o, cb),
    );
    return { properties: fromStruct(resp.getProperties()) };
  }

  /** Delete: properties are the old outputs, which carry the **old** `__provider`. */
  async delete(id: string, urn: string, properties: Props, extras: CallExtras = {}): Promise<void> {
    const req = new provproto.DeleteRequest()
      .setId(id)
      .setUrn(urn)
      .setName(urnName(urn))
      .setType(urnType(urn))
      .setProperties(this.payload(properties))
      .setOldInputs(this.payload(extras.oldInputs ?? properties))
      .setTimeout(extras.timeout ?? 0);
    await this.unary<Empty>("Delete", (md, o, cb) => this.client.delete(req, md, o, cb));
  }

  /** Cancel: the engine's first Ctrl-C. */
  async cancel(): Promise<void> {
    await this.unary<Empty>("Cancel", (md, o, cb) => this.client.cancel(new Empty(), md, o, cb));
  }

  /** GetSchema: the package schema's text. */
  async schema(): Promise<string> {
    const req = new provproto.GetSchemaRequest();
    const resp = await this.unary<provproto.GetSchemaResponse>("GetSchema", (md, o, cb) =>
      this.client.getSchema(req, md, o, cb),
    );
    return resp.getSchema();
  }

  /**
   * Waits until a stdout/stderr line matches: the host's console output travels on a pipe, independent of the
   * gRPC answer, so a line logged during a call may arrive just after the call returns.
   */
  async waitForOutput(
    pattern: RegExp,
    opts: { stream?: "stdout" | "stderr"; timeoutMs?: number } = {},
  ): Promise<string> {
    const lines = opts.stream === "stderr" ? this.stderr : this.stdout;
    const found = () => lines.find((l) => pattern.test(l));
    return new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = found();
        if (line !== undefined) return done(() => resolve(line));
        if (this.exited) return done(() => reject(new Error(`host exited before printing ${pattern}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${opts.stream ?? "stdout"} line matched ${pattern}`))),
        opts.timeoutMs ?? 5_000,
      );
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        fn();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Kills the host (it never exits on its own) and waits for it to go; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 2_000);
      this.child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill("SIGTERM");
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** The engine marshals CRUD payloads without secret markers when the provider does not accept secrets. */
  private payload(props: Props): Struct {
    return toStruct(props, { keepSecrets: this.acceptSecrets });
  }

  private unary<Res>(
    method: string,
    call: (
      md: grpc.Metadata,
      opts: Partial<grpc.CallOptions>,
      cb: (err: grpc.ServiceError | null, res: Res) => void,
    ) => unknown,
  ): Promise<Res> {
    if (this.closed) return Promise.reject(new Error(`${method}: provider host is closed`));
    return new Promise<Res>((resolve, reject) => {
      call(new grpc.Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (err, res) => {
        if (err) reject(this.toHostError(method, err));
        else resolve(res);
      });
    });
  }

  private toHostError(method: string, err: grpc.ServiceError): HostError {
    const details = err.details ?? err.message;
    const initFailure = decodeInitFailure(err.metadata);
    let message = `${method} failed (${grpc.status[err.code] ?? err.code}): ${details}`;
    // For a hung or dead host, the stderr tail is the only clue to what went wrong.
    if (err.code === grpc.status.DEADLINE_EXCEEDED || err.code === grpc.status.UNAVAILABLE || this.exited) {
      message += `\n--- host stderr (last lines) ---\n${this.stderr.slice(-20).join("\n")}`;
    }
    return new HostError(message, err.code, details, initFailure);
  }
}

/** `ErrorResourceInitFailed` packed in the `grpc-status-details-bin` trailer as a google.rpc.Status. */
function decodeInitFailure(
  metadata: grpc.Metadata | undefined,
): { id: string; properties: Props; reasons: string[] } | undefined {
  for (const raw of metadata?.get("grpc-status-details-bin") ?? []) {
    const bytes = typeof raw === "string" ? Buffer.from(raw, "base64") : raw;
    for (const detail of Status.deserializeBinary(bytes).getDetailsList()) {
      if (detail.getTypeUrl() !== INIT_FAILED_TYPE_URL) continue;
      const failure = detail.unpack(
        provproto.ErrorResourceInitFailed.deserializeBinary,
        "pulumirpc.ErrorResourceInitFailed",
      );
      if (failure) {
        return {
          id: failure.getId(),
          properties: fromStruct(failure.getProperties()),
          reasons: failure.getReasonsList(),
        };
      }
    }
  }
  return undefined;
}

function urnParts(urn: string): string[] {
  const parts = urn.split("::");
  if (!urn.startsWith("urn:pulumi:") || parts.length < 4) throw new Error(`not a URN: ${urn}`);
  return parts;
}

function urnName(urn: string): string {
  return urnParts(urn).slice(3).join("::");
}

function urnType(urn: string): string {
  // The type part may be a parent chain "parentType$type"; the engine sends the resource's own type.
  return urnParts(urn)[2].split("$").pop()!;
}

function toStruct(props: Props, opts: { keepSecrets: boolean }): Struct {
  const value = toWire(opts.keepSecrets ? props : unwrapSecrets(props));
  return Struct.fromJavaScript(value as Record<string, JavaScriptValue>);
}

/** The engine never sends `undefined` (the SDK drops such keys), and Struct.fromJavaScript would throw on it. */
function toWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toWire(v)));
  if (isPlainObject(value)) {
    const out: Props = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value;
}

const KIND_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(provproto.PropertyDiff.Kind).map(([name, value]) => [value, name]),
);

function detailedDiffOf(resp: provproto.DiffResponse): Record<string, string> {
  const out: Record<string, string> = {};
  resp.getDetaileddiffMap().forEach((diff, path) => {
    out[path] = KIND_NAMES[diff.getKind()] ?? String(diff.getKind());
  });
  return out;
}

function fromStruct(struct: Struct | undefined): Props {
  return struct ? (struct.toJavaScript() as Props) : {};
}

function isPlainObject(value: unknown): value is Props {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
