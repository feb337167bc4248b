/**
 * Running the real Pulumi CLI against the example project with a throwaway local backend and PULUMI_HOME: used by the
 * demo, the benchmarks and the real-CLI suite (test/cli). Nothing here downloads anything: `npm run setup:pulumi`
 * builds `pulumi` and the Node.js language host into .pulumi-cli/bin, beside the dynamic-provider launcher.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as t from "io-ts";
import { REPO_ROOT, removeProgramDir } from "../../harness/programDir";
import { createStackProject } from "./stackProject";

/** Where `npm run setup:pulumi` puts the CLI, its Node.js language host and the dynamic-provider launcher. */
export const PROJECT_CLI_DIR = path.join(REPO_ROOT, ".pulumi-cli", "bin");

/**
 * The absolute path of `pulumi`: on PATH, else in the project's CLI folder (where the language host and the
 * dynamic-provider launcher sit beside it; the CLI looks for those next to itself).
 */
export function findPulumi(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === "win32" ? ["pulumi.exe", "pulumi.cmd"] : ["pulumi"];
  for (const dir of [...(env.PATH ?? "").split(path.delimiter), PROJECT_CLI_DIR]) {
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
  /**
   * Makes the program folder (a folder under harness/programDir's PROGRAMS_ROOT, removed by `dispose`): by default
   * the example project (root Pulumi.yaml, its stacks and the compiled examples/stacks program).
   */
  readonly programDir?: () => string;
  /** Added to every command's environment (for example a PATH that puts a wrapper plugin first). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunOptions {
  /** Add `--stack <stack>` (default true). */
  readonly stackFlag?: boolean;
  /** Keep the command's lines from `onLine` (for commands whose output is read, not shown). */
  readonly quiet?: boolean;
}

/** A command started with `CliStack.start`: `kill` sends SIGKILL to its whole process group. */
export interface RunningCommand {
  readonly pid: number;
  readonly done: Promise<CliRun>;
  kill(): void;
}

/**
 * A stack of a project in a program folder, on a local backend and a PULUMI_HOME of its own in a temp folder
 * (passphrase "test"), created and configured: `run` runs any `pulumi` command on it; `dispose` removes the folders.
 */
export class CliStack {
  private constructor(
    readonly pulumi: string,
    readonly dir: string,
    /** Holds the backend (`state/`) and PULUMI_HOME (`home/`). */
    readonly tempDir: string,
    readonly stack: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly options: CliStackOptions,
  ) {}

  static async create(pulumi: string, options: CliStackOptions): Promise<CliStack> {
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-"));
    let dir: string | undefined;
    try {
      dir = (options.programDir ?? createStackProject)();
      const stack = new CliStack(
        pulumi,
        dir,
        tempDir,
        options.stack ?? "dev",
        { ...cliEnvironment(tempDir), ...options.env },
        options,
      );
      await stack.run(["stack", "init", stack.stack, "--secrets-provider", "passphrase"], {
        stackFlag: false,
      });
      // Secret: encrypted in the program folder's Pulumi.<stack>.yaml, never in plain text.
      await stack.setConfig("digicert:apiKey", options.apiKey, { secret: true });
      await stack.setConfig("digicert:baseUrl", options.baseUrl);
      return stack;
    } catch (error) {
      if (dir) removeProgramDir(dir);
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs `pulumi <args> --non-interactive --color never [--stack <stack>]` in the program folder. */
  run(args: readonly string[], opts: RunOptions = {}): Promise<CliRun> {
    return this.start(args, opts).done;
  }

  /** As `run`, but hands back the running command, to kill it part-way. */
  start(args: readonly string[], opts: RunOptions = {}): RunningCommand {
    // Our flags go before a `--` in args (after it, everything is a positional argument).
    const end = args.indexOf("--");
    const [own, positional] = end < 0 ? [args, []] : [args.slice(0, end), args.slice(end)];
    const full = [...own, "--non-interactive", "--color", "never"];
    if (opts.stackFlag !== false) full.push("--stack", this.stack);
    full.push(...positional);
    return startCommand(this.pulumi, full, {
      cwd: this.dir,
      env: this.env,
      timeoutMs: this.options.timeoutMs ?? 120_000,
      onLine: opts.quiet ? undefined : this.options.onLine,
      secret: this.options.apiKey,
    });
  }

  /** `pulumi config set [--secret] [--path] <key> <value>`. */
  async setConfig(
    key: string,
    value: string,
    opts: { secret?: boolean; path?: boolean } = {},
  ): Promise<void> {
    const flags = [...(opts.secret ? ["--secret"] : []), ...(opts.path ? ["--path"] : [])];
    // `--` ends the flags: a value starting with "-" is a value.
    await this.run(["config", "set", ...flags, "--", key, value], { quiet: true });
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
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}

/**
 * The CLI's environment: the caller's, less the PULUMI_* and DIGICERT_* variables (a login, a backend, a stack, a
 * PULUMI_HOME or a key of the person running this must not leak in), plus a throwaway backend and PULUMI_HOME under
 * `tempDir`, the passphrase, no update check and no plugin downloads: nothing reaches a network.
 */
export function cliEnvironment(tempDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const dropped = key.startsWith("PULUMI_") || key.startsWith("DIGICERT_");
    if (!dropped) env[key] = value;
  }
  const state = path.join(tempDir, "state");
  const home = path.join(tempDir, "home");
  fs.mkdirSync(state, { recursive: true });
  fs.mkdirSync(home, { recursive: true });
  return {
    ...env,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: "test",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
}

function startCommand(
  command: string,
  args: readonly string[],
  opts: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    timeoutMs: number;
    onLine?: (line: string) => void;
    secret: string;
  },
): RunningCommand {
  // The key appears on the command line of `config set --secret`; keep it out of every message.
  const shown = `pulumi ${args.map((a) => (a === opts.secret ? "<secret>" : a)).join(" ")}`;
  // Its own process group, so that a kill reaches the language host and the provider host too, as a crash would.
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const kill = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const done = new Promise<CliRun>((resolve, reject) => {
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
    const timer = setTimeout(kill, opts.timeoutMs);
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
        const why = signal ? `was killed (${signal})` : `exited ${code}`;
        const redacted = (text: string) => text.split(opts.secret).join("<secret>");
        reject(new CliError(redacted(`${shown} ${why}\n${stdout}\n${stderr}`.trimEnd()), result));
      }
    });
  });
  return { pid: child.pid ?? -1, done, kill };
}

// Outputs not known yet (no certificate before issuance) are null: the root program exports null, not undefined.
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
