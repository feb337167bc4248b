/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` in a child process and returns what it registered. A child,
 * because the runtime's state (mocks, config, the resource monitor) is process-global and mocha's process must stay
 * clean; the registrations come back through a temp file, so the program's own console output cannot corrupt them.
 */
import { spawn } from "child_process";
import * as t from "io-ts";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./programDir";

const registrationCodec = t.intersection([
  t.type({
    type: t.string,
    name: t.string,
    /** As the mock monitor received them: `__provider` is a string, or the secret wire object if it became secret. */
    inputs: t.record(t.string, t.unknown),
  }),
  /** The rest of the mock's view of the registration: custom, provider, id (import ID). */
  t.partial({ options: t.unknown }),
]);
export type Registration = t.TypeOf<typeof registrationCodec>;

export interface CaptureOptions {
  /** Absolute path of a compiled JS module that registers resources when required (or via its exported function). */
  programModule: string;
  project: string;
  stack: string;
  preview?: boolean;
  /** Namespaced keys ("digicert:apiKey"), passed as PULUMI_CONFIG the way the language host does. */
  config?: Record<string, string>;
  /** Keys of `config` that are secret (PULUMI_CONFIG_SECRET_KEYS). */
  configSecretKeys?: string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** What the child is told; keep in step with captureProgramChild.ts. */
export const childRequestCodec = t.type({
  programModule: t.string,
  project: t.string,
  stack: t.string,
  preview: t.boolean,
  resultFile: t.string,
});
export type ChildRequest = t.TypeOf<typeof childRequestCodec>;

const childResultCodec = t.union([
  t.type({ ok: t.literal(true), registrations: t.array(registrationCodec) }),
  t.type({ ok: t.literal(false), error: t.string }),
]);
export type ChildResult = t.TypeOf<typeof childResultCodec>;

/** Decodes JSON another process wrote; never trusted by a cast. */
export function decodeJson<A>(codec: t.Decoder<unknown, A>, text: string, what: string): A {
  const decoded = codec.decode(JSON.parse(text));
  if (decoded._tag === "Left") throw new Error(`${what} is not in the expected shape`);
  return decoded.right;
}

export async function captureRegistrations(opts: CaptureOptions): Promise<Registration[]> {
  if (!path.isAbsolute(opts.programModule))
    throw new Error(`programModule must be absolute: ${opts.programModule}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "capture-"));
  const request: ChildRequest = {
    programModule: opts.programModule,
    project: opts.project,
    stack: opts.stack,
    preview: opts.preview ?? false,
    resultFile: path.join(tmp, "result.json"),
  };
  const env: NodeJS.ProcessEnv = {};
  // Only the config given here, never a PULUMI_* variable that happens to be set in the test's environment.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("PULUMI_")) env[k] = v;
  Object.assign(env, opts.env, {
    PULUMI_CONFIG: JSON.stringify(opts.config ?? {}),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(opts.configSecretKeys ?? []),
    CAPTURE_PROGRAM_REQUEST: JSON.stringify(request),
  });
  try {
    const { code, signal, output } = await runChild(path.join(__dirname, "captureProgramChild.js"), {
      cwd: opts.cwd ?? REPO_ROOT,
      env,
      timeoutMs: opts.timeoutMs ?? 60_000,
    });
    if (!fs.existsSync(request.resultFile)) {
      throw new Error(`capture child wrote no result (exit ${code ?? signal}); output:\n${output}`);
    }
    const result = decodeJson(
      childResultCodec,
      fs.readFileSync(request.resultFile, "utf8"),
      "the capture result",
    );
    if (!result.ok) throw new Error(`program failed under mocks: ${result.error}\noutput:\n${output}`);
    return result.registrations;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function runChild(
  script: string,
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // "close", not "exit": the output pipes are drained by then.
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}
