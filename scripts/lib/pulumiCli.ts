/**
 * Running the real Pulumi CLI against the example project with a throwaway local backend: used by the demo (when
 * `pulumi` is on PATH) and by the real-CLI suite (test/cli). Nothing here downloads anything: the CLI bundles the
 * Node.js language host and the dynamic provider plugin it needs.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as t from "io-ts";
import { removeProgramDir } from "../../harness/programDir";
import { createStackProject } from "./stackProject";

/** The absolute path of `pulumi` on PATH, if there is one. */
export function findPulumi(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === "win32" ? ["pulumi.exe", "pulumi.cmd"] : ["pulumi"];
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly result: CliRun,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export interface CliStackOptions {
  /** The emulator's (or DigiCert's) base URL, set as `digicert:baseUrl`. */
  readonly baseUrl: string;
  /** Set with `pulumi config set --secret digicert:apiKey`. */
  readonly apiKey: string;
  readonly stack?: string;
  /** Each line the CLI prints, as it arrives (the demo shows them; tests keep them quiet). */
  readonly onLine?: (line: string) => void;
  /** Per command; the CLI starts a language host and a provider host each time. */
  readonly timeoutMs?: number;
}

/**
 * A stack of the example project in a program folder, on a local backend in a temp folder (passphrase "test"),
 * created and configured: `run` runs any `pulumi` command on it; `dispose` removes both folders.
 */
export class CliStack {
  private constructor(
    readonly pulumi: string,
    readonly dir: string,
    readonly backendDir: string,
    readonly stack: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly options: CliStackOptions,
  ) {}

  static async create(pulumi: string, options: CliStackOptions): Promise<CliStack> {
    const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-backend-"));
    let dir: string | undefined;
    try {
      dir = createStackProject();
      const stack = new CliStack(
        pulumi,
        dir,
        backendDir,
        options.stack ?? "dev",
        cliEnvironment(backendDir),
        options,
      );
      await stack.run(["stack", "init", stack.stack, "--secrets-provider", "passphrase"], {
        stackFlag: false,
      });
      // Secret: encrypted in the program folder's Pulumi.<stack>.yaml, never in plain text.
      await stack.run(["config", "set", "--secret", "digicert:apiKey", options.apiKey]);
      await stack.run(["config", "set", "digicert:baseUrl", options.baseUrl]);
      return stack;
    } catch (error) {
      if (dir) removeProgramDir(dir);
      fs.rmSync(backendDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Runs `pulumi <args> --non-interactive --color never [--stack <stack>]` in the program folder; `quiet` keeps
   * its lines from `onLine` (for commands whose output is read, not shown).
   */
  run(args: readonly string[], opts: { stackFlag?: boolean; quiet?: boolean } = {}): Promise<CliRun> {
    const full = [...args, "--non-interactive", "--color", "never"];
    if (opts.stackFlag !== false) full.push("--stack", this.stack);
    return runCommand(this.pulumi, full, {
      cwd: this.dir,
      env: this.env,
      timeoutMs: this.options.timeoutMs ?? 120_000,
      onLine: opts.quiet ? undefined : this.options.onLine,
      secret: this.options.apiKey,
    });
  }

  /** `pulumi stack output --json`, decoded. */
  async outputs(): Promise<StackOutputs> {
    const { stdout } = await this.run(["stack", "output", "--json"], { quiet: true });
    return decodeJson(stackOutputs, stdout, "pulumi stack output --json");
  }

  /** `pulumi stack export`: the stack's state, decoded (secret outputs stay encrypted). */
  async exportState(): Promise<StateExport> {
    const { stdout } = await this.run(["stack", "export"], { quiet: true });
    return decodeJson(stateExport, stdout, "pulumi stack export");
  }

  dispose(): void {
    removeProgramDir(this.dir);
    fs.rmSync(this.backendDir, { recursive: true, force: true });
  }
}

/**
 * The CLI's environment: the caller's, less the PULUMI_* and DIGICERT_* variables (a login, a backend, a stack or a
 * key of the person running this must not leak in; PULUMI_HOME stays, it says where the CLI's plugins are), plus the
 * throwaway backend and its passphrase.
 */
export function cliEnvironment(backendDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const dropped = (key.startsWith("PULUMI_") && key !== "PULUMI_HOME") || key.startsWith("DIGICERT_");
    if (!dropped) env[key] = value;
  }
  return {
    ...env,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "test",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
}

function runCommand(
  command: string,
  args: readonly string[],
  opts: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    timeoutMs: number;
    onLine?: (line: string) => void;
    secret: string;
  },
): Promise<CliRun> {
  // The key appears on the command line of `config set --secret`; keep it out of every message.
  const shown = `pulumi ${args.map((a) => (a === opts.secret ? "<secret>" : a)).join(" ")}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let pending = "";
    const emit = (chunk: string, flush = false) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = flush ? "" : (lines.pop() ?? "");
      for (const line of lines) opts.onLine?.(line.replace(/\r$/, ""));
    };
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      emit(d.toString());
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      emit(d.toString());
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${shown}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (pending) emit("", true);
      const result = { stdout, stderr };
      if (code === 0) resolve(result);
      else {
        const why = signal
          ? `was killed (${signal}${signal === "SIGKILL" ? `, over ${opts.timeoutMs} ms` : ""})`
          : `exited ${code}`;
        reject(new CliError(`${shown} ${why}\n${stdout}\n${stderr}`.trimEnd(), result));
      }
    });
  });
}

// Outputs not known yet (no certificate before issuance) may be left out or shown as null.
export const stackOutputs = t.intersection([
  t.type({ orderId: t.number, status: t.string }),
  t.partial({
    certificateId: t.union([t.number, t.null]),
    serialNumber: t.union([t.string, t.null]),
    validTill: t.union([t.string, t.null]),
  }),
]);
export type StackOutputs = t.TypeOf<typeof stackOutputs>;

const stateResource = t.intersection([
  t.type({ urn: t.string, type: t.string }),
  t.partial({ id: t.string, inputs: t.record(t.string, t.unknown), outputs: t.record(t.string, t.unknown) }),
]);
export const stateExport = t.type({
  deployment: t.partial({ resources: t.union([t.array(stateResource), t.null]) }),
});
export type StateExport = t.TypeOf<typeof stateExport>;

function decodeJson<A>(codec: t.Type<A, unknown, unknown>, text: string, what: string): A {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${what} printed no JSON:\n${text}`);
  }
  const decoded = codec.decode(parsed);
  if (decoded._tag === "Left") throw new Error(`${what} printed unexpected JSON:\n${text}`);
  return decoded.right;
}
